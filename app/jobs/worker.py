"""Workers: claim a job, keep its lease alive, run the pipeline, finish under the lease.

A `WorkerPool` runs `concurrency` slots in one event loop: in-process inside `precis serve`, or
on its own with `precis worker`. Database steps run in threads (`app.jobs.steps`), so a slot
waiting on SQLite's write lock never blocks the API sharing the loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import secrets
import socket

from sqlalchemy import Engine

from app.engine.brief import Brief
from app.engine.errors import PrecisError
from app.engine.pipeline import Extractor, run_pipeline
from app.jobs import steps
from app.jobs.extractors import ExtractorChooser, ExtractorUnavailableError, Wrap
from app.jobs.models import JobStatus
from app.jobs.notify import notify_report_ended, start_webhook_sweeper
from app.jobs.queue import ClaimedJob, ExhaustedJob
from app.settings import Settings

logger = logging.getLogger(__name__)
SHUTDOWN_GRACE_SECONDS = 5.0
HOUSEKEEPING_SECONDS = 600.0


class WorkerPool:
    """`concurrency` worker slots sharing one extractor chooser and one wake-up event."""

    def __init__(
        self,
        *,
        engine: Engine,
        settings: Settings,
        extractor: Extractor | None = None,
        concurrency: int | None = None,
        wrap: Wrap | None = None,
        shutdown_grace: float = SHUTDOWN_GRACE_SECONDS,
    ) -> None:
        self.engine = engine
        self.settings = settings
        self.concurrency = concurrency or settings.worker_concurrency
        self.owner = f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"
        self.shutdown_grace = shutdown_grace
        self._chooser = ExtractorChooser(settings, extractor, engine=engine, wrap=wrap)
        self._wakeup = asyncio.Event()
        self._stopping = False
        self._stopped = asyncio.Event()
        self._job_ended = asyncio.Event()
        self._slots: list[asyncio.Task[None]] = []
        self._sweeper: asyncio.Task[None] | None = None
        self._next_housekeeping = 0.0

    def start(self) -> None:
        """Start the slots in the running event loop."""
        self._slots = [
            asyncio.create_task(self._slot(), name=f"precis-worker-{n}")
            for n in range(self.concurrency)
        ]
        self._sweeper = start_webhook_sweeper(self.engine, self.settings, stop=self._stopped)
        logger.info("worker %s started with %d slots", self.owner, self.concurrency)

    def wake(self) -> None:
        """Look for work now (a job was just queued) instead of at the next poll."""
        self._wakeup.set()

    async def wait_for_job_end(self, seconds: float) -> None:
        """Sleep until any job of this pool ends, or `seconds` pass (for `Prefer: wait`)."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._job_ended.wait(), timeout=seconds)

    def _signal_job_end(self) -> None:
        ended, self._job_ended = self._job_ended, asyncio.Event()
        ended.set()

    async def wait(self) -> None:
        """Wait until every slot has ended."""
        await asyncio.gather(*self._slots, return_exceptions=True)

    async def stop(self) -> None:
        """Stop claiming; let running jobs finish within the grace period, then release them."""
        self._stopping = True
        self._stopped.set()
        self._wakeup.set()
        tasks = [*self._slots, *([self._sweeper] if self._sweeper else [])]
        if not tasks:
            return
        _, pending = await asyncio.wait(tasks, timeout=self.shutdown_grace)
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
        logger.info("worker %s stopped", self.owner)

    async def _slot(self) -> None:
        while not self._stopping:
            self._wakeup.clear()
            try:
                claimed = await asyncio.to_thread(
                    steps.claim, self.engine, owner=self.owner, settings=self.settings
                )
            except Exception:
                logger.exception("claiming a job failed; trying again after the poll interval")
                claimed = None
            if isinstance(claimed, ExhaustedJob):
                self._signal_job_end()
                await self._notify(claimed.report_id, JobStatus.failed)
            elif isinstance(claimed, ClaimedJob):
                try:
                    await self._run(claimed)
                finally:
                    self._signal_job_end()
            else:
                await self._housekeep()
                await self._idle()

    async def _housekeep(self) -> None:
        # Idle slots only, at most every ten minutes per pool: expired idempotency keys go.
        now = asyncio.get_running_loop().time()
        if now < self._next_housekeeping:
            return
        self._next_housekeeping = now + HOUSEKEEPING_SECONDS
        try:
            await asyncio.to_thread(
                steps.purge_idempotency_keys, self.engine, settings=self.settings
            )
        except Exception:
            logger.exception("purging expired idempotency keys failed")

    async def _idle(self) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._wakeup.wait(), timeout=self.settings.worker_poll_seconds)

    async def _run(self, job: ClaimedJob) -> None:
        lost = asyncio.Event()
        keeper = asyncio.create_task(self._keep_lease(job, lost))
        work = asyncio.create_task(self._extract(job))
        lost_wait = asyncio.create_task(lost.wait())
        try:
            await asyncio.wait({work, lost_wait}, return_when=asyncio.FIRST_COMPLETED)
        except asyncio.CancelledError:
            work.cancel()
            self._release(job)
            raise
        finally:
            keeper.cancel()
            lost_wait.cancel()
        if not work.done():
            work.cancel()
            logger.warning("job %s: lease lost to another worker; dropping this attempt", job.id)
            return
        await self._finish(job, work)

    async def _keep_lease(self, job: ClaimedJob, lost: asyncio.Event) -> None:
        interval = self.settings.lease_seconds / 3
        while True:
            await asyncio.sleep(interval)
            try:
                held = await asyncio.to_thread(
                    steps.renew, self.engine, job=job, settings=self.settings
                )
            except Exception:
                logger.exception("job %s: renewing the lease failed; retrying", job.id)
                continue
            if not held:
                lost.set()
                return

    async def _extract(self, job: ClaimedJob) -> Brief | None:
        document = await asyncio.to_thread(
            steps.load_document, self.engine, report_id=job.report_id
        )
        if document is None:
            return None  # the report was deleted meanwhile; its job went with it
        return await run_pipeline(document, self._chooser.choose(job.params))

    async def _finish(self, job: ClaimedJob, work: asyncio.Task[Brief | None]) -> None:
        error = work.exception()
        brief = None if error else work.result()
        if error is None and brief is None:
            return
        if brief is not None:
            try:
                stored = await asyncio.to_thread(
                    steps.store_result, self.engine, job=job, brief=brief
                )
            except Exception as exc:
                logger.exception("job %s: storing the brief failed", job.id)
                error = exc
            else:
                if stored:
                    self._signal_job_end()
                    await self._notify(job.report_id, JobStatus.done)
                else:
                    logger.warning("job %s: lease lost before completion; not stored", job.id)
                return
        assert error is not None
        await self._record_failure(job, error)

    async def _record_failure(self, job: ClaimedJob, error: BaseException) -> None:
        message, retry = describe_failure(error)
        logger.warning("job %s attempt %d failed: %s", job.id, job.attempt, message, exc_info=error)
        status = await asyncio.to_thread(
            steps.record_failure,
            self.engine,
            job=job,
            error=message,
            retry=retry,
            settings=self.settings,
        )
        self._signal_job_end()
        if status == JobStatus.failed:
            await self._notify(job.report_id, JobStatus.failed)

    def _release(self, job: ClaimedJob) -> None:
        try:
            steps.release(self.engine, job=job)
        except Exception:
            logger.exception(
                "job %s: releasing it failed; it is retried when its lease ends", job.id
            )

    async def _notify(self, report_id: str, status: JobStatus) -> None:
        event = "report.failed" if status == JobStatus.failed else "report.done"
        await notify_report_ended(
            self.engine, report_id=report_id, event=event, settings=self.settings
        )


def describe_failure(error: BaseException) -> tuple[str, bool]:
    """The reason an attempt failed, in plain words, and whether another attempt may succeed."""
    if isinstance(error, ExtractorUnavailableError):
        return error.detail, False
    if isinstance(error, PrecisError):
        return error.detail, True
    if isinstance(error, TimeoutError):
        return "The extractor timed out.", True
    name = type(error).__name__
    return f"The extractor failed unexpectedly ({name}); the worker log has the details.", True


async def run_workers(pool: WorkerPool, stop: asyncio.Event) -> None:
    """Run a pool until `stop` is set, then shut it down gracefully."""
    pool.start()
    await stop.wait()
    await pool.stop()

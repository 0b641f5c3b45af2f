"""How a POST that queues work answers: idempotent replay, `Prefer: wait`, then 202/201/200."""

from __future__ import annotations

import asyncio
import importlib
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from app.core import idempotency
from app.core.db import write_session
from app.core.errors import InvalidRequestError
from app.core.idempotency import StoredResponse
from app.engine.errors import PrecisError
from app.jobs import queue
from app.jobs.models import JobStatus
from app.reports import service
from app.reports.service import Submission
from app.settings import Settings

logger = logging.getLogger(__name__)
PREFER_WAIT_MAX = 60
_FINISHED_JOB = {JobStatus.done.value, JobStatus.partial.value, JobStatus.failed.value}
_READY = {JobStatus.done.value, JobStatus.partial.value}


def parse_prefer_wait(header: str | None) -> int | None:
    """The `wait=N` preference of a Prefer header (RFC 7240), capped at 60; None if absent."""
    for preference in (header or "").split(","):
        name, _, value = preference.split(";")[0].partition("=")
        if name.strip().lower() == "wait":
            value = value.strip().strip('"')
            return min(int(value), PREFER_WAIT_MAX) if value.isdigit() else None
    return None


async def check_callback_url(url: str | None, *, settings: Settings) -> None:
    """Refuse a callback URL the webhooks module would not call (SSRF guard), as a 422."""
    if url is None:
        return
    try:
        ssrf: Any = importlib.import_module("app.webhooks.ssrf")
    except ModuleNotFoundError:
        logger.warning("app.webhooks.ssrf is missing: callback_url is not checked")
        return
    try:
        await asyncio.to_thread(
            ssrf.check_outbound_url, url, allow_private=settings.webhook_allow_private
        )
    except PrecisError as exc:
        raise InvalidRequestError(f"callback_url is refused: {exc.detail}", original=exc) from exc


async def answer_submission(
    request: Request,
    session: Session,
    *,
    submit: Callable[[Session], Submission],
    fingerprint: str,
    idempotency_key: str | None,
    prefer: str | None,
) -> JSONResponse:
    """Run `submit` once per idempotency key, commit, wake the workers, wait if asked."""
    settings: Settings = request.app.state.settings
    key = idempotency.check_key(idempotency_key) if idempotency_key is not None else None
    ttl = settings.idempotency_ttl_seconds
    if key is not None:
        stored = idempotency.find_response(
            session, key=key, fingerprint=fingerprint, ttl_seconds=ttl
        )
        if stored is not None:
            return _render(stored)
    submission = submit(session)
    response = _first_response(submission)
    if key is not None:
        try:
            idempotency.save_response(session, key=key, fingerprint=fingerprint, response=response)
        except IntegrityError:  # the same key, first used concurrently: answer as it was answered
            session.rollback()
            stored = idempotency.find_response(
                session, key=key, fingerprint=fingerprint, ttl_seconds=ttl
            )
            if stored is None:
                raise
            return _render(stored)
    session.commit()  # durable before acknowledged, and visible to the workers
    wait = parse_prefer_wait(prefer)
    if submission.job_id is None:
        return _render(response)
    wake_workers(request.app)
    if wait is not None:
        response = await _wait_for_result(request.app, submission, response, wait)
        if key is not None:
            _update_stored(request.app.state.engine, key, fingerprint, response)
    return _render(response)


def wake_workers(app: FastAPI) -> None:
    """Nudge the in-process worker (if any) to claim the new job now."""
    pool = getattr(app.state, "worker_pool", None)
    if pool is not None:
        pool.wake()


def _first_response(submission: Submission) -> StoredResponse:
    report = submission.report
    headers = {"Location": f"/v1/reports/{report.id}"}
    status = 202 if submission.created else 200
    return StoredResponse(status, report.model_dump(mode="json"), headers)


async def _wait_for_result(
    app: FastAPI, submission: Submission, accepted: StoredResponse, seconds: int
) -> StoredResponse:
    assert submission.job_id is not None
    engine: Engine = app.state.engine
    pool = getattr(app.state, "worker_pool", None)
    pause = pool.wait_for_job_end if pool is not None else asyncio.sleep
    status = await wait_for_job(engine, submission.job_id, seconds=seconds, pause=pause)
    headers = {**accepted.headers, "Preference-Applied": f"wait={seconds}"}
    with Session(engine) as session:
        report = service.get_report(session, report_id=submission.report.id)
    code = 201 if status in _READY else 202
    return StoredResponse(code, report.model_dump(mode="json"), headers)


async def wait_for_job(
    engine: Engine,
    job_id: str,
    *,
    seconds: float,
    pause: Callable[[float], Awaitable[None]] = asyncio.sleep,
) -> str | None:
    """Poll a job until it ends or `seconds` pass; its last seen status (None if deleted).

    The database is the truth (an external worker may run the job); `pause` may return early,
    as the in-process pool's does when one of its jobs ends.
    """
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    interval = 0.01
    while True:
        with Session(engine) as session:
            job = queue.get_job(session, job_id)
            status = job.status if job else None
        remaining = deadline - loop.time()
        if status is None or status in _FINISHED_JOB or remaining <= 0:
            return status
        await pause(min(interval, remaining))
        interval = min(interval * 2, 0.25)


def _update_stored(engine: Engine, key: str, fingerprint: str, response: StoredResponse) -> None:
    with write_session(engine) as session:
        idempotency.save_response(session, key=key, fingerprint=fingerprint, response=response)


def _render(response: StoredResponse) -> JSONResponse:
    return JSONResponse(response.body, status_code=response.status_code, headers=response.headers)

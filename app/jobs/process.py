"""`precis worker`: worker slots in their own process, stopped cleanly by SIGTERM or SIGINT."""

from __future__ import annotations

import asyncio
import logging
import signal

from app.core.db import create_db_engine
from app.core.extractors import get_extractor
from app.core.schema import init_db
from app.jobs.extractors import delayed
from app.jobs.worker import WorkerPool, run_workers
from app.settings import Settings

logger = logging.getLogger(__name__)


async def run_worker_process(
    settings: Settings, *, concurrency: int | None = None, extract_delay: float = 0.0
) -> None:
    """Claim and run jobs until SIGTERM/SIGINT; running jobs finish or are handed back."""
    engine = create_db_engine(settings.database_url)
    try:
        await asyncio.to_thread(init_db, engine)
        extractor = get_extractor(settings, engine=engine)
        warm = getattr(extractor, "warm", None)
        if callable(warm):
            await asyncio.to_thread(warm)
        pool = WorkerPool(
            engine=engine,
            settings=settings,
            extractor=extractor,
            concurrency=concurrency,
            wrap=delayed(extract_delay),
        )
        await run_workers(pool, _stop_on_signals())
    finally:
        engine.dispose()


def _stop_on_signals() -> asyncio.Event:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, _request_stop, stop, signum)
    return stop


def _request_stop(stop: asyncio.Event, signum: int) -> None:
    logger.info("%s received: finishing running jobs", signal.Signals(signum).name)
    stop.set()

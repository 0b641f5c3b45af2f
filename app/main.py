"""The application factory."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi_offline import FastAPIOffline
from sqlalchemy import Engine

from app.actors.router import router as actors_router
from app.core.db import create_db_engine
from app.core.errors import ServiceUnavailableError, install_error_handlers
from app.core.extractors import get_extractor
from app.core.health import router as health_router
from app.core.limits import BodyLimitMiddleware
from app.core.schema import init_db
from app.engine.pipeline import Extractor
from app.jobs.worker import WorkerPool
from app.reports.router import router as reports_router
from app.settings import Settings, get_settings
from app.web.openapi import default_seed_dir, install_openapi_examples, seed_examples
from app.webhooks.router import router as webhooks_router

logger = logging.getLogger(__name__)
DESCRIPTION = (
    "Turns threat-intel articles and meeting notes into grounded briefs: summary, actors, "
    "links, action items and indicators, each with evidence offsets into the stored text."
)


def create_app(
    settings: Settings | None = None,
    *,
    extractor: Extractor | None = None,
    seed_dir: Path | None = None,
) -> FastAPI:
    """Build the app; at start it migrates SQLite (or checks PostgreSQL) and starts a worker."""
    settings = settings or get_settings()
    engine = create_db_engine(settings.database_url)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await asyncio.to_thread(init_db, engine)
        if app.state.extractor is None:
            app.state.extractor = _load_extractor(settings, engine)
            await _warm(app.state.extractor)
        pool = None
        if settings.embedded_worker:
            pool = WorkerPool(engine=engine, settings=settings, extractor=app.state.extractor)
            pool.start()
        app.state.worker_pool = pool
        try:
            yield
        finally:
            if pool is not None:
                await pool.stop()
            engine.dispose()

    app: FastAPI = FastAPIOffline(
        title="Precis", version="0.1.0", description=DESCRIPTION, lifespan=lifespan
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.extractor = extractor
    app.state.worker_pool = None
    install_error_handlers(app)
    app.add_middleware(BodyLimitMiddleware, max_bytes=settings.max_body_bytes)
    for router in (health_router, reports_router, actors_router):
        app.include_router(router)
    app.include_router(webhooks_router)
    install_openapi_examples(app, seed_examples(seed_dir or default_seed_dir()))
    return app


async def _warm(extractor: Extractor | None) -> None:
    """Let an extractor load its data before the first request (off the event loop)."""
    warm = getattr(extractor, "warm", None)
    if callable(warm):
        await asyncio.to_thread(warm)


def _load_extractor(settings: Settings, engine: Engine) -> Extractor | None:
    """Build the configured extractor at startup, so the first request does not pay for it."""
    try:
        return get_extractor(settings, engine=engine)
    except (ImportError, ServiceUnavailableError) as exc:
        logger.warning("no extractor is available (%s); POST /v1/reports answers 503", exc)
        return None

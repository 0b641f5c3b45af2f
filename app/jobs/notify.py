"""The worker's links to the webhooks module (optional): job-ended events and retry sweeps.

A failed notification never fails the job. The module is imported lazily, so the queue works
without it.
"""

from __future__ import annotations

import asyncio
import importlib
import logging
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session

from app.settings import Settings

logger = logging.getLogger(__name__)
WEBHOOKS_MODULE = "app.webhooks.service"
DISPATCH_MODULE = "app.webhooks.dispatch"
SWEEP_INTERVAL_SECONDS = 1.0


def _optional_module(name: str) -> Any:
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name != name:
            logger.exception("%s cannot be imported", name)
        return None


def start_webhook_sweeper(
    engine: Engine, settings: Settings, *, stop: asyncio.Event
) -> asyncio.Task[None] | None:
    """Run the webhook retry sweep (`dispatch.run_delivery_loop`) until `stop`, if it exists."""
    dispatch = _optional_module(DISPATCH_MODULE)
    if dispatch is None:
        return None
    loop = dispatch.run_delivery_loop(
        lambda: Session(engine, expire_on_commit=False),
        settings,
        stop=stop,
        interval=SWEEP_INTERVAL_SECONDS,
    )
    return asyncio.create_task(loop, name="precis-webhook-sweeper")


async def notify_report_ended(
    engine: Engine, *, report_id: str, event: str, settings: Settings
) -> None:
    """Call `app.webhooks.service.notify_report` if that module exists; log its errors."""
    module = _optional_module(WEBHOOKS_MODULE)
    if module is None:
        return
    try:
        await module.notify_report(
            lambda: Session(engine, expire_on_commit=False),
            report_id=report_id,
            event=event,
            settings=settings,
        )
    except Exception:
        logger.exception("notifying %s for report %s failed", event, report_id)

"""The delivery sweeper: claim due attempts with a lease, send them, log them, schedule retries.

Every attempt is a `webhook_delivery` row. A pending row (its `next_attempt_at` set) is claimed
by moving `next_attempt_at` forward by a lease in one conditional UPDATE, so several workers
(or the sweeper and a just-notified report) never send the same attempt twice; if a process dies
mid-attempt, the lease runs out and the attempt is made again (at-least-once: receivers dedupe
on `Precis-Delivery`).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections.abc import Callable, Collection, Coroutine
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import httpx
from sqlmodel import Session

from app.reports.models import utcnow
from app.settings import Settings
from app.webhooks import repository
from app.webhooks.delivery import AttemptOutcome, backoff, post_event
from app.webhooks.models import WebhookDelivery
from app.webhooks.signing import SIGNATURE_HEADER, sign_body

logger = logging.getLogger(__name__)
SessionFactory = Callable[[], Session]
BATCH_SIZE = 100
_tasks: set[asyncio.Task[Any]] = set()
_warned_unsigned = False


@dataclass(frozen=True)
class PendingAttempt:
    """A claimed attempt, detached from its session."""

    id: str
    attempt: int
    subscription_id: str | None
    url: str
    event: str
    payload: dict[str, Any]


async def deliver_due(
    session_factory: SessionFactory,
    settings: Settings,
    *,
    now: datetime | None = None,
    ids: Collection[str] | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
) -> int:
    """Send every attempt due by `now` (all of them, or those of `ids`); return how many."""
    claimed = await asyncio.to_thread(_claim, session_factory, settings, now or utcnow(), ids)
    results = await asyncio.gather(
        *(_attempt(session_factory, settings, pending, transport) for pending in claimed),
        return_exceptions=True,
    )
    for result in results:
        if isinstance(result, BaseException):
            logger.error("webhook attempt failed unexpectedly", exc_info=result)
    return len(claimed)


async def run_delivery_loop(
    session_factory: SessionFactory,
    settings: Settings,
    *,
    stop: asyncio.Event,
    interval: float = 1.0,
) -> None:
    """Call `deliver_due` every `interval` seconds until `stop` is set."""
    while not stop.is_set():
        try:
            await deliver_due(session_factory, settings)
        except Exception:  # a database hiccup must not end the loop
            logger.exception("webhook sweep failed")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=interval)


def spawn(coroutine: Coroutine[Any, Any, Any]) -> None:
    """Run a coroutine in the background, keeping a reference until it ends."""
    task = asyncio.get_running_loop().create_task(coroutine)
    _tasks.add(task)
    task.add_done_callback(_tasks.discard)


async def wait_for_deliveries() -> None:
    """Wait for the background deliveries started so far (wrap in `asyncio.timeout` to bound)."""
    loop = asyncio.get_running_loop()
    while mine := [task for task in _tasks if task.get_loop() is loop and not task.done()]:
        await asyncio.gather(*mine, return_exceptions=True)


def encode_payload(payload: dict[str, Any]) -> bytes:
    """The exact bytes sent (and signed) for a payload."""
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode()


def delivery_headers(pending: PendingAttempt, body: bytes, secret: str | None) -> dict[str, str]:
    """The headers of an attempt; signed when there is a secret."""
    headers = {
        "Content-Type": "application/json",
        "Precis-Event": pending.event,
        "Precis-Delivery": pending.id,
    }
    if secret:
        headers[SIGNATURE_HEADER] = sign_body(secret, body, timestamp=int(time.time()))
    return headers


async def _attempt(
    session_factory: SessionFactory,
    settings: Settings,
    pending: PendingAttempt,
    transport: httpx.AsyncBaseTransport | None,
) -> None:
    secret, refusal = await asyncio.to_thread(_secret_for, session_factory, settings, pending)
    if refusal:
        outcome = AttemptOutcome(delivered=False, retry=False, error=refusal)
    else:
        body = encode_payload(pending.payload)
        outcome = await post_event(
            pending.url,
            body=body,
            headers=delivery_headers(pending, body, secret),
            allow_private=settings.webhook_allow_private,
            time_limit=settings.webhook_timeout,
            transport=transport,
        )
    await asyncio.to_thread(_record, session_factory, settings, pending, outcome)


def _claim(
    session_factory: SessionFactory,
    settings: Settings,
    now: datetime,
    ids: Collection[str] | None,
) -> list[PendingAttempt]:
    # DNS, connect and response all fit in one webhook_timeout; the rest is slack.
    until = now + timedelta(seconds=2 * settings.webhook_timeout + 30)
    with session_factory() as session:
        rows = repository.due_deliveries(session, now=now, limit=BATCH_SIZE, ids=ids)
        claimed = [
            _detach(row)
            for row in rows
            if repository.lease_delivery(session, row, now=now, until=until)
        ]
        session.commit()
    return claimed


def _detach(row: WebhookDelivery) -> PendingAttempt:
    return PendingAttempt(
        id=row.id,
        attempt=row.attempt,
        subscription_id=row.subscription_id,
        url=row.url,
        event=row.event,
        payload=dict(row.payload),
    )


def _secret_for(
    session_factory: SessionFactory, settings: Settings, pending: PendingAttempt
) -> tuple[str | None, str | None]:
    """(signing secret, reason to drop the attempt) for an attempt's target."""
    if pending.subscription_id is None:
        _warn_if_unsigned(settings)
        return settings.webhook_secret or None, None
    with session_factory() as session:
        subscription = repository.get_subscription(session, pending.subscription_id)
        if subscription is None:
            return None, "the subscription was deleted"
        if not subscription.active:
            return None, "the subscription is inactive"
        return subscription.secret, None


def _record(
    session_factory: SessionFactory,
    settings: Settings,
    pending: PendingAttempt,
    outcome: AttemptOutcome,
) -> None:
    """Log the attempt's outcome and schedule the next one if it is worth trying again."""
    now = utcnow()
    with session_factory() as session:
        row = session.get(WebhookDelivery, (pending.id, pending.attempt))
        if row is None:  # the report, and its log with it, was deleted meanwhile
            return
        row.status_code = outcome.status_code
        row.error = outcome.error
        row.delivered = outcome.delivered
        row.attempted_at = now
        row.next_attempt_at = None
        if outcome.retry and pending.attempt < settings.webhook_max_attempts:
            session.add(_next_attempt(row, now + backoff(pending.attempt)))
        session.commit()
    if not outcome.delivered:
        logger.info(
            "webhook %s attempt %d to %s failed: %s",
            pending.id,
            pending.attempt,
            pending.url,
            outcome.error,
        )


def _next_attempt(row: WebhookDelivery, due: datetime) -> WebhookDelivery:
    return WebhookDelivery(
        id=row.id,
        attempt=row.attempt + 1,
        report_id=row.report_id,
        subscription_id=row.subscription_id,
        url=row.url,
        event=row.event,
        payload=row.payload,
        next_attempt_at=due,
    )


def _warn_if_unsigned(settings: Settings) -> None:
    global _warned_unsigned
    if not settings.webhook_secret and not _warned_unsigned:
        _warned_unsigned = True
        logger.warning(
            "PRECIS_WEBHOOK_SECRET is not set: callback_url deliveries are sent unsigned"
        )

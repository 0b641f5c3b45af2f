"""Webhook rules: subscriptions, the per-report delivery log, and report notifications.

`notify_report` writes one pending `webhook_delivery` row per target (the report's
`callback_url` and every active subscription wanting the event), commits, then makes the first
attempts in a background task. Retries are made by `dispatch.deliver_due`, which the worker
calls every poll (or `dispatch.run_delivery_loop` runs on its own); both survive a restart,
since a pending attempt is a row. A worker that wants the notification in the same transaction
as the report's final status calls `enqueue_notifications` with its own session instead
(outbox), and leaves the sending to `deliver_due`.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from sqlmodel import Session

from app.core.errors import NotFoundError
from app.jobs.queue import newest_job
from app.reports.ids import new_report_id
from app.reports.models import Report, utcnow
from app.settings import Settings
from app.webhooks import dispatch, repository
from app.webhooks.dispatch import SessionFactory
from app.webhooks.models import (
    EVENTS,
    DeliveryPage,
    DeliveryRead,
    WebhookCreate,
    WebhookCreated,
    WebhookDelivery,
    WebhookPage,
    WebhookRead,
    WebhookSubscription,
)
from app.webhooks.signing import new_secret
from app.webhooks.ssrf import check_outbound_url

logger = logging.getLogger(__name__)


class NotifiableReport(Protocol):
    """What a notification needs of a report (`callback_url`, `attempts`, `error` optional)."""

    @property
    def id(self) -> str: ...
    @property
    def status(self) -> str: ...
    @property
    def title(self) -> str | None: ...


# --- subscriptions ---------------------------------------------------------------------------


def create_subscription(
    session: Session, *, data: WebhookCreate, settings: Settings
) -> WebhookCreated:
    """Store a subscription to a URL the SSRF guard accepts; the secret is returned this once."""
    check_outbound_url(data.url, allow_private=settings.webhook_allow_private)
    row = WebhookSubscription(
        id=new_report_id(), url=data.url, secret=data.secret or new_secret(), events=data.events
    )
    repository.add(session, row)
    return WebhookCreated.model_validate(row.model_dump())


def list_subscriptions(session: Session) -> WebhookPage:
    """Every subscription, without secrets."""
    rows = repository.list_subscriptions(session)
    return WebhookPage(items=[WebhookRead.model_validate(row.model_dump()) for row in rows])


def delete_subscription(session: Session, *, subscription_id: str) -> None:
    """Delete a subscription; its pending attempts are dropped."""
    row = repository.get_subscription(session, subscription_id)
    if row is None:
        raise NotFoundError(f"No webhook with id {subscription_id!r}.")
    repository.delete_subscription(session, row)


def list_deliveries(session: Session, *, report_id: str) -> DeliveryPage:
    """A report's delivery log: one item per attempt, oldest first."""
    if session.get(Report, report_id) is None:
        raise NotFoundError(f"No report with id {report_id!r}.")
    rows = repository.deliveries_for_report(session, report_id)
    return DeliveryPage(items=[DeliveryRead.model_validate(row.model_dump()) for row in rows])


# --- notifications ---------------------------------------------------------------------------


def build_payload(
    report: NotifiableReport, *, event: str, delivery_id: str, created_at: datetime
) -> dict[str, Any]:
    """The JSON body of an event."""
    summary: dict[str, Any] = {
        "id": report.id,
        "status": report.status,
        "title": report.title,
        "url": f"/v1/reports/{report.id}",
        "attempts": getattr(report, "attempts", None),
    }
    error = getattr(report, "error", None)
    if error is not None:
        summary["error"] = error
    return {
        "id": delivery_id,
        "event": event,
        "created_at": created_at.isoformat(),
        "report": summary,
    }


def enqueue_notifications(session: Session, *, report: NotifiableReport, event: str) -> list[str]:
    """Add a pending delivery per target of an event to the session; return the delivery ids."""
    if event not in EVENTS:
        raise ValueError(f"unknown webhook event {event!r}")
    now = utcnow()
    targets: list[tuple[str, str | None]] = []
    callback_url = getattr(report, "callback_url", None)
    if callback_url:
        targets.append((callback_url, None))
    targets += [(row.url, row.id) for row in repository.subscriptions_for(session, event)]
    ids: list[str] = []
    for url, subscription_id in targets:
        delivery_id = new_report_id()
        payload = build_payload(report, event=event, delivery_id=delivery_id, created_at=now)
        row = WebhookDelivery(
            id=delivery_id,
            attempt=1,
            report_id=report.id,
            subscription_id=subscription_id,
            url=url,
            event=event,
            payload=payload,
            created_at=now,
            next_attempt_at=now,
        )
        repository.add(session, row)
        ids.append(delivery_id)
    return ids


async def notify_report(
    session_factory: SessionFactory, *, report_id: str, event: str, settings: Settings
) -> None:
    """Queue an event's deliveries for a report, and start sending them in the background."""
    ids = await asyncio.to_thread(_enqueue, session_factory, report_id, event)
    if ids:
        dispatch.spawn(dispatch.deliver_due(session_factory, settings, ids=ids))


@dataclass(frozen=True)
class ReportEvent:
    """A report as an event tells of it: its own fields and its newest job's outcome."""

    id: str
    status: str
    title: str | None
    callback_url: str | None
    attempts: int | None
    error: str | None


def _enqueue(session_factory: SessionFactory, report_id: str, event: str) -> list[str]:
    with session_factory() as session:
        report = session.get(Report, report_id)
        if report is None:
            logger.warning("no report %s to notify of %s", report_id, event)
            return []
        job = newest_job(session, report_id)
        view = ReportEvent(
            id=report.id,
            status=report.status,
            title=report.title,
            callback_url=getattr(report, "callback_url", None),
            attempts=job.attempts if job else None,
            error=job.last_error if job and event == "report.failed" else None,
        )
        ids = enqueue_notifications(session, report=view, event=event)
        session.commit()
    return ids

"""Webhook queries: subscriptions and the delivery log (no rules, no commits)."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime

from sqlalchemy import update
from sqlmodel import Session, col, select

from app.webhooks.models import WebhookDelivery, WebhookSubscription


def add(session: Session, row: WebhookSubscription | WebhookDelivery) -> None:
    """Stage a new row and flush it."""
    session.add(row)
    session.flush()


def list_subscriptions(session: Session) -> Sequence[WebhookSubscription]:
    """Every subscription, oldest first."""
    statement = select(WebhookSubscription).order_by(
        col(WebhookSubscription.created_at), col(WebhookSubscription.id)
    )
    return session.exec(statement).all()


def get_subscription(session: Session, subscription_id: str) -> WebhookSubscription | None:
    """A subscription by id."""
    return session.get(WebhookSubscription, subscription_id)


def delete_subscription(session: Session, subscription: WebhookSubscription) -> None:
    """Delete a subscription (its log rows stay; pending ones are dropped when due)."""
    session.delete(subscription)
    session.flush()


def subscriptions_for(session: Session, event: str) -> list[WebhookSubscription]:
    """Active subscriptions that want an event."""
    statement = select(WebhookSubscription).where(col(WebhookSubscription.active).is_(True))
    return [row for row in session.exec(statement).all() if event in row.events]


def deliveries_for_report(session: Session, report_id: str) -> Sequence[WebhookDelivery]:
    """A report's delivery attempts, oldest first."""
    statement = (
        select(WebhookDelivery)
        .where(WebhookDelivery.report_id == report_id)
        .order_by(
            col(WebhookDelivery.created_at), col(WebhookDelivery.id), col(WebhookDelivery.attempt)
        )
    )
    return session.exec(statement).all()


def due_deliveries(
    session: Session, *, now: datetime, limit: int, ids: Collection[str] | None = None
) -> Sequence[WebhookDelivery]:
    """Pending attempts whose time has come (of the given delivery ids), earliest first."""
    statement = (
        select(WebhookDelivery)
        .where(col(WebhookDelivery.next_attempt_at).is_not(None))
        .where(col(WebhookDelivery.next_attempt_at) <= now)
    )
    if ids is not None:
        statement = statement.where(col(WebhookDelivery.id).in_(ids))
    statement = statement.order_by(col(WebhookDelivery.next_attempt_at)).limit(limit)
    return session.exec(statement).all()


def lease_delivery(
    session: Session, row: WebhookDelivery, *, now: datetime, until: datetime
) -> bool:
    """Claim a due attempt by moving its time to `until`; False if another process got it."""
    statement = (
        update(WebhookDelivery)
        .where(col(WebhookDelivery.id) == row.id)
        .where(col(WebhookDelivery.attempt) == row.attempt)
        .where(col(WebhookDelivery.next_attempt_at) <= now)
        .values(next_attempt_at=until)
        .execution_options(synchronize_session=False)
    )
    return session.exec(statement).rowcount == 1

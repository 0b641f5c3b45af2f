"""Webhook tables (subscriptions, the delivery log) and their API models."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import ConfigDict, field_validator
from sqlalchemy import JSON, DateTime, Text
from sqlmodel import Field, SQLModel

from app.reports.models import UtcDatetime, utcnow

WebhookEvent = Literal["report.done", "report.failed"]
EVENTS: tuple[WebhookEvent, ...] = ("report.done", "report.failed")
MAX_URL_LENGTH = 2048


# --- subscriptions ---------------------------------------------------------------------------


class WebhookBase(SQLModel):
    url: str = Field(max_length=MAX_URL_LENGTH, description="An http(s) URL on a public host.")
    events: list[WebhookEvent] = Field(
        default_factory=lambda: list(EVENTS), description="The events to receive."
    )


class WebhookCreate(WebhookBase):
    """A new subscription; leave out `secret` to have one generated (shown once)."""

    model_config = ConfigDict(extra="forbid")  # type: ignore[assignment]

    events: list[WebhookEvent] = Field(
        default_factory=lambda: list(EVENTS), min_length=1, max_length=len(EVENTS)
    )
    secret: str | None = Field(
        default=None, min_length=16, max_length=256, description="HMAC signing secret."
    )

    @field_validator("events")
    @classmethod
    def _dedupe(cls, events: list[WebhookEvent]) -> list[WebhookEvent]:
        return list(dict.fromkeys(events))


class WebhookSubscription(WebhookBase, table=True):
    __tablename__ = "webhook_subscription"

    id: str = Field(primary_key=True, max_length=32)
    url: str = Field(sa_type=Text)
    # Stored as given, not hashed: it is needed to sign every delivery. Never returned by GET.
    secret: str = Field(max_length=256)
    events: list[WebhookEvent] = Field(default_factory=lambda: list(EVENTS), sa_type=JSON)
    created_at: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))
    active: bool = True


class WebhookRead(WebhookBase):
    """A subscription as listed (without its secret)."""

    id: str
    active: bool
    created_at: UtcDatetime


class WebhookCreated(WebhookRead):
    """A new subscription, with its signing secret: the only time the secret is shown."""

    secret: str


class WebhookPage(SQLModel):
    """Every subscription, oldest first."""

    items: list[WebhookRead]


# --- the delivery log: one row per attempt ---------------------------------------------------


class WebhookDelivery(SQLModel, table=True):
    """One attempt to deliver one event to one URL; retries add rows with `attempt` + 1.

    A row whose `next_attempt_at` is set is pending (due at that time, or leased while it is
    being sent); it is cleared once the attempt is made.
    """

    __tablename__ = "webhook_delivery"

    id: str = Field(primary_key=True, max_length=32)  # the delivery id, the same on every attempt
    attempt: int = Field(primary_key=True)
    report_id: str = Field(foreign_key="report.id", ondelete="CASCADE", index=True, max_length=32)
    subscription_id: str | None = Field(default=None, max_length=32)  # None: the callback_url
    url: str = Field(sa_type=Text)
    event: str = Field(max_length=32)
    status_code: int | None = None
    error: str | None = Field(default=None, sa_type=Text)
    delivered: bool = False
    payload: dict[str, Any] = Field(sa_type=JSON)
    created_at: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))
    attempted_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
    next_attempt_at: datetime | None = Field(
        default=None, sa_type=DateTime(timezone=True), index=True
    )


class DeliveryRead(SQLModel):
    """One delivery attempt as logged."""

    id: str
    attempt: int
    event: str
    url: str
    subscription_id: str | None
    status_code: int | None
    error: str | None
    delivered: bool
    created_at: UtcDatetime
    attempted_at: UtcDatetime | None
    next_attempt_at: UtcDatetime | None


class DeliveryPage(SQLModel):
    """A report's delivery log, oldest first."""

    items: list[DeliveryRead]

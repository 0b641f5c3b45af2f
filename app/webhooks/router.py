"""Webhook routes: subscriptions under /v1/webhooks and each report's delivery log."""

from __future__ import annotations

from fastapi import APIRouter, Response

from app.core.db import SessionDep
from app.core.deps import SettingsDep
from app.core.errors import problem_responses
from app.webhooks import service
from app.webhooks.models import DeliveryPage, WebhookCreate, WebhookCreated, WebhookPage

router = APIRouter(prefix="/v1", tags=["webhooks"])


@router.post(
    "/webhooks",
    status_code=201,
    response_model=WebhookCreated,
    responses=problem_responses(422),
)
def create_webhook(
    data: WebhookCreate, response: Response, session: SessionDep, settings: SettingsDep
) -> WebhookCreated:
    """Subscribe a URL to report events; the response holds the signing secret, shown once."""
    created = service.create_subscription(session, data=data, settings=settings)
    response.headers["Location"] = f"/v1/webhooks/{created.id}"
    response.headers["Cache-Control"] = "no-store"
    return created


@router.get("/webhooks", response_model=WebhookPage)
def list_webhooks(session: SessionDep) -> WebhookPage:
    """List the webhook subscriptions (secrets are never shown again)."""
    return service.list_subscriptions(session)


@router.delete("/webhooks/{webhook_id}", status_code=204, responses=problem_responses(404))
def delete_webhook(webhook_id: str, session: SessionDep) -> Response:
    """Delete a webhook subscription."""
    service.delete_subscription(session, subscription_id=webhook_id)
    return Response(status_code=204)


@router.get(
    "/reports/{report_id}/deliveries",
    response_model=DeliveryPage,
    responses=problem_responses(404),
    tags=["reports"],
)
def list_report_deliveries(report_id: str, session: SessionDep) -> DeliveryPage:
    """A report's webhook delivery log: one item per attempt, oldest first."""
    return service.list_deliveries(session, report_id=report_id)

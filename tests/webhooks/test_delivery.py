"""Report events delivered to a real HTTP receiver on loopback: signing, retries, the log."""

from __future__ import annotations

import asyncio
import json
import socket
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from sqlmodel import Session

from app.jobs.models import Job
from app.reports.ids import new_report_id
from app.reports.models import Report
from app.settings import Settings
from app.webhooks import dispatch, service
from app.webhooks.delivery import post_event
from app.webhooks.models import DeliveryRead, WebhookCreate
from app.webhooks.signing import new_secret
from tests.webhooks.conftest import SECRET, Receiver, sweep, verify_documented

SessionFactory = Callable[[], Session]


def subscribe(
    session_factory: SessionFactory, settings: Settings, url: str, **fields: Any
) -> tuple[str, str]:
    """Create a subscription; return (id, secret)."""
    with session_factory() as session:
        created = service.create_subscription(
            session, data=WebhookCreate(url=url, **fields), settings=settings
        )
        session.commit()
    return created.id, created.secret


def delivery_log(session_factory: SessionFactory, report_id: str) -> list[DeliveryRead]:
    with session_factory() as session:
        return service.list_deliveries(session, report_id=report_id).items


async def notify(
    session_factory: SessionFactory, settings: Settings, report_id: str, event: str = "report.done"
) -> None:
    await service.notify_report(
        session_factory, report_id=report_id, event=event, settings=settings
    )
    await dispatch.wait_for_deliveries()


async def test_notify_report_sends_a_signed_event_to_the_subscriber(
    receiver: Receiver, settings: Settings, session_factory: SessionFactory, report_id: str
) -> None:
    _, secret = subscribe(session_factory, settings, receiver.url())
    await notify(session_factory, settings, report_id)
    [request] = receiver.requests
    payload = json.loads(request.body)
    assert verify_documented(secret, request.body, request.headers["Precis-Signature"])
    assert request.headers["Precis-Event"] == "report.done"
    assert request.headers["Precis-Delivery"] == payload["id"]
    assert request.headers["Content-Type"] == "application/json"
    assert request.headers["User-Agent"] == "Precis-Webhooks/1"
    assert request.headers["Host"] == f"127.0.0.1:{receiver.port}"
    assert payload["event"] == "report.done"
    assert payload["report"]["id"] == report_id
    assert payload["report"]["status"] == "done"
    assert payload["report"]["title"] == "Sandman and LuaDream"
    assert payload["report"]["url"] == f"/v1/reports/{report_id}"
    [row] = delivery_log(session_factory, report_id)
    assert (row.delivered, row.status_code, row.attempt) == (True, 200, 1)
    assert row.next_attempt_at is None


async def test_signature_detects_a_tampered_body_or_wrong_secret(
    receiver: Receiver, settings: Settings, session_factory: SessionFactory, report_id: str
) -> None:
    _, secret = subscribe(session_factory, settings, receiver.url())
    await notify(session_factory, settings, report_id)
    [request] = receiver.requests
    header = request.headers["Precis-Signature"]
    tampered = request.body.replace(b'"done"', b'"failed"')
    assert tampered != request.body
    assert not verify_documented(secret, tampered, header)
    assert not verify_documented(new_secret(), request.body, header)


async def test_failed_attempts_are_retried_until_delivered_with_one_log_row_each(
    receiver: Receiver, settings: Settings, session_factory: SessionFactory, report_id: str
) -> None:
    receiver.answer(500, 500)
    subscribe(session_factory, settings, receiver.url())
    await notify(session_factory, settings, report_id)
    assert await sweep(session_factory, settings) == 1
    assert await sweep(session_factory, settings) == 1
    assert await sweep(session_factory, settings) == 0
    log = delivery_log(session_factory, report_id)
    assert [(row.attempt, row.status_code, row.delivered) for row in log] == [
        (1, 500, False),
        (2, 500, False),
        (3, 200, True),
    ]
    assert len({row.id for row in log}) == 1
    bodies = {request.body for request in receiver.requests}
    assert len(receiver.requests) == 3
    assert len(bodies) == 1  # every retry carries the same event, with the same delivery id


async def test_failed_attempt_waits_before_the_retry(
    receiver: Receiver, settings: Settings, session_factory: SessionFactory, report_id: str
) -> None:
    receiver.answer(503)
    subscribe(session_factory, settings, receiver.url())
    await notify(session_factory, settings, report_id)
    assert await dispatch.deliver_due(session_factory, settings) == 0  # backoff not yet over
    first, retry = delivery_log(session_factory, report_id)
    assert first.attempted_at is not None
    assert retry.next_attempt_at is not None
    assert retry.next_attempt_at > first.attempted_at


async def test_retries_stop_at_webhook_max_attempts(
    receiver: Receiver, settings: Settings, session_factory: SessionFactory, report_id: str
) -> None:
    settings = settings.model_copy(update={"webhook_max_attempts": 3})
    receiver.answer(500, 500, 500, 500)
    subscribe(session_factory, settings, receiver.url())
    await notify(session_factory, settings, report_id)
    while await sweep(session_factory, settings):
        pass
    log = delivery_log(session_factory, report_id)
    assert [row.attempt for row in log] == [1, 2, 3]
    assert not any(row.delivered for row in log)
    assert len(receiver.requests) == 3


async def test_gone_stops_retries(
    receiver: Receiver, settings: Settings, session_factory: SessionFactory, report_id: str
) -> None:
    receiver.answer(410)
    subscribe(session_factory, settings, receiver.url())
    await notify(session_factory, settings, report_id)
    assert await sweep(session_factory, settings) == 0
    [row] = delivery_log(session_factory, report_id)
    assert (row.status_code, row.delivered, row.next_attempt_at) == (410, False, None)
    assert len(receiver.requests) == 1


async def test_redirect_is_not_followed_and_counts_as_a_failure(
    receiver: Receiver, settings: Settings, session_factory: SessionFactory, report_id: str
) -> None:
    receiver.answer(302, headers={"Location": receiver.url("/elsewhere")})
    subscribe(session_factory, settings, receiver.url())
    await notify(session_factory, settings, report_id)
    assert [request.path for request in receiver.requests] == ["/hook"]
    first, retry = delivery_log(session_factory, report_id)
    assert (first.status_code, first.delivered) == (302, False)
    assert "redirect" in (first.error or "")
    assert retry.attempt == 2
    assert retry.next_attempt_at is not None


async def test_subscription_gets_only_the_events_it_asked_for(
    receiver: Receiver, settings: Settings, session_factory: SessionFactory, report_id: str
) -> None:
    subscribe(session_factory, settings, receiver.url("/failures"), events=["report.failed"])
    subscribe(session_factory, settings, receiver.url("/all"))
    await notify(session_factory, settings, report_id, "report.done")
    assert [request.path for request in receiver.requests] == ["/all"]


async def test_deleted_subscription_gets_no_retries(
    receiver: Receiver, settings: Settings, session_factory: SessionFactory, report_id: str
) -> None:
    receiver.answer(500)
    subscription_id, _ = subscribe(session_factory, settings, receiver.url())
    await notify(session_factory, settings, report_id)
    with session_factory() as session:
        service.delete_subscription(session, subscription_id=subscription_id)
        session.commit()
    assert await sweep(session_factory, settings) == 1
    assert len(receiver.requests) == 1
    assert delivery_log(session_factory, report_id)[-1].error == "the subscription was deleted"


@dataclass
class FailedReport:
    """A report as the queue will hand it over once it has `callback_url`, `attempts`, `error`."""

    id: str
    callback_url: str
    status: str = "failed"
    title: str | None = "Sandman and LuaDream"
    attempts: int = 5
    error: str = "extractor crashed"


@pytest.mark.parametrize("secret", [SECRET, None])
async def test_callback_url_is_signed_with_the_webhook_secret_when_one_is_set(
    receiver: Receiver,
    settings: Settings,
    session_factory: SessionFactory,
    report_id: str,
    secret: str | None,
) -> None:
    settings = settings.model_copy(update={"webhook_secret": secret})
    report = FailedReport(id=report_id, callback_url=receiver.url("/callback"))
    with session_factory() as session:
        service.enqueue_notifications(session, report=report, event="report.failed")
        session.commit()
    assert await dispatch.deliver_due(session_factory, settings) == 1
    [request] = receiver.requests
    payload = json.loads(request.body)
    assert payload["report"]["error"] == "extractor crashed"
    assert payload["report"]["attempts"] == 5
    assert request.headers["Precis-Event"] == "report.failed"
    if secret:
        assert verify_documented(secret, request.body, request.headers["Precis-Signature"])
    else:
        assert "Precis-Signature" not in request.headers


async def test_delivery_rechecks_the_address_so_dns_rebinding_is_refused(
    receiver: Receiver,
    settings: Settings,
    session_factory: SessionFactory,
    report_id: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    answers = iter(["93.184.216.34", "127.0.0.1"])  # public when checked, loopback when sent

    def resolve(host: str, port: int, *args: Any, **kwargs: Any) -> list[Any]:
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (next(answers), port))]

    monkeypatch.setattr(socket, "getaddrinfo", resolve)
    strict = settings.model_copy(update={"webhook_allow_private": False})
    subscribe(session_factory, strict, f"http://rebind.example:{receiver.port}/hook")
    await notify(session_factory, strict, report_id)
    assert receiver.requests == []
    [row] = delivery_log(session_factory, report_id)
    assert (row.delivered, row.next_attempt_at) == (False, None)
    assert "loopback" in (row.error or "")


async def test_request_is_pinned_to_the_checked_address(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def resolve(host: str, port: int, *args: Any, **kwargs: Any) -> list[Any]:
        assert host == "hooks.example.com"
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.216.34", port))]

    monkeypatch.setattr(socket, "getaddrinfo", resolve)
    seen: list[httpx.Request] = []

    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(204)

    outcome = await post_event(
        "https://hooks.example.com:8443/in?x=1",
        body=b"{}",
        headers={},
        allow_private=False,
        time_limit=5,
        transport=httpx.MockTransport(handle),
    )
    [request] = seen
    assert outcome.delivered
    assert str(request.url) == "https://93.184.216.34:8443/in?x=1"
    assert request.headers["Host"] == "hooks.example.com:8443"
    assert request.extensions["sni_hostname"] == "hooks.example.com"


async def test_callback_url_event_carries_the_jobs_attempts_and_error(
    receiver: Receiver, settings: Settings, session_factory: SessionFactory, report_id: str
) -> None:
    with session_factory() as session:
        report = session.get(Report, report_id)
        assert report is not None
        report.status, report.callback_url = "failed", receiver.url("/callback")
        session.add(Job(id=new_report_id(), report_id=report_id, attempts=3, last_error="boom"))
        session.commit()
    await notify(session_factory, settings, report_id, "report.failed")
    [request] = receiver.requests
    assert request.path == "/callback"
    assert json.loads(request.body)["report"] == {
        "id": report_id,
        "status": "failed",
        "title": "Sandman and LuaDream",
        "url": f"/v1/reports/{report_id}",
        "attempts": 3,
        "error": "boom",
    }
    assert verify_documented(SECRET, request.body, request.headers["Precis-Signature"])


async def test_concurrent_sweeps_send_each_attempt_once(
    receiver: Receiver, settings: Settings, session_factory: SessionFactory, report_id: str
) -> None:
    subscribe(session_factory, settings, receiver.url())
    with session_factory() as session:
        report = session.get(Report, report_id)
        assert report is not None
        service.enqueue_notifications(session, report=report, event="report.done")
        session.commit()
    sent = await asyncio.gather(
        *(dispatch.deliver_due(session_factory, settings) for _ in range(4))
    )
    assert sum(sent) == 1
    assert len(receiver.requests) == 1

"""One HTTP attempt at a webhook: re-check the URL, pin to the checked IP, POST, classify.

The request goes to the address the SSRF guard approved (see `app.webhooks.ssrf`), with the
original `Host` header and TLS SNI / certificate name. Redirects are not followed (a 3xx is a
failed attempt), proxies from the environment are ignored, the response body is never read, and
each attempt uses its own connection, so a TLS session checked for one name is never reused for
another name that happens to share its address.
"""

from __future__ import annotations

import asyncio
import ipaddress
import ssl
from dataclasses import dataclass
from datetime import timedelta
from functools import lru_cache

import httpx

from app.webhooks.ssrf import (
    OutboundTarget,
    UnresolvableURLError,
    UnsafeURLError,
    resolve_outbound_url,
)

USER_AGENT = "Precis-Webhooks/1"
MAX_ERROR_LENGTH = 500
MAX_BACKOFF = timedelta(hours=1)


@dataclass(frozen=True)
class AttemptOutcome:
    """What one attempt came to, and whether another attempt may succeed."""

    delivered: bool
    retry: bool
    status_code: int | None = None
    error: str | None = None


def backoff(attempt: int) -> timedelta:
    """The wait after failed attempt `attempt` (1 s, 2 s, 4 s …, capped at an hour)."""
    return min(timedelta(seconds=2 ** min(attempt - 1, 20)), MAX_BACKOFF)


def outcome_of(status_code: int) -> AttemptOutcome:
    """Classify a response status: 2xx delivered, 410 stops, anything else is retried."""
    if 200 <= status_code < 300:
        return AttemptOutcome(delivered=True, retry=False, status_code=status_code)
    if status_code == 410:
        error = "410 Gone: the receiver asked for no more deliveries"
        return AttemptOutcome(delivered=False, retry=False, status_code=status_code, error=error)
    error = f"HTTP {status_code}"
    if 300 <= status_code < 400:
        error += ": redirects are not followed"
    return AttemptOutcome(delivered=False, retry=True, status_code=status_code, error=error)


async def post_event(
    url: str,
    *,
    body: bytes,
    headers: dict[str, str],
    allow_private: bool,
    time_limit: float,
    transport: httpx.AsyncBaseTransport | None = None,
) -> AttemptOutcome:
    """POST a body to a webhook URL once, after re-checking it; never raises for HTTP trouble."""
    try:
        async with asyncio.timeout(time_limit):
            target = await asyncio.to_thread(resolve_outbound_url, url, allow_private=allow_private)
            status_code = await _send(target, body, headers, time_limit, transport)
    except UnresolvableURLError as exc:
        return AttemptOutcome(delivered=False, retry=True, error=exc.detail)
    except UnsafeURLError as exc:
        return AttemptOutcome(delivered=False, retry=False, error=f"refused: {exc.detail}")
    except TimeoutError:
        error = f"timed out after {time_limit:g} s"
        return AttemptOutcome(delivered=False, retry=True, error=error)
    except httpx.HTTPError as exc:
        return AttemptOutcome(delivered=False, retry=True, error=_describe(exc))
    return outcome_of(status_code)


def build_request(
    client: httpx.AsyncClient, target: OutboundTarget, body: bytes, headers: dict[str, str]
) -> httpx.Request:
    """The POST to the pinned address, with the name in `Host` and TLS SNI."""
    extensions = {}
    if target.url.scheme == "https" and not _is_ip_literal(target.host):
        extensions["sni_hostname"] = target.host
    return client.build_request(
        "POST",
        target.pinned_url,
        content=body,
        headers={**headers, "Host": target.host_header, "User-Agent": USER_AGENT},
        extensions=extensions,
    )


async def _send(
    target: OutboundTarget,
    body: bytes,
    headers: dict[str, str],
    time_limit: float,
    transport: httpx.AsyncBaseTransport | None,
) -> int:
    async with httpx.AsyncClient(
        transport=transport,
        verify=_tls_context(),
        follow_redirects=False,
        trust_env=False,  # an environment proxy would defeat the address pinning
        timeout=time_limit,
    ) as client:
        request = build_request(client, target, body, headers)
        response = await client.send(request, stream=True)
        await response.aclose()  # the body is of no interest and may be large
        return response.status_code


@lru_cache(maxsize=1)
def _tls_context() -> ssl.SSLContext:
    return httpx.create_ssl_context()


def _is_ip_literal(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def _describe(exc: BaseException) -> str:
    text = f"{type(exc).__name__}: {exc}".strip().rstrip(":")
    return text[:MAX_ERROR_LENGTH]

"""The SSRF guard: refusals are decided from the URL and DNS answers, without connecting."""

from __future__ import annotations

import socket
from typing import Any

import pytest

from app.webhooks.ssrf import UnsafeURLError, check_outbound_url, resolve_outbound_url


def fake_dns(monkeypatch: pytest.MonkeyPatch, table: dict[str, list[str]]) -> None:
    """Answer getaddrinfo from a table; names not in it do not resolve."""

    def resolve(host: str, port: int, *args: Any, **kwargs: Any) -> list[Any]:
        if host not in table:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        family = {True: socket.AF_INET6, False: socket.AF_INET}
        return [(family[":" in a], socket.SOCK_STREAM, 6, "", (a, port)) for a in table[host]]

    monkeypatch.setattr(socket, "getaddrinfo", resolve)


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/hook",
        "http://10.0.0.5/hook",
        "http://192.168.1.20:8080/hook",
        "http://172.16.0.1/hook",
        "http://169.254.169.254/latest/meta-data/",
        "http://100.64.0.1/hook",
        "http://0.0.0.0/hook",
        "http://224.0.0.1/hook",
        "http://[::1]/hook",
        "http://[fd00::1]/hook",
        "http://[fe80::1]/hook",
        "http://[::ffff:127.0.0.1]/hook",
        "http://[::ffff:10.0.0.5]/hook",
        "http://2130706433/hook",  # 127.0.0.1 written as a number
        "http://localhost:8000/hook",
        "http://metadata.google.internal/computeMetadata/v1/",
    ],
)
def test_check_outbound_url_refuses_non_public_targets(url: str) -> None:
    with pytest.raises(UnsafeURLError):
        check_outbound_url(url, allow_private=False)


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "ftp://example.com/hook",
        "gopher://example.com/",
        "https://user:pass@example.com/hook",
        "https://token@example.com/hook",
        "not a url",
    ],
)
def test_check_outbound_url_refuses_other_schemes_and_userinfo(url: str) -> None:
    with pytest.raises(UnsafeURLError):
        check_outbound_url(url, allow_private=True)


def test_check_outbound_url_refuses_a_name_resolving_to_loopback(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fake_dns(monkeypatch, {"sneaky.example.com": ["127.0.0.1"]})
    with pytest.raises(UnsafeURLError, match="loopback"):
        check_outbound_url("https://sneaky.example.com/hook", allow_private=False)


def test_check_outbound_url_refuses_if_any_answer_is_private(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fake_dns(monkeypatch, {"mixed.example.com": ["93.184.216.34", "10.1.2.3"]})
    with pytest.raises(UnsafeURLError, match="private"):
        check_outbound_url("https://mixed.example.com/hook", allow_private=False)


def test_check_outbound_url_refuses_a_name_that_does_not_resolve(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fake_dns(monkeypatch, {})
    with pytest.raises(UnsafeURLError, match="does not resolve"):
        check_outbound_url("https://nowhere.example.com/hook", allow_private=False)


def test_resolve_outbound_url_accepts_a_public_name_and_pins_its_address(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fake_dns(monkeypatch, {"hooks.example.com": ["93.184.216.34", "2606:2800:220:1::1"]})
    target = resolve_outbound_url("https://hooks.example.com/in", allow_private=False)
    assert str(target.pinned_url) == "https://93.184.216.34/in"
    assert target.host_header == "hooks.example.com"


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:9/hook", "http://10.0.0.5/hook", "http://[::1]/hook"]
)
def test_check_outbound_url_allows_private_targets_when_configured(url: str) -> None:
    check_outbound_url(url, allow_private=True)


@pytest.mark.parametrize(
    "url", ["http://169.254.169.254/latest/", "http://metadata.google.internal/"]
)
def test_check_outbound_url_refuses_cloud_metadata_even_when_private_is_allowed(
    url: str,
) -> None:
    with pytest.raises(UnsafeURLError, match="metadata"):
        check_outbound_url(url, allow_private=True)

"""SSRF guard for outbound webhook URLs: http(s) only, public addresses only, pinned to one IP.

A URL is refused unless its scheme is http or https, it carries no userinfo, and *every* address
its host resolves to is public: loopback, private (RFC 1918, fc00::/7), link-local
(169.254/16, fe80::/10), multicast, reserved, unspecified, CGNAT (100.64/10) and benchmarking
ranges are refused, also when embedded in IPv6 (IPv4-mapped, 6to4, NAT64, Teredo).
`allow_private=True` (PRECIS_WEBHOOK_ALLOW_PRIVATE, for on-premises receivers and tests) lifts
the address rule, but cloud metadata endpoints (169.254.169.254, fd00:ec2::254, 100.100.100.200,
192.0.0.192 and the metadata host names) stay refused: no legitimate receiver lives there.

DNS rebinding: the check resolves the name once and `OutboundTarget.pinned_url` points the request
at the checked address, with the original `Host` header and, for https, the original name as TLS
SNI and certificate hostname (httpx's `sni_hostname` extension). The name is never resolved again
between the check and the connection, so a second answer cannot send the request elsewhere.
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass

import httpx

from app.engine.errors import PrecisError

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

_METADATA_HOSTS = frozenset(
    {
        "metadata",
        "metadata.google.internal",
        "metadata.goog",
        "metadata.azure.internal",
        "instance-data",
        "instance-data.ec2.internal",
    }
)
_METADATA_ADDRESSES = frozenset(
    ipaddress.ip_address(a)
    for a in ("169.254.169.254", "169.254.170.2", "fd00:ec2::254", "100.100.100.200", "192.0.0.192")
)
_EXTRA_BLOCKED = tuple(
    ipaddress.ip_network(n)
    for n in ("100.64.0.0/10", "198.18.0.0/15", "192.0.0.0/24", "64:ff9b:1::/48")
)
_NAT64 = ipaddress.ip_network("64:ff9b::/96")


class UnsafeURLError(PrecisError):
    """An outbound URL is refused: bad scheme, userinfo, or a non-public address."""


class UnresolvableURLError(UnsafeURLError):
    """An outbound URL's host does not resolve (possibly a passing DNS failure)."""


@dataclass(frozen=True)
class OutboundTarget:
    """A checked URL and the addresses its host resolved to; requests go to the first."""

    url: httpx.URL
    host: str  # ASCII (IDNA) host name, as sent in SNI
    addresses: tuple[IPAddress, ...]

    @property
    def pinned_url(self) -> httpx.URL:
        """The URL with its host replaced by the checked address."""
        return self.url.copy_with(host=str(self.addresses[0]))

    @property
    def host_header(self) -> str:
        """The `Host` header the receiver expects (name, and port when not the default)."""
        return self.url.netloc.decode("ascii")


def check_outbound_url(url: str, *, allow_private: bool) -> None:
    """Raise UnsafeURLError unless the URL may be called from the server."""
    resolve_outbound_url(url, allow_private=allow_private)


def resolve_outbound_url(url: str, *, allow_private: bool) -> OutboundTarget:
    """Parse, resolve and check a URL; the result carries the addresses to pin to."""
    parsed = parse_outbound_url(url)
    host = parsed.raw_host.decode("ascii").lower()
    if host.rstrip(".") in _METADATA_HOSTS:
        raise UnsafeURLError(f"The host {host!r} is a cloud metadata endpoint.")
    if not allow_private and _is_local_name(host):
        raise UnsafeURLError(f"The host {host!r} is local to this machine.")
    addresses = _resolve(host, parsed.port or (443 if parsed.scheme == "https" else 80))
    for address in addresses:
        reason = refusal_reason(address, allow_private=allow_private)
        if reason:
            raise UnsafeURLError(_refusal_message(host, address, reason))
    return OutboundTarget(url=parsed, host=host, addresses=addresses)


def parse_outbound_url(url: str) -> httpx.URL:
    """Check the URL's form (scheme, host, no userinfo) without resolving it."""
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, TypeError) as exc:
        raise UnsafeURLError("The URL cannot be parsed.", original=exc) from exc
    if parsed.scheme not in ("http", "https"):
        raise UnsafeURLError("Only http and https URLs are allowed.")
    if parsed.userinfo:
        raise UnsafeURLError("URLs with a user name or password are not allowed.")
    if not parsed.raw_host:
        raise UnsafeURLError("The URL has no host.")
    return parsed


def refusal_reason(address: IPAddress, *, allow_private: bool) -> str | None:
    """Why an address may not be called (None when it may)."""
    if address in _METADATA_ADDRESSES:
        return "a cloud metadata endpoint"
    if allow_private:
        return None
    for candidate in (*_embedded_ipv4(address), address):
        reason = _non_public(candidate)
        if reason:
            return reason
    return None


def _non_public(address: IPAddress) -> str | None:
    checks = (
        (address.is_unspecified, "an unspecified address"),
        (address.is_loopback, "a loopback address"),
        (address.is_link_local, "a link-local address"),
        (address.is_multicast, "a multicast address"),
        (address.is_private, "a private address"),
        (address.is_reserved, "a reserved address"),
        (any(address in network for network in _EXTRA_BLOCKED), "a shared or reserved address"),
        (not address.is_global, "a non-public address"),
    )
    return next((reason for refused, reason in checks if refused), None)


def _embedded_ipv4(address: IPAddress) -> tuple[IPAddress, ...]:
    """IPv4 addresses an IPv6 address carries (mapped, 6to4, Teredo, NAT64)."""
    if not isinstance(address, ipaddress.IPv6Address):
        return ()
    embedded: list[IPAddress] = []
    if address.ipv4_mapped:
        embedded.append(address.ipv4_mapped)
    if address.sixtofour:
        embedded.append(address.sixtofour)
    if address.teredo:
        embedded.extend(address.teredo)
    if address in _NAT64:
        embedded.append(ipaddress.IPv4Address(int(address) & 0xFFFFFFFF))
    return tuple(embedded)


def _refusal_message(host: str, address: IPAddress, reason: str) -> str:
    try:
        literal = ipaddress.ip_address(host) == address
    except ValueError:
        literal = False
    if literal:
        return f"The address {host} is {reason}."
    return f"The host {host!r} resolves to {address}, {reason}."


def _is_local_name(host: str) -> bool:
    name = host.rstrip(".")
    return name == "localhost" or name.endswith((".localhost", ".local", ".internal"))


def _resolve(host: str, port: int) -> tuple[IPAddress, ...]:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as exc:
        raise UnresolvableURLError(f"The host {host!r} does not resolve.", original=exc) from exc
    addresses: list[IPAddress] = []
    for _family, _type, _proto, _name, sockaddr in infos:
        address = ipaddress.ip_address(str(sockaddr[0]).split("%", 1)[0])
        if address not in addresses:
            addresses.append(address)
    if not addresses:
        raise UnresolvableURLError(f"The host {host!r} does not resolve.")
    return tuple(addresses)

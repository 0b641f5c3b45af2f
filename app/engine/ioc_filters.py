"""Canonical forms and the false-positive filters ioc-finder lacks.

Rules (each applies to a value only when every occurrence of it is written plainly; a
defanged occurrence always keeps it as an indicator, since defanging is the author saying
"this is an indicator"):

- a "domain" whose last label is a common file extension is a file name (``setup.py``,
  ``payload.exe``, even ``invoice.zip``);
- a "domain" that is a technology name (``ASP.NET``, ``System.IO``) is not a domain;
- a URL on a well-known reference or vendor site is a reference, not an indicator; a plain
  domain or e-mail address on such a site is neither;
- an IPv4 address written after "version", "build", "v" ... is a version number.
"""

from __future__ import annotations

import hashlib
import ipaddress
import re
from functools import lru_cache
from urllib.parse import urlsplit

# fmt: off
REFERENCE_HOSTS: tuple[str, ...] = (
    "attack.mitre.org", "mitre.org", "cve.org", "nist.gov", "cisa.gov", "us-cert.gov",
    "ncsc.gov.uk", "fbi.gov", "ic3.gov", "europol.europa.eu", "enisa.europa.eu",
    "github.com", "gitlab.com", "microsoft.com", "google.com", "blog.google", "apple.com",
    "sentinelone.com", "mandiant.com", "crowdstrike.com", "paloaltonetworks.com",
    "trendmicro.com", "kaspersky.com", "securelist.com", "eset.com", "welivesecurity.com",
    "symantec.com", "broadcom.com", "talosintelligence.com", "cisco.com", "proofpoint.com",
    "fortinet.com", "checkpoint.com", "recordedfuture.com", "secureworks.com", "sophos.com",
    "zscaler.com", "volexity.com", "elastic.co", "splunk.com", "redcanary.com",
    "huntress.com", "pwc.com", "pwc.co.uk", "ibm.com", "mcafee.com", "trellix.com",
    "bitdefender.com", "malwarebytes.com", "fireeye.com", "avast.com", "group-ib.com",
    "virustotal.com", "abuse.ch", "shodan.io", "censys.io", "otx.alienvault.com",
    "twitter.com", "x.com", "linkedin.com", "youtube.com", "wikipedia.org", "medium.com",
    "bleepingcomputer.com", "thehackernews.com", "securityweek.com", "therecord.media",
    "darkreading.com", "theregister.com", "reuters.com", "wired.com", "arstechnica.com",
    "labscon.io", "first.org", "exploit-db.com", "docs.python.org", "learn.microsoft.com",
)
# fmt: on

_REFERENCE_SET = frozenset(REFERENCE_HOSTS)

_FILE_EXTENSIONS_WORDS = """
exe dll sys scr cpl ocx drv bat cmd ps1 psm1 psd1 vbs vbe js jse wsf wsh hta lnk msi msp jar
class py pyc sh bash zsh rb php asp aspx jsp cgi lua go c h cpp cs java kt swift ts md txt
log ini cfg conf json yaml yml xml csv tsv html htm css svg pdf doc docx docm dot dotm xls
xlsx xlsm xlsb ppt pptx pptm rtf odt one onepkg zip rar 7z gz tgz tar bz2 xz cab iso img vhd
vhdx dmg pkg deb rpm apk ipa bin dat tmp bak db sqlite png jpg jpeg gif bmp ico mov mp4 mp3
wav avi so dylib ko elf out pem crt cer key pfx p12 eml msg
"""
FILE_EXTENSIONS = frozenset(_FILE_EXTENSIONS_WORDS.split())

_TECH_NAMES_WORDS = """
asp.net vb.net ado.net system.net system.io system.net.http system.web microsoft.net dot.net
node.js next.js vue.js react.js angular.js express.js three.js d3.js chart.js socket.io
"""
TECH_NAMES = frozenset(_TECH_NAMES_WORDS.split())

_VERSION_CONTEXT = re.compile(
    r"(?i)(?:\bversion|\bver\.?|\bv|\bbuild|\brelease|\bfirmware|\brev\.?|\bpatch|\bupdate)"
    r"[ \t]*[:#]?[ \t]*$"
)
_URL_TAIL = ".,;:!?'\""
_BASE58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_BECH32 = frozenset("qpzry9x8gf2tvdw0s3jn54khce6mua7l")


def canonical_value(kind: str, value: str) -> str:
    """Return the canonical (refanged, normalised) form of an ioc-finder value."""
    if kind in ("domain", "md5", "sha1", "sha256", "sha512"):
        return value.lower().rstrip(".")
    if kind == "cve":
        return value.upper()
    if kind == "email":
        local, _, host = value.rpartition("@")
        return f"{local}@{host.lower()}"
    if kind == "url":
        return _canonical_url(value)
    if kind in ("ipv6", "cidr"):
        return _canonical_ip(value)
    return value


def _canonical_url(value: str) -> str:
    value = value.rstrip(_URL_TAIL)
    for opener, closer in (("(", ")"), ("[", "]")):
        while value.endswith(closer) and value.count(opener) < value.count(closer):
            value = value[:-1].rstrip(_URL_TAIL)
    scheme, sep, rest = value.partition("://")
    if not sep:
        scheme, rest = "", value
    cut = min((i for i in (rest.find(c) for c in "/?#") if i >= 0), default=len(rest))
    return f"{scheme.lower()}{sep}{rest[:cut].lower()}{rest[cut:]}"


def _canonical_ip(value: str) -> str:
    try:
        if "/" in value:
            address, _, bits = value.partition("/")
            return f"{ipaddress.ip_address(address).compressed}/{bits}"
        return ipaddress.ip_address(value).compressed
    except ValueError:
        return value.lower()


def url_host(url: str) -> str:
    """The lower-case host of a URL, with or without a scheme."""
    target = url if "://" in url else "//" + url
    try:
        return (urlsplit(target).hostname or "").lower()
    except ValueError:
        return ""


def is_reference_host(host: str) -> bool:
    """True for hosts on well-known reference, vendor and news sites."""
    host = host.lower().rstrip(".")
    dot = host.find(".")
    while dot >= 0:  # the host itself, then each suffix of two labels or more
        if host in _REFERENCE_SET:
            return True
        host = host[dot + 1 :]
        dot = host.find(".")
    return False


@lru_cache(maxsize=1 << 14)
def is_plain_name(kind: str, value: str) -> bool:
    """True when a plainly written value is not an indicator (file name, tech name, ...)."""
    if kind == "domain":
        return (
            value in TECH_NAMES
            or value.rsplit(".", 1)[-1] in FILE_EXTENSIONS
            or is_reference_host(value)
        )
    if kind == "email":
        return is_reference_host(value.rpartition("@")[2])
    return False


# The types is_invalid can reject.
CHECKED_TYPES = frozenset(("bitcoin", "cidr"))


@lru_cache(maxsize=1 << 14)
def is_invalid(kind: str, value: str) -> bool:
    """True for a value that cannot be what its type says, however it is written."""
    if kind == "bitcoin":
        return not is_bitcoin_address(value)
    if kind == "cidr":
        return not _is_network(value)
    return False


def is_version_context(text: str, start: int) -> bool:
    """True when the text just before ``start`` names a version or build number."""
    return _VERSION_CONTEXT.search(text, max(0, start - 24), start) is not None


def is_bitcoin_address(value: str) -> bool:
    """True for a base58check (``1…``/``3…``) address with a valid checksum, or a bech32 one."""
    if value.startswith("bc1"):
        return len(value) in (42, 62) and set(value[3:]) <= _BECH32
    number = 0
    for char in value:
        digit = _BASE58.find(char)
        if digit < 0:
            return False
        number = number * 58 + digit
    try:
        raw = number.to_bytes(25, "big")
    except OverflowError:
        return False
    checksum = hashlib.sha256(hashlib.sha256(raw[:21]).digest()).digest()[:4]
    return raw[21:] == checksum


def _is_network(value: str) -> bool:
    try:
        ipaddress.ip_network(value, strict=False)
    except ValueError:
        return False
    return True

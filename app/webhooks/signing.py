"""Webhook signatures, Stripe-style: `Precis-Signature: t=<unix ts>,v1=<hex HMAC-SHA256>`.

The signed message is the timestamp, a dot, and the raw request body, byte for byte:
`hmac_sha256(secret, f"{t}.{body}")`. To verify a delivery, a receiver:

1. reads the raw body (before any JSON parsing) and the `Precis-Signature` header;
2. splits the header on "," into `key=value` pairs, takes `t` and every `v1`;
3. computes `hex(hmac_sha256(secret.encode(), f"{t}.".encode() + raw_body))`;
4. accepts if it equals one of the `v1` values (constant-time compare) and `t` is within
   five minutes of its clock (this bounds replays; dedupe on `Precis-Delivery` for the rest).

```python
import hashlib, hmac, time

def verify(secret: str, body: bytes, header: str, tolerance: int = 300) -> bool:
    parts = [p.split("=", 1) for p in header.split(",") if "=" in p]
    t = next((v for k, v in parts if k == "t"), "")
    expected = hmac.new(secret.encode(), f"{t}.".encode() + body, hashlib.sha256).hexdigest()
    ok = any(hmac.compare_digest(expected, v) for k, v in parts if k == "v1")
    return ok and t.isdigit() and abs(time.time() - int(t)) <= tolerance
```
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time

SIGNATURE_HEADER = "Precis-Signature"
SECRET_PREFIX = "whsec_"
DEFAULT_TOLERANCE_SECONDS = 300


def new_secret() -> str:
    """A new random signing secret (256 bits)."""
    return SECRET_PREFIX + secrets.token_urlsafe(32)


def compute_signature(secret: str, body: bytes, *, timestamp: int) -> str:
    """The hex HMAC-SHA256 of `f"{timestamp}.{body}"` under the secret."""
    message = f"{timestamp}.".encode() + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def sign_body(secret: str, body: bytes, *, timestamp: int | None = None) -> str:
    """The `Precis-Signature` header value for a body."""
    stamp = int(time.time()) if timestamp is None else timestamp
    return f"t={stamp},v1={compute_signature(secret, body, timestamp=stamp)}"


def verify_signature(
    secret: str,
    body: bytes,
    header: str,
    *,
    now: float | None = None,
    tolerance: int = DEFAULT_TOLERANCE_SECONDS,
) -> bool:
    """Whether a `Precis-Signature` header signs this body and is recent enough."""
    pairs = [part.strip().split("=", 1) for part in header.split(",") if "=" in part]
    stamp = next((value for key, value in pairs if key == "t"), "")
    if not stamp.isdigit():
        return False
    expected = compute_signature(secret, body, timestamp=int(stamp))
    matches = any(hmac.compare_digest(expected, value) for key, value in pairs if key == "v1")
    clock = time.time() if now is None else now
    return matches and abs(clock - int(stamp)) <= tolerance

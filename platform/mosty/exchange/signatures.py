"""Webhook signatures: HMAC-SHA256 over ``<timestamp>.<body>`` with the endpoint's secret.

The receiver recomputes the HMAC from the raw body and the ``X-Mosty-Timestamp`` header,
compares it in constant time with ``X-Mosty-Signature`` and refuses timestamps older than a few
minutes (a replayed request keeps its old timestamp, and changing it breaks the signature).
"""

import hashlib
import hmac
import secrets
import time

SIGNATURE_HEADER = "X-Mosty-Signature"
TIMESTAMP_HEADER = "X-Mosty-Timestamp"
DELIVERY_HEADER = "X-Mosty-Delivery"
EVENT_HEADER = "X-Mosty-Event"
TOLERANCE_SECONDS = 300


def new_secret():
    return "whsec_" + secrets.token_urlsafe(32)


def sign(secret, timestamp, body):
    """``sha256=<hex>`` for the raw body bytes sent at ``timestamp`` (Unix seconds)."""
    message = str(int(timestamp)).encode() + b"." + body
    digest = hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def verify(secret, timestamp, body, signature, now=None, tolerance=TOLERANCE_SECONDS):
    """What a receiver does: constant-time comparison and a fresh timestamp."""
    try:
        sent_at = int(timestamp)
    except (TypeError, ValueError):
        return False
    now = time.time() if now is None else now
    if abs(now - sent_at) > tolerance:
        return False
    return hmac.compare_digest(sign(secret, sent_at, body), signature or "")

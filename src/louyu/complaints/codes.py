"""A complaint's public tracking code (受理编号, ``TS`` + received date + six digits) and
its secret query code: six characters shown once to the complainant, of which only an
HMAC digest is stored, so the tracking page can check it without keeping it."""

from __future__ import annotations

import datetime
import hashlib
import hmac
import secrets

from django.conf import settings

CODE_ALPHABET = "0123456789"
SECRET_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def secret_digest(tracking_code: str, secret: str) -> str:
    key = settings.SECRET_KEY.encode()
    message = f"{tracking_code}:{secret.strip().upper()}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def check_secret(complaint, secret: str) -> bool:
    return hmac.compare_digest(
        complaint.secret_hash, secret_digest(complaint.tracking_code, secret)
    )


def new_tracking_code(received: datetime.date) -> str:
    return f"TS{received:%Y%m%d}{''.join(secrets.choice(CODE_ALPHABET) for _ in range(6))}"


def new_secret() -> str:
    return "".join(secrets.choice(SECRET_ALPHABET) for _ in range(6))

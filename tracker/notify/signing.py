"""The signed, address-bound token in preference and unsubscribe links."""

from __future__ import annotations

from itsdangerous import BadSignature, URLSafeSerializer

SALT = "notify-preferences"


def preference_token(secret_key: str, email: str) -> str:
    """A token naming one e-mail address, signed with the app's secret key."""
    return str(URLSafeSerializer(secret_key, salt=SALT).dumps(email.lower()))


def email_for_token(secret_key: str, token: str) -> str | None:
    """The address a token was made for, or None if it was not made by us."""
    try:
        value = URLSafeSerializer(secret_key, salt=SALT).loads(token)
    except BadSignature:
        return None
    return value if isinstance(value, str) else None

"""Changes to a user's language."""

from __future__ import annotations

from tracker.i18n.locale import known
from tracker.models import User


def set_language(user: User, code: str | None) -> None:
    """Set (or with None clear) the account's interface language."""
    user.language = known(code)

"""Production settings in the security tests: CSRF and rate limits are on, for every POST route."""

from __future__ import annotations

from pathlib import Path

import pytest

from config import TestConfig
from tests import factories
from tests.conftest import build_app, login_as
from tests.formtools import seed_records
from tracker import create_app
from tracker.models import Role


def test_test_config_keeps_production_protections_on():
    assert TestConfig.WTF_CSRF_ENABLED is True
    assert TestConfig.TRACKER_RATE_LIMITS is True


# RFC 8058: a mail client's one-click unsubscribe POST cannot carry a token; the signed URL
# itself is the proof (tests/test_notify.py checks a forged or altered one is refused).
CSRF_EXEMPT = {"notify.unsubscribe"}


def post_rules() -> list[str]:
    """Every rule that accepts POST, as endpoint names."""
    app = create_app("testing", SQLALCHEMY_DATABASE_URI="sqlite://")
    rules = {r.endpoint for r in app.url_map.iter_rules() if "POST" in (r.methods or ())}
    return sorted(rules - CSRF_EXEMPT)


def test_only_the_one_click_unsubscribe_is_exempt_from_csrf() -> None:
    from tracker.extensions import csrf

    app = create_app("testing", SQLALCHEMY_DATABASE_URI="sqlite://")
    exempt = {
        endpoint
        for endpoint, view in app.view_functions.items()
        if f"{view.__module__}.{view.__name__}" in csrf._exempt_views
    }
    assert exempt == CSRF_EXEMPT


@pytest.mark.parametrize("endpoint", post_rules())
def test_post_without_csrf_token_is_refused(endpoint: str, tmp_path: Path) -> None:
    app = build_app(tmp_path)
    with app.app_context():
        values = seed_records()
        client = app.test_client()
        login_as(client, factories.make_user(Role.ADMIN))
        rule = next(
            r for r in app.url_map.iter_rules() if r.endpoint == endpoint and "POST" in r.methods
        )
        with app.test_request_context():
            url = app.url_for(endpoint, **{a: values[a] for a in rule.arguments})
    response = client.post(url, data={"anything": "x"}, csrf=False)
    assert response.status_code == 400, f"{endpoint} accepted a POST without a CSRF token"
    forged = client.post(url, data={"csrf_token": "forged"}, csrf=False)
    assert forged.status_code == 400

"""Names compare under NFKC and case folding without invisible characters; form input loses
control characters centrally."""

from __future__ import annotations

import unicodedata

import pytest
from sqlalchemy import select

from tests import factories
from tracker.auth.operations import AccountError, create_user
from tracker.extensions import db
from tracker.inputs import name_key, without_controls
from tracker.models import Organisation, Role, Series, Topic

LOOKALIKES = [
    "\uff21\uff29 \uff21\uff55\uff53\uff54\uff52\uff49\uff41",  # full-width "AI Austria"
    "AI\u200bAustria",  # a zero-width space instead of the space...
    "ai austria",
    "AI \u202eAustria",  # a bidi override hidden inside
    "AI  Austria ",
]


@pytest.mark.parametrize("lookalike", LOOKALIKES)
def test_name_key_matches_lookalikes(lookalike):
    assert name_key(lookalike) in ("ai austria", "aiaustria")


def test_nfd_and_nfc_names_are_one():
    assert name_key(unicodedata.normalize("NFD", "Café")) == name_key("Café")
    assert name_key("AI\u200bAustria") == name_key("AIAustria")


@pytest.mark.parametrize(
    "duplicate",
    ["\uff21\uff29 \uff21\uff55\uff53\uff54\uff52\uff49\uff41", "ai austria", "AI \u2066Austria"],
)
def test_organisation_topic_and_series_names_refuse_lookalikes(admin_client, duplicate):
    factories.make_organisation(name="AI Austria", short_name="AIA")
    factories.make_topic(title="AI Austria")
    factories.make_series(name="AI Austria")
    cases = [
        (
            "/organisations/new",
            {
                "name": duplicate,
                "short_name": "X1",
                "country": "AT",
                "kind": "national_ai",
                "timezone": "Europe/Vienna",
            },
            "already has this name",
        ),
        ("/topics/new", {"title": duplicate, "status": "open"}, "already has this title"),
        ("/series/new", {"name": duplicate, "timezone": "Europe/Vienna"}, "already has this name"),
    ]
    for url, data, message in cases:
        response = admin_client.post(url, data=data)
        assert response.status_code == 200, url
        assert message in response.get_data(as_text=True), url
    assert db.session.scalars(select(Organisation.name)).all() == ["AI Austria"]
    assert db.session.scalars(select(Topic.title)).all() == ["AI Austria"]
    assert db.session.scalars(select(Series.name)).all() == ["AI Austria"]


def test_nfd_cafe_is_a_duplicate_series(admin_client):
    factories.make_series(name="Café")
    response = admin_client.post(
        "/series/new",
        data={"name": unicodedata.normalize("NFD", "Café"), "timezone": "Europe/Vienna"},
    )
    assert "already has this name" in response.get_data(as_text=True)


def test_user_identity_ignores_width_case_and_invisible_characters(app):
    create_user(db.session, "maria@example.org", "a calm river at dusk", Role.VIEWER)
    for lookalike in ("\uff2d\uff41\uff52\uff49\uff41@example.org", "ma\u200bria@example.org"):
        with pytest.raises(AccountError, match="already exists"):
            create_user(db.session, lookalike, "a calm river at dusk", Role.VIEWER)


def test_without_controls_keeps_text_and_line_breaks():
    assert without_controls("a\x00b\x07c\x1bd\x7fe\x85f\x9fg\u2028h\u2029i") == "abcdefghi"
    assert without_controls("line one\r\nline two\tend") == "line one\r\nline two\tend"


def test_control_characters_never_reach_a_saved_title(admin_client):
    response = admin_client.post(
        "/topics/new",
        data={"title": "Bell\x07 and\u2028separator\x9b", "status": "open"},
    )
    assert response.status_code == 302
    titles = db.session.scalars(select(Topic.title)).all()
    assert titles == ["Bell andseparator"]

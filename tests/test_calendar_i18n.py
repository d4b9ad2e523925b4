"""Feeds in the reader's language: the language is part of every feed's cache key and ETag."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask
from flask.testing import FlaskClient
from flask_babel import refresh
from werkzeug.test import TestResponse

from tests import factories
from tracker.calendar.operations import feed_token, regenerate_feed_token
from tracker.extensions import db
from tracker.models import Role, utcnow


def get(client: FlaskClient, path: str, **headers: str) -> TestResponse:
    """GET path as a fresh request would: the tests' requests share one app context (and
    Flask-Babel remembers the language in g), which a served request never does."""
    refresh()
    return client.get(path, headers={k.replace("_", "-"): v for k, v in headers.items()})


def test_public_feeds_in_two_languages_share_no_cache_entry_or_etag(
    app: Flask, client: FlaskClient
) -> None:
    factories.make_meeting(starts_at=utcnow() + timedelta(days=3))
    english = get(client, "/feeds/meetings.ics", Accept_Language="en")
    german = get(client, "/feeds/meetings.ics", Accept_Language="de-AT,de;q=0.9")
    assert english.status_code == german.status_code == 200
    assert english.headers["ETag"] != german.headers["ETag"]
    assert english.headers["ETag"].startswith('"en-')
    assert german.headers["ETag"].startswith('"de-')
    for response in (english, german):
        vary = {v.strip() for v in response.headers["Vary"].split(",")}
        assert {"Accept-Encoding", "Accept-Language", "Cookie"} <= vary
    # The German copy is not current for an English reader, and the other way round.
    crossed = get(
        client, "/feeds/meetings.ics", Accept_Language="en", If_None_Match=german.headers["ETag"]
    )
    assert crossed.status_code == 200 and crossed.headers["ETag"] == english.headers["ETag"]
    same = get(
        client, "/feeds/meetings.ics", Accept_Language="de", If_None_Match=german.headers["ETag"]
    )
    assert same.status_code == 304
    # The picker's cookie counts as well.
    client.set_cookie("tracker_lang", "sv")
    swedish = get(client, "/feeds/meetings.ics", Accept_Language="de")
    assert swedish.headers["ETag"].startswith('"sv-')


def test_secret_feeds_speak_their_owners_language_whatever_the_app_sends(app: Flask) -> None:
    user = factories.make_user(Role.VIEWER, language="de")
    regenerate_feed_token(db.session, user, str(app.secret_key))
    db.session.commit()
    token = feed_token(db.session, user, str(app.secret_key))
    reader = app.test_client()
    for path in (f"/feeds/private/{token}/mine.ics", f"/feeds/private/{token}/meetings.ics"):
        first = get(reader, path, Accept_Language="en")
        second = get(reader, path, Accept_Language="sv")
        assert first.status_code == 200
        assert first.headers["ETag"] == second.headers["ETag"]
        assert first.headers["ETag"].startswith('"de-')
        assert "Accept-Language" not in first.headers["Vary"]
    user.language = None
    db.session.commit()
    english = get(reader, f"/feeds/private/{token}/mine.ics", Accept_Language="de")
    assert english.headers["ETag"].startswith('"en-')

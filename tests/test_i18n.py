"""Issue 22: which language a reader gets, the picker, <html lang>, and dates by locale."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest
from flask_babel import force_locale

from tests.conftest import login_as
from tests.factories import make_user
from tracker.extensions import db
from tracker.i18n.locale import LANGUAGE_COOKIE, from_tag
from tracker.models import Role, User
from tracker.timefmt import city, human_date, month_year, weekday_name, when, your_time

# Reading a header, a cookie and a column: nothing database-specific.
pytestmark = pytest.mark.sqlite_only

LANG = re.compile(r'<html lang="([^"]+)">')


def html_lang(response) -> str:
    found = LANG.search(response.get_data(as_text=True))
    assert found, "no <html lang>"
    return found.group(1)


@pytest.mark.parametrize(
    ("tag", "code"),
    [
        ("de-AT", "de"),
        ("de", "de"),
        ("sr-Latn-RS", "sr_Latn"),
        ("sr-latn", "sr_Latn"),
        ("sr-Cyrl-RS", "sr"),
        ("sr", "sr"),
        ("bg-BG", "bg"),
        ("sv-SE", "sv"),
        ("en-GB", "en"),
        ("fr-FR", None),
        ("*", None),
    ],
)
def test_accept_language_tags_map_to_our_languages(tag, code):
    assert from_tag(tag) == code


def test_browser_language_then_english(client):
    assert html_lang(client.get("/", headers={"Accept-Language": "fr, de-AT;q=0.8"})) == "de"
    assert html_lang(client.get("/", headers={"Accept-Language": "fr"})) == "en"
    assert html_lang(client.get("/")) == "en"
    assert html_lang(client.get("/", headers={"Accept-Language": "sr-Latn-RS"})) == "sr-Latn"


def test_picker_cookie_beats_the_browser(client):
    response = client.get("/language?language=sv&next=/meetings/")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/meetings/")
    assert f"{LANGUAGE_COOKIE}=sv" in response.headers["Set-Cookie"]
    assert html_lang(client.get("/", headers={"Accept-Language": "de"})) == "sv"


def test_account_setting_beats_the_cookie(app, client):
    user = make_user(Role.VIEWER)
    login_as(client, user)
    client.set_cookie(LANGUAGE_COOKIE, "sv")
    response = client.post("/language", data={"language": "bg", "next": "/deliverables/"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/deliverables/")
    assert db.session.get(User, user.id).language == "bg"
    client.set_cookie(LANGUAGE_COOKIE, "sv")
    assert html_lang(client.get("/", headers={"Accept-Language": "de"})) == "bg"


def test_a_picker_without_a_choice_only_goes_back(client):
    response = client.get("/language?next=/topics/")
    assert response.status_code == 302 and response.headers["Location"].endswith("/topics/")
    assert "Set-Cookie" not in response.headers


@pytest.mark.parametrize("query", ["language=xx", "language=", "language=../../etc"])
def test_unknown_language_is_a_400(client, query):
    assert client.get(f"/language?{query}").status_code == 400


def test_picker_never_leaves_the_site(client):
    response = client.get("/language?language=de&next=//evil.example/")
    assert response.headers["Location"].endswith("/")
    assert "evil" not in response.headers["Location"]


def test_every_page_has_the_picker_with_each_language_in_itself(client):
    page = client.get("/meetings/").get_data(as_text=True)
    for code, name in (("bg", "Български"), ("sr", "Српски"), ("sr_Latn", "Srpski")):
        assert f'value="{code}"' in page and name in page
    # Anonymous readers get a plain GET form: no token, so the page stays cacheable.
    assert 'class="wrap language-picker" method="get"' in page


def test_a_language_changes_no_link(client):
    """The choice never changes a URL's meaning: the same links in every language."""
    links = re.compile(r'href="([^"]+)"')
    english = set(links.findall(client.get("/").get_data(as_text=True)))
    german = set(links.findall(client.get("/", headers={"Accept-Language": "de"}).get_data(True)))
    assert english == german


def test_pages_vary_by_language(client):
    vary = client.get("/").headers["Vary"]
    assert "Accept-Language" in vary and "Cookie" in vary


def test_page_cache_keeps_languages_apart(cached_app, client):
    assert html_lang(client.get("/meetings/", headers={"Accept-Language": "de"})) == "de"
    assert html_lang(client.get("/meetings/", headers={"Accept-Language": "bg"})) == "bg"
    assert html_lang(client.get("/meetings/")) == "en"


INSTANT = datetime(2027, 1, 5, 13, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("code", "day", "month"),
    [
        ("en", "Tue 5 Jan 2027", "Jan 2027"),
        ("de", "Di., 5. Jän. 2027", "Jän 2027"),
        ("bg", "вт, 5.01.2027\u202fг.", "яну 2027"),
        ("sr", "уто, 5. јан 2027.", "јан 2027"),
        ("sr_Latn", "uto, 5. jan 2027.", "jan 2027"),
        ("sv", "tis 5 jan. 2027", "jan. 2027"),
    ],
)
def test_dates_are_written_the_locale_way(app, code, day, month):
    with app.test_request_context(), force_locale(code):
        assert human_date(date(2027, 1, 5)) == day
        assert month_year(date(2027, 1, 5)) == month
        assert when(INSTANT, None, "Europe/Sofia").startswith(day + ", 15:00 ")


@pytest.mark.parametrize(
    ("code", "vienna", "weekday"),
    [("en", "Vienna", "Tuesday"), ("de", "Wien", "Dienstag"), ("sr", "Беч", "уторак")],
)
def test_city_and_weekday_names_come_from_the_locale(app, code, vienna, weekday):
    with app.test_request_context(), force_locale(code):
        assert city("Europe/Vienna") == vienna
        assert weekday_name(date(2027, 1, 5)) == weekday


def test_your_time_is_translated(app):
    with app.test_request_context():
        english = your_time(INSTANT, "Europe/Sofia", "America/New_York")
        with force_locale("de"):
            german = your_time(INSTANT, "Europe/Sofia", "America/New_York")
    assert english == "08:00 your time (New York)"
    assert german.startswith("08:00 ") and "your time" not in german

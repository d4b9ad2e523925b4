"""Static files carry their content's version in the URL and are kept by browsers for a year."""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

import pytest
from flask import url_for

from tests.conftest import login_as
from tracker.static_files import IMMUTABLE, file_version

# Headers and URLs only: the SQL cannot differ between the databases.
pytestmark = pytest.mark.sqlite_only

STATIC_URL = re.compile(r'(?:href|src)="(/static/[^"#]+)')


def content_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:12]


def static_urls(page: str) -> list[str]:
    return sorted(set(STATIC_URL.findall(page)))


def test_every_static_url_names_its_files_version_and_is_kept_a_year(app, client):
    urls = static_urls(client.get("/").get_data(as_text=True))
    assert any(u.startswith("/static/css/app.css?") for u in urls), urls
    assert any(u.startswith("/static/icons.svg?") for u in urls), urls
    folder = Path(app.static_folder or "")
    for url in urls:
        path, _, query = url.partition("?")
        file = folder / path.removeprefix("/static/")
        assert query == f"v={content_hash(file)}", url
        response = client.get(url)
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == IMMUTABLE
        assert response.get_data() == file.read_bytes()
        response.close()


def test_logged_in_pages_link_the_same_cacheable_files(client, organiser):
    login_as(client, organiser)
    page = client.get("/")
    assert page.headers["Cache-Control"] == "no-store"  # the page itself stays private
    url = next(u for u in static_urls(page.get_data(as_text=True)) if "app.css" in u)
    response = client.get(url)
    assert response.headers["Cache-Control"] == IMMUTABLE
    response.close()


def test_a_revalidation_of_a_versioned_file_keeps_the_year(client):
    url = next(u for u in static_urls(client.get("/").get_data(as_text=True)) if "app.js" in u)
    first = client.get(url)
    again = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    assert again.headers["Cache-Control"] == IMMUTABLE
    first.close()
    again.close()


@pytest.mark.parametrize("query", ["", "?v=0123456789ab", "?v=", "?v=%C3%A9"])
def test_without_the_current_version_the_browser_must_revalidate(client, query):
    response = client.get(f"/static/css/app.css{query}")
    assert response.status_code == 200
    assert "immutable" not in response.headers["Cache-Control"]
    assert "no-cache" in response.headers["Cache-Control"]
    response.close()


def test_unknown_files_get_no_version_and_stay_404(app, client):
    with app.test_request_context():
        assert url_for("static", filename="no-such.css") == "/static/no-such.css"
        assert url_for("static", filename="../config.py") == "/static/../config.py"
    assert client.get("/static/no-such.css?v=0123456789ab").status_code == 404


def test_an_edited_file_gets_a_new_version(tmp_path):
    file = tmp_path / "site.css"
    file.write_text("body { color: black; }")
    first = file_version(str(tmp_path), "site.css")
    assert first == content_hash(file)
    assert file_version(str(tmp_path), "site.css") == first  # kept, not read again
    file.write_text("body { color: navy; }")
    os.utime(file, ns=(1, 1))  # a different modification time, as an edit gives
    assert file_version(str(tmp_path), "site.css") == content_hash(file) != first
    assert file_version(str(tmp_path), "../outside.css") is None
    assert file_version(str(tmp_path), "missing.css") is None

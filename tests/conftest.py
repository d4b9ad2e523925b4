"""Fixtures: an app on a fresh SQLite file per test, clients that send CSRF tokens, logins.

Database tests run on SQLite and, when TRACKER_TEST_POSTGRES_URL is set, on PostgreSQL too.
A module (or test) marked ``sqlite_only`` only renders or validates, so its SQL cannot differ
between the two databases: its PostgreSQL run is deselected (see README, "The test suite").
"""

from __future__ import annotations

import fcntl
import shutil
import subprocess
import sys
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from flask import Flask, g, has_app_context
from flask.testing import FlaskClient, FlaskCliRunner
from itsdangerous import URLSafeTimedSerializer

from tests import factories, speedups
from tests.databases import BACKENDS, DatabaseServer, clean_slate, require_postgres
from tracker import create_app, page_cache
from tracker.extensions import db
from tracker.models import Role, User
from tracker.models import base as models_base

try:
    from _pytest.nodeid import NodeId
except ImportError:  # pytest before 9.2 keeps the node id as text in item._nodeid
    NodeId = None  # type: ignore[assignment,misc]

speedups.install()

DATABASE_FIXTURES = ("database_url", "empty_database_url")


@pytest.hookimpl(tryfirst=True)  # before xdist reads the xdist_group marks
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Deselect the PostgreSQL run of sqlite_only tests.

    The two page crawls (tests/browser/test_pages.py, test_languages_browser.py) each keep
    their tests in one xdist group: one crawl per group, shared by its checks. xdist hands
    the largest groups out first, so the crawls start at once, one per worker; every other
    browser test goes wherever a worker is free, with that worker's own Chromium and server.
    """
    keep: list[pytest.Item] = []
    dropped: list[pytest.Item] = []
    for item in items:
        params = getattr(getattr(item, "callspec", None), "params", {})
        on_postgres = any(params.get(name) == "postgresql" for name in DATABASE_FIXTURES)
        if on_postgres and item.get_closest_marker("sqlite_only") is not None:
            dropped.append(item)
        else:
            keep.append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = keep
    if getattr(config.option, "loadgroup", False):  # an xdist worker under --dist loadgroup
        for item in items:
            add_xdist_group(item)


def add_xdist_group(item: pytest.Item) -> None:
    """Suffix the item's node id with its xdist group, which is how xdist groups tests.

    pytest-xdist 3.8 writes the suffix to ``item._nodeid``, which pytest 9.2 no longer reads
    (the id is ``item._id``): without this, every test of a group could go to any worker, and
    both workers crawled every page. Fails loudly if the id does not take the suffix.
    """
    names = sorted(
        {
            str(m.args[0] if m.args else m.kwargs.get("name"))
            for m in item.iter_markers("xdist_group")
        }
    )
    if not names:
        return
    suffix = "@" + "_".join(names)
    if item.nodeid.endswith(suffix):
        return
    nodeid = item.nodeid + suffix
    if NodeId is not None and isinstance(getattr(item, "_id", None), NodeId):
        item._id = NodeId.parse(nodeid)
    else:
        item._nodeid = nodeid
    if item.nodeid != nodeid:
        raise pytest.UsageError(f"cannot put {item.nodeid} in its xdist group {suffix[1:]}")


class CSRFClient(FlaskClient):
    """A test client that adds a valid CSRF token to every POST unless told not to."""

    def csrf_token(self) -> str:
        """A signed token for this client's session, as Flask-WTF makes them."""
        app = self.application
        with self.session_transaction() as session:
            if "csrf_token" not in session:
                session["csrf_token"] = "a" * 40
            raw = session["csrf_token"]
        serializer = URLSafeTimedSerializer(app.secret_key, salt="wtf-csrf-token")  # type: ignore[arg-type]
        return str(serializer.dumps(raw))

    def open(self, *args: Any, **kwargs: Any) -> Any:
        """Send a request as another visitor would: after the test's rows are committed.

        Factories only flush; committing here hands the request what a separate visitor would
        see (and keeps a view's rollback from undoing the test's setup). Flask-Login's
        per-context user cache is forgotten: the test's app context outlives requests.
        """
        if has_app_context():
            db.session.commit()
            g.pop("_login_user", None)
        return super().open(*args, **kwargs)

    def post(self, *args: Any, csrf: bool = True, **kwargs: Any) -> Any:
        """POST with a CSRF token in the form data (csrf=False sends none)."""
        if csrf and "json" not in kwargs:
            data = kwargs.get("data")
            if data is None:
                data = {}
            if isinstance(data, dict):
                data = dict(data)
                data.setdefault("csrf_token", self.csrf_token())
                kwargs["data"] = data
        return super().post(*args, **kwargs)


def build_app(tmp_path: Path, **overrides: Any) -> Flask:
    """A test app on a SQLite file in tmp_path with the schema created."""
    overrides.setdefault("SQLALCHEMY_DATABASE_URI", f"sqlite:///{tmp_path / 'test.sqlite3'}")
    app = create_app("testing", **overrides)
    app.test_client_class = CSRFClient
    if overrides["SQLALCHEMY_DATABASE_URI"] not in SCHEMA_READY:
        with app.app_context():
            db.create_all()
    return app


# URLs whose database already holds the models' schema (a copied SQLite template, the
# worker's PostgreSQL schema database): build_app skips create_all's table-by-table check.
SCHEMA_READY: set[str] = set()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file holding the models' schema, made once per worker and copied per test."""
    path = tmp_path_factory.mktemp("schema") / "template.sqlite3"
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{path}")
    with app.app_context():
        db.create_all()
        db.session.remove()
        db.engine.dispose()
    return path


@pytest.fixture(scope="session")
def postgres_server(worker_id: str) -> Iterator[DatabaseServer]:
    """A throw-away PostgreSQL database for this test session (one per xdist worker)."""
    server = DatabaseServer.from_environment(worker_id)
    yield server
    server.close()


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty-of-rows database with the models' schema: SQLite file or PostgreSQL."""
    if request.param == "sqlite":
        target = tmp_path / "test.sqlite3"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), target)
        url = f"sqlite:///{target}"
    else:
        require_postgres()
        server: DatabaseServer = request.getfixturevalue("postgres_server")
        url = server.schema_database()
    SCHEMA_READY.add(url)
    return url


@pytest.fixture(params=BACKENDS)
def empty_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database with no tables at all, for migrations and real servers; dropped afterwards."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.sqlite3'}"
        return
    require_postgres()
    server: DatabaseServer = request.getfixturevalue("postgres_server")
    url = server.create_database()
    yield url
    server.drop_database(url)


@pytest.fixture
def app(tmp_path: Path, database_url: str) -> Iterator[Flask]:
    """The app with a fresh database, inside an app context, on each backend."""
    app = build_app(tmp_path, SQLALCHEMY_DATABASE_URI=database_url)
    with app.app_context():
        clean_slate(db.engine)
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def sqlite_app(tmp_path: Path) -> Iterator[Flask]:
    """The app on a fresh SQLite file only, for SQLite's own features (WAL, backup API)."""
    app = build_app(tmp_path)
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


def freeze_clock(monkeypatch: pytest.MonkeyPatch, instant: datetime) -> None:
    """Every tracker module's utcnow() (and so utc_today()) answers instant, for a test about a
    fixed date that must not turn into the past as the calendar moves on."""
    original = models_base.utcnow
    for name, module in list(sys.modules.items()):
        if name.split(".")[0] == "tracker" and getattr(module, "utcnow", None) is original:
            monkeypatch.setattr(module, "utcnow", lambda: instant)


@pytest.fixture
def pinned_minute(monkeypatch: pytest.MonkeyPatch) -> None:
    """The page cache's clock held in the minute the test starts: its key carries the minute,
    so two views of a page must not straddle one (a test's repeat view is then always a hit)."""
    now = page_cache.utcnow()
    monkeypatch.setattr(page_cache, "utcnow", lambda: now)


@pytest.fixture
def pinned_day(monkeypatch: pytest.MonkeyPatch) -> None:
    """The feeds' "today" held at the day the test starts: a feed's window, and so its ETag,
    is dated, so a conditional request across midnight would not be answered 304."""
    today = models_base.utc_today()
    monkeypatch.setattr("tracker.calendar.routes.utc_today", lambda: today)


@pytest.fixture
def cached_app(app: Flask, pinned_minute: None) -> Flask:
    """The app with the page cache switched on, as in production, in one minute."""
    app.config["TRACKER_PAGE_CACHE"] = True
    return app


@pytest.fixture
def client(app: Flask) -> CSRFClient:
    """A test client that sends CSRF tokens."""
    return app.test_client()  # type: ignore[return-value]


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    """A CLI runner for the app's commands."""
    return app.test_cli_runner()


def login_as(client: FlaskClient, user: User) -> User:
    """Put user's login in the client's session, as Flask-Login would."""
    with client.session_transaction() as session:
        session["_user_id"] = user.get_id()
        session["_fresh"] = True
    return user


@pytest.fixture
def organiser(app: Flask) -> User:
    """An organiser account."""
    return factories.make_user(Role.ORGANISER)


@pytest.fixture
def admin(app: Flask) -> User:
    """An admin account."""
    return factories.make_user(Role.ADMIN)


@pytest.fixture
def viewer(app: Flask) -> User:
    """A viewer account."""
    return factories.make_user(Role.VIEWER)


@pytest.fixture
def organiser_client(client: CSRFClient, organiser: User) -> CSRFClient:
    """A client logged in as an organiser."""
    login_as(client, organiser)
    return client


@pytest.fixture
def admin_client(client: CSRFClient, admin: User) -> CSRFClient:
    """A client logged in as an admin."""
    login_as(client, admin)
    return client


NODE_DIR = Path(__file__).parent / "node"


@pytest.fixture(scope="session")
def node_modules() -> Path:
    """tests/node/node_modules (axe-core, vnu-jar, ical.js), installed with npm ci on first use."""
    if shutil.which("npm") is None or shutil.which("node") is None:
        pytest.skip("Node.js and npm are not installed: the independent checkers cannot run")
    target = NODE_DIR / "node_modules"
    # xdist workers may all get here first on a fresh clone: one installs, the others wait.
    with open(NODE_DIR / ".npm-install.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (target / "ical.js").exists() or not (target / "axe-core").exists():
            subprocess.run(
                ["npm", "ci", "--no-audit", "--no-fund", "--ignore-scripts"],
                cwd=NODE_DIR,
                check=True,
                capture_output=True,
            )
    return target


CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """One headless Debian Chromium, driven by Playwright, shared by every browser test."""
    if not CHROMIUM.exists():
        pytest.skip(f"Chromium is not installed at {CHROMIUM} (apt-get install -y chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        try:
            yield instance
        finally:
            instance.close()

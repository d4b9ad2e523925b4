"""Test-only speed-ups: the suite builds a fresh app per test, so the same work repeats.

Werkzeug compiles a URL builder for every rule of every new app (two per rule, with ``ast``
and ``compile``): about 0.2 s of each ``create_app``, repeated for thousands of tests. The code
it generates depends only on the rule's text, its parsed trace and its defaults' names (the
converters are looked up on the rule at call time), so one compiled builder serves every app.
Rules with a default for one of their own variables bake a converted value in: those are
compiled as usual.

Before that, Werkzeug parses every rule of every new app into its parts, trace and converters
(about 10 ms of each ``create_app``). Equal rules on maps with the same settings and converter
classes parse alike, and nothing changes those results after the parse, so the first app's
parse is reused.

Each Alembic command (the migration tests run two a test) reads every revision file of
migrations/ again, some thirty modules executed from source. The files do not change during
a run, so a process keeps the first ScriptDirectory of each location and its revisions.

Each new app also has its own Jinja environment, which compiles every template it renders
again. Jinja's bytecode cache, keyed by template name and a checksum of its source, lets every
app of the process load the compiled code instead.

Passwords are hashed with argon2id at the app's cost (64 MiB, three passes, four lanes):
about 0.15 s of both cores a hash or a login, some 300 times a run. The tests hash with a real
argon2id hasher at the lowest cost argon2 allows instead; APP_HASHER keeps the app's own, and
tests/test_auth_security.py checks its parameters.

Each new app also gets a new SQLAlchemy engine, whose cache of compiled SQL starts empty: the
same statements are compiled again in every test. The cache is keyed by the dialect object,
so engines made with the same options share the first such engine's dialect (once it has met
its database and is set up) and its compiled cache. A PostgreSQL engine keeps making its
connections with its own dialect, which carries the app's connect hook with this app's time
limits; it shares the earlier dialect from its first connection on.

Each of those engines also opens new PostgreSQL connections, and each new server process
loads the catalog of every table it touches again: emptying the tables before a test took
about 28 ms on a new connection and 3 ms on a used one. When an app's pool closes a
connection to a worker's schema database, the process keeps it open instead (a few per set
of connection parameters) and hands it to the next app that asks for a connection with the
same parameters, after ``DISCARD ALL`` (which also proves it alive) has reset its session:
settings, prepared statements, advisory locks, temporary tables. psycopg empties its own
cache of prepared statements when it sees that command, and again on the rollback that ends
every new connection's set-up, so its cache and the server agree (tests/test_speedups.py
checks it). The app's connect hooks
run on it again as on a new connection. A transaction left open is rolled back first; a
broken connection, one made in another process, or one its owner took out of the pool (the
state reader's) is really closed.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from typing import Any

import psycopg
from alembic.config import Config as AlembicConfig
from alembic.script import ScriptDirectory
from argon2 import PasswordHasher
from flask import Flask
from flask_sqlalchemy import SQLAlchemy
from jinja2 import BytecodeCache
from jinja2.bccache import Bucket
from sqlalchemy import Engine, event
from sqlalchemy.pool import Pool
from sqlalchemy.util import LRUCache
from werkzeug.routing.rules import Rule

from tracker.auth import passwords
from tracker.database import TimedConnection

_compile_builder = Rule._compile_builder
_builders: dict[tuple[Any, ...], Callable[..., tuple[str, str]]] = {}


def _memoised_compile_builder(self: Rule, append_unknown: bool = True) -> Callable[..., Any]:
    """Rule._compile_builder, with the compiled function shared between equal rules."""
    defaults = self.defaults or {}
    if defaults and any(dynamic and data in defaults for dynamic, data in self._trace):
        return _compile_builder(self, append_unknown)
    key = (self.rule, tuple(self._trace), tuple(str(name) for name in defaults), append_unknown)
    builder = _builders.get(key)
    if builder is None:
        builder = _builders[key] = _compile_builder(self, append_unknown)
    return builder


_compile_rule = Rule.compile
_parsed: dict[tuple[Any, ...], tuple[Any, Any, Any, frozenset[str]]] = {}


def _memoised_compile(self: Rule) -> None:
    """Rule.compile, with the parsed parts, trace and converters shared between equal rules."""
    rule_map = self.map
    key = (
        self.rule,
        self.subdomain,
        self.host,
        self.merge_slashes,
        rule_map.host_matching,
        tuple(sorted(rule_map.converters.items(), key=lambda item: item[0])),
        tuple(sorted(self.defaults or ())),
    )
    parsed = _parsed.get(key)
    if parsed is None:
        _compile_rule(self)
        _parsed[key] = (self._parts, self._trace, self._converters, frozenset(self.arguments))
        return
    self._parts, self._trace, self._converters, arguments = parsed
    self.arguments = self.arguments | arguments
    self._build = self._compile_builder(False).__get__(self, None)
    self._build_unknown = self._compile_builder(True).__get__(self, None)


class MemoryBytecodeCache(BytecodeCache):
    """Compiled templates kept in this process's memory, shared by every app it builds."""

    def __init__(self) -> None:
        self.codes: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        """Fill bucket from memory when its template was compiled before."""
        code = self.codes.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: Bucket) -> None:
        """Keep bucket's compiled code."""
        self.codes[bucket.key] = bucket.bytecode_to_string()


_create_jinja_environment = Flask.create_jinja_environment
_templates = MemoryBytecodeCache()


def _environment_with_shared_cache(self: Flask) -> Any:
    """Flask.create_jinja_environment, with the process's bytecode cache."""
    environment = _create_jinja_environment(self)
    environment.bytecode_cache = _templates
    return environment


_make_engine = SQLAlchemy._make_engine
# Statements of every test of the process, not one app's: larger than an engine's 500.
SHARED_CACHE_SIZE = 5000
_engines: dict[tuple[str, str], Engine] = {}


def _engine_sharing_compiled_sql(
    self: SQLAlchemy, bind_key: str | None, options: dict[str, Any], app: Flask
) -> Engine:
    """SQLAlchemy._make_engine, with the dialect and compiled SQL of an earlier, equal engine."""
    engine = _make_engine(self, bind_key, options, app)
    key = (
        engine.url.drivername,
        repr(sorted((k, repr(v)) for k, v in options.items() if k != "url")),
    )
    earlier = _engines.get(key)
    if earlier is None:

        def set_up(*args: Any) -> None:
            """The first connection has set the dialect up: later engines may share it."""
            if key not in _engines:
                engine._compiled_cache = LRUCache(SHARED_CACHE_SIZE)
                _engines[key] = engine

        event.listen(engine.pool, "first_connect", set_up)
    elif engine.dialect.name == "sqlite":
        share_dialect(engine, earlier)
    else:
        # The app attaches its PostgreSQL connect hook (with this app's time limits) to the
        # engine's own dialect, which goes on making this engine's connections: share the
        # earlier dialect for running statements only once that hook is in place.
        event.listen(engine.pool, "first_connect", lambda *args: share_dialect(engine, earlier))
    return engine


def share_dialect(engine: Engine, earlier: Engine) -> None:
    """Let engine compile and run its statements with earlier's dialect and compiled SQL."""
    engine.dialect = engine.pool._dialect = earlier.dialect
    engine._compiled_cache = earlier._compiled_cache


_script_directory_from_config = ScriptDirectory.from_config.__func__  # type: ignore[attr-defined]
_script_directories: dict[tuple[str, str], ScriptDirectory] = {}


def _shared_script_directory(cls: type[ScriptDirectory], config: AlembicConfig) -> ScriptDirectory:
    """ScriptDirectory.from_config, returning one ScriptDirectory per location per process."""
    key = (
        str(config.get_main_option("script_location")),
        str(config.get_main_option("version_locations")),
    )
    found = _script_directories.get(key)
    if found is None:
        found = _script_directories[key] = _script_directory_from_config(cls, config)
    return found


# Databases whose connections are kept for the next app (tests/databases.py adds each worker's
# schema database); connections through a test's proxy or to a dropped database are not kept.
WARM_DATABASES: set[tuple[str, int, str]] = set()
KEPT_PER_KEY = 4
KEPT_IN_ALL = 8
_kept: dict[tuple[int, str], list[TimedConnection]] = {}
_kept_lock = threading.Lock()
_timed_connect = TimedConnection.connect.__func__  # type: ignore[attr-defined]
_timed_close = TimedConnection.close
_close_connection = Pool._close_connection


def _connect_reusing(cls: type[TimedConnection], *args: Any, **kwargs: Any) -> TimedConnection:
    """TimedConnection.connect, returning a kept connection with the same parameters if any."""
    target = (
        str(kwargs.get("host")),
        int(kwargs.get("port") or 5432),
        str(kwargs.get("dbname")),
    )
    if args or target not in WARM_DATABASES:
        return _timed_connect(cls, *args, **kwargs)  # type: ignore[no-any-return]
    # The dialect's adapters ("context") are a new, equal map per engine: not part of the key.
    key = (os.getpid(), repr(sorted((k, repr(v)) for k, v in kwargs.items() if k != "context")))
    while True:
        with _kept_lock:
            kept = _kept.get(key)
            connection = kept.pop() if kept else None
        if connection is None:
            break
        try:
            connection.autocommit = True
            connection.execute("DISCARD ALL")
            connection.autocommit = False
            return connection
        except Exception:  # closed by the server meanwhile: make another
            _timed_close(connection)
    connection = _timed_connect(cls, *args, **kwargs)
    connection._kept_key = key  # type: ignore[attr-defined]
    return connection  # type: ignore[no-any-return]


def _close_connection_keeping(self: Pool, connection: Any, *, terminate: bool = False) -> None:
    """Pool._close_connection, keeping a healthy idle connection for the next app instead.

    Only a pool's own closing keeps a connection: one detached from its pool (the state
    reader's) is closed by its owner, and closing it then really closes it.
    """
    key = getattr(connection, "_kept_key", None)
    if terminate or key is None or key[0] != os.getpid() or connection.closed or connection.broken:
        _close_connection(self, connection, terminate=terminate)
        return
    try:
        if connection.info.transaction_status != psycopg.pq.TransactionStatus.IDLE:
            connection.rollback()
        connection.autocommit = False
        connection.read_only = connection.deferrable = connection.isolation_level = None
        connection.io_timeout = None
    except Exception:  # not reusable: close it for real
        _close_connection(self, connection, terminate=terminate)
        return
    with _kept_lock:
        kept = _kept.setdefault(key, [])
        if (
            all(other is not connection for other in kept)
            and len(kept) < KEPT_PER_KEY
            and sum(map(len, _kept.values())) < KEPT_IN_ALL
        ):
            kept.append(connection)
            return
    _close_connection(self, connection, terminate=terminate)


APP_HASHER = passwords.hasher
TEST_HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


def install() -> None:
    """Share URL builders, templates and compiled SQL between the apps of one test process;
    hash passwords at argon2's lowest cost."""
    passwords.hasher = TEST_HASHER
    passwords.DUMMY_HASH = passwords.hash_password("timing-equaliser-not-a-real-password")
    SQLAlchemy._make_engine = _engine_sharing_compiled_sql  # type: ignore[method-assign]
    Rule._compile_builder = _memoised_compile_builder  # type: ignore[method-assign]
    Rule.compile = _memoised_compile  # type: ignore[method-assign]
    ScriptDirectory.from_config = classmethod(_shared_script_directory)  # type: ignore[assignment,method-assign]
    Flask.create_jinja_environment = _environment_with_shared_cache  # type: ignore[method-assign]
    TimedConnection.connect = classmethod(_connect_reusing)  # type: ignore[assignment,method-assign]
    Pool._close_connection = _close_connection_keeping  # type: ignore[method-assign]

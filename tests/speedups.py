"""Test-only speed-ups: the suite builds a fresh app per test, so the same work repeats.

Werkzeug compiles a URL builder for every rule of every new app (two per rule, with ``ast``
and ``compile``): about 0.2 s of each ``create_app``, repeated for thousands of tests. The code
it generates depends only on the rule's text, its parsed trace and its defaults' names (the
converters are looked up on the rule at call time), so one compiled builder serves every app.
Rules with a default for one of their own variables bake a converted value in: those are
compiled as usual.

Each new app also has its own Jinja environment, which compiles every template it renders
again. Jinja's bytecode cache, keyed by template name and a checksum of its source, lets every
app of the process load the compiled code instead.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Flask
from jinja2 import BytecodeCache
from jinja2.bccache import Bucket
from werkzeug.routing.rules import Rule

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


def install() -> None:
    """Share compiled URL builders and templates between the apps of one test process."""
    Rule._compile_builder = _memoised_compile_builder  # type: ignore[method-assign]
    Flask.create_jinja_environment = _environment_with_shared_cache  # type: ignore[method-assign]

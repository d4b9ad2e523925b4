"""Which pages the browser suite visits, how their URLs are built, and the in-page checks.

Every GET endpoint of the app is visited unless it is listed in NON_HTML_ENDPOINTS or its
URL ends in a data-format suffix. URL arguments come from URL_ARGUMENTS (a table from the
argument name to a demo record); an ``<x>_id`` argument not in the table is looked up by the
model whose table is ``x``. An endpoint whose URL cannot be built fails the suite: add its
argument to URL_ARGUMENTS (or the endpoint to NON_HTML_ENDPOINTS if it serves no HTML page).
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flask import Flask, url_for
from werkzeug.routing import BuildError, Rule

from tracker.extensions import db
from tracker.models import Base
from tracker.notify.signing import preference_token

# Endpoints that answer with something other than an HTML page (files, feeds, data, probes).
NON_HTML_ENDPOINTS = {
    "static",
    "main.healthz",
    "scheduling.check",  # an HTML fragment for the meeting form's script, not a page
    "series.rule_check",  # an HTML fragment for the rule form's script, not a page
    "i18n.pick",  # the language picker's GET form: sets a cookie and redirects back
}
# URLs ending like this are downloads or data, not pages.
NON_HTML_SUFFIXES = (
    ".ics",
    ".csv",
    ".json",
    ".xml",
    ".txt",
    ".md",
    ".pdf",
    ".png",
    ".svg",
    ".zip",
)
NON_HTML_PREFIXES = ("/api/",)
# Pages that only anonymous visitors see (logged-in users are redirected away).
ANONYMOUS_ENDPOINTS = {"auth.login"}
# URL argument name -> key of LiveServer.ids (the demo record to show).
URL_ARGUMENTS = {
    "meeting_id": "meeting",
    "organisation_id": "organisation",
    "series_id": "series",
    "topic_id": "topic",
    "person_id": "person",
    "deliverable_id": "deliverable",
    "user_id": "user",
    "item_id": "agenda_item",
}
# URL arguments that are not record ids: name -> the text to use, made for this app.
TEXT_ARGUMENTS: dict[str, Callable[[Flask], str]] = {
    "signed": lambda app: preference_token(app.config["SECRET_KEY"], "demo.reader@example.org"),
    "kind": lambda app: "meeting_invitation",
}
# Detail pages also visited with the record whose name is one 200-character word.
# Endpoints whose record must be a particular one: the meeting with a time poll.
ENDPOINT_ARGUMENTS = {"polls.detail": {"meeting_id": "poll_meeting"}}
LONG_WORD_ARGUMENTS = {
    "meeting_id": "long_meeting",
    "organisation_id": "long_organisation",
    "series_id": "long_series",
    "topic_id": "long_topic",
    "deliverable_id": "long_deliverable",
}
# The main pages: full-page screenshots at 1280 and 390 px go to test-artifacts/screenshots/.
SCREENSHOT_ENDPOINTS = {
    "main.home",
    "meetings.list",
    "meetings.detail",
    "deliverables.list",
    "deliverables.detail",
    "organisations.list",
}
SCREENSHOT_WORDS = ("subscribe", "board", "timeline", "dashboard")
NARROW = 390
WIDE = 1280
BUDGET_BYTES = 150 * 1024


class UnbuildableEndpoint(Exception):
    """The suite does not know how to build this endpoint's URL."""


@dataclass
class Target:
    """One page to visit: its name in reports, its endpoint and how to get its URL."""

    name: str
    endpoint: str
    rule: str
    arguments: dict[str, str] = field(default_factory=dict)
    anonymous: bool = False


def is_page(rule: Rule) -> bool:
    """Whether a URL rule serves an HTML page over GET."""
    if "GET" not in (rule.methods or set()) or rule.endpoint in NON_HTML_ENDPOINTS:
        return False
    path = rule.rule
    return not (path.endswith(NON_HTML_SUFFIXES) or path.startswith(NON_HTML_PREFIXES))


def page_rules(app: Flask) -> dict[str, Rule]:
    """The first GET rule of every HTML endpoint, by endpoint name."""
    rules: dict[str, Rule] = {}
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.endpoint):
        if is_page(rule):
            rules.setdefault(rule.endpoint, rule)
    return rules


def targets(app: Flask) -> list[Target]:
    """Every page to visit, plus the long-word variants of detail pages."""
    found: list[Target] = []
    for endpoint, rule in page_rules(app).items():
        arguments = {name: URL_ARGUMENTS.get(name, name) for name in sorted(rule.arguments)}
        arguments.update(ENDPOINT_ARGUMENTS.get(endpoint, {}))
        found.append(
            Target(
                endpoint,
                endpoint,
                rule.rule,
                arguments,
                anonymous=endpoint in ANONYMOUS_ENDPOINTS,
            )
        )
        if endpoint.endswith(".detail") and set(rule.arguments) <= set(LONG_WORD_ARGUMENTS):
            long_arguments = {name: LONG_WORD_ARGUMENTS[name] for name in rule.arguments}
            if long_arguments:
                found.append(Target(f"{endpoint}[long-word]", endpoint, rule.rule, long_arguments))
    return found


def model_for(argument: str) -> type[Any] | None:
    """The model whose table name matches an ``<x>_id`` argument, if any."""
    if not argument.endswith("_id"):
        return None
    table = argument.removesuffix("_id")
    for mapper in Base.registry.mappers:
        if getattr(mapper.class_, "__tablename__", None) == table:
            return mapper.class_
    return None


def argument_value(app: Flask, name: str, key: str, ids: dict[str, int]) -> int:
    """A demo record's id for a URL argument."""
    if key in ids:
        return ids[key]
    model = model_for(name)
    if model is not None:
        with app.app_context():
            found = db.session.scalars(db.select(model.id).order_by(model.id)).first()
            db.session.remove()
        if found is not None:
            return int(found)
    raise UnbuildableEndpoint(
        f"cannot build a URL argument {name!r}: add it to URL_ARGUMENTS in "
        "tests/browser/pages.py (mapped to a demo record) or, if the endpoint serves no HTML "
        "page, add the endpoint to NON_HTML_ENDPOINTS"
    )


def build_path(app: Flask, target: Target, ids: dict[str, int]) -> str:
    """The path of a target page with demo records filled in."""
    values: dict[str, int | str] = {
        name: TEXT_ARGUMENTS[name](app)
        if name in TEXT_ARGUMENTS
        else argument_value(app, name, key, ids)
        for name, key in target.arguments.items()
    }
    with app.test_request_context():
        try:
            return url_for(target.endpoint, **values)
        except BuildError as error:
            raise UnbuildableEndpoint(f"url_for({target.endpoint!r}) failed: {error}") from error


def wants_screenshot(endpoint: str) -> bool:
    """Whether a page is one of the main pages shown in screenshots."""
    return endpoint in SCREENSHOT_ENDPOINTS or any(w in endpoint for w in SCREENSHOT_WORDS)


# --- checks that run inside the page -------------------------------------------------------

OVERFLOW_JS = """
() => {
  const width = document.documentElement.clientWidth;
  const scrolls = (el) =>
      ['auto', 'scroll', 'hidden', 'clip'].includes(getComputedStyle(el).overflowX);
  const classes = (el) => typeof el.className === 'string' && el.className.trim()
      ? '.' + el.className.trim().split(/\\s+/).join('.') : '';
  const describe = (el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
      classes(el) + ' "' + (el.textContent || '').trim().slice(0, 40) + '"';
  const offenders = [];
  for (const el of document.body.querySelectorAll('*')) {
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.right <= width + 1) continue;
    let parent = el.parentElement, contained = false;
    while (parent && parent !== document.body) {
      if (scrolls(parent)) { contained = true; break; }
      parent = parent.parentElement;
    }
    if (!contained) offenders.push(describe(el) + ' right edge ' + Math.round(box.right) + 'px');
  }
  return {scrollWidth: document.documentElement.scrollWidth, offenders: offenders.slice(0, 5)};
}
"""

# Charts and icons: an <svg> must be role="img" with a <title> or aria-label, or be hidden.
SVG_JS = """
() => [...document.querySelectorAll('svg')].filter((svg) => {
  if (svg.closest('[aria-hidden="true"]')) return false;
  const title = svg.querySelector(':scope > title');
  const named = svg.getAttribute('aria-label') || svg.getAttribute('aria-labelledby') ||
      (title && title.textContent.trim());
  return !(svg.getAttribute('role') === 'img' && named);
}).map((svg) => svg.outerHTML.slice(0, 120))
"""

POSITIVE_TABINDEX_JS = """
() => [...document.querySelectorAll('[tabindex]')]
  .filter((el) => parseInt(el.getAttribute('tabindex'), 10) > 0)
  .map((el) => el.outerHTML.slice(0, 120))
"""

ASSETS_JS = """
() => {
  const urls = new Set();
  document.querySelectorAll('link[rel~="stylesheet"][href], script[src]')
    .forEach((el) => urls.add(el.href || el.src));
  performance.getEntriesByType('resource')
    .filter((e) => ['link', 'script', 'css'].includes(e.initiatorType))
    .forEach((e) => urls.add(e.name));
  return [...urls];
}
"""

AXE_JS = """
async () => {
  const result = await axe.run(document, {resultTypes: ['violations']});
  return result.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 3).map((n) =>
        n.target.join(' ') + ' :: ' + (n.failureSummary || '').replace(/\\s+/g, ' ')),
  }));
}
"""


def load_axe(page: Any, axe_path: Path) -> None:
    """Make axe-core (from node_modules) available on the current page.

    The first call in a browser context also makes axe an init script of that context, so
    the pages it loads later have axe at once instead of having it sent and parsed again
    (about 0.2 s a page).
    """
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(axe_path))
        page.context.add_init_script(path=str(axe_path))


def run_axe(page: Any, axe_path: Path) -> list[dict[str, Any]]:
    """axe-core's violations on the current page."""
    load_axe(page, axe_path)
    return list(page.evaluate(AXE_JS))


def serious(violations: list[dict[str, Any]]) -> list[str]:
    """The serious and critical violations, one readable line each."""
    return [
        f"axe {v['impact']}: {v['id']} ({v['help']}) at " + " | ".join(v["nodes"])
        for v in violations
        if v["impact"] in ("serious", "critical")
    ]


def overflow_problems(page: Any) -> list[str]:
    """Sideways scrolling at the current (narrow) viewport, with the widest offenders."""
    result = page.evaluate(OVERFLOW_JS)
    width = page.viewport_size["width"]
    if result["scrollWidth"] <= width:
        return []
    return [
        f"scrolls sideways at {width} px (scrollWidth {result['scrollWidth']}); "
        f"too wide: {'; '.join(result['offenders']) or 'unknown'}"
    ]


def svg_problems(page: Any) -> list[str]:
    """SVGs without a text alternative."""
    return [
        f'svg without role="img" and a <title> or aria-label: {html}'
        for html in page.evaluate(SVG_JS)
    ]


def tabindex_problems(page: Any) -> list[str]:
    """Positive tabindex values, which break the logical tab order."""
    return [f"positive tabindex: {html}" for html in page.evaluate(POSITIVE_TABINDEX_JS)]


def asset_urls(page: Any) -> list[str]:
    """Stylesheets and scripts the page loaded."""
    return list(page.evaluate(ASSETS_JS))


# --- the Nu HTML checker -------------------------------------------------------------------


# A short run: the quick (C1) compiler alone halves the checker's CPU time; it needs a deeper
# thread stack than the default for vnu's schema.
JAVA_OPTIONS = ("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xss8m")


def run_vnu(vnu_jar: Path, files: list[Path]) -> dict[str, list[str]]:
    """Check files with one run of the Nu HTML checker; errors by file name."""
    completed = subprocess.run(
        [
            "java",
            *JAVA_OPTIONS,
            "-jar",
            str(vnu_jar),
            "--format",
            "json",
            "--stdout",
            *map(str, files),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    try:
        report = json.loads(completed.stdout or completed.stderr)
    except json.JSONDecodeError as error:
        raise AssertionError(
            f"vnu gave no JSON report (exit {completed.returncode}): {completed.stderr[:2000]}"
        ) from error
    errors: dict[str, list[str]] = {path.name: [] for path in files}
    for message in report.get("messages", []):
        if message.get("type") != "error" and message.get("subType") != "fatal":
            continue
        name = Path(str(message.get("url", "")).removeprefix("file:")).name
        line = message.get("lastLine", "?")
        errors.setdefault(name, []).append(
            f"vnu line {line}: {message.get('message')} :: {message.get('extract', '').strip()}"
        )
    return errors

"""The checks of the page suite catch what they are meant to catch (each can fail)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.browser import pages
from tests.browser.conftest import LONG_WORD, LiveServer

pytestmark = pytest.mark.browser


def test_svg_check_wants_a_text_alternative(page: Any) -> None:
    """A bare chart is reported; a named role="img" chart and a hidden icon are not."""
    page.set_content(
        '<svg id="bare"><rect width="5" height="5"/></svg>'
        '<svg role="img" aria-labelledby="t"><title id="t">Progress: 40%</title></svg>'
        '<svg role="img" aria-label="Done: 3 of 4"></svg>'
        '<span aria-hidden="true"><svg></svg></span>'
        '<svg role="img"><title> </title></svg>'
    )
    problems = pages.svg_problems(page)
    assert len(problems) == 2
    assert 'id="bare"' in problems[0]


def test_tabindex_check_reports_positive_values(page: Any) -> None:
    """tabindex="2" breaks the tab order; 0 and -1 do not."""
    page.set_content('<a href="#" tabindex="2">x</a><p tabindex="-1">y</p><i tabindex="0">z</i>')
    assert len(pages.tabindex_problems(page)) == 1


def test_axe_reports_an_unlabelled_input(page: Any, node_modules: Path) -> None:
    """axe finds a critical problem in an input without a label."""
    page.set_content('<!doctype html><html lang="en"><title>t</title><main><input></main>')
    found = pages.serious(pages.run_axe(page, node_modules / "axe-core" / "axe.min.js"))
    assert any("label" in line for line in found), found


def test_overflow_check_with_our_stylesheet(page: Any, live_server: LiveServer) -> None:
    """At 390 px a long word and a wide table in .table-wrap fit; a 900-px div does not."""
    page.set_viewport_size({"width": pages.NARROW, "height": 800})
    page.goto(live_server.url + "/")
    page.evaluate(
        """(word) => {
          document.querySelector('h1').textContent = word;
          const wrap = document.createElement('div');
          wrap.className = 'table-wrap';
          wrap.innerHTML = '<table><tr>' + '<td>cell&nbsp;with&nbsp;no&nbsp;breaks</td>'.repeat(12)
            + '</tr></table>';
          document.querySelector('main').append(wrap);
        }""",
        LONG_WORD,
    )
    assert pages.overflow_problems(page) == []
    page.evaluate(
        """() => {
          const wide = document.createElement('div');
          wide.style.width = '900px';
          wide.textContent = 'too wide';
          document.querySelector('main').append(wide);
        }"""
    )
    problems = pages.overflow_problems(page)
    assert len(problems) == 1 and "too wide" in problems[0]


def test_vnu_reports_invalid_html(node_modules: Path, tmp_path: Path) -> None:
    """The Nu checker reports an error in an invalid file and none in a valid one."""
    good = tmp_path / "good.html"
    good.write_text('<!doctype html><html lang="en"><title>ok</title><p>fine</p></html>')
    bad = tmp_path / "bad.html"
    bad.write_text('<!doctype html><html lang="en"><title>x</title><p><li>no list</p></html>')
    errors = pages.run_vnu(node_modules / "vnu-jar" / "build" / "dist" / "vnu.jar", [good, bad])
    assert errors["good.html"] == []
    assert errors["bad.html"]

"""Issue 15: the timeline and the dashboard on a 390-px phone: no text under 11 px, no clipped
tables (wide ones scroll inside their own box), nothing wider than the screen."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import LiveServer, new_context

pytestmark = pytest.mark.browser

# Every element with its own visible text, and its rendered font size in CSS pixels (SVG text
# scaled by the drawing's transform), plus tables that reach past the screen outside a scroll box.
MEASURE = """
() => {
  const small = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    if (!node.textContent.trim()) continue;
    const el = node.parentElement;
    if (!el || el.closest('.visually-hidden, title, desc, script, style, option')) continue;
    const rects = el.getClientRects();
    if (!rects.length || rects[0].width === 0) continue;
    const style = getComputedStyle(el);
    if (style.visibility === 'hidden') continue;
    let size = parseFloat(style.fontSize);
    if (el instanceof SVGElement && el.getScreenCTM) {
      const m = el.getScreenCTM();
      size = size * Math.hypot(m.a, m.b);
    }
    if (size < 11) small.push([el.tagName, node.textContent.trim().slice(0, 40), size.toFixed(1)]);
  }
  const clipped = [];
  const width = document.documentElement.clientWidth;
  for (const table of document.querySelectorAll('table')) {
    const rect = table.getBoundingClientRect();
    if (rect.width === 0 || rect.right <= width + 1) continue;
    let box = table.parentElement, scrolls = false;
    while (box && box !== document.body) {
      const overflow = getComputedStyle(box).overflowX;
      const inside = box.getBoundingClientRect().right <= width + 1;
      if ((overflow === 'auto' || overflow === 'scroll') && inside) {
        scrolls = true; break;
      }
      box = box.parentElement;
    }
    if (!scrolls) clipped.push(table.className || table.id || 'table');
  }
  return {small, clipped, pageWidth: document.documentElement.scrollWidth, width};
}
"""


@pytest.fixture
def phone(browser: Any) -> Any:
    """A 390-px wide phone screen."""
    context = new_context(browser, viewport={"width": 390, "height": 844}, device_scale_factor=2)
    yield context.new_page()
    context.close()


@pytest.mark.parametrize(
    "path", ["/deliverables/timeline", "/dashboard", "/deliverables/timeline?window=all"]
)
def test_readable_and_unclipped_at_390_px(live_server: LiveServer, phone: Any, path: str) -> None:
    phone.goto(live_server.absolute(path))
    found = phone.evaluate(MEASURE)
    assert found["small"] == [], found["small"][:10]
    assert found["clipped"] == []
    assert found["pageWidth"] <= found["width"]


def test_timeline_chart_on_a_laptop_has_legible_labels(
    live_server: LiveServer, browser: Any
) -> None:
    context = new_context(browser)
    page = context.new_page()
    try:
        page.goto(live_server.absolute("/deliverables/timeline"))
        assert page.locator(".timeline-chart").is_visible()
        found = page.evaluate(MEASURE)
        assert found["small"] == [], found["small"][:10]
        labels = page.locator(".timeline-chart .row-label").all_text_contents()
        assert labels and all("…" not in label or label.endswith("…") for label in labels)
    finally:
        context.close()


def test_progress_chart_keeps_legible_text_at_390_px(live_server: LiveServer, phone: Any) -> None:
    from sqlalchemy import select

    from tracker.extensions import db
    from tracker.models import Deliverable

    with live_server.app.app_context():
        deliverable_id = db.session.scalar(
            select(Deliverable.id).where(Deliverable.title.startswith("Analytical report"))
        )
        db.session.remove()
    phone.goto(live_server.absolute(f"/deliverables/{deliverable_id}/progress"))
    found = phone.evaluate(MEASURE)
    assert found["small"] == [], found["small"][:10]
    assert found["pageWidth"] <= found["width"]

"""Time the progress pages and count their queries at 20 and 400 deliverables; prints ratios.

Run: .venv/bin/python bench/progress_pages.py
"""

from __future__ import annotations

import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from sqlalchemy import event

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.conftest import build_app
from tests.factories import make_meeting, make_organisation, make_series, make_user
from tracker.extensions import db
from tracker.models import Deliverable, DeliverableKind, Milestone, ProgressUpdate, utc_today

URLS = [
    "/deliverables/board",
    "/deliverables/timeline",
    "/dashboard",
    "/deliverables/1/progress",
    "/meetings/{meeting}/since-last",
    "/deliverables/export.csv",
    "/deliverables/progress.csv",
    "/api/deliverables?per_page=100",
    "/api/deliverables/1",
]


def seed(count: int) -> int:
    """count deliverables with 10 updates and 3 milestones each; returns a meeting id."""
    user = make_user()
    orgs = [make_organisation() for _ in range(8)]
    series = make_series()
    make_meeting(series=series, number=1, starts_at=make_user().created_at - timedelta(days=30))
    meeting = make_meeting(series=series, number=2)
    for n in range(count):
        d = Deliverable(
            title=f"Deliverable {n}",
            kind=DeliverableKind.POLICY_PAPER,
            lead_organisation=orgs[n % 8],
            start_date=utc_today() - timedelta(days=60),
            due_date=utc_today() + timedelta(days=n % 90),
            progress=50,
        )
        db.session.add(d)
        for step in range(10):
            db.session.add(
                ProgressUpdate(
                    deliverable=d,
                    recorded_on=utc_today(),
                    previous_percent=step * 5,
                    percent=step * 5 + 5,
                    note="step",
                    user=user,
                )
            )
        for m in range(3):
            db.session.add(Milestone(deliverable=d, title=f"M{m}", due_date=utc_today()))
    db.session.commit()
    return meeting.id


def measure(count: int) -> dict[str, tuple[float, int]]:
    """Median milliseconds and query count per URL."""
    app = build_app(Path(tempfile.mkdtemp()))
    results = {}
    with app.app_context():
        meeting = seed(count)
        client = app.test_client()
        statements: list[str] = []
        event.listen(db.engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
        for url in URLS:
            url = url.format(meeting=meeting)
            times = []
            for _ in range(5):
                statements.clear()
                start = time.perf_counter()
                response = client.get(url)
                times.append((time.perf_counter() - start) * 1000)
                assert response.status_code == 200, url
            results[url.split("?")[0].replace(str(meeting), "<id>")] = (
                sorted(times)[2],
                len(statements),
            )
        db.session.remove()
    return results


if __name__ == "__main__":
    small, large = measure(20), measure(400)
    print(f"{'page':34} {'ms@20':>8} {'ms@400':>8} {'ratio':>6} {'q@20':>5} {'q@400':>6}")
    for url in small:
        (ts, qs), (tl, ql) = small[url], large[url]
        print(f"{url:34} {ts:8.1f} {tl:8.1f} {tl / ts:6.1f} {qs:5d} {ql:6d}")

"""The progress pages are valid HTML, checked by the Nu HTML checker (vnu.jar)."""

from __future__ import annotations

import json
import shutil
import subprocess
from datetime import timedelta

import pytest

from tests.factories import make_deliverable, make_meeting, make_series, make_user
from tracker.extensions import db
from tracker.models import DeliverableStatus, Milestone, utc_today
from tracker.progress.operations import add_progress_update, change_status

pytestmark = [pytest.mark.slow, pytest.mark.sqlite_only]  # renders only


def test_progress_pages_are_valid_html(organiser_client, app, node_modules, tmp_path):
    if shutil.which("java") is None:
        pytest.skip("Java is not installed: the Nu HTML checker cannot run")
    user = make_user()
    d = make_deliverable(title="Paper & annex", status=DeliverableStatus.DRAFTING)
    add_progress_update(db.session, d, 30, "Outline <agreed>", user)
    db.session.add(Milestone(deliverable=d, title="Outline", due_date=utc_today(), done=True))
    change_status(db.session, make_deliverable(), DeliverableStatus.DROPPED, user)
    series = make_series()
    make_meeting(series=series, number=1, starts_at=d.created_at - timedelta(days=3))
    meeting = make_meeting(series=series, number=2)
    db.session.commit()
    pages = {
        "progress": f"/deliverables/{d.id}/progress",
        "board": "/deliverables/board",
        "timeline": "/deliverables/timeline",
        "dashboard": "/dashboard",
        "since": f"/meetings/{meeting.id}/since-last",
    }
    files = []
    for name, url in pages.items():
        response = organiser_client.get(url)
        assert response.status_code == 200, url
        path = tmp_path / f"{name}.html"
        path.write_bytes(response.data)
        files.append(str(path))
    jar = node_modules / "vnu-jar" / "build" / "dist" / "vnu.jar"
    result = subprocess.run(
        ["java", "-jar", str(jar), "--errors-only", "--format", "json", *files],
        capture_output=True,
        text=True,
        check=False,
    )
    messages = json.loads(result.stderr or '{"messages": []}')["messages"]
    assert [(m.get("url", "").rsplit("/", 1)[-1], m["message"]) for m in messages] == []

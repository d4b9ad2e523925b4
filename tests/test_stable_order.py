"""Lists keep their order after an edit: every ORDER BY is total, undated rows come last.

On PostgreSQL an UPDATE writes the row's new version at the end of the heap, so a query
ordered by a column with ties (or by nothing) returns the edited row last. Each test edits
the first row, then reads the page as the next visitor would.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, date, datetime

from tests.factories import make_deliverable, make_meeting, make_organisation, make_person
from tracker.extensions import db
from tracker.models import Attendance, Meeting, Participation

START = datetime(2027, 3, 30, 10, 0, tzinfo=UTC)


def settle(*tables: str) -> None:
    """Commit the edit; on PostgreSQL have the planner read the small heap in its new order."""
    db.session.commit()
    if db.engine.dialect.name == "postgresql":
        for table in tables:
            db.session.execute(db.text(f"ANALYZE {table}"))
        db.session.commit()
    db.session.expire_all()


def positions(page: str, *texts: str) -> list[int]:
    """Where each text first appears in page (each must appear)."""
    found = [page.find(text) for text in texts]
    assert -1 not in found, (texts, found)
    return found


def test_meeting_organisations_stay_in_id_order_after_an_attendance_edit(client, app):
    a, b, c = (make_organisation(short_name=name) for name in ("Zeta", "Alpha", "Mid"))
    meeting = make_meeting(organisations=[a, b, c], starts_at=START)
    first = db.session.get(Participation, (meeting.id, a.id))
    assert first is not None
    first.attendance = Attendance.ATTENDED
    settle("participation")
    expected = [a.id, b.id, c.id]

    reloaded = db.session.get(Meeting, meeting.id)
    assert reloaded is not None
    assert [p.organisation_id for p in reloaded.participations] == expected
    api = client.get(f"/api/meetings/{meeting.id}").get_json()
    assert [o["id"] for o in api["organisations"]] == expected
    text = client.get("/meetings/export.csv").get_data(as_text=True).removeprefix("\ufeff")
    (row,) = csv.DictReader(io.StringIO(text))
    assert row["organisations"] == "Zeta; Alpha; Mid"


def test_meetings_at_the_same_start_list_and_page_in_id_order(client, app):
    first = make_meeting(title="Meeting First", starts_at=START)
    make_meeting(title="Meeting Second", starts_at=START)
    first.location = "Moved room"
    settle("meeting")

    page = client.get("/meetings/?order=start").get_data(as_text=True)
    one, two = positions(page, "Meeting First", "Meeting Second")
    assert one < two
    page = client.get("/meetings/").get_data(as_text=True)  # newest first: id descending
    one, two = positions(page, "Meeting First", "Meeting Second")
    assert two < one
    app.config["TRACKER_PAGE_SIZE"] = 1
    for order in ("start", ""):
        pages = [
            client.get(f"/meetings/?order={order}&page={n}").get_data(as_text=True) for n in (1, 2)
        ]
        shown = [re.findall(r"Meeting (?:First|Second)", p) for p in pages]
        assert sorted(t for titles in shown for t in titles) == ["Meeting First", "Meeting Second"]


def test_organisation_deliverables_due_the_same_day_in_id_order_undated_last(client, app):
    org = make_organisation()
    due = date(2027, 5, 1)
    first = make_deliverable(lead_organisation=org, title="Paper One", due_date=due)
    make_deliverable(lead_organisation=org, title="Paper Two", due_date=due)
    make_deliverable(lead_organisation=org, title="Paper Undated", due_date=None)
    first.description = "Edited."
    settle("deliverable")

    page = client.get(f"/organisations/{org.id}").get_data(as_text=True)
    one, two, undated = positions(page, "Paper One", "Paper Two", "Paper Undated")
    assert one < two < undated


def test_people_of_the_same_name_list_and_page_in_id_order(client, app):
    org = make_organisation()
    first = make_person(name="Maria Ivanova", organisation=org, role="Chair")
    second = make_person(name="Maria Ivanova", organisation=org, role="Member")
    first.role = "Vice chair"
    settle("person")

    links = [f'href="/people/{first.id}"', f'href="/people/{second.id}"']
    one, two = positions(client.get("/people/").get_data(as_text=True), *links)
    assert one < two
    one, two = positions(client.get(f"/organisations/{org.id}").get_data(as_text=True), *links)
    assert one < two
    app.config["TRACKER_PAGE_SIZE"] = 1
    pages = [client.get(f"/people/?page={n}").get_data(as_text=True) for n in (1, 2)]
    assert [[link in p for link in links] for p in pages] == [[True, False], [False, True]]

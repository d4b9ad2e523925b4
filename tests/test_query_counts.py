"""Every GET page runs a fixed number of SQL queries, however many rows exist (no N+1).

The pages come from the url_map, so routes added later are covered automatically. Route
arguments are filled from PARAMETERS; a route with an argument not listed there fails
test_every_route_argument_is_known until a record for it is added below.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

from flask import current_app
from sqlalchemy import event

from tests import factories
from tests.conftest import login_as
from tracker.calendar.operations import regenerate_feed_token
from tracker.extensions import db
from tracker.models import (
    Attendance,
    MeetingStatus,
    Milestone,
    ProgressUpdate,
    Role,
    User,
    utc_today,
)
from tracker.notify.signing import preference_token

# URL argument name -> the kind of record whose id fills it.
PARAMETERS: dict[str, str] = {
    "meeting_id": "meeting",
    "organisation_id": "organisation",
    "series_id": "series",
    "topic_id": "topic",
    "person_id": "person",
    "deliverable_id": "deliverable",
    "user_id": "user",
    "item_id": "agenda_item",
    "token": "feed_token",
    "signed": "preference_token",
    "kind": "notify_kind",
}
SKIPPED_ENDPOINTS = {"static"}


def get_routes(app) -> list[tuple[str, tuple[str, ...]]]:
    """(endpoint, argument names) of every GET route except static files."""
    routes = []
    for rule in app.url_map.iter_rules():
        if "GET" in (rule.methods or ()) and rule.endpoint not in SKIPPED_ENDPOINTS:
            routes.append((rule.endpoint, sorted(rule.arguments)))
    return sorted({(endpoint, tuple(args)) for endpoint, args in routes})


def populate(n: int, k: int) -> dict[str, int | str]:
    """n records of each kind; the ids of the first ones, which have k related rows of each sort."""
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    series = factories.make_series()
    organisations = [factories.make_organisation() for _ in range(n)]
    topics = [factories.make_topic() for _ in range(n)]
    focus_orgs, focus_topics = organisations[:k], topics[:k]
    meetings = []
    for i in range(n):
        starts = now + timedelta(days=(i - k // 2) * 7 + 1)
        if i < k:
            meeting = factories.make_meeting(
                organisations=focus_orgs, topics=focus_topics, series=series, starts_at=starts
            )
        else:
            meeting = factories.make_meeting(organisations=[organisations[i]], starts_at=starts)
        meetings.append(meeting)
    for participation in meetings[0].participations:
        participation.attendance = Attendance.CONFIRMED
    people = [factories.make_person(organisation=organisations[0]) for _ in range(max(k, n // 2))]
    people += [
        factories.make_person(organisation=organisations[i]) for i in range(1, n - len(people) + 1)
    ]
    deliverables = []
    today = utc_today()
    for i in range(n):
        due = today + timedelta(days=(-10 if i % 2 else 10) + i)
        if i < k:
            deliverable = factories.make_deliverable(
                lead_organisation=focus_orgs[i],
                meeting=meetings[0],
                contributors=[o for o in focus_orgs if o is not focus_orgs[i]],
                topics=focus_topics,
                due_date=due,
            )
        else:
            deliverable = factories.make_deliverable(
                lead_organisation=organisations[i], due_date=due
            )
        deliverables.append(deliverable)
    user = factories.make_user(Role.VIEWER)
    focus = meetings[0]
    for i, item in enumerate(focus.agenda_items):
        factories.make_outcome(agenda_item=item, text=f"Decision {i}")
        factories.make_action_item(
            meeting=focus,
            agenda_item=item,
            owner_organisation=focus_orgs[i],
            owner_person=people[0] if i == 0 else None,
            deliverable=deliverables[0] if deliverables else None,
        )
    for i in range(1, k + 1):
        # Open actions of the later meetings carry forward to the meeting after them.
        if i < len(meetings) and meetings[i].participations:
            factories.make_action_item(
                meeting=meetings[i], owner_organisation=meetings[i].participations[0].organisation
            )
    for i in range(k):
        db.session.add(
            ProgressUpdate(
                deliverable=deliverables[0],
                recorded_on=today - timedelta(days=k - i),
                previous_percent=i * 5,
                percent=(i + 1) * 5,
                note=f"Step {i}",
                user=user,
            )
        )
        db.session.add(
            Milestone(deliverable=deliverables[0], title=f"Milestone {i}", due_date=today)
        )
    token = regenerate_feed_token(db.session, user, current_app.secret_key)
    db.session.commit()
    assert len(meetings[0].participations) == k and len(meetings[0].agenda_items) == k
    return {
        "feed_token": token,
        "preference_token": preference_token(str(current_app.secret_key), "reader@example.org"),
        "notify_kind": "meeting_invitation",
        "series": series.id,
        "organisation": organisations[0].id,
        "topic": topics[0].id,
        "meeting": meetings[0].id,
        "person": people[0].id,
        "deliverable": deliverables[0].id,
        "user": user.id,
        "agenda_item": meetings[0].agenda_items[0].id,
    }


@contextmanager
def counting(engine) -> Iterator[list[str]]:
    """The SQL statements run inside the block."""
    statements: list[str] = []

    def before(conn, cursor, statement, parameters, context, executemany) -> None:
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", before)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", before)


def measure(app, client, data: dict[str, int]) -> dict[str, tuple[int, int, list[str]]]:
    """endpoint -> (status, number of queries, the queries) for a warm second request."""
    results = {}
    for endpoint, arguments in get_routes(app):
        if any(name not in PARAMETERS for name in arguments):
            continue
        with app.test_request_context():
            from flask import url_for

            url = url_for(endpoint, **{name: data[PARAMETERS[name]] for name in arguments})
        client.get(url)
        db.session.remove()
        with counting(db.engine) as statements:
            response = client.get(url)
        db.session.remove()
        results[endpoint] = (response.status_code, len(statements), list(statements))
    return results


def test_every_route_argument_is_known(app):
    unknown = [
        f"{endpoint} needs <{name}>"
        for endpoint, arguments in get_routes(app)
        for name in arguments
        if name not in PARAMETERS
    ]
    assert not unknown, (
        "Routes with URL arguments that tests/test_query_counts.py cannot fill: "
        + "; ".join(unknown)
        + ". Add each argument name to PARAMETERS with the record it takes its value from."
    )


def test_query_counts_do_not_grow_with_the_data(app, client, pinned_day):
    admin = factories.make_user(Role.ADMIN)
    login_as(client, admin)
    small = measure(app, client, populate(3, 2))
    large = measure(app, client, populate(30, 6))
    assert small, "no GET routes were measured"
    failures = []
    for endpoint, (status, count, statements) in sorted(small.items()):
        large_status, large_count, large_statements = large[endpoint]
        if status >= 400 or large_status >= 400:
            failures.append(f"{endpoint}: status {status} / {large_status}")
        elif count != large_count:
            extra = [s for s in large_statements if s not in statements] or large_statements
            failures.append(
                f"{endpoint}: {count} queries with 3 records, {large_count} with 30; "
                f"e.g. {extra[-1][:200]!r}"
            )
    assert not failures, "Pages whose query count grows with the data:\n" + "\n".join(failures)


def my_work_queries(app, client, user_id: int, warm: bool = True) -> tuple[int, list[str]]:
    """The number of queries of "My work" for the user, and the queries; warm: within a visit
    (cold: the request that starts a new visit and writes it)."""
    login_as(client, db.session.get(User, user_id))
    if warm:
        client.get("/")
    db.session.remove()
    with counting(db.engine) as statements:
        response = client.get("/")
    db.session.remove()
    assert response.status_code == 200 and "<h1>My work</h1>" in response.get_data(as_text=True)
    return len(statements), list(statements)


def fill_my_work(n: int, organisation, person) -> None:
    """n of everything My work lists for person: actions, deliverables, meetings, minutes."""
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    today = utc_today()
    for i in range(n):
        upcoming = factories.make_meeting(
            organisations=[organisation], starts_at=now + timedelta(days=i + 1)
        )
        held = factories.make_meeting(
            organisations=[organisation],
            starts_at=now - timedelta(days=i + 1),
            status=MeetingStatus.HELD,
        )
        if i % 2:
            factories.make_minutes_revision(held, f"Minutes {i}")
        factories.make_action_item(
            meeting=upcoming,
            owner_organisation=organisation,
            owner_person=person if i % 2 else None,
            due_date=today + timedelta(days=i - n // 2),
        )
        factories.make_deliverable(
            lead_organisation=organisation,
            owner_person_id=person.id if i % 3 == 0 else None,
            due_date=today + timedelta(days=i * 3 - n),
        )
        factories.make_topic()


def test_my_work_runs_a_fixed_number_of_queries(app, client):
    organisation = factories.make_organisation()
    person = factories.make_person(organisation=organisation)
    user = factories.make_user(Role.ORGANISER, person_id=person.id)
    db.session.commit()
    user_id = user.id
    fill_my_work(2, organisation, person)
    db.session.commit()
    small, small_statements = my_work_queries(app, client, user_id)
    # A visit an hour ago makes every section list something, changes included.
    db.session.get(User, user_id).last_visit_at = datetime.now(UTC) - timedelta(hours=1)
    fill_my_work(25, organisation, person)
    db.session.commit()
    large, large_statements = my_work_queries(app, client, user_id)
    assert small == large, [s for s in large_statements if s not in small_statements]
    assert large <= 12, large_statements
    # The request that starts a new visit adds its one UPDATE and the user's reload after it.
    db.session.get(User, user_id).last_visit_at = datetime.now(UTC) - timedelta(hours=1)
    db.session.commit()
    starting, starting_statements = my_work_queries(app, client, user_id, warm=False)
    assert starting <= large + 2, starting_statements
    assert sum(s.startswith("UPDATE") for s in starting_statements) == 1


# The main pages and the most SQL statements each may run (logged in; one fewer anonymous,
# which loads no user). A page that needs more fails here: find the N+1 or the repeat first.
MAIN_PAGE_BUDGETS: dict[str, int] = {
    "main.home": 6,
    "meetings.list": 10,
    "meetings.detail": 32,  # 31, then one to learn whether the meeting has a time poll
    "progress.board": 11,
    "deliverables.list": 10,
    "progress.dashboard": 4,
}


def test_main_pages_stay_within_their_query_budgets(app, client):
    data = populate(30, 6)
    login_as(client, factories.make_user(Role.ORGANISER))
    counted = {
        endpoint: result
        for endpoint, result in measure(app, client, data).items()
        if endpoint in MAIN_PAGE_BUDGETS
    }
    assert set(counted) == set(MAIN_PAGE_BUDGETS), "a main page was not measured"
    over = [
        f"{endpoint}: {count} queries, budget {MAIN_PAGE_BUDGETS[endpoint]}"
        for endpoint, (status, count, _) in sorted(counted.items())
        if status != 200 or count > MAIN_PAGE_BUDGETS[endpoint]
    ]
    assert not over, "Main pages over their query budget:\n" + "\n".join(over)

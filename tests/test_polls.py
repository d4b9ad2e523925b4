"""Time polls: propose candidate slots, answer them, pick one; refusals and bad input."""

from __future__ import annotations

import threading
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask, g
from sqlalchemy import func, select

from tests import factories
from tests.calendar_parsers import icalendar_events, vobject_events
from tests.conftest import CSRFClient, build_app, login_as
from tests.databases import clean_slate
from tracker.extensions import db
from tracker.meetings.operations import local_to_utc
from tracker.models import (
    AuditEvent,
    Meeting,
    MeetingStatus,
    PollAnswer,
    PollSlot,
    PollVote,
    Role,
    TimePoll,
    User,
    utc_today,
)
from tracker.polls.operations import PollClosed, pick_slot, record_votes

# A January in the future: Sofia is UTC+2, Vienna UTC+1, London and UTC alike, New York UTC-5.
YEAR = utc_today().year + 2
# Monday to Wednesday of a mid-January week: working days, no partner's public holiday.
MONDAY = date(YEAR, 1, 10) + timedelta(days=-date(YEAR, 1, 10).weekday() % 7)
DAYS = [MONDAY, MONDAY + timedelta(days=1), MONDAY + timedelta(days=2)]


def switch_user(client: Any, user: User | None) -> None:
    """Log client in as user (None: log out), dropping Flask-Login's cached user."""
    if user is None:
        with client.session_transaction() as session:
            session.pop("_user_id", None)
    else:
        login_as(client, user)
    g.pop("_login_user", None)


def arabic(text: str) -> str:
    """text with its digits written as Arabic-Indic digits (which int() and strptime accept)."""
    return text.translate({ord("0") + n: 0x0660 + n for n in range(10)})


def last_sunday_of_march(year: int) -> date:
    """The night Europe's clocks jump forward."""
    end = date(year, 3, 31)
    return end - timedelta(days=(end.weekday() + 1) % 7)


def slot_rows(rows: list[tuple[str, str, str]]) -> dict[str, str]:
    """Form data for candidate rows of (date, local time, minutes)."""
    data: dict[str, str] = {}
    for index, (day, start, minutes) in enumerate(rows):
        data[f"slots-{index}-day"] = day
        data[f"slots-{index}-start"] = start
        data[f"slots-{index}-minutes"] = minutes
    return data


THREE_SLOTS = [
    (DAYS[0].isoformat(), "15:00", "120"),
    (DAYS[1].isoformat(), "10:00", "90"),
    (DAYS[2].isoformat(), "16:30", "60"),
]


def sofia(day: date, hour: int, minute: int = 0) -> datetime:
    """A Sofia wall time as UTC."""
    return local_to_utc(datetime(day.year, day.month, day.day, hour, minute), "Europe/Sofia")


@pytest.fixture
def meeting(app: Flask) -> Meeting:
    """A planned meeting in Sofia with a Vienna and a London partner."""
    vienna = factories.make_organisation(timezone="Europe/Vienna", country="AT")
    london = factories.make_organisation(timezone="Europe/London", country="GB")
    return factories.make_meeting(organisations=[vienna, london], timezone="Europe/Sofia")


def open_poll(meeting: Meeting, organiser: User) -> TimePoll:
    """A poll with the three standard slots, made through the operation."""
    from tracker.polls.operations import propose_poll

    spans = [
        (sofia(DAYS[0], 15), sofia(DAYS[0], 17)),
        (sofia(DAYS[1], 10), sofia(DAYS[1], 11, 30)),
        (sofia(DAYS[2], 16, 30), sofia(DAYS[2], 17, 30)),
    ]
    return propose_poll(db.session, meeting, spans, organiser)


def poll_of(meeting: Meeting) -> TimePoll:
    """The meeting's poll, fresh from the database."""
    db.session.expire_all()
    return db.session.scalars(select(TimePoll).where(TimePoll.meeting_id == meeting.id)).one()


def answers_of(user: User) -> dict[int, PollAnswer]:
    """slot id -> user's answer, fresh from the database."""
    db.session.expire_all()
    votes = db.session.scalars(select(PollVote).where(PollVote.user_id == user.id))
    return {vote.slot_id: vote.answer for vote in votes}


def test_poll_from_proposal_to_the_chosen_time(
    organiser_client: CSRFClient, organiser: User, meeting: Meeting
) -> None:
    client = organiser_client
    uid, before = meeting.uid, meeting.sequence
    feed_before = client.get(f"/meetings/{meeting.id}.ics").data
    for path in (f"/meetings/{meeting.id}", f"/meetings/{meeting.id}/edit"):
        assert f"/meetings/{meeting.id}/poll/new" in client.get(path).get_data(as_text=True)

    response = client.post(f"/meetings/{meeting.id}/poll/new", data=slot_rows(THREE_SLOTS))
    assert response.status_code == 302, response.get_data(as_text=True)
    poll = poll_of(meeting)
    assert [(s.starts_at, s.ends_at) for s in poll.slots] == [
        (sofia(DAYS[0], 15), sofia(DAYS[0], 17)),
        (sofia(DAYS[1], 10), sofia(DAYS[1], 11, 30)),
        (sofia(DAYS[2], 16, 30), sofia(DAYS[2], 17, 30)),
    ]
    first, second, third = (s.id for s in poll.slots)

    ana = factories.make_user(Role.VIEWER, name="Ana Petrova")
    bo = factories.make_user(Role.VIEWER, name="Bo Lindqvist")
    for voter, answers in (
        (ana, {first: "no", second: "yes", third: "if_need_be"}),
        (bo, {first: "yes", second: "if_need_be", third: "no"}),
    ):
        switch_user(client, voter)
        data = {f"slot-{slot}": answer for slot, answer in answers.items()}
        assert client.post(f"/meetings/{meeting.id}/poll/vote", data=data).status_code == 302

    switch_user(client, organiser)
    page = client.get(f"/meetings/{meeting.id}/poll").get_data(as_text=True)
    row = page.split(f'id="slot-{second}"')[1].split("</tr>")[0]
    assert "1 <span" in row and "Ana Petrova" in row and "Bo Lindqvist" in row
    assert "Pick this time" in page

    version = str(poll_of(meeting).version)
    response = client.post(
        f"/meetings/{meeting.id}/poll/pick", data={"slot": str(second), "version": version}
    )
    assert response.status_code == 302
    db.session.expire_all()
    meeting = db.session.get(Meeting, meeting.id)
    assert meeting is not None
    assert (meeting.starts_at, meeting.ends_at) == (sofia(DAYS[1], 10), sofia(DAYS[1], 11, 30))
    assert meeting.status == MeetingStatus.CONFIRMED
    assert meeting.sequence > before
    poll = poll_of(meeting)
    assert not poll.is_open and poll.chosen_slot is not None and poll.chosen_slot.id == second
    changes = db.session.scalars(
        select(AuditEvent).where(AuditEvent.entity == "meeting", AuditEvent.entity_id == meeting.id)
    ).all()
    assert any("starts_at" in event.changes for event in changes)

    feed = client.get(f"/meetings/{meeting.id}.ics").data
    (old_event,) = icalendar_events(feed_before)
    (event,) = icalendar_events(feed)
    assert str(event["UID"]) == uid
    assert event.decoded("DTSTART").astimezone(UTC) == sofia(DAYS[1], 10)
    assert int(event["SEQUENCE"]) > int(old_event["SEQUENCE"])
    assert str(event["STATUS"]) == "CONFIRMED"
    (card,) = vobject_events(feed)
    assert card.uid.value == uid
    assert card.dtstart.value.astimezone(UTC) == sofia(DAYS[1], 10)
    assert int(card.sequence.value) == int(event["SEQUENCE"])


def test_a_vote_can_change_until_the_poll_closes(
    client: CSRFClient, organiser: User, meeting: Meeting
) -> None:
    poll = open_poll(meeting, organiser)
    first, second, _ = (s.id for s in poll.slots)
    voter = login_as(client, factories.make_user(Role.VIEWER))
    url = f"/meetings/{meeting.id}/poll/vote"
    assert client.post(url, data={f"slot-{first}": "yes"}).status_code == 302
    assert (
        client.post(url, data={f"slot-{first}": "no", f"slot-{second}": "yes"}).status_code == 302
    )
    assert answers_of(voter) == {first: PollAnswer.NO, second: PollAnswer.YES}
    count = db.session.scalar(select(func.count()).select_from(PollVote))
    assert count == 2
    page = client.get(f"/meetings/{meeting.id}/poll").get_data(as_text=True)
    assert f'id="slot-{first}-no" name="slot-{first}" value="no" checked' in page


def test_closed_poll_is_read_only(client: CSRFClient, organiser: User, meeting: Meeting) -> None:
    poll = open_poll(meeting, organiser)
    first, second, _ = (s.id for s in poll.slots)
    login_as(client, organiser)
    version = str(poll.version)
    pick = f"/meetings/{meeting.id}/poll/pick"
    assert client.post(pick, data={"slot": str(first), "version": version}).status_code == 302
    closed = poll_of(meeting)
    assert closed.closed_at is not None

    again = client.post(pick, data={"slot": str(second), "version": str(closed.version)})
    assert again.status_code == 409
    assert "poll is closed" in again.get_data(as_text=True)
    vote = client.post(f"/meetings/{meeting.id}/poll/vote", data={f"slot-{first}": "no"})
    assert vote.status_code == 409
    assert "poll is closed" in vote.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(PollVote)) == 0
    db.session.expire_all()
    assert db.session.get(Meeting, meeting.id).starts_at == sofia(DAYS[0], 15)  # type: ignore[union-attr]
    page = client.get(f"/meetings/{meeting.id}/poll").get_data(as_text=True)
    assert "Pick this time" not in page and "Save my answers" not in page
    # The meeting page links to the poll, and no longer offers to start one (it is confirmed).
    page = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert f'/meetings/{meeting.id}/poll"' in page and "/poll/new" not in page
    # A second poll for the same meeting is not offered.
    assert client.get(f"/meetings/{meeting.id}/poll/new").status_code == 302


def test_a_stale_pick_is_refused(client: CSRFClient, organiser: User, meeting: Meeting) -> None:
    poll = open_poll(meeting, organiser)
    login_as(client, organiser)
    stale = str(poll.version - 1)
    response = client.post(
        f"/meetings/{meeting.id}/poll/pick", data={"slot": str(poll.slots[0].id), "version": stale}
    )
    assert response.status_code == 409
    assert poll_of(meeting).is_open


@pytest.mark.parametrize("slot", ["", "abc", "99999999999999999999", arabic("3")])
def test_a_pick_of_no_real_slot_is_refused(
    client: CSRFClient, organiser: User, meeting: Meeting, slot: str
) -> None:
    poll = open_poll(meeting, organiser)
    login_as(client, organiser)
    response = client.post(
        f"/meetings/{meeting.id}/poll/pick", data={"slot": slot, "version": str(poll.version)}
    )
    assert response.status_code in (400, 409)
    assert poll_of(meeting).is_open


def test_a_slot_of_another_poll_cannot_be_picked(
    client: CSRFClient, organiser: User, meeting: Meeting
) -> None:
    poll = open_poll(meeting, organiser)
    other = open_poll(factories.make_meeting(), organiser)
    login_as(client, organiser)
    response = client.post(
        f"/meetings/{meeting.id}/poll/pick",
        data={"slot": str(other.slots[0].id), "version": str(poll.version)},
    )
    assert response.status_code == 409
    assert poll_of(meeting).is_open


def test_the_slot_is_shown_in_the_voters_own_zone(
    client: CSRFClient, organiser: User, meeting: Meeting
) -> None:
    open_poll(meeting, organiser)
    login_as(client, factories.make_user(Role.VIEWER, timezone="America/New_York"))
    page = client.get(f"/meetings/{meeting.id}/poll").get_data(as_text=True)
    # 15:00 in Sofia in January is 08:00 in New York, the reader's zone.
    assert "08:00 your time (New York)" in page
    assert "15:00 Sofia" in page  # beside it, the meeting's own zone and the partners'
    switch_user(client, factories.make_user(Role.VIEWER, timezone="Asia/Tokyo"))
    page = client.get(f"/meetings/{meeting.id}/poll").get_data(as_text=True)
    assert "22:00 your time (Tokyo)" in page and "08:00 your time (New York)" not in page


def test_the_helpers_warnings_stand_beside_each_slot(
    client: CSRFClient, organiser: User, meeting: Meeting
) -> None:
    poll = open_poll(meeting, organiser)
    london = next(p.organisation for p in meeting.participations if p.organisation.country == "GB")
    login_as(client, organiser)
    page = client.get(f"/meetings/{meeting.id}/poll").get_data(as_text=True)
    rows = {slot.id: page.split(f'id="slot-{slot.id}"')[1].split("</tr>")[0] for slot in poll.slots}
    first, second, _ = (slot.id for slot in poll.slots)
    # 10:00 in Sofia is 08:00 in London: before the London partner's working hours.
    assert f"{london.name}: before working hours (09:00" in rows[second]
    # 15:00 in Sofia is 14:00 in Vienna and 13:00 in London: no warning.
    assert "No warnings: fits everyone." in rows[first]
    assert "before working hours" not in rows[first]


def test_permissions(client: CSRFClient, organiser: User, meeting: Meeting) -> None:
    poll = open_poll(meeting, organiser)
    slot = poll.slots[0].id
    base = f"/meetings/{meeting.id}/poll"
    # Anonymous: sent to log in, never a vote.
    for response in (
        client.get(base),
        client.post(f"{base}/vote", data={f"slot-{slot}": "yes"}),
        client.get(f"{base}/new"),
    ):
        assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert db.session.scalar(select(func.count()).select_from(PollVote)) == 0
    # A viewer may answer, not propose or pick.
    login_as(client, factories.make_user(Role.VIEWER))
    assert client.get(f"{base}/new").status_code == 403
    pick = client.post(f"{base}/pick", data={"slot": str(slot), "version": str(poll.version)})
    assert pick.status_code == 403
    assert client.post(f"{base}/vote", data={f"slot-{slot}": "yes"}).status_code == 302
    assert poll_of(meeting).is_open


def test_a_deleted_meetings_poll_is_not_found(
    client: CSRFClient, organiser: User, meeting: Meeting
) -> None:
    poll = open_poll(meeting, organiser)
    slot = poll.slots[0].id
    meeting.deleted_at = datetime.now(UTC)
    login_as(client, factories.make_user(Role.ADMIN))
    base = f"/meetings/{meeting.id}/poll"
    assert client.get(base).status_code == 404
    assert client.get(f"{base}/new").status_code == 404
    assert client.post(f"{base}/vote", data={f"slot-{slot}": "yes"}).status_code == 404
    assert client.post(f"{base}/pick", data={"slot": str(slot), "version": "1"}).status_code == 404
    assert db.session.scalar(select(func.count()).select_from(PollVote)) == 0


def test_only_an_unsettled_meeting_gets_a_poll(
    organiser_client: CSRFClient, meeting: Meeting
) -> None:
    meeting.status = MeetingStatus.CONFIRMED
    response = organiser_client.post(
        f"/meetings/{meeting.id}/poll/new", data=slot_rows(THREE_SLOTS)
    )
    assert response.status_code == 409
    assert "planned or postponed" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(TimePoll)) == 0


def test_more_rows_keeps_the_input_and_stops_at_eight(
    organiser_client: CSRFClient, meeting: Meeting
) -> None:
    data = {**slot_rows(THREE_SLOTS[:1]), "more_rows": "1"}
    page = organiser_client.post(f"/meetings/{meeting.id}/poll/new", data=data)
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert f'value="{THREE_SLOTS[0][0]}"' in text and "slots-2-day" in text
    assert db.session.scalar(select(func.count()).select_from(TimePoll)) == 0
    eight = slot_rows([(DAYS[0].isoformat(), f"{9 + n:02d}:00", "60") for n in range(8)])
    page = organiser_client.post(
        f"/meetings/{meeting.id}/poll/new", data={**eight, "more_rows": "1"}
    )
    text = page.get_data(as_text=True)
    assert "slots-7-day" in text and "slots-8-day" not in text and "More rows" not in text


BAD_ROWS: dict[str, tuple[list[tuple[str, str, str]], str]] = {
    "one slot": (THREE_SLOTS[:1], "at least 2 slots"),
    "nine slots": (
        [(DAYS[0].isoformat(), f"{8 + n:02d}:00", "30") for n in range(9)],
        "at most 8 slots",
    ),
    "year 9999": ([("9999-01-12", "15:00", "60"), THREE_SLOTS[1]], "between 1900 and 2200"),
    "twenty digits": (
        [(DAYS[0].isoformat(), "15:00", "9" * 20), THREE_SLOTS[1]],
        "Not a valid integer",
    ),
    "long length": ([(DAYS[0].isoformat(), "15:00", "5000"), THREE_SLOTS[1]], "Use 15 to 1440"),
    "arabic digits in date": (
        [(f"{YEAR}-" + arabic("01-12"), "15:00", "60"), THREE_SLOTS[1]],
        "digits 0 to 9",
    ),
    "arabic digits in time": (
        [(DAYS[0].isoformat(), arabic("15:00"), "60"), THREE_SLOTS[1]],
        "digits 0",
    ),
    "arabic digits in length": (
        [(DAYS[0].isoformat(), "15:00", arabic("60")), THREE_SLOTS[1]],
        "Not a valid integer",
    ),
    "no time": ([(DAYS[0].isoformat(), "", "60"), THREE_SLOTS[1]], "Enter the local start time"),
    "no date": ([("", "15:00", "60"), THREE_SLOTS[1]], "Enter the date"),
    "nonsense time": ([(DAYS[0].isoformat(), "25:99", "60"), THREE_SLOTS[1]], "time"),
    "same slot twice": ([THREE_SLOTS[1], THREE_SLOTS[1]], "same slot as row 1"),
    "in the past": ([("2020-01-12", "15:00", "60"), THREE_SLOTS[1]], "in the future"),
    # Sofia's clocks jump from 03:00 to 04:00 on the last Sunday of March.
    "skipped hour": (
        [
            (f"{YEAR}-03-{31 - (date(YEAR, 3, 31).weekday() + 1) % 7:02d}", "03:30", "60"),
            THREE_SLOTS[1],
        ],
        "does not exist",
    ),
}


@pytest.mark.parametrize("case", list(BAD_ROWS))
def test_bad_slots_are_refused_at_the_field_and_kept(
    organiser_client: CSRFClient, meeting: Meeting, case: str
) -> None:
    rows, message = BAD_ROWS[case]
    response = organiser_client.post(f"/meetings/{meeting.id}/poll/new", data=slot_rows(rows))
    text = response.get_data(as_text=True)
    assert response.status_code == 400
    assert message in text
    for day, _start, _ in rows:
        if day:
            assert f'value="{day}"' in text
    assert db.session.scalar(select(func.count()).select_from(TimePoll)) == 0


@pytest.mark.parametrize("answer", ["maybe", "YES", "", "yes\u200b"])
def test_a_bad_answer_is_refused(
    client: CSRFClient, organiser: User, meeting: Meeting, answer: str
) -> None:
    poll = open_poll(meeting, organiser)
    login_as(client, factories.make_user(Role.VIEWER))
    response = client.post(
        f"/meetings/{meeting.id}/poll/vote", data={f"slot-{poll.slots[0].id}": answer}
    )
    assert response.status_code == 400
    assert db.session.scalar(select(func.count()).select_from(PollVote)) == 0


def test_vote_without_csrf_is_refused(
    client: CSRFClient, organiser: User, meeting: Meeting
) -> None:
    poll = open_poll(meeting, organiser)
    login_as(client, factories.make_user(Role.VIEWER))
    response = client.post(
        f"/meetings/{meeting.id}/poll/vote", data={f"slot-{poll.slots[0].id}": "yes"}, csrf=False
    )
    assert response.status_code == 400
    assert db.session.scalar(select(func.count()).select_from(PollVote)) == 0


def test_two_answers_of_one_user_at_once_leave_one_vote(tmp_path: Path, database_url: str) -> None:
    """The second transaction's insert meets the first's row: it changes it and does not fail."""
    app = build_app(tmp_path, SQLALCHEMY_DATABASE_URI=database_url)
    with app.app_context():
        clean_slate(db.engine)
        organiser = factories.make_user(Role.ORGANISER)
        poll = open_poll(factories.make_meeting(), organiser)
        voter = factories.make_user(Role.VIEWER)
        db.session.commit()
        ids = (poll.id, poll.slots[0].id, voter.id)
        db.session.remove()
    written = threading.Event()
    outcomes: list[str] = []

    def answer(choice: PollAnswer, hold: float, wait: threading.Event | None) -> None:
        with app.app_context():
            try:
                if wait is not None:
                    wait.wait(10)
                poll = db.session.get(TimePoll, ids[0])
                user = db.session.get(User, ids[2])
                assert poll is not None and user is not None
                record_votes(db.session, poll, user, {ids[1]: choice})
                if wait is None:
                    written.set()
                time.sleep(hold)  # the other request writes meanwhile
                db.session.commit()
                outcomes.append(choice.value)
            except Exception as error:
                outcomes.append(f"failed: {error!r}")
            finally:
                written.set()
                db.session.remove()

    threads = [
        threading.Thread(target=answer, args=(PollAnswer.YES, 0.5, None)),
        threading.Thread(target=answer, args=(PollAnswer.NO, 0.0, written)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    with app.app_context():
        votes = db.session.scalars(select(PollVote)).all()
        result = [(v.slot_id, v.user_id, v.answer) for v in votes]
        db.session.remove()
        db.engine.dispose()
    assert sorted(outcomes) == ["no", "yes"]
    assert result == [(ids[1], ids[2], PollAnswer.NO)]


def test_answers_racing_the_pick_are_refused(tmp_path: Path, database_url: str) -> None:
    """An answer sent while the organiser's pick is being saved is refused, never kept."""
    app = build_app(tmp_path, SQLALCHEMY_DATABASE_URI=database_url)
    with app.app_context():
        clean_slate(db.engine)
        organiser = factories.make_user(Role.ORGANISER)
        poll = open_poll(factories.make_meeting(), organiser)
        voter = factories.make_user(Role.VIEWER)
        db.session.commit()
        ids = (poll.id, poll.slots[0].id, voter.id, poll.version)
        db.session.remove()
    picked = threading.Event()
    outcomes: list[str] = []

    def pick() -> None:
        with app.app_context():
            try:
                poll = db.session.get(TimePoll, ids[0])
                assert poll is not None
                pick_slot(db.session, poll, ids[1], ids[3])
                picked.set()
                time.sleep(0.5)  # the answer arrives meanwhile
                db.session.commit()
                outcomes.append("picked")
            finally:
                picked.set()
                db.session.remove()

    def answer() -> None:
        with app.app_context():
            try:
                picked.wait(10)
                poll = db.session.get(TimePoll, ids[0])
                user = db.session.get(User, ids[2])
                assert poll is not None and user is not None
                record_votes(db.session, poll, user, {ids[1]: PollAnswer.YES})
                db.session.commit()
                outcomes.append("answered")
            except PollClosed:
                db.session.rollback()
                outcomes.append("refused")
            finally:
                db.session.remove()

    threads = [threading.Thread(target=pick), threading.Thread(target=answer)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    with app.app_context():
        votes = db.session.scalar(select(func.count()).select_from(PollVote))
        db.session.remove()
        db.engine.dispose()
    assert sorted(outcomes) == ["picked", "refused"]
    assert votes == 0


def test_people_voting_at_once_get_no_error(tmp_path: Path, database_url: str) -> None:
    app = build_app(tmp_path, SQLALCHEMY_DATABASE_URI=database_url)
    with app.app_context():
        clean_slate(db.engine)
        organiser = factories.make_user(Role.ORGANISER)
        meeting = factories.make_meeting()
        poll = open_poll(meeting, organiser)
        voters = [factories.make_user(Role.VIEWER) for _ in range(3)]
        db.session.commit()
        meeting_id, slot_ids = meeting.id, [s.id for s in poll.slots]
        logins = [v.get_id() for v in voters] + [voters[0].get_id()]
        db.session.remove()
    start = threading.Barrier(len(logins))
    codes: list[int] = []

    def vote(login: str) -> None:
        client: CSRFClient = app.test_client()  # type: ignore[assignment]
        with client.session_transaction() as session:
            session["_user_id"] = login
            session["_fresh"] = True
        data = {f"slot-{slot}": "yes" for slot in slot_ids}
        start.wait(10)
        codes.append(client.post(f"/meetings/{meeting_id}/poll/vote", data=data).status_code)

    threads = [threading.Thread(target=vote, args=(login,)) for login in logins]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    with app.app_context():
        count = db.session.scalar(select(func.count()).select_from(PollVote))
        db.session.remove()
        db.engine.dispose()
    assert codes == [302] * len(logins)
    assert count == 3 * len(slot_ids)


def test_slots_of_a_poll_are_stored_in_order(app: Flask, organiser: User, meeting: Meeting) -> None:
    poll = open_poll(meeting, organiser)
    db.session.commit()
    starts = db.session.scalars(
        select(PollSlot.starts_at).where(PollSlot.poll_id == poll.id).order_by(PollSlot.id)
    ).all()
    assert starts == sorted(starts) and len(starts) == 3
    assert [s.minutes for s in poll.slots] == [120, 90, 60]


def test_the_audit_pages_show_poll_events(
    client: CSRFClient, organiser: User, meeting: Meeting
) -> None:
    poll = open_poll(meeting, organiser)
    admin = login_as(client, factories.make_user(Role.ADMIN))
    response = client.post(
        f"/meetings/{meeting.id}/poll/pick",
        data={"slot": str(poll.slots[0].id), "version": str(poll.version)},
    )
    assert response.status_code == 302
    entities = set(db.session.scalars(select(AuditEvent.entity)))
    assert {"time_poll", "poll_slot", "meeting"} <= entities
    assert admin.is_admin
    assert client.get("/admin/audit").status_code == 200
    assert client.get("/admin/audit?entity=time_poll").status_code == 200
    assert client.get(f"/meetings/{meeting.id}").status_code == 200

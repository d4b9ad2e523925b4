"""Notifications end to end: the outbox is written with the change, sent once over real SMTP."""

from __future__ import annotations

import re
import threading
from collections import Counter
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage

import icalendar
import sqlalchemy as sa
import vobject
from flask import Flask
from sqlalchemy.orm import Session

from tests.conftest import CSRFClient, login_as
from tests.factories import (
    make_action_item,
    make_deliverable,
    make_meeting,
    make_organisation,
    make_person,
    make_user,
)
from tests.mailserver import MailServer, running_mail_server
from tracker.extensions import db
from tracker.models import (
    DeliverableStatus,
    Meeting,
    MeetingStatus,
    NotificationPreference,
    OutboxMessage,
    OutboxStatus,
    Participation,
    Role,
    utc_today,
)
from tracker.notify.scheduled import queue_scheduled
from tracker.notify.sender import MailSettings, RetryPolicy, send_pending
from tracker.notify.signing import preference_token


def settings_for(server: MailServer) -> MailSettings:
    """Mail settings pointing at the test server."""
    return MailSettings(
        server="127.0.0.1",
        port=server.port,
        starttls=False,
        ssl=False,
        username="",
        password="",
        sender="Tracker <tracker@tracker.test>",
        timeout=5,
    )


def outbox(kind: str | None = None) -> list[OutboxMessage]:
    """Outbox rows, oldest first, optionally of one kind."""
    statement = sa.select(OutboxMessage).order_by(OutboxMessage.id)
    if kind:
        statement = statement.where(OutboxMessage.kind == kind)
    db.session.expire_all()
    return list(db.session.scalars(statement))


def confirmed_meeting(emails: list[str], zone: str = "Europe/Sofia") -> Meeting:
    """A planned meeting of one organisation with people at emails, then confirmed."""
    organisation = make_organisation(timezone=zone)
    for address in emails:
        make_person(organisation=organisation, email=address)
    meeting = make_meeting(
        organisations=[organisation],
        starts_at=datetime(2031, 3, 4, 13, 0, tzinfo=UTC),
        ends_at=datetime(2031, 3, 4, 15, 0, tzinfo=UTC),
        location="Sofia Tech Park",
    )
    meeting.status = MeetingStatus.CONFIRMED
    db.session.commit()
    return meeting


def parts(message: EmailMessage) -> dict[str, str | bytes]:
    """The text, HTML and calendar parts of a received message, by content type."""
    found: dict[str, str | bytes] = {}
    for part in message.walk():
        kind = part.get_content_type()
        if kind in ("text/plain", "text/html"):
            found[kind] = part.get_content()
        elif kind == "text/calendar":
            found[kind] = part.get_payload(decode=True)
    return found


def test_invitation_is_queued_in_the_same_transaction(app: Flask) -> None:
    organisation = make_organisation()
    make_person(organisation=organisation, email="ana@example.org")
    meeting = make_meeting(organisations=[organisation])
    db.session.commit()
    meeting.status = MeetingStatus.CONFIRMED
    db.session.flush()
    assert [row.recipient for row in outbox("meeting_invitation")] == ["ana@example.org"]
    db.session.rollback()
    assert outbox() == []  # the change was rolled back, and its message with it
    meeting = db.session.get(Meeting, meeting.id)
    meeting.status = MeetingStatus.CONFIRMED
    db.session.commit()
    assert len(outbox("meeting_invitation")) == 1


def test_invitation_arrives_with_headers_parts_and_calendar(app: Flask) -> None:
    meeting = confirmed_meeting(["ana@example.org"])
    tokyo = make_user(Role.VIEWER, email="ken@example.org", timezone="Asia/Tokyo")
    person = make_person(
        organisation=meeting.participations[0].organisation, email="ken@example.org", name="Ken"
    )
    tokyo.person_id = person.id
    db.session.commit()
    # Ken joined after the invitation went out; a change notice reaches both.
    with running_mail_server() as server:
        report = send_pending(db.session, settings_for(server))
        assert report.sent == 1
        message = server.inbox.messages[0]
    row = outbox("meeting_invitation")[0]
    assert row.status == OutboxStatus.SENT and row.sent_at is not None
    assert message["Message-ID"] == row.message_id
    assert message["To"].addresses[0].addr_spec == "ana@example.org"
    assert message["Subject"].startswith("Invitation: ")
    assert message["Date"].datetime.tzinfo is not None
    assert message["Reply-To"] == "organiser@tracker.test"
    assert message["Auto-Submitted"] == "auto-generated"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message["List-Unsubscribe"].startswith("<http://tracker.test/notify/unsubscribe/")
    found = parts(message)
    text, html = str(found["text/plain"]), str(found["text/html"])
    assert f"http://tracker.test/meetings/{meeting.id}" in text
    assert f'href="http://tracker.test/meetings/{meeting.id}"' in html
    assert "Tue 4 Mar 2031, 15:00 Sofia" in text and "Sofia Tech Park" in html
    assert "http://tracker.test/notify/preferences/" in text
    ics = found["text/calendar"]
    assert isinstance(ics, bytes)
    calendar = icalendar.Calendar.from_ical(ics)
    assert str(calendar["METHOD"]) == "PUBLISH"
    event = next(iter(calendar.walk("VEVENT")))
    assert str(event["UID"]) == meeting.uid
    assert event.decoded("DTSTART") == datetime(2031, 3, 4, 13, 0, tzinfo=UTC)
    parsed = vobject.readOne(ics.decode())
    assert parsed.method.value == "PUBLISH"
    assert parsed.vevent.uid.value == meeting.uid
    first_sequence = int(parsed.vevent.sequence.value)

    meeting.starts_at += timedelta(days=1)
    meeting.ends_at += timedelta(days=1)
    db.session.commit()
    changes = outbox("meeting_change")
    assert sorted(r.recipient for r in changes) == ["ana@example.org", "ken@example.org"]
    with running_mail_server() as server:
        assert send_pending(db.session, settings_for(server)).sent == 2
        received = {m["To"].addresses[0].addr_spec: m for m in server.inbox.messages}
    ken = parts(received["ken@example.org"])
    assert "Wed 5 Mar 2031, 22:00 Tokyo" in str(ken["text/plain"])  # his own zone
    changed = vobject.readOne(bytes(ken["text/calendar"]).decode())  # type: ignore[arg-type]
    assert changed.vevent.uid.value == meeting.uid
    assert int(changed.vevent.sequence.value) > first_sequence
    again = icalendar.Calendar.from_ical(ken["text/calendar"])
    assert int(next(iter(again.walk("VEVENT")))["SEQUENCE"]) > first_sequence


def test_cancellation_carries_a_cancelled_event(app: Flask) -> None:
    meeting = confirmed_meeting(["ana@example.org"])
    meeting.status = MeetingStatus.CANCELLED
    db.session.commit()
    [row] = outbox("meeting_change")
    assert row.subject.startswith("Cancelled: ")
    calendar = icalendar.Calendar.from_ical(row.ics)
    assert str(next(iter(calendar.walk("VEVENT")))["STATUS"]) == "CANCELLED"


def test_one_click_unsubscribe_stops_that_kind(app: Flask, client: CSRFClient) -> None:
    meeting = confirmed_meeting(["ana@example.org"])
    row = outbox("meeting_invitation")[0]
    assert row.unsubscribe_url.startswith("http://tracker.test/")
    path = row.unsubscribe_url.removeprefix("http://tracker.test")
    assert client.get(path).status_code == 200  # a GET changes nothing
    assert db.session.get(NotificationPreference, ("ana@example.org", "meeting_invitation")) is None
    response = client.post(path, data={"List-Unsubscribe": "One-Click"}, csrf=False)
    assert response.status_code == 200
    pref = db.session.get(NotificationPreference, ("ana@example.org", "meeting_invitation"))
    assert pref is not None and pref.enabled is False
    other = make_meeting(organisations=[meeting.participations[0].organisation])
    other.status = MeetingStatus.CONFIRMED
    db.session.commit()
    assert len(outbox("meeting_invitation")) == 1  # nothing new for ana
    forged = path.replace(path.split("/")[3], "not-a-token")
    assert client.post(forged, csrf=False).status_code == 404


def test_signed_preference_link_lets_people_without_account_choose(
    app: Flask, client: CSRFClient
) -> None:
    token = preference_token(app.config["SECRET_KEY"], "ana@example.org")
    page = client.get(f"/notify/preferences/{token}")
    assert page.status_code == 200 and b"ana@example.org" in page.data
    client.post(f"/notify/preferences/{token}", data={"meeting_invitation": "y"})
    db.session.expire_all()
    assert (
        db.session.get(NotificationPreference, ("ana@example.org", "action_due")).enabled is False
    )
    assert db.session.get(NotificationPreference, ("ana@example.org", "meeting_invitation")).enabled
    assert client.get("/notify/preferences/forged.token").status_code == 404


def test_server_killed_mid_batch_then_every_message_arrives_exactly_once(app: Flask) -> None:
    confirmed_meeting([f"p{n}@example.org" for n in range(6)])
    assert len(outbox()) == 6
    server = MailServer()
    server.start()
    server.inbox.die_on = 4
    try:
        report = send_pending(db.session, settings_for(server), batch_size=10)
        assert report.sent == 3 and report.retried == 1
        assert len(server.inbox.raw) == 3
        statuses = Counter(row.status for row in outbox())
        assert statuses == {OutboxStatus.SENT: 3, OutboxStatus.PENDING: 3}
        server.start()  # the same port again
        # The failed message waits for its backoff; the untried ones go at once.
        assert send_pending(db.session, settings_for(server)).sent == 2
        later = datetime.now(UTC) + timedelta(hours=1)
        assert send_pending(db.session, settings_for(server), now=later).sent == 1
        assert send_pending(db.session, settings_for(server), now=later).sent == 0
        ids = [m["Message-ID"] for m in server.inbox.messages]
    finally:
        server.stop()
    assert len(ids) == 6 and len(set(ids)) == 6
    assert {row.message_id for row in outbox()} == set(ids)
    assert all(row.status == OutboxStatus.SENT for row in outbox())


def test_refused_messages_retry_with_backoff_then_fail_and_show_to_admins(
    app: Flask, client: CSRFClient
) -> None:
    confirmed_meeting(["ana@example.org"])
    policy = RetryPolicy(max_attempts=3, base_seconds=60)
    with running_mail_server() as server:
        server.inbox.refuse = "451 4.3.0 try again later"
        now = datetime.now(UTC)
        for attempt in range(1, 4):
            report = send_pending(db.session, settings_for(server), policy, now=now)
            [row] = outbox()
            assert row.attempts == attempt
            assert (report.retried, report.failed) == ((1, 0) if attempt < 3 else (0, 1))
            if attempt < 3:
                assert row.next_attempt_at >= now + timedelta(seconds=60 * 2 ** (attempt - 1))
                # not due yet: nothing happens
                assert send_pending(db.session, settings_for(server), policy, now=now).retried == 0
            now = row.next_attempt_at + timedelta(seconds=1)
        assert row.status == OutboxStatus.FAILED and "451" in row.last_error
        assert server.inbox.raw == []
    login_as(client, make_user(Role.ADMIN))
    page = client.get("/notify/admin/outbox?status=failed")
    assert page.status_code == 200
    assert row.message_id.encode() in page.data.replace(b"&lt;", b"<").replace(b"&gt;", b">")
    assert client.get("/notify/admin/outbox?status=bogus").status_code == 400


def test_outbox_page_is_for_admins_only(app: Flask, client: CSRFClient) -> None:
    login_as(client, make_user(Role.ORGANISER))
    assert client.get("/notify/admin/outbox").status_code == 403


def test_two_senders_share_one_outbox_without_duplicates(app: Flask) -> None:
    confirmed_meeting([f"p{n}@example.org" for n in range(30)])
    errors: list[BaseException] = []
    with running_mail_server() as server:
        server.inbox.delay = 0.01
        settings = settings_for(server)

        def run() -> None:
            try:
                with app.app_context(), Session(db.engine) as session:
                    send_pending(session, settings, batch_size=3)
            except BaseException as error:  # reported below
                errors.append(error)

        threads = [threading.Thread(target=run) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        ids = [m["Message-ID"] for m in server.inbox.messages]
    assert errors == []
    assert len(ids) == 30 and len(set(ids)) == 30
    assert all(row.status == OutboxStatus.SENT for row in outbox())


def test_scheduled_messages_are_queued_once(app: Flask) -> None:
    now = datetime.now(UTC).replace(microsecond=0)
    organisation = make_organisation()
    make_person(organisation=organisation, email="ana@example.org")
    meeting = make_meeting(organisations=[organisation], starts_at=now + timedelta(hours=5))
    meeting.status = MeetingStatus.CONFIRMED
    make_action_item(meeting=meeting, due_date=utc_today() + timedelta(days=1))
    make_action_item(meeting=meeting, due_date=utc_today() - timedelta(days=3))
    db.session.commit()
    before = len(outbox())
    config = dict(app.config, NOTIFY_DIGEST_WEEKDAY=8)  # no digest in this test
    assert queue_scheduled(db.session, now, config) == 3
    db.session.commit()
    assert queue_scheduled(db.session, now, config) == 0
    db.session.commit()
    kinds = Counter(row.kind for row in outbox()[before:])
    assert kinds == {"meeting_reminder": 1, "action_due": 2}
    # Overdue comes back a week later, once.
    week_later = now + timedelta(days=7)
    assert queue_scheduled(db.session, week_later, config) >= 1
    db.session.commit()
    assert queue_scheduled(db.session, week_later, config) == 0


def test_weekly_digest_only_to_those_who_chose_it(app: Flask) -> None:
    make_person(email="ana@example.org")
    make_person(email="bo@example.org")
    db.session.add(
        NotificationPreference(email="bo@example.org", kind="weekly_digest", enabled=True)
    )
    db.session.commit()
    now = datetime(2031, 3, 3, 8, 0, tzinfo=UTC)  # a Monday
    assert queue_scheduled(db.session, now, app.config) == 1
    db.session.commit()
    assert queue_scheduled(db.session, now + timedelta(days=2), app.config) == 0
    [row] = outbox("weekly_digest")
    assert row.recipient == "bo@example.org" and "Open action items" in row.text_body


def test_minutes_actions_and_deliverables_reach_the_right_people(app: Flask) -> None:
    approver = make_user(Role.ORGANISER, email="chair@example.org")
    organisation = make_organisation()
    make_person(organisation=organisation, email="ana@example.org")
    meeting = make_meeting(organisations=[organisation], status=MeetingStatus.CONFIRMED)
    meeting.minutes = "We met."
    meeting.status = MeetingStatus.HELD
    db.session.commit()
    assert [r.recipient for r in outbox("minutes_ready")] == [approver.email]
    from tracker.models import MinutesApproval

    db.session.add(MinutesApproval(meeting_id=meeting.id, approved_by_id=approver.id))
    db.session.commit()
    [approved] = outbox("minutes_approved")
    assert approved.recipient == "ana@example.org" and "Report" in approved.text_body
    make_action_item(meeting=meeting)
    assert [r.recipient for r in outbox("action_assigned")] == ["ana@example.org"]
    deliverable = make_deliverable(lead_organisation=organisation)
    deliverable.status = DeliverableStatus.IN_REVIEW
    db.session.commit()
    [notice] = outbox("deliverable_change")
    assert "In review" in notice.subject


def test_without_a_mail_server_messages_wait_and_preview_prints_them(app: Flask) -> None:
    confirmed_meeting(["ana@example.org"])
    runner = app.test_cli_runner()
    result = runner.invoke(args=["notify", "send"])
    assert result.exit_code == 0 and "stay in the outbox" in result.output
    assert outbox()[0].status == OutboxStatus.PENDING
    result = runner.invoke(args=["notify", "preview"])
    assert result.exit_code == 0
    assert (
        "Subject: Invitation:" in result.output and "Content-Type: text/calendar" in result.output
    )


def test_send_command_delivers_through_the_configured_server(app: Flask) -> None:
    confirmed_meeting(["ana@example.org"])
    with running_mail_server() as server:
        app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=server.port, MAIL_USE_STARTTLS=False)
        result = app.test_cli_runner().invoke(args=["notify", "send"])
        assert result.exit_code == 0, result.output
        assert "1 sent" in result.output
        assert len(server.inbox.raw) == 1


def test_account_profile_sets_name_and_zone_with_errors_next_to_the_field(
    app: Flask, client: CSRFClient
) -> None:
    user = login_as(client, make_user(Role.VIEWER, email="vi@example.org"))
    page = client.get("/account")
    assert page.status_code == 200
    assert b"Profile" in page.data and b"E-mail notifications" in page.data
    bad = client.post(
        "/account/profile", data={"profile-name": "Vi Tran", "profile-timezone": "Mars/Olympus"}
    )
    assert bad.status_code == 400
    html = bad.data.decode()
    assert 'id="profile-timezone-error"' in html and "real IANA time zone" in html
    assert 'value="Vi Tran"' in html  # the input is kept
    ok = client.post(
        "/account/profile", data={"profile-name": "Vi Tran", "profile-timezone": "Asia/Tokyo"}
    )
    assert ok.status_code == 302
    db.session.expire_all()
    assert (user.name, user.timezone) == ("Vi Tran", "Asia/Tokyo")
    client.post("/account/profile", data={"profile-name": "Vi Tran", "profile-timezone": ""})
    db.session.expire_all()
    assert user.timezone is None


def test_account_notification_choices_cover_the_linked_person(
    app: Flask, client: CSRFClient
) -> None:
    person = make_person(email="vi.work@example.org")
    user = make_user(Role.VIEWER, email="vi@example.org", person_id=person.id)
    login_as(client, user)
    response = client.post("/account/notifications", data={"notify-weekly_digest": "y"})
    assert response.status_code == 302
    for address in ("vi@example.org", "vi.work@example.org"):
        assert db.session.get(NotificationPreference, (address, "weekly_digest")).enabled
        assert not db.session.get(NotificationPreference, (address, "meeting_invitation")).enabled
    page = client.get("/account").data.decode()
    digest = re.search(r'<input[^>]*name="notify-weekly_digest"[^>]*>', page)
    invitation = re.search(r'<input[^>]*name="notify-meeting_invitation"[^>]*>', page)
    assert digest and "checked" in digest.group(0)
    assert invitation and "checked" not in invitation.group(0)


def test_an_organisation_added_to_a_confirmed_meeting_is_invited_once(app: Flask) -> None:
    meeting = confirmed_meeting(["ana@example.org"])
    late = make_organisation()
    make_person(organisation=late, email="bo@example.org")
    meeting.participations.append(Participation(organisation=late))
    db.session.commit()
    rows = outbox("meeting_invitation")
    assert sorted(r.recipient for r in rows) == ["ana@example.org", "bo@example.org"]


def test_deleting_a_confirmed_meeting_sends_a_cancellation(app: Flask) -> None:
    meeting = confirmed_meeting(["ana@example.org"])
    sequence = meeting.sequence
    meeting.deleted_at = datetime.now(UTC)
    db.session.commit()
    [row] = outbox("meeting_change")
    assert row.subject.startswith("Cancelled: ")
    event = next(iter(icalendar.Calendar.from_ical(row.ics).walk("VEVENT")))
    assert str(event["UID"]) == meeting.uid and str(event["STATUS"]) == "CANCELLED"
    assert int(event["SEQUENCE"]) > sequence
    assert vobject.readOne(row.ics).vevent.status.value == "CANCELLED"


def test_reply_to_is_the_meetings_organiser_else_the_configured_address(app: Flask) -> None:
    organiser = make_user(Role.ORGANISER, email="olga@example.org")
    db.session.commit()
    organisation = make_organisation()
    make_person(organisation=organisation, email="ana@example.org")
    db.session.info["actor_id"] = organiser.id  # as record_actor notes it for a request
    # Created and confirmed in one flush: the create event is still pending then.
    at_once = make_meeting(organisations=[organisation], status=MeetingStatus.CONFIRMED)
    db.session.commit()
    later = make_meeting(organisations=[organisation])
    db.session.commit()
    db.session.info["actor_id"] = None  # someone else (here: nobody) confirms it later
    later.status = MeetingStatus.CONFIRMED
    db.session.commit()
    anonymous = make_meeting(organisations=[organisation])
    db.session.commit()
    anonymous.status = MeetingStatus.CONFIRMED
    db.session.commit()
    with running_mail_server() as server:
        assert send_pending(db.session, settings_for(server)).sent == 3
        reply_to = {m["Subject"]: str(m["Reply-To"]) for m in server.inbox.messages}
    titles = {m.id: m.title for m in (at_once, later, anonymous)}
    by_meeting = {
        meeting_id: next(v for k, v in reply_to.items() if title in k)
        for meeting_id, title in titles.items()
    }
    assert by_meeting[at_once.id] == "olga@example.org"
    assert by_meeting[later.id] == "olga@example.org"
    assert by_meeting[anonymous.id] == "organiser@tracker.test"
    organiser.active = False
    later.location = "Elsewhere"
    db.session.commit()
    assert outbox("meeting_change")[-1].reply_to == "organiser@tracker.test"

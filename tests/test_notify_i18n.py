"""E-mails in the recipient's language, from a request or from the CLI worker alike."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Flask
from flask_babel import get_locale

from tests.factories import make_meeting, make_organisation, make_person, make_user
from tests.test_notify import outbox
from tracker.extensions import db
from tracker.models import MeetingStatus, Role
from tracker.notify import messages
from tracker.notify.scheduled import queue_reminders


def test_each_recipient_gets_their_language_even_outside_a_request(app: Flask, monkeypatch) -> None:
    organisation = make_organisation(timezone="Europe/Sofia")
    german = make_person(organisation=organisation, email="de@example.org")
    make_person(organisation=organisation, email="en@example.org")
    make_user(Role.VIEWER, person=german, email="de-user@example.org", language="de")
    meeting = make_meeting(
        organisations=[organisation],
        starts_at=datetime(2031, 3, 4, 13, 0, tzinfo=UTC),
        ends_at=datetime(2031, 3, 4, 15, 0, tzinfo=UTC),
    )
    meeting.status = MeetingStatus.CONFIRMED
    db.session.commit()
    invited = {row.recipient: row for row in outbox("meeting_invitation")}
    assert '<html lang="de">' in invited["de@example.org"].html_body
    assert '<html lang="en">' in invited["en@example.org"].html_body

    # As `flask notify send` runs: an app context and no request.
    seen: dict[str, str] = {}
    reminder = messages.reminder

    def spy(meeting, recipient):  # type: ignore[no-untyped-def]
        seen[recipient.email] = str(get_locale())
        return reminder(meeting, recipient)

    monkeypatch.setattr(messages, "reminder", spy)
    queued = queue_reminders(db.session, datetime(2031, 3, 4, 1, 0, tzinfo=UTC), 24)
    db.session.commit()
    assert queued == 2
    assert seen == {"de@example.org": "de", "en@example.org": "en"}
    reminded = {row.recipient: row for row in outbox("meeting_reminder")}
    assert '<html lang="de">' in reminded["de@example.org"].html_body

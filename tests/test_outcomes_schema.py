"""The outcomes migration builds exactly the outcome models; deletions leave no dangling rows."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from tests.factories import (
    make_action_item,
    make_meeting,
    make_minutes_revision,
    make_organisation,
    make_outcome,
    make_person,
    make_topic,
)
from tracker import create_app
from tracker.extensions import db
from tracker.models import ActionItem, AgendaItem, Base, Outcome, PersonAttendance

OUTCOME_TABLES = {
    "minutes_revision",
    "minutes_approval",
    "outcome",
    "action_item",
    "person_attendance",
}


@pytest.mark.filterwarnings("ignore:.get_engine. is deprecated:DeprecationWarning")
def test_migration_matches_the_outcome_models(tmp_path: Path):
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'm.sqlite3'}")
    with app.app_context():
        upgrade()
        with db.engine.connect() as connection:
            context = MigrationContext.configure(
                connection, opts={"compare_type": True, "render_as_batch": True}
            )
            differences = compare_metadata(context, Base.metadata)
        ours = [d for d in differences if any(t in repr(d) for t in OUTCOME_TABLES)]
        assert ours == []
        assert set(inspect(db.engine).get_table_names()) >= OUTCOME_TABLES
        downgrade(revision="25f2658bd3e7")  # the revision before the outcomes tables
        assert not OUTCOME_TABLES & set(inspect(db.engine).get_table_names())
        db.engine.dispose()


def test_removing_an_agenda_topic_keeps_its_actions_and_drops_its_outcomes(app):
    organisation = make_organisation()
    meeting = make_meeting(organisations=[organisation], topics=[make_topic()])
    item = meeting.agenda_items[0]
    make_outcome(agenda_item=item)
    action = make_action_item(meeting=meeting, agenda_item=item)
    meeting.agenda_items.remove(item)
    db.session.commit()
    db.session.expire_all()
    assert db.session.scalars(db.select(Outcome)).all() == []
    assert db.session.get(ActionItem, action.id).agenda_item_id is None
    assert db.session.scalars(db.select(AgendaItem)).all() == []


def test_deleting_a_person_or_meeting_cleans_up(app):
    organisation = make_organisation()
    person = make_person(organisation=organisation)
    meeting = make_meeting(organisations=[organisation])
    db.session.add(PersonAttendance(meeting_id=meeting.id, person_id=person.id))
    action = make_action_item(meeting=meeting, owner_person=person)
    make_minutes_revision(meeting, "Minutes")
    db.session.delete(person)
    db.session.commit()
    db.session.expire_all()
    assert db.session.scalars(db.select(PersonAttendance)).all() == []
    assert db.session.get(ActionItem, action.id).owner_person_id is None
    db.session.delete(meeting)
    db.session.commit()
    assert db.session.scalars(db.select(ActionItem)).all() == []

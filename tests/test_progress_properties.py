"""Whatever sequence of actions people take, status and percentage never disagree."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from tests.factories import make_deliverable
from tracker.extensions import db
from tracker.models import DeliverableStatus, DeliverableStatusChange, Milestone, ProgressUpdate
from tracker.operations import Refused
from tracker.progress import operations, workflow

ACTIONS = st.lists(
    st.one_of(
        st.tuples(st.just("status"), st.sampled_from(list(DeliverableStatus))),
        st.tuples(st.just("update"), st.integers(-5, 105)),
        st.tuples(st.just("follow"), st.booleans()),
        st.tuples(st.just("milestone"), st.none()),
        st.tuples(st.just("toggle"), st.integers(0, 4)),
    ),
    max_size=25,
)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(actions=ACTIONS)
def test_status_and_percentage_stay_consistent(app, organiser, actions):
    d = make_deliverable()
    db.session.commit()  # a refused action rolls back to here
    moves = 0
    for kind, value in actions:
        try:
            if kind == "status":
                operations.change_status(db.session, d, value, organiser)
                moves += 1
            elif kind == "update":
                operations.add_progress_update(db.session, d, value, "step", organiser)
            elif kind == "follow":
                operations.set_follow_milestones(db.session, d, value, organiser)
            elif kind == "milestone":
                operations.add_milestone(db.session, d, "M", None, organiser)
            else:
                milestones = db.session.scalars(
                    select(Milestone).where(Milestone.deliverable_id == d.id).order_by(Milestone.id)
                ).all()
                if milestones:
                    operations.toggle_milestone(
                        db.session, milestones[value % len(milestones)], organiser
                    )
            db.session.commit()
        except Refused:
            db.session.rollback()
        db.session.refresh(d)
        assert workflow.is_consistent(d.status, d.progress), (d.status, d.progress)
        if d.status == DeliverableStatus.PUBLISHED:
            assert d.progress == 100
        last = db.session.scalar(
            select(ProgressUpdate.percent)
            .where(ProgressUpdate.deliverable_id == d.id)
            .order_by(ProgressUpdate.id.desc())
            .limit(1)
        )
        assert d.progress == (last if last is not None else 0)  # the history never lies
    recorded = db.session.scalar(
        select(func.count()).where(DeliverableStatusChange.deliverable_id == d.id)
    )
    assert recorded == moves

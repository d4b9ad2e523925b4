"""Every record's page shows its history to logged-in users, and hides it from strangers."""

from __future__ import annotations

import pytest

from tests.conftest import login_as
from tests.factories import make_deliverable, make_meeting, make_person, make_topic, make_user
from tracker.extensions import db
from tracker.models import Role

# Rendering and validation only: the SQL cannot differ between the databases.
pytestmark = pytest.mark.sqlite_only


@pytest.mark.parametrize(
    ("factory", "url", "field", "value"),
    [
        (make_meeting, "/meetings/{}", "title", "Renamed meeting"),
        (make_deliverable, "/deliverables/{}", "title", "Renamed paper"),
        (make_topic, "/topics/{}", "title", "Renamed topic"),
        (make_person, "/people/{}", "name", "Renamed person"),
    ],
)
def test_detail_page_shows_history(client, app, factory, url, field, value):
    record = factory()
    setattr(record, field, value)
    db.session.commit()
    page = client.get(url.format(record.id)).get_data(as_text=True)
    assert 'id="audit-heading"' not in page  # anonymous visitors do not see editors' emails
    login_as(client, make_user(Role.VIEWER))
    page = client.get(url.format(record.id)).get_data(as_text=True)
    assert 'id="audit-heading"' in page and value in page.split('id="audit-heading"')[1]

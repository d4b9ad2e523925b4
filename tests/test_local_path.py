"""One check for every "next" address: is_local_path, and the three places that use it."""

from __future__ import annotations

import pytest

from tests import factories
from tests.factories import make_action_item, make_deliverable
from tracker.extensions import db
from tracker.inputs import is_local_path, local_path_or
from tracker.models import ActionStatus, DeliverableStatus

# One validator and the redirects that use it: no SQL that could differ between databases.
pytestmark = pytest.mark.sqlite_only

# Each of these leads a browser to another site (or runs script); some passed the old copies.
HOSTILE = [
    "//evil.example",
    "//evil.example/path",
    "/%09/evil.example",
    "/%2F/evil.example",
    "/%5Cevil.example",
    "/%0a/evil.example",
    "/\t/evil.example",
    "/\n/evil.example",
    "/\r/evil.example",
    "/\x0b/evil.example",
    "/\x7f/evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "/x\\y",
    "https://evil.example",
    "http:evil.example",
    "HTTP://evil.example",
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "data:text/html,hi",
    "evil.example",
    " /meetings/",
    "",
    None,
]
LOCAL = ["/", "/meetings/", "/meetings/3/outcomes", "/deliverables/?status=planned&q=a+b"]


@pytest.mark.parametrize("target", HOSTILE)
def test_hostile_targets_are_not_local(target: str | None) -> None:
    assert not is_local_path(target)
    assert local_path_or(target, "/home") == "/home"


@pytest.mark.parametrize("target", LOCAL)
def test_paths_on_this_site_are_local(target: str) -> None:
    assert is_local_path(target)
    assert local_path_or(target, "/home") == target


@pytest.mark.parametrize("target", [t for t in HOSTILE if t])
def test_closing_an_action_never_redirects_off_site(organiser_client, target: str) -> None:
    action = make_action_item()
    response = organiser_client.post(
        f"/actions/{action.id}/close", data={"status": "done", "next": target}
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/actions/"
    db.session.expire_all()
    assert action.status == ActionStatus.DONE


@pytest.mark.parametrize("target", [t for t in HOSTILE if t])
def test_moving_a_deliverable_refuses_a_hostile_return_address(
    organiser_client, target: str
) -> None:
    deliverable = make_deliverable()
    response = organiser_client.post(
        f"/deliverables/{deliverable.id}/status", data={"status": "drafting", "next": target}
    )
    assert response.status_code == 400
    db.session.refresh(deliverable)
    assert deliverable.status == DeliverableStatus.PLANNED


@pytest.mark.parametrize("target", ["/%09/evil.example", "/\t/evil.example", "/%5Cevil.example"])
def test_login_never_redirects_off_site(client, organiser, target: str) -> None:
    response = client.post(
        "/login",
        data={"email": organiser.email, "password": factories.PASSWORD},
        query_string={"next": target},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/"

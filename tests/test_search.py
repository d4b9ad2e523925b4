"""Full-text search: the index follows every write, visibility rules, query syntax, the page."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from flask import Flask
from sqlalchemy import func, select

from tests import factories
from tests.conftest import CSRFClient, login_as
from tracker.extensions import db
from tracker.models import (
    AgendaItem,
    Milestone,
    MinutesApproval,
    ProgressUpdate,
    SearchDocument,
    User,
    utc_today,
)
from tracker.search.queries import Filters, search


def found(q: str, member: bool = True, **filters: object) -> list[tuple[str, int]]:
    """(kind, id) of every hit for q, best first."""
    results = search(db.session, q, Filters(**filters), member=member)  # type: ignore[arg-type]
    return [(hit.kind, hit.ref_id) for hit in results.hits]


def test_new_records_are_found_at_once(app: Flask) -> None:
    topic = factories.make_topic(title="Interoperability of sandboxes")
    meeting = factories.make_meeting(
        title="Kick-off in Vienna", location="Café Landtmann", topics=[topic]
    )
    assert found("vienna") == [("meeting", meeting.id)]
    assert found("landtmann") == [("meeting", meeting.id)]
    assert ("topic", topic.id) in found("sandboxes")


def test_diacritics_and_cyrillic(app: Flask) -> None:
    meeting = factories.make_meeting(title="Réunion at the Café")
    topic = factories.make_topic(title="Регулиране на изкуствения интелект")
    assert found("cafe") == [("meeting", meeting.id)]
    assert found("CAFÉ") == [("meeting", meeting.id)]
    assert found("reunion") == [("meeting", meeting.id)]
    assert found("интелект") == [("topic", topic.id)]
    assert found("Регулиране") == [("topic", topic.id)]


def test_edit_moves_the_words(app: Flask) -> None:
    meeting = factories.make_meeting(title="Budget talks")
    meeting.title = "Roadmap talks"
    db.session.commit()
    assert found("budget") == []
    assert found("roadmap") == [("meeting", meeting.id)]


def test_delete_removes_the_document(app: Flask) -> None:
    outcome = factories.make_outcome(text="Adopt the GDPR checklist")
    assert found("checklist") == [("outcome", outcome.id)]
    db.session.delete(outcome)
    db.session.commit()
    assert found("checklist") == []
    assert (
        db.session.scalar(
            select(func.count()).select_from(SearchDocument).where(SearchDocument.kind == "outcome")
        )
        == 0
    )


def test_deleting_an_agenda_item_drops_its_outcomes(app: Flask) -> None:
    outcome = factories.make_outcome(text="Tallinn workshop approved")
    item = db.session.get(AgendaItem, outcome.agenda_item_id)
    db.session.expunge(outcome)
    db.session.delete(item)
    db.session.commit()
    assert found("tallinn") == []


def test_soft_deleted_meeting_hides_everything_under_it(app: Flask) -> None:
    outcome = factories.make_outcome(text="Belgrade secretariat agreed")
    meeting = outcome.agenda_item.meeting
    meeting.title = "Belgrade plenary"
    db.session.commit()
    assert {kind for kind, _ in found("belgrade")} == {"meeting", "outcome"}
    meeting.deleted_at = datetime.now(UTC)
    db.session.commit()
    assert found("belgrade") == []
    meeting.deleted_at = None
    db.session.commit()
    assert len(found("belgrade")) == 2


def test_soft_deleted_deliverable_and_its_milestones_are_hidden(app: Flask) -> None:
    deliverable = factories.make_deliverable(title="Sandbox white paper")
    db.session.add(Milestone(deliverable_id=deliverable.id, title="Sandbox outline"))
    db.session.commit()
    assert {kind for kind, _ in found("sandbox")} == {"deliverable", "milestone"}
    deliverable.deleted_at = datetime.now(UTC)
    db.session.commit()
    assert found("sandbox") == []


def test_every_kind_is_indexed(app: Flask) -> None:
    org = factories.make_organisation(name="Quokka Institute", short_name="QI")
    person = factories.make_person(name="Zora Quokka", organisation=org)
    topic = factories.make_topic(title="Harmonised standards", description="quokka matters")
    meeting = factories.make_meeting(organisations=[org], topics=[topic])
    item = meeting.agenda_items[0]
    item.notes = "The quokka notes"
    db.session.commit()
    outcome = factories.make_outcome(agenda_item=item, text="Quokka decision taken")
    action = factories.make_action_item(meeting=meeting, text="Draft the quokka memo")
    deliverable = factories.make_deliverable(title="Guide", description="quokka guide")
    db.session.add(
        ProgressUpdate(
            deliverable_id=deliverable.id,
            recorded_on=utc_today(),
            previous_percent=0,
            percent=10,
            note="zebra section drafted",
        )
    )
    milestone = Milestone(deliverable_id=deliverable.id, title="Quokka review")
    db.session.add(milestone)
    db.session.commit()
    factories.make_minutes_revision(meeting, "Minutes mention the quokka twice. Quokka.")
    kinds = {kind for kind, _ in found("quokka*")}
    assert kinds == {
        "organisation",
        "person",
        "topic",
        "agenda",
        "outcome",
        "action",
        "deliverable",
        "milestone",
        "minutes",
    }
    assert found("zebra") == [("deliverable", deliverable.id)]
    assert ("person", person.id) in found("zora")
    assert ("action", action.id) in found("memo")
    assert ("outcome", outcome.id) in found("decision")


def test_drafts_and_people_for_members_only(app: Flask) -> None:
    meeting = factories.make_meeting(title="Plenary")
    factories.make_minutes_revision(meeting, "Minutes: the walrus clause was discussed.")
    person = factories.make_person(name="Walrus Wanderer")
    assert found("walrus", member=False) == []
    assert set(found("walrus", member=True)) == {("minutes", meeting.id), ("person", person.id)}
    db.session.add(MinutesApproval(meeting_id=meeting.id, revision_number=1))
    db.session.commit()
    assert found("walrus", member=False) == [("minutes", meeting.id)]


def test_query_syntax(app: Flask) -> None:
    a = factories.make_topic(title="Data protection impact assessment")
    b = factories.make_topic(title="Protection of data subjects")
    c = factories.make_topic(title="Impact of regulation")
    assert set(found("data protection")) == {("topic", a.id), ("topic", b.id)}
    assert found('"data protection"') == [("topic", a.id)]
    assert found("protection -subjects") == [("topic", a.id)]
    assert set(found("impact -assessment")) == {("topic", c.id)}
    assert set(found("assess*")) == {("topic", a.id)}
    assert set(found("regul* or subjects")) == {("topic", b.id), ("topic", c.id)}
    assert found("-impact") == []
    assert found('"protection data"') == []


def test_ranking_prefers_title_matches(app: Flask) -> None:
    body = factories.make_topic(title="Plain topic", description="mentions lighthouse once")
    title = factories.make_topic(title="Lighthouse project")
    assert found("lighthouse")[0] == ("topic", title.id)
    assert ("topic", body.id) in found("lighthouse")


def test_filters(app: Flask) -> None:
    series = factories.make_series(name="Steering")
    org = factories.make_organisation(short_name="AIS")
    early = factories.make_meeting(
        series=series,
        title="Otter meeting",
        starts_at=datetime(2025, 3, 1, 9, tzinfo=UTC),
        ends_at=datetime(2025, 3, 1, 11, tzinfo=UTC),
    )
    late = factories.make_meeting(title="Otter summit")
    deliverable = factories.make_deliverable(title="Otter report", lead_organisation=org)
    assert found("otter", kind="meeting") == [("meeting", early.id), ("meeting", late.id)] or set(
        found("otter", kind="meeting")
    ) == {("meeting", early.id), ("meeting", late.id)}
    assert found("otter", series_id=series.id) == [("meeting", early.id)]
    assert found("otter", organisation_id=org.id) == [("deliverable", deliverable.id)]
    assert found("otter", date_from=date(2025, 1, 1), date_to=date(2025, 12, 31)) == [
        ("meeting", early.id)
    ]


def test_page_highlights_safely_and_links(client: CSRFClient, app: Flask) -> None:
    topic = factories.make_topic(title="<b>Bold</b> & GDPR plans")
    response = client.get("/search?q=gdpr")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "&lt;b&gt;Bold&lt;/b&gt; &amp; <mark>GDPR</mark> plans" in page
    assert f'href="/topics/{topic.id}"' in page
    assert 'id="header-q"' in page


def test_page_without_results_suggests_dropping_filters(client: CSRFClient, app: Flask) -> None:
    factories.make_topic(title="Hedgehog policy")
    page = client.get("/search?q=hedgehog&kind=meeting").get_data(as_text=True)
    assert "No results" in page and "without the filters" in page
    page = client.get("/search?q=hedgehog").get_data(as_text=True)
    assert "Hedgehog" in page and "No results" not in page


def test_page_paginates(client: CSRFClient, app: Flask) -> None:
    for n in range(25):
        factories.make_topic(title=f"Pangolin {n}")
    first = client.get("/search?q=pangolin").get_data(as_text=True)
    assert first.count('class="search-hit"') == 20 and 'rel="next"' in first
    second = client.get("/search?q=pangolin&page=2").get_data(as_text=True)
    assert second.count('class="search-hit"') == 5 and 'rel="prev"' in second


def test_people_kind_filter_only_for_members(client: CSRFClient, viewer: User) -> None:
    person = factories.make_person(name="Ibex Ivanova")
    assert "Ibex" not in client.get("/search?q=ibex").get_data(as_text=True)
    login_as(client, viewer)
    page = client.get("/search?q=ibex&kind=person").get_data(as_text=True)
    assert f'href="/people/{person.id}"' in page


def test_private_mode_requires_login(client: CSRFClient, app: Flask, viewer: User) -> None:
    app.config["TRACKER_PUBLIC_READ"] = False
    factories.make_topic(title="Secret lynx topic")
    response = client.get("/search?q=lynx")
    assert response.status_code in (302, 401)
    assert "Secret lynx topic" not in response.get_data(as_text=True)
    login_as(client, viewer)
    assert "Secret <mark>lynx</mark> topic" in client.get("/search?q=lynx").get_data(as_text=True)


def test_reindex_command_rebuilds(app: Flask) -> None:
    factories.make_topic(title="Narwhal topic")
    db.session.commit()
    db.session.execute(SearchDocument.__table__.delete())
    db.session.commit()
    assert found("narwhal") == []
    result = app.test_cli_runner().invoke(args=["search", "reindex"])
    assert result.exit_code == 0, result.output
    assert "Indexed" in result.output
    assert [kind for kind, _ in found("narwhal")] == ["topic"]


@pytest.mark.parametrize("q", ["", "   ", "-only -negative", '""', "*"])
def test_empty_queries_get_a_hint(client: CSRFClient, q: str) -> None:
    response = client.get("/search", query_string={"q": q})
    assert response.status_code == 200


def test_generated_data_is_searchable(app: Flask) -> None:
    result = app.test_cli_runner().invoke(args=["generate-data", "--years", "1", "--seed", "3"])
    assert result.exit_code == 0, result.output
    assert "search documents" in result.output
    assert found("public procurement", kind="topic")
    assert found("public procurement", kind="deliverable")


def test_one_query_path_gives_the_same_pages(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    hidden = factories.make_meeting(title="Heron hidden", deleted_at=datetime.now(UTC))
    for n in range(23):
        factories.make_topic(title=f"Heron {n}", description="heron " * (n % 4))
    first = search(db.session, "heron", Filters(), member=False)
    second = search(db.session, "heron", Filters(), member=False, page=2)
    monkeypatch.setattr("tracker.search.queries.OVERFETCH_CAP", 0)
    assert search(db.session, "heron", Filters(), member=False) == first
    assert search(db.session, "heron", Filters(), member=False, page=2) == second
    assert len(first.hits) == 20 and first.has_next and len(second.hits) == 3
    assert ("meeting", hidden.id) not in [(h.kind, h.ref_id) for h in first.hits + second.hits]


def test_highlight_folds_and_escapes() -> None:
    from tracker.search.queries import highlight

    words = [("cafe", False), ("reg", True)]
    assert str(highlight("<i>Café</i> & Regulation", words, whole=True)) == (
        "&lt;i&gt;<mark>Café</mark>&lt;/i&gt; &amp; <mark>Regulation</mark>"
    )


def test_record_of_unapproved_meetings_is_for_members_under_a_draft_label(
    client: CSRFClient, viewer: User
) -> None:
    topic = factories.make_topic(title="Budget")
    org = factories.make_organisation(short_name="WO")
    meeting = factories.make_meeting(topics=[topic], organisations=[org])
    item = meeting.agenda_items[0]
    item.notes = "The wombat notes"
    db.session.commit()
    outcome = factories.make_outcome(agenda_item=item, text="Wombat decision taken")
    action = factories.make_action_item(meeting=meeting, text="Draft the wombat memo")
    record = {("agenda", item.id), ("outcome", outcome.id), ("action", action.id)}
    assert found("wombat", member=False) == []
    assert set(found("wombat", member=True)) == record
    anonymous = client.get("/search?q=wombat").get_data(as_text=True)
    assert "No results" in anonymous and "memo" not in anonymous and "decision" not in anonymous
    login_as(client, viewer)
    page = client.get("/search?q=wombat").get_data(as_text=True)
    assert page.count('class="badge badge-draft"') == 3
    approval = MinutesApproval(meeting_id=meeting.id, revision_number=0)
    db.session.add(approval)
    db.session.commit()
    assert set(found("wombat", member=False)) == record
    assert 'badge-draft"' not in client.get("/search?q=wombat").get_data(as_text=True)
    db.session.delete(approval)
    db.session.commit()
    assert found("wombat", member=False) == []


def test_result_cache_answers_until_a_change_is_committed(client: CSRFClient, app: Flask) -> None:
    from tracker.search.queries import cached_search

    topic = factories.make_topic(title="Kestrel survey")
    db.session.commit()
    first = cached_search(db.session, "kestrel  survey", Filters(), member=False)
    assert [(h.kind, h.ref_id) for h in first.hits] == [("topic", topic.id)]
    assert cached_search(db.session, "kestrel survey", Filters(), member=False) is first
    assert cached_search(db.session, "kestrel survey", Filters(), member=True) is not first
    assert (
        cached_search(db.session, "kestrel survey", Filters(kind="meeting"), member=False).hits
        == []
    )
    topic.title = "Falcon survey"
    db.session.commit()
    assert cached_search(db.session, "kestrel survey", Filters(), member=False).hits == []
    assert "Falcon" in client.get("/search?q=falcon+survey").get_data(as_text=True)
    db.session.execute(SearchDocument.__table__.delete())
    db.session.commit()
    assert app.test_cli_runner().invoke(args=["search", "reindex"]).exit_code == 0
    assert [
        h.ref_id for h in cached_search(db.session, "falcon", Filters(), member=False).hits
    ] == [topic.id]

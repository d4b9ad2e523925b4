"""Minutes: safe Markdown, revision history with differences, and concurrent edits."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from sqlalchemy.exc import IntegrityError

from tests.conftest import login_as
from tests.factories import make_meeting, make_minutes_revision, make_user
from tracker.extensions import db
from tracker.markdown import render_markdown
from tracker.models import MinutesRevision, Role
from tracker.outcomes.operations import MinutesConflict, save_minutes
from tracker.outcomes.report import text_diff


class TagCollector(HTMLParser):
    """Every start tag with its attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def tags_of(html: str) -> list[tuple[str, dict[str, str | None]]]:
    """Parse html into its start tags."""
    parser = TagCollector()
    parser.feed(html)
    return parser.tags


ATTACKS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '<a href="javascript:alert(1)">click</a>',
    "[click](javascript:alert(1))",
    "[click](JAVASCRIPT:alert(1))",
    "[click](  javascript:alert(1))",
    "[click](data:text/html;base64,PHNjcmlwdD4=)",
    '![x](https://example.org/x.png" onerror="alert(1))',
    "<svg onload=alert(1)>",
    '<iframe src="https://evil.example"></iframe>',
    "[x](vbscript:msgbox(1))",
    "<details open ontoggle=alert(1)>",
    "Text\n\n<div onclick=alert(1)>hi</div>",
]


@pytest.mark.parametrize("source", ATTACKS)
def test_markdown_never_lets_scripts_through(source):
    html = str(render_markdown(source))
    for tag, attrs in tags_of(html):
        assert tag not in ("script", "iframe", "svg", "img", "details", "div")
        assert not any(name.startswith("on") for name in attrs)
        href = (attrs.get("href") or "").strip().lower()
        assert not href.startswith(("javascript:", "data:", "vbscript:"))


def test_markdown_keeps_ordinary_formatting():
    html = str(
        render_markdown(
            "# Title\n\n**bold** and *it* [site](https://ai.example)\n\n- a\n- b\n\n"
            "| x | y |\n|---|---|\n| 1 | 2 |\n\n~~gone~~"
        )
    )
    for fragment in ("<h1>Title</h1>", "<strong>bold</strong>", "<em>it</em>", "<li>a</li>"):
        assert fragment in html
    assert '<a href="https://ai.example" rel="noopener noreferrer nofollow">site</a>' in html
    assert "<table>" in html and "<td>2</td>" in html and "<s>gone</s>" in html


@pytest.mark.sqlite_only
def test_markdown_filter_is_registered(app):
    template = app.jinja_env.from_string("{{ text|markdown }}")
    assert template.render(text="<script>x</script> *a*") == (
        "<p>&lt;script&gt;x&lt;/script&gt; <em>a</em></p>\n"
    )


@pytest.mark.sqlite_only
def test_minutes_page_renders_markdown_safely(organiser_client, app):
    client = organiser_client  # issue 14: drafts are shown to logged-in members only
    meeting = make_meeting()
    make_minutes_revision(meeting, "## Done\n\n<script>alert('x')</script>\n[a](javascript:go())")
    page = client.get(f"/meetings/{meeting.id}/minutes").get_data(as_text=True)
    assert "<h2>Done</h2>" in page
    assert "<script>alert" not in page and 'href="javascript:' not in page


# ------------------------------------------------------------------ revisions


def test_each_save_is_a_revision_with_author(organiser_client, organiser):
    meeting = make_meeting()
    url = f"/meetings/{meeting.id}/minutes"
    page = organiser_client.get(url).get_data(as_text=True)
    assert 'name="base_revision" type="hidden" value="0"' in page
    response = organiser_client.post(url, data={"text": "First draft", "base_revision": "0"})
    assert response.status_code == 302
    organiser_client.post(url, data={"text": "Second draft", "base_revision": "1"})
    rows = db.session.scalars(db.select(MinutesRevision).order_by(MinutesRevision.number)).all()
    assert [(r.number, r.text, r.author_id) for r in rows] == [
        (1, "First draft", organiser.id),
        (2, "Second draft", organiser.id),
    ]
    assert meeting.minutes == "Second draft"
    history = organiser_client.get(f"{url}/revisions").get_data(as_text=True)
    assert organiser.name in history and '<td data-label="Revision">2</td>' in history


def test_unchanged_text_makes_no_revision(organiser_client):
    meeting = make_meeting()
    make_minutes_revision(meeting, "Same")
    response = organiser_client.post(
        f"/meetings/{meeting.id}/minutes",
        data={"text": "Same", "base_revision": "1"},
        follow_redirects=True,
    )
    assert "did not change" in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count()).select_from(MinutesRevision)) == 1


@pytest.mark.parametrize(
    ("typed", "message"),
    [("", "Write the minutes before saving."), ("x" * 100_001, "Keep the minutes under")],
)
@pytest.mark.sqlite_only
def test_bad_minutes_are_explained(organiser_client, typed, message):
    meeting = make_meeting()
    response = organiser_client.post(
        f"/meetings/{meeting.id}/minutes", data={"text": typed, "base_revision": "0"}
    )
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert db.session.scalars(db.select(MinutesRevision)).all() == []


@pytest.mark.sqlite_only
def test_difference_between_any_two_revisions_is_escaped(organiser_client):
    client = organiser_client  # issue 14: drafts are shown to logged-in members only
    meeting = make_meeting()
    make_minutes_revision(meeting, "line one\nline two\n")
    make_minutes_revision(meeting, "line one\nline <b>2</b>\n")
    make_minutes_revision(meeting, "line one\nline <b>2</b>\nline three\n")
    page = client.get(f"/meetings/{meeting.id}/minutes/revisions?from=1&to=3").get_data(
        as_text=True
    )
    # Issue 14: word by word, with additions and deletions marked.
    hidden_added = '<span class="visually-hidden">[added: </span>'
    hidden_removed = '<span class="visually-hidden">[removed: </span>'
    assert f"<del>{hidden_removed}two<" in page
    assert f"<ins>{hidden_added}&lt;b&gt;2&lt;/b&gt;<" in page
    assert f"<ins>{hidden_added}line three\n<" in page
    assert "<b>2</b>" not in page
    page = client.get(f"/meetings/{meeting.id}/minutes/revisions?from=2&to=3").get_data(
        as_text=True
    )
    assert "line two" not in page and f"<ins>{hidden_added}line three" in page


def test_unknown_revision_is_404(organiser_client):
    client = organiser_client  # issue 14: drafts are shown to logged-in members only
    meeting = make_meeting()
    make_minutes_revision(meeting, "x")
    url = f"/meetings/{meeting.id}/minutes/revisions?from=1&to=7"
    assert client.get(url).status_code == 404


def test_text_diff_kinds():
    lines = text_diff("a\nb\n", "a\nc\n", "old", "new")
    assert [(line.kind, line.text) for line in lines if line.kind != "hunk"] == [
        ("context", " a"),
        ("removed", "-b"),
        ("added", "+c"),
    ]


# ------------------------------------------------------------------ concurrent edits


def test_second_save_gets_a_conflict_page_keeping_both_versions(client, app):
    meeting = make_meeting()
    alice = make_user(Role.ORGANISER, name="Alice")
    bob = make_user(Role.ORGANISER, name="Bob")
    make_minutes_revision(meeting, "Agreed start", author_id=alice.id)
    url = f"/meetings/{meeting.id}/minutes"
    bob_client = app.test_client()
    login_as(bob_client, bob)
    bob_client.post(url, data={"text": "Bob's version", "base_revision": "1"})
    login_as(client, alice)
    response = client.post(url, data={"text": "Alice's <version>", "base_revision": "1"})
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Someone else saved these minutes" in page
    assert "Bob&#39;s version" in page and "Revision 2" in page and "Bob" in page
    assert "Alice&#39;s &lt;version&gt;</textarea>" in page
    assert 'name="base_revision" type="hidden" value="2"' in page
    db.session.expire_all()
    assert meeting.minutes == "Bob's version"
    assert db.session.scalar(db.select(db.func.max(MinutesRevision.number))) == 2
    again = client.post(url, data={"text": "Merged", "base_revision": "2"})
    assert again.status_code == 302
    db.session.expire_all()
    assert meeting.minutes == "Merged"


def test_save_minutes_refuses_a_stale_base(app):
    meeting = make_meeting()
    user = make_user(Role.ORGANISER)
    make_minutes_revision(meeting, "One")
    make_minutes_revision(meeting, "Two")
    with pytest.raises(MinutesConflict) as caught:
        save_minutes(db.session, meeting, "Mine", 1, user)
    assert caught.value.latest is not None and caught.value.latest.number == 2


def test_same_revision_number_cannot_be_saved_twice(app):
    meeting = make_meeting()
    make_minutes_revision(meeting, "One")
    db.session.add(MinutesRevision(meeting_id=meeting.id, number=1, text="Racing"))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_a_save_racing_past_the_check_still_gets_the_conflict_page(organiser_client, monkeypatch):
    meeting = make_meeting()
    make_minutes_revision(meeting, "Saved a moment ago")
    # Both saves read "no revision yet" before either wrote: the unique number catches it.
    monkeypatch.setattr("tracker.outcomes.operations.latest_revision", lambda s, m: None)
    response = organiser_client.post(
        f"/meetings/{meeting.id}/minutes", data={"text": "Mine", "base_revision": "0"}
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Saved a moment ago" in page and "Mine</textarea>" in page
    db.session.expire_all()
    assert meeting.minutes == "Saved a moment ago"

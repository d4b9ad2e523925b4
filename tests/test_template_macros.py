"""The shared template macros: what they render, and that pages use them."""

from __future__ import annotations

import re
from pathlib import Path

from flask import Flask, render_template_string

from tests.conftest import CSRFClient
from tests.factories import make_meeting
from tracker.models import MeetingStatus

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


def render(app: Flask, source: str, **context: object) -> str:
    """Render a template string inside a request."""
    with app.test_request_context("/"):
        return render_template_string(source, **context)


def test_post_button_carries_a_csrf_token_hidden_fields_and_attributes(app: Flask) -> None:
    html = render(
        app,
        '{% from "_macros/forms.html" import post_button %}'
        "{{ post_button('/x', 'Copy <all>', class_='button small', hidden={'mode': 'copy',"
        " 'next': '/a?b=1&c=2'}, aria_label='Copy: \"T\"') }}",
    )
    assert html.startswith('<form method="post" action="/x" class="inline">')
    assert re.search(r'<input type="hidden" name="csrf_token" value="[^"]{20,}">', html)
    assert html.index('name="mode"') < html.index('name="next"')
    assert 'value="/a?b=1&amp;c=2"' in html
    assert 'aria-label="Copy: &#34;T&#34;"' in html
    assert ">Copy &lt;all&gt;</button>" in html
    assert "Cancel" not in html


def test_post_button_without_action_posts_to_the_page_and_offers_cancel(app: Flask) -> None:
    html = render(
        app,
        '{% from "_macros/forms.html" import post_button %}'
        "{% call post_button(None, None, form_class='actions', cancel_url='/back',"
        " confirm='Sure?') %}Remove<span>: {{ name }}</span>{% endcall %}",
        name="<b>",
    )
    assert html.startswith('<form method="post" class="actions" data-confirm="Sure?">')
    assert "Remove<span>: &lt;b&gt;</span></button>" in html
    assert '<a href="/back">Cancel</a>' in html


def test_post_button_token_is_accepted_by_the_app(organiser_client: CSRFClient) -> None:
    page = organiser_client.get("/").get_data(as_text=True)
    form = re.search(r'<form method="post" action="/logout".*?</form>', page, re.S)
    assert form, "the header's log-out button"
    token = re.search(r'name="csrf_token" value="([^"]+)"', form.group(0))
    assert token
    refused = organiser_client.post("/logout", data={}, csrf=False)
    assert refused.status_code == 400
    accepted = organiser_client.post("/logout", data={"csrf_token": token.group(1)}, csrf=False)
    assert accepted.status_code == 302


def test_status_badge_and_badge(app: Flask) -> None:
    meeting = make_meeting(status=MeetingStatus.HELD)
    html = render(
        app,
        '{% from "_macros/badges.html" import status_badge, badge %}'
        "{{ status_badge(meeting.status) }}|{{ badge('overdue', 'Late <now>') }}",
        meeting=meeting,
    )
    assert html == (
        '<span class="badge badge-held">Held</span>|'
        '<span class="badge badge-overdue">Late &lt;now&gt;</span>'
    )


def test_list_empty_offers_clearing_filters_or_adding_the_first(app: Flask) -> None:
    source = (
        '{% from "_macros/lists.html" import list_empty %}'
        "{{ list_empty('topics', 'topics.list', 'topics.create', 'Add the first topic',"
        " filtered, can_edit) }}"
    )
    filtered = render(app, source, filtered={"q": "x"}, can_edit=True)
    assert "Clear the filters" in filtered and "Add the first" not in filtered
    editor = render(app, source, filtered={}, can_edit=True)
    assert '<a href="/topics/new">Add the first topic</a>' in editor
    reader = render(app, source, filtered={}, can_edit=False)
    assert reader == '<p class="empty">No topics match.</p>'


def test_list_table_gives_each_row_to_the_call_body(app: Flask) -> None:
    html = render(
        app,
        '{% from "_macros/lists.html" import list_table %}'
        "{% call(n) list_table(['Number', 'Square'], [2, 3]) %}"
        "<td>{{ n }}</td><td>{{ n * n }}</td>{% endcall %}",
    )
    assert '<th scope="col">Number</th><th scope="col">Square</th>' in html
    assert re.findall(r"<td>(\d+)</td><td>(\d+)</td>", html) == [("2", "4"), ("3", "9")]


def test_no_template_writes_the_csrf_input_or_a_badge_by_hand() -> None:
    for path in TEMPLATES.rglob("*.html"):
        if path.parent.name in ("_macros", "calendar"):
            continue
        text = path.read_text()
        assert 'name="csrf_token"' not in text, path
        assert 'class="badge' not in text, path


def test_every_stylesheet_is_linked_once_per_page(organiser_client: CSRFClient) -> None:
    meeting = make_meeting()
    for url in ("/", f"/meetings/{meeting.id}/outcomes", f"/meetings/{meeting.id}/report"):
        html = organiser_client.get(url).get_data(as_text=True)
        links = re.findall(r'<link rel="stylesheet" href="([^"]+)"', html)
        assert links and len(links) == len(set(links)), (url, links)

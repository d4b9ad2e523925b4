"""The style page (/styleguide) and the design-system macros: who may see it, what it shows."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

from flask import Flask, render_template_string

from tests.conftest import login_as
from tests.factories import make_meeting, make_organisation, make_series, make_user
from tracker.models import Role
from tracker.styleguide.tokens import icon_names, light_tokens, static_text


def test_anonymous_readers_are_sent_to_log_in(client):
    response = client.get("/styleguide/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_viewers_may_not_see_it(client, app):
    login_as(client, make_user(Role.VIEWER))
    assert client.get("/styleguide/").status_code == 403


# An icon: the sprite's URL (with its content version) and the symbol's name.
SPRITE_USE = re.compile(r"/static/icons\.svg\?v=[0-9a-f]{12}#([a-z-]+)")


def test_organisers_see_tokens_buttons_icons_forms_and_cards(organiser_client):
    make_meeting(title="Sample planning call")
    page = organiser_client.get("/styleguide/").get_data(as_text=True)
    headings = ("Tokens", "Buttons", "Icons", "Badges", "Forms", "Filter bar", "Cards and lists")
    for heading in headings:
        assert f">{heading}</h2>" in page
    assert "--space-4" in page and "--brand" in page and "--shadow-2" in page
    assert 'class="button primary"' in page and 'class="button quiet"' in page
    assert 'class="button danger"' in page and 'class="button secondary"' in page
    assert len(SPRITE_USE.findall(page)) >= len(icon_names())
    assert "Enter a title." in page  # the sample field in error
    assert 'class="filter-bar"' in page
    assert "Sample planning call" in page


def test_admins_see_it_too(admin_client):
    assert admin_client.get("/styleguide/").status_code == 200


def test_every_token_has_a_sample_rule():
    """A token added to tokens.css without a sample on the style page fails here."""
    samples = static_text("css", "styleguide.css")
    for token in light_tokens():
        assert f".sample-{token.name} " in samples or token.name.startswith(("font", "leading")), (
            token.name
        )


def test_dark_scheme_redefines_every_colour():
    """Dark mode follows the system: each light colour token has a dark value."""
    css = static_text("css", "tokens.css")
    dark = css[css.index("prefers-color-scheme: dark") :]
    colours = [t.name for t in light_tokens() if t.value.startswith("#") and t.name != "focus"]
    missing = [name for name in colours if not re.search(rf"--{name}:", dark)]
    assert missing == []


TEMPLATES = Path(__file__).resolve().parents[1] / "templates"


def render(app: Flask, source: str, **context: object) -> str:
    """A template snippet rendered in a request."""
    with app.test_request_context("/"):
        return render_template_string(source, **context)


def test_icon_is_hidden_when_decorative_and_named_when_alone(app):
    html = render(
        app,
        '{% from "_macros/icons.html" import icon %}'
        '{{ icon("rss") }}|{{ icon("alert", "Warning") }}',
    )
    decorative, alone = html.split("|")
    assert 'aria-hidden="true"' in decorative and "role=" not in decorative
    assert 'role="img" aria-label="Warning"' in alone and "aria-hidden" not in alone
    assert SPRITE_USE.findall(decorative) == ["rss"]


def test_sprite_has_the_icons_the_templates_use():
    used = set()
    for name in ("base.html", "_macros/lists.html", "outcomes/_meeting_outcomes.html"):
        text = (TEMPLATES / name).read_text()
        used |= set(re.findall(r"icon\('([a-z-]+)'\)", text))
        used |= set(re.findall(r"icon='([a-z-]+)'", text))
        used |= set(re.findall(r"\('[a-z.]+', '[A-Za-z]+', '[a-z]*', '([a-z-]+)'\)", text))
    assert used and used <= set(icon_names())


def test_button_kinds_and_post_button_kind(app):
    html = render(
        app,
        '{% from "_macros/buttons.html" import button, link_button %}'
        '{% from "_macros/forms.html" import post_button %}'
        "{{ button('Save', 'primary') }}"
        "{{ link_button('/x', 'Go', 'quiet', icon='file', download=true) }}"
        "{{ post_button('/y', 'Remove', kind='danger') }}"
        "{{ post_button('/z', 'Old', class_='link-button') }}",
    )
    assert '<button type="submit" class="button primary">Save</button>' in html
    assert 'class="button quiet" href="/x" download>' in html
    assert SPRITE_USE.findall(html) == ["file"]
    assert 'class="button danger">Remove</button>' in html
    assert 'class="link-button">Old</button>' in html


def test_meeting_cards_name_series_and_zones_once(app):
    series = make_series(name="Working group calls")
    sofia = make_organisation(timezone="Europe/Sofia")
    london = make_organisation(timezone="Europe/London")
    meetings = [
        make_meeting(
            series=series,
            number=n,
            title=f"Call {n}",
            organisations=[sofia, london],
            timezone="Europe/Sofia",
            starts_at=datetime(2031, 1, 10 + n, 13, 0, tzinfo=UTC),
        )
        for n in (1, 2, 3)
    ]
    source = (
        '{% from "_partials/meeting_card.html" import meeting_cards %}'
        "{{ meeting_cards(meetings, heading_series=heading) }}"
    )
    html = render(app, source, meetings=meetings, heading=None)
    assert html.count("Working group calls · meeting") == 1
    assert html.count("Meeting 2") == 1 and html.count("Meeting 3") == 1
    assert html.count('class="zones"') == 1
    named = render(app, source, meetings=meetings, heading="Working group calls")
    assert "Working group calls" not in named and named.count('class="zones"') == 1

"""Find the app's forms generically: endpoints that show a form on GET and take it by POST."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

from flask import Flask, current_app

from tests import factories
from tracker.calendar.operations import regenerate_feed_token
from tracker.extensions import db
from tracker.models import Milestone, Role
from tracker.notify.signing import preference_token


@dataclass
class FormField:
    """One named control of a form."""

    name: str
    kind: str  # input type, "select" or "textarea"
    value: str = ""
    options: list[str] = field(default_factory=list)
    checked: bool = False


@dataclass
class Form:
    """A POST form: where it goes and its controls in page order."""

    action: str
    fields: list[FormField] = field(default_factory=list)

    def values(self) -> dict[str, str]:
        """What a browser would submit without the user changing anything."""
        data: dict[str, str] = {}
        for f in self.fields:
            if f.kind in ("submit", "button", "reset", "image"):
                continue
            if f.kind in ("checkbox", "radio") and not f.checked:
                continue
            data.setdefault(f.name, f.value)
        return data


class FormParser(HTMLParser):
    """Collects every method="post" form with its inputs, selects and textareas."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self.current: Form | None = None
        self.select: FormField | None = None
        self.textarea: FormField | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "option":
            self.handle_option(a)
            return
        if tag == "form" and a.get("method", "get").lower() == "post":
            self.current = Form(action=a.get("action", ""))
            self.forms.append(self.current)
        if self.current is None or not a.get("name"):
            return
        if tag == "input":
            self.current.fields.append(
                FormField(
                    a["name"],
                    a.get("type", "text").lower(),
                    a.get("value", ""),
                    checked="checked" in a,
                )
            )
        elif tag == "select":
            self.select = FormField(a["name"], "select")
            self.current.fields.append(self.select)
        elif tag == "textarea":
            self.textarea = FormField(a["name"], "textarea")
            self.current.fields.append(self.textarea)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_data(self, data: str) -> None:
        if self.textarea is not None:
            self.textarea.value += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.current = None
        elif tag == "textarea":
            self.textarea = None
        elif tag == "select":
            self.select = None

    def handle_option(self, attrs: dict[str, str]) -> None:
        """Note an option of the open select."""
        if self.select is None:
            return
        value = attrs.get("value", "")
        self.select.options.append(value)
        if "selected" in attrs or (not self.select.value and len(self.select.options) == 1):
            self.select.value = value


def page_form(html: str, url: str) -> Form | None:
    """The form on a page that posts back to url (not the logout button in the header)."""
    parser = FormParser()
    parser.feed(html)
    for form in parser.forms:
        if form.action in ("", url) or form.action.split("?")[0] == url.split("?")[0]:
            return form
    return None


def post_get_endpoints(app: Flask) -> list[str]:
    """Endpoints with a rule that accepts both GET and POST (they show a form on GET)."""
    return sorted(
        {
            rule.endpoint
            for rule in app.url_map.iter_rules()
            if {"GET", "POST"} <= (rule.methods or set())
        }
    )


def seed_records() -> dict[str, Any]:
    """One of each record; URL arguments by name (extend with new argument names)."""
    organisation = factories.make_organisation()
    series = factories.make_series()
    topic = factories.make_topic()
    meeting = factories.make_meeting(series=series, organisations=[organisation], topics=[topic])
    deliverable = factories.make_deliverable(lead_organisation=organisation, meeting=meeting)
    person = factories.make_person(organisation=organisation)
    action = factories.make_action_item(meeting=meeting, owner_organisation=organisation)
    milestone = factories.save(
        Milestone(deliverable=deliverable, title="First draft", due_date=deliverable.due_date)
    )
    viewer = factories.make_user(Role.VIEWER)
    token = regenerate_feed_token(db.session, viewer, current_app.secret_key)
    db.session.commit()
    return {
        "organisation_id": organisation.id,
        "series_id": series.id,
        "topic_id": topic.id,
        "meeting_id": meeting.id,
        "item_id": meeting.agenda_items[0].id,
        "deliverable_id": deliverable.id,
        "milestone_id": milestone.id,
        "action_id": action.id,
        "person_id": person.id,
        "user_id": viewer.id,
        "token": token,
        "signed": preference_token(current_app.config["SECRET_KEY"], "reader@example.org"),
        "kind": "meeting_invitation",
    }


def endpoint_url(app: Flask, endpoint: str, values: dict[str, Any]) -> str:
    """The URL of endpoint's GET+POST rule with arguments from values."""
    rule = next(
        r
        for r in app.url_map.iter_rules()
        if r.endpoint == endpoint and {"GET", "POST"} <= (r.methods or set())
    )
    missing = [a for a in rule.arguments if a not in values]
    assert not missing, f"add a value for {missing} to tests/formtools.py seed_records()"
    with app.test_request_context():
        return app.url_for(endpoint, **{a: values[a] for a in rule.arguments})

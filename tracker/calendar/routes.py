"""Calendar views: the feeds, the one-meeting download, the subscribe page and secret addresses.

Feeds answer conditional requests from one SELECT of the feed change counter, which every
worker process reads from the database, so a 304 is cheap and never stale.
"""

from __future__ import annotations

import gzip
import hashlib
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote, urlencode

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import force_locale, get_locale
from flask_login import current_user
from sqlalchemy import select
from werkzeug.http import is_resource_modified
from werkzeug.wrappers import Response

from tracker.auth.access import public_endpoint
from tracker.calendar import bp
from tracker.calendar.export import CalendarInfo, serialize
from tracker.calendar.operations import (
    DeadlineUrls,
    deadline_events,
    feed_state,
    feed_token,
    meeting_events,
    regenerate_feed_token,
    user_for_token,
    window_end,
    window_start,
)
from tracker.extensions import db, login_manager
from tracker.i18n import DEFAULT_LANGUAGE, _
from tracker.i18n.locale import known
from tracker.lru import LockedLRU
from tracker.models import Meeting, Organisation, Series, User, utc_today, utcnow

CALENDAR_MIMETYPE = "text/calendar"
# Bump when the serializer's output changes, so deployed feeds get new ETags.
FORMAT_VERSION = "2"
CACHE_SIZE = 64


@dataclass(frozen=True)
class Feed:
    """One feed: what it is called and how to build its events."""

    key: str
    name: str
    description: str
    filename: str
    build: Callable[[datetime, datetime, str], bytes]


# Rendered feed bodies keyed by ETag; the ETag holds the feeds change counter.
bodies: LockedLRU[str, bytes] = LockedLRU(CACHE_SIZE)


def slug(text: str) -> str:
    """An ASCII file-name-safe form of text."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "calendar"


def file_name(text: str) -> str:
    """A file-name-safe form of text that keeps letters of every script."""
    name = re.sub(r"[^\w]+", "-", unicodedata.normalize("NFC", text).lower()).strip("-_")
    return name or "calendar"


def content_disposition(kind: str, filename: str) -> str:
    """A Content-Disposition value with an ASCII filename and, if needed, RFC 6266 filename*."""
    fallback = slug(filename.removesuffix(".ics")) + ".ics"
    if filename.isascii():
        return f'{kind}; filename="{fallback}"'
    return f"{kind}; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


def base_url() -> str:
    """The absolute root of links in feeds: TRACKER_BASE_URL, else the request's host.

    Built from scheme and host rather than request.host_url, which also turns the address
    into an IRI: a cost on every poll, and feeds want plain URIs anyway.
    """
    configured = current_app.config.get("TRACKER_BASE_URL")
    return configured.rstrip("/") if configured else f"{request.scheme}://{request.host}"


def calendar_info(feed: Feed) -> CalendarInfo:
    """Calendar-level properties with the configured refresh interval."""

    minutes = int(current_app.config["TRACKER_FEED_REFRESH_MINUTES"])
    return CalendarInfo(feed.name, feed.description, timedelta(minutes=max(minutes, 1)))


def meeting_url(base: str) -> Callable[[int], str]:
    """Absolute meeting page addresses under base."""
    return lambda meeting_id: base + url_for("meetings.detail", meeting_id=meeting_id)


def deliverable_url(base: str) -> Callable[[int], str]:
    """Absolute deliverable page addresses under base."""
    return lambda deliverable_id: (
        base + url_for("deliverables.detail", deliverable_id=deliverable_id)
    )


def meetings_feed(key: str, name: str, description: str, filename: str, **filters: int) -> Feed:
    """A feed of meetings, optionally filtered by series or organisation."""

    def build(since: datetime, until: datetime, base: str) -> bytes:
        events = meeting_events(db.session, since, meeting_url(base), until=until, **filters)  # type: ignore[arg-type]
        return serialize(calendar_info(feed), meetings=events)

    feed = Feed(key, name, description, filename, build)
    return feed


def all_meetings_feed() -> Feed:
    """Every meeting of every series."""
    return meetings_feed(
        "meetings",
        _("Borderless AI meetings"),
        _("All meetings of the Borderless AI Initiative, from the tracker."),
        "borderless-ai-meetings.ics",
    )


def series_feed(series_id: int) -> Feed:
    """The meetings of one series."""
    series = db.get_or_404(Series, series_id)
    return meetings_feed(
        f"series-{series.id}",
        _("%(series)s meetings", series=series.name),
        _("Meetings of the series %(series)s, from the Borderless AI tracker.", series=series.name),
        f"series-{file_name(series.name)}.ics",
        series_id=series.id,
    )


def organisation_feed(organisation_id: int) -> Feed:
    """The meetings one organisation takes part in."""
    organisation = db.get_or_404(Organisation, organisation_id)
    return meetings_feed(
        f"organisation-{organisation.id}",
        _("%(organisation)s: Borderless AI meetings", organisation=organisation.name),
        _(
            "Meetings %(organisation)s takes part in, from the Borderless AI tracker.",
            organisation=organisation.name,
        ),
        f"organisation-{file_name(organisation.short_name)}.ics",
        organisation_id=organisation.id,
    )


def deadline_urls(base: str) -> DeadlineUrls:
    """Absolute page addresses for deadline events under base."""
    return DeadlineUrls(
        deliverable=deliverable_url(base),
        meeting_outcomes=lambda meeting_id: (
            base + url_for("outcomes.meeting", meeting_id=meeting_id)
        ),
    )


def deadlines_feed(organisation_id: int | None = None, *, drafts: bool = False) -> Feed:
    """Due dates of deliverables, milestones and action items as all-day events.

    With organisation_id: only what that organisation leads or owns. drafts (a logged-in or
    token reader) adds the actions of meetings whose minutes are not approved yet.
    """
    organisation = db.get_or_404(Organisation, organisation_id) if organisation_id else None

    def build(since: datetime, until: datetime, base: str) -> bytes:
        events = deadline_events(
            db.session,
            since.date(),
            until.date(),
            deadline_urls(base),
            organisation_id=organisation_id,
            drafts=drafts,
        )
        return serialize(calendar_info(feed), deadlines=events)

    if organisation is None:
        feed = Feed(
            "deadlines-drafts" if drafts else "deadlines",
            _("Borderless AI deadlines"),
            _("Due dates of the Borderless AI Initiative's deliverables, milestones and actions."),
            "borderless-ai-deadlines.ics",
            build,
        )
    else:
        feed = Feed(
            f"organisation-{organisation.id}-deadlines{'-drafts' if drafts else ''}",
            _("%(organisation)s: Borderless AI deadlines", organisation=organisation.name),
            _(
                "Deliverables %(organisation)s leads, their milestones, and its actions.",
                organisation=organisation.name,
            ),
            f"organisation-{file_name(organisation.short_name)}-deadlines.ics",
            build,
        )
    return feed


def personal_feed(user: User, all_meetings: bool) -> Feed:
    """One user's own feed: meetings, their actions and their organisation's deadlines.

    Meetings of the user's organisation (through their linked person) or all meetings; the
    actions they or their organisation own; the deadlines and milestones of the deliverables
    their organisation leads (deliverables have no owner person yet).
    """
    person = user.person
    organisation_id = person.organisation_id if person is not None else None
    person_id = person.id if person is not None else None

    def build(since: datetime, until: datetime, base: str) -> bytes:
        if all_meetings:
            meetings = meeting_events(db.session, since, meeting_url(base), until=until)
        elif organisation_id is not None:
            meetings = meeting_events(
                db.session,
                since,
                meeting_url(base),
                until=until,
                organisation_ids=[organisation_id],
            )
        else:
            meetings = []
        deadlines = []
        if organisation_id is not None:
            deadlines = deadline_events(
                db.session,
                since.date(),
                until.date(),
                deadline_urls(base),
                organisation_id=organisation_id,
                person_id=person_id,
                drafts=True,
            )
        return serialize(calendar_info(feed), meetings=meetings, deadlines=deadlines)

    feed = Feed(
        f"user-{user.id}-{person_id}-{organisation_id}-{'all' if all_meetings else 'mine'}",
        _("My Borderless AI calendar"),
        _("My meetings, actions and deadlines in the Borderless AI Initiative."),
        "my-borderless-ai-calendar.ics",
        build,
    )
    return feed


def current_language() -> str:
    """The language the feed is written in: the request's, or the one forced for its owner."""
    return str(get_locale() or DEFAULT_LANGUAGE)


def not_found() -> Response:
    """A plain-text 404 for calendar clients, which cannot use an HTML page."""
    return Response(_("Not found.") + "\n", status=404, content_type="text/plain; charset=utf-8")


def hidden_in_private_mode() -> bool:
    """Whether a public feed address must answer 404: private mode and no signed-in user."""
    return not current_app.config["TRACKER_PUBLIC_READ"] and not current_user.is_authenticated


def serve(feed: Feed, *, attachment: bool = False, private: bool = False) -> Response:
    """The feed with ETag and Last-Modified, or 304 if the client's copy is current.

    The counter is read before the events, so a cached body is never older than its ETag.
    The body's text is in the current language, so the language is part of the ETag (and so of
    the cache key). A public feed's language comes from the request (account, cookie or
    Accept-Language), hence its Vary; a private one's is its owner's (see owner_language).
    """
    version, changed_at = feed_state(db.session)
    today = utc_today()
    past_days = int(current_app.config["TRACKER_FEED_PAST_DAYS"])
    future_months = int(current_app.config["TRACKER_FEED_FUTURE_MONTHS"])
    since = window_start(today, past_days)
    until = window_end(today, future_months)
    base = base_url()
    language = current_language()
    fingerprint = "|".join(
        (
            FORMAT_VERSION,
            language,
            feed.key,
            version,
            since.date().isoformat(),
            until.date().isoformat(),
            base,
            str(current_app.config["TRACKER_FEED_REFRESH_MINUTES"]),
        )
    )
    etag = f"{language}-{hashlib.sha256(fingerprint.encode()).hexdigest()[:32]}"
    # Calendar apps send Accept-Encoding: gzip; a feed compresses about twentyfold. Each
    # encoding is its own representation with its own ETag (RFC 9110 8.8.3).
    # quality() honours q=0, which means "not acceptable" (RFC 9110 12.5.3).
    gzipped = request.accept_encodings.quality("gzip") > 0
    if gzipped:
        etag += "-gz"
    # The window moves at midnight UTC, which can change the feed without a database change.
    last_modified = max(changed_at, datetime.combine(today, datetime.min.time(), UTC))
    headers = {
        "Cache-Control": "private, no-cache" if private else "no-cache",
        "Content-Disposition": content_disposition(
            "attachment" if attachment else "inline", feed.filename
        ),
        "Vary": "Accept-Encoding" if private else "Accept-Encoding, Accept-Language, Cookie",
    }
    if private:
        headers["Referrer-Policy"] = "no-referrer"
    if not is_resource_modified(request.environ, etag=etag, last_modified=last_modified):
        response = Response(status=304, headers=headers)
    else:
        body = bodies.get(etag)
        if body is None:
            body = bodies.get(etag.removesuffix("-gz")) or feed.build(since, until, base)
            bodies.put(etag.removesuffix("-gz"), body)
            if gzipped:
                body = gzip.compress(body, compresslevel=6, mtime=0)
                bodies.put(etag, body)
        if gzipped:
            headers["Content-Encoding"] = "gzip"
        response = Response(
            body, headers=headers, content_type=f"{CALENDAR_MIMETYPE}; charset=utf-8"
        )
    response.set_etag(etag)
    # HTTP forbids a Last-Modified after the response's own date; changed_at can run a second
    # or two ahead when changes come in bursts (see tracker.counters.bump_counter). Comparisons
    # above use the real instant, so a clamped header only ever costs one extra 200.
    response.last_modified = min(last_modified, utcnow().replace(microsecond=0))
    return response


def single_meeting_feed(meeting_id: int) -> Feed:
    """One live meeting, for "Add to calendar"."""
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None or meeting.deleted_at is not None:
        abort(404)

    def build(since: datetime, until: datetime, base: str) -> bytes:
        events = meeting_events(db.session, since, meeting_url(base), meeting_id=meeting_id)
        # A file to import once: no calendar-level properties, or Outlook makes a new calendar.
        return serialize(None, meetings=events)

    feed = Feed(
        f"meeting-{meeting.id}",
        meeting.title,
        f"{meeting.series.name} #{meeting.number}",
        f"meeting-{meeting.number}-{file_name(meeting.title)}.ics",
        build,
    )
    return feed


@bp.route("/feeds/meetings.ics")
@public_endpoint
def meetings_ics() -> Response:
    """All meetings, as a subscribable feed."""
    if hidden_in_private_mode():
        return not_found()
    return serve(all_meetings_feed())


@bp.route("/feeds/series/<int:series_id>.ics")
@public_endpoint
def series_ics(series_id: int) -> Response:
    """One series' meetings, as a subscribable feed."""
    if hidden_in_private_mode():
        return not_found()
    return serve(series_feed(series_id))


@bp.route("/feeds/organisations/<int:organisation_id>.ics")
@public_endpoint
def organisation_ics(organisation_id: int) -> Response:
    """An organisation's meetings, as a subscribable feed."""
    if hidden_in_private_mode():
        return not_found()
    return serve(organisation_feed(organisation_id))


@bp.route("/feeds/deadlines.ics")
@public_endpoint
def deadlines_ics() -> Response:
    """Deliverable deadlines, as a subscribable feed."""
    if hidden_in_private_mode():
        return not_found()
    return serve(deadlines_feed(drafts=current_user.is_authenticated))


@bp.route("/feeds/organisations/<int:organisation_id>/deadlines.ics")
@public_endpoint
def organisation_deadlines_ics(organisation_id: int) -> Response:
    """What an organisation leads or owns, as a subscribable feed of due dates."""
    if hidden_in_private_mode():
        return not_found()
    return serve(deadlines_feed(organisation_id, drafts=current_user.is_authenticated))


@bp.route("/meetings/<int:meeting_id>.ics")
@public_endpoint
def meeting_ics(meeting_id: int) -> Response:
    """One meeting as a file to import once ("Add to calendar")."""
    if hidden_in_private_mode():
        return not_found()
    return serve(single_meeting_feed(meeting_id), attachment=True)


def token_user_or_404(token: str) -> User:
    """The owner of a secret address; unknown, revoked and deactivated tokens get a plain 404."""
    user = user_for_token(db.session, token)
    if user is None:
        abort(404)
    return user


def owner_language(user: User) -> str:
    """The language of a secret address's feeds: its owner's, else English.

    Calendar apps fetch these without the owner's cookies or session, so the request says
    nothing reliable about the reader.
    """
    return known(user.language) or DEFAULT_LANGUAGE


def serve_private(user: User, make_feed: Callable[[], Feed]) -> Response:
    """A feed through a secret address, named and written in the owner's language."""
    with force_locale(owner_language(user)):
        return serve(make_feed(), private=True)


@bp.route("/feeds/private/<token>/meetings.ics")
@public_endpoint
def private_meetings_ics(token: str) -> Response:
    """All meetings, through a user's secret address."""
    return serve_private(token_user_or_404(token), all_meetings_feed)


@bp.route("/feeds/private/<token>/series/<int:series_id>.ics")
@public_endpoint
def private_series_ics(token: str, series_id: int) -> Response:
    """One series' meetings, through a user's secret address."""
    return serve_private(token_user_or_404(token), lambda: series_feed(series_id))


@bp.route("/feeds/private/<token>/organisations/<int:organisation_id>.ics")
@public_endpoint
def private_organisation_ics(token: str, organisation_id: int) -> Response:
    """An organisation's meetings, through a user's secret address."""
    return serve_private(token_user_or_404(token), lambda: organisation_feed(organisation_id))


@bp.route("/feeds/private/<token>/organisations/<int:organisation_id>/deadlines.ics")
@public_endpoint
def private_organisation_deadlines_ics(token: str, organisation_id: int) -> Response:
    """What an organisation leads or owns, through a user's secret address."""
    return serve_private(
        token_user_or_404(token), lambda: deadlines_feed(organisation_id, drafts=True)
    )


@bp.route("/feeds/private/<token>/mine.ics")
@public_endpoint
def private_mine_ics(token: str) -> Response:
    """A user's own feed through their secret address; ?meetings=all for every meeting."""
    user = token_user_or_404(token)
    all_meetings = request.args.get("meetings") == "all"
    return serve_private(user, lambda: personal_feed(user, all_meetings))


@bp.route("/feeds/private/<token>/deadlines.ics")
@public_endpoint
def private_deadlines_ics(token: str) -> Response:
    """Deliverable deadlines, through a user's secret address."""
    return serve_private(token_user_or_404(token), lambda: deadlines_feed(drafts=True))


@dataclass(frozen=True)
class FeedLink:
    """One feed on the subscribe page: its addresses and one-click links for calendar apps."""

    anchor: str
    title: str
    address: str
    scheme: str
    webcal: str
    google: str
    outlook_work: str
    outlook_personal: str


def feed_link(anchor: str, title: str, path: str) -> FeedLink:
    """The addresses of the feed at path, and the subscribe links of Google and Outlook."""
    address = base_url() + path
    scheme, rest = address.split("://", 1)
    webcal = "webcal://" + rest
    add_from_web = urlencode({"url": address, "name": title})
    return FeedLink(
        anchor=anchor,
        title=title,
        address=address,
        scheme=scheme,
        webcal=webcal,
        # Google's subscribe-by-URL link takes the webcal:// form of the address.
        google="https://calendar.google.com/calendar/r?" + urlencode({"cid": webcal}),
        outlook_work="https://outlook.office.com/calendar/0/addfromweb?" + add_from_web,
        outlook_personal="https://outlook.live.com/calendar/0/addfromweb?" + add_from_web,
    )


def feed_links(token: str | None) -> list[FeedLink]:
    """Every feed, public or under the given secret token."""

    def path(public: str, private: str, **values: Any) -> str:
        if token is None:
            return url_for(public, **values)
        return url_for(private, token=token, **values)

    links = [
        feed_link("all", _("All meetings"), path(".meetings_ics", ".private_meetings_ics")),
        feed_link(
            "deadlines",
            _("All deadlines: deliverables, milestones and actions"),
            path(".deadlines_ics", ".private_deadlines_ics"),
        ),
    ]
    for series in db.session.scalars(select(Series).order_by(Series.name)):
        links.append(
            feed_link(
                f"series-{series.id}",
                _("Series: %(series)s", series=series.name),
                path(".series_ics", ".private_series_ics", series_id=series.id),
            )
        )
    for organisation in db.session.scalars(select(Organisation).order_by(Organisation.name)):
        links.append(
            feed_link(
                f"organisation-{organisation.id}",
                _("Organisation: %(organisation)s", organisation=organisation.name),
                path(
                    ".organisation_ics",
                    ".private_organisation_ics",
                    organisation_id=organisation.id,
                ),
            )
        )
        links.append(
            feed_link(
                f"organisation-{organisation.id}-deadlines",
                _("Deadlines of %(organisation)s", organisation=organisation.name),
                path(
                    ".organisation_deadlines_ics",
                    ".private_organisation_deadlines_ics",
                    organisation_id=organisation.id,
                ),
            )
        )
    return links


def personal_links(token: str) -> list[FeedLink]:
    """The signed-in user's own feed, with their organisation's meetings or with all."""
    mine = url_for(".private_mine_ics", token=token)
    every = url_for(".private_mine_ics", token=token, meetings="all")
    return [
        feed_link("mine", _("My calendar: my organisation's meetings"), mine),
        feed_link("mine-all", _("My calendar with every meeting"), every),
    ]


@bp.route("/subscribe")
def subscribe() -> Response:
    """Feed addresses with copy buttons and how to subscribe in common calendar apps."""
    private = not current_app.config["TRACKER_PUBLIC_READ"]
    token = None
    if current_user.is_authenticated:
        token = feed_token(db.session, current_user, current_app.secret_key)  # type: ignore[arg-type]
    links = feed_links(token if private else None) if (token or not private) else []
    person = current_user.person if current_user.is_authenticated else None
    html = render_template(
        "calendar/subscribe.html",
        links=links,
        mine=personal_links(token) if token else [],
        person=person,
        private=private,
        token=token,
        past_days=int(current_app.config["TRACKER_FEED_PAST_DAYS"]),
        future_months=int(current_app.config["TRACKER_FEED_FUTURE_MONTHS"]),
        refresh_minutes=int(current_app.config["TRACKER_FEED_REFRESH_MINUTES"]),
    )
    response = Response(html, content_type="text/html; charset=utf-8")
    # The page can carry a secret address: never leak it through a Referer header.
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/subscribe/token", methods=["POST"])
def regenerate_token() -> Response:
    """Make a new secret feed address for the current user; the old one stops working."""
    if not current_user.is_authenticated:
        return login_manager.unauthorized()  # type: ignore[no-any-return]
    regenerate_feed_token(db.session, current_user, current_app.secret_key)  # type: ignore[arg-type]
    db.session.commit()
    flash(_("Your secret feed addresses are new. The old ones no longer work."), "success")
    return redirect(url_for(".subscribe", _anchor="private"))

"""The zone page: anonymous readers (and members without a home zone) choose their zone."""

from __future__ import annotations

from flask import flash, render_template, request
from werkzeug.wrappers import Response

from tracker.i18n import _
from tracker.timefmt import city
from tracker.views import back_with_preference
from tracker.zones import bp
from tracker.zones.forms import ZoneChoiceForm
from tracker.zones.reader import (
    BROWSER_COOKIE,
    CHOSEN_COOKIE,
    NO_CONVERSION,
    resolve_reader_zone,
)


def zone_page(form: ZoneChoiceForm) -> str:
    """The zone page with its form."""
    return render_template("zones/choose.html", form=form, reader=resolve_reader_zone())


@bp.route("/zone", methods=["GET"])
def choose() -> str:
    """The zone picker, preselecting the chosen zone, else the browser's."""
    reader = resolve_reader_zone()
    chosen = request.cookies.get(CHOSEN_COOKIE, "")
    browser = request.cookies.get(BROWSER_COOKIE, "")
    selected = reader.zone or (chosen if chosen == NO_CONVERSION else "")
    if reader.source == "account":
        selected = chosen if chosen else browser
    form = ZoneChoiceForm(data={"zone": selected, "next": request.args.get("next", "")})
    return zone_page(form)


@bp.route("/zone", methods=["POST"])
def save() -> str | Response | tuple[str, int]:
    """Keep the chosen zone in a cookie and go back to the page the reader came from."""
    form = ZoneChoiceForm()
    if not form.validate_on_submit():
        return zone_page(form), 400
    zone = form.zone.data or NO_CONVERSION
    response = back_with_preference(form.next.data, CHOSEN_COOKIE, zone)
    if zone == NO_CONVERSION:
        flash(_("Times are shown in each meeting's own zone."), "success")
    else:
        flash(_("Times are now also shown in your zone (%(city)s).", city=city(zone)), "success")
    return response

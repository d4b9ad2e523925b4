"""Independent parsers for the calendar tests: icalendar, vobject and Mozilla's ical.js."""

from __future__ import annotations

import json
import subprocess
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import icalendar
import vobject

ICAL_JS_SCRIPT = Path(__file__).parent / "node" / "ical_events.mjs"


def ical_js(body: bytes) -> dict[str, Any]:
    """Parse with ical.js under Node: calendar name, zones and events with UTC start and end."""
    result = subprocess.run(
        ["node", str(ICAL_JS_SCRIPT)], input=body, capture_output=True, check=False, timeout=60
    )
    assert result.returncode == 0, result.stderr.decode()
    return json.loads(result.stdout)


def js_instant(value: str) -> datetime:
    """An ISO instant printed by the ical.js script, as an aware datetime."""
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def icalendar_events(body: bytes) -> list[icalendar.Event]:
    """Parse with icalendar and return the VEVENTs."""
    return list(icalendar.Calendar.from_ical(body).walk("VEVENT"))


def vobject_events(body: bytes) -> list[Any]:
    """Parse with vobject and return the VEVENTs, resolving TZIDs through this feed's zones."""
    # vobject keeps the first VTIMEZONE it ever saw for a TZID, process-wide; forget earlier
    # feeds so this one is read from its own VTIMEZONEs, as a calendar client would.
    zones = getattr(vobject.icalendar, "__tzidMap")
    zones.clear()
    vobject.icalendar.registerTzid("UTC", vobject.icalendar.utc)
    calendar = vobject.readOne(body.decode("utf-8"))
    return list(getattr(calendar, "vevent_list", []))


def as_utc(value: datetime | date) -> datetime | date:
    """A parsed DTSTART/DTEND value in UTC (dates unchanged)."""
    if isinstance(value, datetime):
        assert value.tzinfo is not None, "floating time"
        return value.astimezone(UTC)
    return value


def by_uid_icalendar(body: bytes) -> dict[str, tuple[Any, Any]]:
    """uid -> (UTC start, UTC end) according to icalendar."""
    return {
        str(e["UID"]): (as_utc(e.decoded("DTSTART")), as_utc(e.decoded("DTEND")))
        for e in icalendar_events(body)
    }


def by_uid_vobject(body: bytes) -> dict[str, tuple[Any, Any]]:
    """uid -> (UTC start, UTC end) according to vobject."""
    return {
        e.uid.value: (as_utc(e.dtstart.value), as_utc(e.dtend.value)) for e in vobject_events(body)
    }


def by_uid_ical_js(body: bytes) -> dict[str, tuple[Any, Any]]:
    """uid -> (UTC start, UTC end) according to ical.js."""
    parsed = ical_js(body)
    result: dict[str, tuple[Any, Any]] = {}
    for e in parsed["events"]:
        if len(e["start"]) == 10:
            result[e["uid"]] = (date.fromisoformat(e["start"]), date.fromisoformat(e["end"]))
        else:
            result[e["uid"]] = (js_instant(e["start"]), js_instant(e["end"]))
    return result

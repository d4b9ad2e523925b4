"""Times across zones, including the DST switch weekends."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tracker.timefmt import human_datetime, is_zone, zones_line

PARTNERS = ["Europe/Vienna", "Europe/Belgrade", "Europe/Stockholm", "Europe/London"]


@pytest.mark.parametrize(
    ("instant", "expected"),
    [
        # Winter: Sofia UTC+2, CET UTC+1, London UTC+0.
        (
            datetime(2027, 3, 2, 13, 0, tzinfo=UTC),
            "15:00 Sofia · 14:00 Vienna, Belgrade, Stockholm · 13:00 London",
        ),
        # EU switch weekend 2027-03-28: every zone moved together.
        (
            datetime(2027, 3, 29, 12, 0, tzinfo=UTC),
            "15:00 Sofia · 14:00 Vienna, Belgrade, Stockholm · 13:00 London",
        ),
        # Autumn switch 2027-10-31: 01:00 UTC Sunday is after the change everywhere.
        (
            datetime(2027, 10, 31, 13, 0, tzinfo=UTC),
            "15:00 Sofia · 14:00 Vienna, Belgrade, Stockholm · 13:00 London",
        ),
    ],
)
def test_zones_line_across_partners(instant, expected):
    assert zones_line(instant, "Europe/Sofia", PARTNERS) == expected


def test_us_and_eu_switch_on_different_weekends():
    # 2027-03-16: New York already on EDT (UTC-4), Sofia still EET (UTC+2): 6 hours apart.
    line = zones_line(
        datetime(2027, 3, 16, 13, 0, tzinfo=UTC), "Europe/Sofia", ["America/New_York"]
    )
    assert line == "15:00 Sofia · 09:00 New York"
    # 2027-04-06: both on summer time: 7 hours apart.
    line = zones_line(datetime(2027, 4, 6, 12, 0, tzinfo=UTC), "Europe/Sofia", ["America/New_York"])
    assert line == "15:00 Sofia · 08:00 New York"


def test_other_day_carries_weekday():
    line = zones_line(datetime(2027, 3, 2, 23, 30, tzinfo=UTC), "Europe/London", ["Asia/Tokyo"])
    assert line == "23:30 London · Wed 08:30 Tokyo"


def test_human_datetime():
    assert human_datetime(datetime(2027, 3, 2, 13, tzinfo=UTC), "Europe/Sofia") == (
        "Tue 2 Mar 2027, 15:00 Sofia"
    )


def test_is_zone():
    assert is_zone("Europe/Sofia") and is_zone("UTC")
    assert not is_zone("CEST") and not is_zone("Mars/Base") and not is_zone("")

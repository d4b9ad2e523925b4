"""Geometry of the server-drawn SVG charts: pure functions, no Flask, no database."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from tracker.i18n import _, _n
from tracker.inputs import clamp_day
from tracker.progress.percent import percent
from tracker.timefmt import human_date, month_year


@dataclass(frozen=True)
class Point:
    """One plotted progress value."""

    x: float
    y: float
    day: date
    percent: int


@dataclass(frozen=True)
class Tick:
    """An axis tick: its position and text."""

    at: float
    text: str


@dataclass
class ProgressChart:
    """A line chart of a deliverable's progress over time, with the expected straight line."""

    width: int
    height: int
    left: int
    top: int
    plot_width: int
    plot_height: int
    points: list[Point]
    polyline: str
    expected: tuple[float, float, float, float] | None
    today_x: float | None
    x_ticks: list[Tick]
    y_ticks: list[Tick]
    title: str
    desc: str


@dataclass
class TimelineMarker:
    """A milestone drawn on a timeline bar."""

    x: float
    title: str
    day: date
    done: bool


@dataclass
class TimelineRow:
    """One deliverable's bar on the timeline."""

    y: float
    label: str
    label_lines: list[str]
    deliverable_id: int
    bar_x: float | None
    bar_width: float
    done_width: float
    start: date | None
    due: date | None
    percent: int
    flag: str
    markers: list[TimelineMarker] = field(default_factory=list)


@dataclass
class Timeline:
    """The whole timeline: rows, month ticks and the line for today."""

    width: int
    height: int
    label_width: int
    top: int
    row_height: int
    rows: list[TimelineRow]
    ticks: list[Tick]
    today_x: float | None
    title: str
    desc: str


def scale(day: date, first: date, last: date, x0: float, width: float) -> float:
    """The x position of day on an axis from first to last (a far-off date at the edge)."""
    day = clamp_day(day)
    span = max((last - first).days, 1)
    return round(x0 + (day - first).days / span * width, 1)


def month_ticks(first: date, last: date, x0: float, width: float, most: int = 8) -> list[Tick]:
    """Ticks on the first day of months between first and last, at most about `most` of them."""
    months = []
    day = date(first.year, first.month, 1)
    while day <= last:
        if day >= first:
            months.append(day)
        day = date(day.year + (day.month == 12), day.month % 12 + 1, 1)
    step = max(1, -(-len(months) // most))
    return [Tick(scale(m, first, last, x0, width), month_year(m)) for m in months[::step]]


def progress_chart(
    history: list[tuple[date, int, int]],
    start: date | None,
    due: date | None,
    today: date,
    name: str,
    current: int | None = None,
) -> ProgressChart:
    """Chart geometry for (day, previous %, new %) updates in order, oldest first.

    When the current percentage differs from the last update (it was set some other way), the
    line ends with today's current value so that the chart never disagrees with the page.
    """
    last_percent = history[-1][2] if history else 0
    if current is not None and current != last_percent:
        end = max(today, history[-1][0]) if history else today
        history = [*history, (end, last_percent, current)]
    width, height, left, top, right, bottom = 640, 240, 44, 12, 16, 36
    plot_width, plot_height = width - left - right, height - top - bottom
    days = [d for d, _before, _after in history] + [today]
    if start:
        days.append(start)
    if due:
        days.append(due)
    # A far-off date (year 1 or 9999, imported behind the forms' back) is drawn at the edge of
    # the years forms accept, so date arithmetic cannot overflow and the axis stays readable.
    first, last = clamp_day(min(days)), clamp_day(max(days))
    if first == last:
        first, last = first - timedelta(days=1), last + timedelta(days=1)

    def y_of(value: int) -> float:
        return round(top + plot_height - value / 100 * plot_height, 1)

    points: list[Point] = []
    if history:
        day0, before, _after = history[0]
        # Only a deliverable that began at 0 % is known to have been there since its start.
        origin = start if start and start <= day0 and before == 0 else day0
        points.append(
            Point(scale(origin, first, last, left, plot_width), y_of(before), origin, before)
        )
    for day, _before, value in history:
        points.append(Point(scale(day, first, last, left, plot_width), y_of(value), day, value))
    expected = None
    if start and due and due > start:
        expected = (
            scale(start, first, last, left, plot_width),
            y_of(0),
            scale(due, first, last, left, plot_width),
            y_of(100),
        )
    if history:
        story = "; ".join(
            _("%(date)s: %(percent)s", date=human_date(d), percent=percent(p))
            for d, _before, p in history
        )
        desc = _n(
            "%(num)d progress values. %(values)s.",
            "%(num)d progress values. %(values)s.",
            len(history),
            values=story,
        )
    else:
        desc = _("No progress updates yet.")
    if expected and start and due:
        desc += " " + _(
            "The dashed line is the expected pace from %(start)s (%(zero)s) to %(due)s (%(full)s).",
            start=human_date(start),
            zero=percent(0),
            due=human_date(due),
            full=percent(100),
        )
    return ProgressChart(
        width=width,
        height=height,
        left=left,
        top=top,
        plot_width=plot_width,
        plot_height=plot_height,
        points=points,
        polyline=" ".join(f"{p.x},{p.y}" for p in points),
        expected=expected,
        today_x=scale(today, first, last, left, plot_width) if first <= today <= last else None,
        x_ticks=month_ticks(first, last, left, plot_width, most=6),
        y_ticks=[Tick(y_of(p), percent(p)) for p in (0, 25, 50, 75, 100)],
        title=_("Progress of %(title)s over time", title=name),
        desc=desc,
    )


@dataclass(frozen=True)
class TimelineItem:
    """What the timeline needs to know about one deliverable."""

    deliverable_id: int
    label: str
    start: date | None
    due: date | None
    percent: int
    flag: str
    milestones: list[tuple[str, date, bool]]


def add_months(day: date, months: int) -> date:
    """The same day of the month, months later (or earlier), clamped to the month's end."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    for last_day in (day.day, 30, 29, 28):
        try:
            return date(year, month + 1, min(day.day, last_day))
        except ValueError:
            continue
    return date(year, month + 1, 28)


WINDOW_SPANS = {"default": 15, "quarter": 3, "year": 12}


@dataclass(frozen=True)
class Window:
    """The stretch of time the timeline shows: first and last day, or everything."""

    span: str
    first: date | None
    last: date | None

    def shifted(self, direction: int) -> date | None:
        """The start of the previous (-1) or next (+1) window of the same length."""
        if self.first is None:
            return None
        return add_months(self.first, direction * WINDOW_SPANS[self.span])


def timeline_window(span: str, start: date | None, today: date) -> Window:
    """Default: 3 months back to 12 ahead; quarter and year from start (or the current quarter
    and month); all: no limits."""
    if span == "all":
        return Window("all", None, None)
    if span not in WINDOW_SPANS:
        span = "default"
    if start is None:
        if span == "default":
            start = add_months(today, -3)
        elif span == "quarter":
            start = date(today.year, (today.month - 1) // 3 * 3 + 1, 1)
        else:
            start = date(today.year, today.month, 1)
    return Window(span, start, add_months(start, WINDOW_SPANS[span]))


def wrap_words(text: str, width: int = 30, most: int = 3) -> list[str]:
    """Text in lines of at most width characters, broken between words, at most `most` lines
    (the last one ends with … when words are left over; the full text is in the title)."""
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    if len(lines) > most:
        lines = lines[:most]
        lines[-1] += " …"
    return lines


def in_window(item: TimelineItem, window: Window) -> bool:
    """Whether the item's bar or a milestone falls inside the window."""
    if window.first is None or window.last is None:
        return True
    begin = item.start or item.due
    end = item.due or item.start
    if begin and end and begin <= window.last and end >= window.first:
        return True
    return any(window.first <= d <= window.last for _title, d, _done in item.milestones)


def timeline(items: list[TimelineItem], today: date, window: Window | None = None) -> Timeline:
    """Timeline geometry: one bar per deliverable from its start to its due date, inside the
    window (everything when none is given)."""
    width, label_width, top, line_height, right = 960, 250, 28, 16, 16
    plot_width = width - label_width - right
    window = window or Window("all", None, None)
    items = [item for item in items if in_window(item, window)]
    if window.first is not None and window.last is not None:
        first, last = window.first, window.last
    else:
        days = [today]
        for item in items:
            days += [d for d in (item.start, item.due) if d]
            days += [d for _title, d, _done in item.milestones]
        first = clamp_day(min(days)) - timedelta(days=7)
        last = clamp_day(max(days)) + timedelta(days=7)

    def x_of(day: date) -> float:
        return scale(min(max(day, first), last), first, last, label_width, plot_width)

    rows = []
    y = float(top)
    for item in items:
        lines = wrap_words(item.label)
        row_height = max(30, len(lines) * line_height + 12)
        bar_x, bar_width = None, 0.0
        begin = item.start or item.due
        if begin and item.due:
            bar_x = x_of(begin)
            bar_width = max(x_of(item.due) - bar_x, 2.0)
        rows.append(
            TimelineRow(
                y=y + (row_height - 30) / 2,
                label=item.label,
                label_lines=lines,
                deliverable_id=item.deliverable_id,
                bar_x=bar_x,
                bar_width=round(bar_width, 1),
                done_width=round(bar_width * item.percent / 100, 1),
                start=item.start,
                due=item.due,
                percent=item.percent,
                flag=item.flag,
                markers=[
                    TimelineMarker(x_of(d), t, d, done)
                    for t, d, done in item.milestones
                    if first <= d <= last
                ],
            )
        )
        y += row_height
    count = len(items)
    return Timeline(
        width=width,
        height=int(max(y, top + 30)) + 10,
        label_width=label_width,
        top=top,
        row_height=30,
        rows=rows,
        ticks=month_ticks(first, last, label_width, plot_width),
        today_x=scale(today, first, last, label_width, plot_width)
        if first <= today <= last
        else None,
        title=_("Deliverables timeline"),
        desc=_n(
            "%(num)d deliverables, each a bar from its start to its due date, filled to its "
            "progress; diamonds are milestones (filled when done); the red line is today, "
            "%(today)s. The table below lists the same facts.",
            "%(num)d deliverables, each a bar from its start to its due date, filled to its "
            "progress; diamonds are milestones (filled when done); the red line is today, "
            "%(today)s. The table below lists the same facts.",
            count,
            today=human_date(today),
        ),
    )

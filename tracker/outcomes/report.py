"""Pure builders of outcome text: the Markdown meeting report and the minutes diff (no Flask,
no database)."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from tracker.i18n import _, _l
from tracker.models.enums import label
from tracker.timefmt import your_time

if TYPE_CHECKING:
    from tracker.outcomes.queries import MeetingOutcomes


@dataclass
class DiffLine:
    """One line of a unified diff: kind is added, removed, context or hunk."""

    kind: str
    text: str


def text_diff(old: str, new: str, old_label: str, new_label: str) -> list[DiffLine]:
    """The line differences between two texts, as a unified diff."""
    lines = difflib.unified_diff(
        old.splitlines(), new.splitlines(), old_label, new_label, lineterm="", n=2
    )
    result = []
    for line in lines:
        if line.startswith(("---", "+++")):
            continue
        if line.startswith("@@"):
            kind = "hunk"
        elif line.startswith("+"):
            kind = "added"
        elif line.startswith("-"):
            kind = "removed"
        else:
            kind = "context"
        result.append(DiffLine(kind, line))
    return result


def minutes_template(topics: list[str]) -> str:
    """A first draft of the minutes: a summary heading and one heading per agenda topic."""
    lines = ["## " + _("Summary"), "", ""]
    for topic in topics:
        lines += [f"## {topic}", "", ""]
    return "\n".join(lines)


IN_PREPARATION = _l("The minutes and outcomes of this meeting are in preparation.")


def shift_headings(markdown: str, levels: int) -> str:
    """The Markdown with every ATX heading moved down levels (at most to ######), outside code."""
    result = []
    fence: str | None = None
    for line in markdown.splitlines():
        stripped = line.lstrip()
        if stripped.startswith(("```", "~~~")):
            marker = stripped[:3]
            fence = None if fence == marker else (fence or marker)
        elif fence is None and line.startswith("#"):
            hashes = len(line) - len(line.lstrip("#"))
            rest = line[hashes:]
            if hashes <= 6 and (rest == "" or rest.startswith((" ", "\t"))):
                line = "#" * min(hashes + levels, 6) + rest
        result.append(line)
    return "\n".join(result)


@dataclass
class DiffPart:
    """A run of text in a word diff: kind is same, added or removed."""

    kind: str
    text: str


WORD = re.compile(r"\s+|[^\s]+")


def word_diff(old: str, new: str) -> list[DiffPart]:
    """The differences between two texts word by word (lines first, then words in changed lines)."""
    old_lines, new_lines = old.splitlines(keepends=True), new.splitlines(keepends=True)
    parts: list[DiffPart] = []

    def add(kind: str, text: str) -> None:
        if not text:
            return
        if parts and parts[-1].kind == kind:
            parts[-1].text += text
        else:
            parts.append(DiffPart(kind, text))

    lines = difflib.SequenceMatcher(a=old_lines, b=new_lines, autojunk=False)
    for tag, i1, i2, j1, j2 in lines.get_opcodes():
        before, after = "".join(old_lines[i1:i2]), "".join(new_lines[j1:j2])
        if tag == "equal":
            add("same", before)
        elif tag != "replace":
            add("removed", before)
            add("added", after)
        else:
            a, b = WORD.findall(before), WORD.findall(after)
            words = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
            for wtag, w1, w2, v1, v2 in words.get_opcodes():
                if wtag == "equal":
                    add("same", "".join(a[w1:w2]))
                else:
                    add("removed", "".join(a[w1:w2]))
                    add("added", "".join(b[v1:v2]))
    return parts


def report_markdown(
    outcomes: MeetingOutcomes, show_record: bool = True, reader: str | None = None
) -> str:
    """The meeting report as a Markdown document.

    Without show_record (anonymous readers before approval) the draft notes, outcomes, actions
    and minutes are left out; the minutes' own headings sit below the report's "## Minutes".
    With a reader zone whose clock differs, the reader's local time follows the meeting's.
    """
    meeting = outcomes.meeting
    none = _("None.")
    when = meeting.local_start.strftime("%Y-%m-%d %H:%M")
    beside = your_time(meeting.starts_at, meeting.timezone, reader)
    lines = [
        f"# {meeting.title}",
        "",
        _(
            "%(series)s, meeting %(number)s · %(when)s (%(zone)s)",
            series=meeting.series.name,
            number=meeting.number,
            when=when,
            zone=meeting.timezone,
        )
        + (f" · {beside}" if beside else ""),
        "",
    ]
    if outcomes.approval is not None:
        approved_on = f"{outcomes.approval.approved_at:%Y-%m-%d}"
        lines += [_("Minutes approved on %(date)s.", date=approved_on), ""]
    elif show_record:
        lines += [_("**Draft:** the minutes are not approved yet."), ""]
    lines += ["## " + _("Attendees"), ""]
    attended = [row for row in outcomes.attendance if row.attended]
    for row in attended:
        people = ", ".join(p.name for p in row.present)
        lines.append(f"- {row.participation.organisation.name}" + (f": {people}" if people else ""))
    if not attended:
        lines.append(_("No attendance recorded."))
    absent = [row for row in outcomes.attendance if not row.attended]
    if absent:
        not_attending = ", ".join(
            f"{row.participation.organisation.short_name} "
            f"({str(label(row.participation.attendance)).lower()})"
            for row in absent
        )
        lines += ["", _("Not attending: %(organisations)s", organisations=not_attending)]
    if not show_record:
        lines += ["", "## " + _("Agenda"), ""]
        lines += [f"- {entry.item.topic.title}" for entry in outcomes.agenda] or [none]
        lines += ["", "## " + _("Minutes"), "", str(IN_PREPARATION), ""]
        return "\n".join(lines)
    lines += ["", "## " + _("Decisions"), ""]
    decisions = outcomes.decisions
    lines += [f"- **{item.topic.title}:** {o.text}" for item, o in decisions] or [none]
    lines += ["", "## " + _("Actions"), ""]
    actions = outcomes.actions
    lines += [
        f"- [{'x' if not a.is_open else ' '}] "
        + _(
            "%(action)s — %(owner)s, due %(date)s (%(status)s)",
            action=a.text,
            owner=a.owner_text,
            date=a.due_date,
            status=str(label(a.status)).lower(),
        )
        for a in actions
    ] or [none]
    lines += ["", "## " + _("Agenda"), ""]
    for entry in outcomes.agenda:
        lines.append(f"### {entry.item.topic.title}")
        lines.append("")
        if entry.item.notes.strip():
            lines += [entry.item.notes.strip(), ""]
        for outcome in entry.outcomes:
            lines.append(f"- {label(outcome.kind)}: {outcome.text}")
        if entry.outcomes:
            lines.append("")
    minutes = shift_headings(meeting.minutes.strip(), 2)
    lines += ["## " + _("Minutes"), "", minutes or _("No minutes yet."), ""]
    return "\n".join(lines)

"""The browsable archive: a static website written page by page, with relative links only.

No Flask and no database here: the writer gets an Archive (tracker.archive.queries), a Jinja
environment holding the templates under templates/archive/, and a target (a directory or a
zip file). Every page links with paths relative to itself, so the site works from the file
system, offline, without JavaScript.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Protocol

from jinja2 import Environment

from tracker.archive.queries import Archive

STYLESHEETS = ("tokens.css", "app.css", "outcomes.css", "progress.css")


class Target(Protocol):
    """Where the archive's files go."""

    def write(self, path: str, content: str | bytes) -> None:
        """Write one file at a relative path with forward slashes."""


@dataclass
class DirectoryTarget:
    """Files under a directory on disk."""

    root: Path

    def write(self, path: str, content: str | bytes) -> None:
        """Write one file, making its folder."""
        target = self.root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, str):
            target.write_text(content, encoding="utf-8")
        else:
            target.write_bytes(content)


@dataclass
class ZipTarget:
    """Entries of an open zip file, under one top folder."""

    archive: zipfile.ZipFile
    folder: str = "archive"

    def write(self, path: str, content: str | bytes) -> None:
        """Add one deflated entry."""
        self.archive.writestr(f"{self.folder}/{path}", content, zipfile.ZIP_DEFLATED)


@dataclass
class Writer:
    """Renders each page with the root prefix it needs and counts the files written."""

    env: Environment
    target: Target
    archive: Archive
    lang: str = "en"
    files: int = 0

    def page(self, path: str, template: str, **context: Any) -> None:
        """Render template to path; links in it are relative to path's folder."""
        root = "../" * path.count("/")
        html = self.env.get_template(template).render(
            root=root, archive=self.archive, html_lang=self.lang, **context
        )
        self.target.write(path, html)
        self.files += 1

    def asset(self, path: str, content: bytes) -> None:
        """Copy a static file."""
        self.target.write(path, content)
        self.files += 1


def stylesheets() -> list[tuple[str, bytes]]:
    """The app's own stylesheets, copied so the archive looks like the tracker."""
    folder = resources.files("tracker").joinpath("static", "css")
    return [(name, folder.joinpath(name).read_bytes()) for name in STYLESHEETS]


def write_archive(archive: Archive, env: Environment, target: Target, lang: str = "en") -> int:
    """Write every page of the archive to target; the number of files.

    The pages' words are in the language gettext answers in (the downloading admin's in a
    request, English on the command line); lang is its BCP 47 tag for <html lang>.
    """
    writer = Writer(env, target, archive, lang)
    for name, content in stylesheets():
        writer.asset(f"assets/{name}", content)
    writer.page("index.html", "archive/index.html")
    for series in archive.series:
        meetings = archive.meetings.get(series.id, [])
        writer.page(
            f"series/{series.id}.html", "archive/series.html", series=series, meetings=meetings
        )
        for index, meeting in enumerate(meetings):
            writer.page(
                f"meetings/{meeting.id}.html",
                "archive/meeting.html",
                page=archive.meeting_page(meeting),
                series=series,
                previous=meetings[index - 1] if index else None,
                following=meetings[index + 1] if index + 1 < len(meetings) else None,
            )
    writer.page("topics/index.html", "archive/topics.html")
    for topic in archive.topics:
        writer.page(
            f"topics/{topic.id}.html", "archive/topic.html", timeline=archive.topic_page(topic)
        )
    writer.page("organisations/index.html", "archive/organisations.html")
    for organisation in archive.organisations:
        writer.page(
            f"organisations/{organisation.id}.html",
            "archive/organisation.html",
            page=archive.organisation_page(organisation),
        )
    writer.page("deliverables/index.html", "archive/deliverables.html")
    for page in archive.deliverable_pages():
        writer.page(
            f"deliverables/{page.deliverable.id}.html", "archive/deliverable.html", page=page
        )
    writer.page("decisions.html", "archive/decisions.html")
    writer.page("actions.html", "archive/actions.html")
    return writer.files

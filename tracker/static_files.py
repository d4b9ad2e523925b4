"""Static files with a content version in their URLs, so browsers keep them for a year.

``url_for('static', filename=...)`` gains ``?v=<hash of the file>``. A request that names the
file's current version is answered with ``Cache-Control: public, max-age=31536000, immutable``,
so a phone loads the CSS, scripts and icons once instead of asking again on every page. A new
deploy changes the hash and with it the URL. A request without a version, or with an old one,
keeps Flask's ``no-cache`` (the browser revalidates with the ETag).
"""

from __future__ import annotations

import hashlib
import os
from typing import Any

from flask import Flask, Response, current_app, request
from werkzeug.security import safe_join

from tracker.lru import LockedLRU

YEAR_SECONDS = 365 * 24 * 3600
IMMUTABLE = f"public, max-age={YEAR_SECONDS}, immutable"
VERSION_ARGUMENT = "v"
# (path, modification time, size) -> version; a file edited in development gets a new one.
VERSIONS: LockedLRU[tuple[str, int, int], str] = LockedLRU(512)


def file_version(folder: str, filename: str) -> str | None:
    """The first 12 hex digits of the file's SHA-256, or None if it is not a file under folder."""
    path = safe_join(folder, filename)
    if path is None:
        return None
    try:
        stat = os.stat(path)
    except OSError:
        return None
    key = (path, stat.st_mtime_ns, stat.st_size)
    version = VERSIONS.get(key)
    if version is None:
        with open(path, "rb") as handle:
            version = hashlib.sha256(handle.read()).hexdigest()[:12]
        VERSIONS.put(key, version)
    return version


def add_version(endpoint: str, values: dict[str, Any]) -> None:
    """Give static URLs the file's version (url_for's defaults hook)."""
    if endpoint != "static" or VERSION_ARGUMENT in values or "filename" not in values:
        return
    folder = current_app.static_folder
    version = file_version(folder, str(values["filename"])) if folder else None
    if version is not None:
        values[VERSION_ARGUMENT] = version


def cache_versioned(response: Response) -> Response:
    """Let browsers keep a static file for a year when its URL names its current version."""
    if request.endpoint != "static" or response.status_code not in (200, 206, 304):
        return response
    asked = request.args.get(VERSION_ARGUMENT)
    folder = current_app.static_folder
    filename = (request.view_args or {}).get("filename")
    if asked and folder and filename and asked == file_version(folder, str(filename)):
        response.headers["Cache-Control"] = IMMUTABLE
    return response


def register(app: Flask) -> None:
    """Install the URL hook and the caching hook."""
    app.url_defaults(add_version)
    app.after_request(cache_versioned)

"""The admin page that offers the HTML archive as a .zip download."""

from __future__ import annotations

import io
import zipfile

from flask import current_app, render_template, send_file
from flask_babel import get_locale
from werkzeug.wrappers import Response

from tracker.archive import bp
from tracker.archive.html import ZipTarget, write_archive
from tracker.archive.queries import load_archive
from tracker.auth.access import admin_required
from tracker.extensions import db
from tracker.i18n import DEFAULT_LANGUAGE
from tracker.i18n.locale import html_lang
from tracker.models import utc_today
from tracker.zones.reader import for_no_reader


def archive_lang() -> str:
    """The <html lang> of the archive's pages: the language they are written in."""
    locale = get_locale()
    return html_lang(str(locale)) if locale is not None else DEFAULT_LANGUAGE


@bp.route("/")
@admin_required
def admin() -> str:
    """What the archive holds, how to download it, and the command-line exports."""
    return render_template("archive/admin.html")


@bp.route("/archive.zip")
@admin_required
def download() -> Response:
    """The browsable archive as a zip file (about 14 MB for ten years of data)."""
    today = utc_today().isoformat()
    for_no_reader()  # the archive's times do not depend on who downloads it
    spool = io.BytesIO()
    with zipfile.ZipFile(spool, "w") as archive_zip:
        write_archive(
            load_archive(db.session),
            current_app.jinja_env,
            ZipTarget(archive_zip, folder=f"tracker-archive-{today}"),
            lang=archive_lang(),
        )
    spool.seek(0)
    return send_file(
        spool,
        mimetype="application/zip",
        as_attachment=True,
        download_name=f"tracker-archive-{today}.zip",
        max_age=0,
    )

"""One structured (JSON) log line per request, with a request id and no secrets."""

from __future__ import annotations

import json
import logging
import re
import sys
import time
import uuid
from datetime import UTC, datetime
from urllib.parse import parse_qsl, urlencode

from flask import Flask, g, request
from werkzeug.wrappers import Response

logger = logging.getLogger("tracker.request")

REQUEST_ID_HEADER = "X-Request-ID"
VALID_REQUEST_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,99}")
REDACTED = "[redacted]"
# Paths whose later segments are secrets (feed tokens); add e.g. password-reset paths here.
SECRET_PATH_PREFIXES = ("/feeds/private/",)
SECRET_PARAMETERS = re.compile(r"token|secret|password|key|signature", re.IGNORECASE)
# The same secrets inside free text, such as Flask's "Exception on /feeds/private/... [GET]".
SECRET_IN_TEXT = [
    (re.compile(re.escape(prefix) + r"[^\s?#\"'\]\[]+"), prefix + REDACTED)
    for prefix in SECRET_PATH_PREFIXES
] + [
    (
        re.compile(
            r"([?&;][^=&\s\"']*(?:token|secret|password|key|signature)[^=&\s\"']*=)[^&\s\"']+", re.I
        ),
        r"\g<1>" + REDACTED,
    )
]
# Loggers whose lines can carry a request path: Flask's app logger is added in register().
REDACTED_LOGGERS = ("werkzeug", "gunicorn.error", "gunicorn.access", "tracker.request")


def request_id_from(header: str | None) -> str:
    """The caller's request id when it is a sane one, otherwise a new random one."""
    if header and VALID_REQUEST_ID.fullmatch(header):
        return header
    return uuid.uuid4().hex


def safe_path(path: str) -> str:
    """The path with every segment after a secret prefix (e.g. /feeds/private/) redacted."""
    for prefix in SECRET_PATH_PREFIXES:
        if prefix in path:
            head, _, rest = path.partition(prefix)
            hidden = "/".join(REDACTED for _ in rest.split("/")) if rest else ""
            return f"{head}{prefix}{hidden}"
    return path


def safe_query(query: str) -> str:
    """The query string with the values of token-like parameters redacted."""
    if not query:
        return ""
    pairs = parse_qsl(query, keep_blank_values=True)
    return urlencode(
        [(name, REDACTED if SECRET_PARAMETERS.search(name) else value) for name, value in pairs],
        safe="[]",
    )


def redact_text(text: str) -> str:
    """text with feed tokens in paths and token-like query values replaced."""
    for pattern, replacement in SECRET_IN_TEXT:
        text = pattern.sub(replacement, text)
    return text


class RedactSecrets(logging.Filter):
    """Rewrites every record of a logger so that its message and traceback carry no secret
    feed token or token-like query value."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Redact the formatted message and exception text in place; never drop a record."""
        message = record.getMessage()
        cleaned = redact_text(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact_text(record.exc_text)
        return True


def install_redaction(*loggers: logging.Logger) -> None:
    """Attach the redacting filter to loggers (once each)."""
    for log in loggers:
        if not any(isinstance(f, RedactSecrets) for f in log.filters):
            log.addFilter(RedactSecrets())


def log_line(response: Response) -> str:
    """The JSON line describing the current request and its response."""
    started = g.get("request_started", None)
    duration = (time.perf_counter() - started) * 1000 if started is not None else None
    record = {
        "ts": datetime.now(UTC).isoformat(timespec="milliseconds"),
        "request_id": g.get("request_id", None),
        "method": request.method,
        "path": safe_path(request.path),
        "status": response.status_code,
        "duration_ms": round(duration, 2) if duration is not None else None,
    }
    query = safe_query(request.query_string.decode("latin-1"))
    if query:
        record["query"] = query
    return json.dumps(record, separators=(",", ":"))


def configure_logger() -> None:
    """Send request lines to standard error as bare JSON, once per process."""
    if not logger.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(message)s"))
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
        logger.propagate = False


def register(app: Flask) -> None:
    """Give every request an id (echoed in X-Request-ID) and log one line when it ends."""
    configure_logger()
    install_redaction(app.logger, *(logging.getLogger(name) for name in REDACTED_LOGGERS))

    def start_request() -> None:
        g.request_started = time.perf_counter()
        g.request_id = request_id_from(request.headers.get(REQUEST_ID_HEADER))

    # First of all before-request hooks, so even a CSRF refusal's error page shows the id.
    app.before_request_funcs.setdefault(None, []).insert(0, start_request)

    @app.after_request
    def finish_request(response: Response) -> Response:
        if "request_id" not in g:
            g.request_id = request_id_from(request.headers.get(REQUEST_ID_HEADER))
        response.headers[REQUEST_ID_HEADER] = g.request_id
        logger.info(log_line(response))
        return response

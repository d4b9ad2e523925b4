"""SMTP sender: STARTTLS, SSL and login, and `flask notify worker`, against aiosmtpd."""

from __future__ import annotations

import shutil
import ssl
import subprocess
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.smtp import AuthResult, LoginPassword
from flask import Flask

from tests.factories import make_meeting, make_organisation, make_person
from tests.mailserver import running_mail_server
from tracker.extensions import db
from tracker.models import MeetingStatus, OutboxMessage, OutboxStatus, utcnow
from tracker.notify.sender import MailSettings, send_pending

USER, PASSWORD = "tracker", "s3cret-pass"


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 and its key, made with the openssl CLI."""
    if shutil.which("openssl") is None:
        pytest.skip("openssl is not installed")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "2",
            "-keyout",
            str(key),
            "-out",
            str(cert),
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


def server_context(certificate: tuple[Path, Path]) -> ssl.SSLContext:
    """The server side of TLS with the test certificate."""
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(str(certificate[0]), str(certificate[1]))
    return context


def check_login(
    server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any
) -> AuthResult:
    """aiosmtpd authenticator: only USER with PASSWORD gets in."""
    ok = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (
        USER.encode(),
        PASSWORD.encode(),
    )
    return AuthResult(success=ok)


def settings(port: int, cert: Path, **values: Any) -> MailSettings:
    """Settings for the test server, trusting the test certificate."""
    base = MailSettings(
        server="127.0.0.1",
        port=port,
        starttls=False,
        ssl=False,
        username="",
        password="",
        sender="Tracker <tracker@tracker.test>",
        timeout=3,
        ca_file=str(cert),
    )
    return replace(base, **values)


def one_invitation(address: str = "ana@example.org") -> None:
    """One pending invitation in the outbox, to address."""
    organisation = make_organisation()
    make_person(organisation=organisation, email=address)
    make_meeting(organisations=[organisation], status=MeetingStatus.CONFIRMED)
    db.session.commit()


def statuses() -> list[OutboxStatus]:
    """The outbox rows' statuses."""
    db.session.expire_all()
    return [row.status for row in db.session.scalars(db.select(OutboxMessage))]


def test_starttls_with_login_required_over_tls(app: Flask, certificate: tuple[Path, Path]) -> None:
    one_invitation()
    with running_mail_server(
        tls_context=server_context(certificate),
        require_starttls=True,
        authenticator=check_login,
        auth_require_tls=True,
    ) as server:
        # Without STARTTLS the server refuses; the message stays for a retry.
        plain = settings(server.port, certificate[0], username=USER, password=PASSWORD)
        report = send_pending(db.session, plain)
        assert report.sent == 0 and server.inbox.raw == []
        assert statuses() == [OutboxStatus.PENDING]
        db.session.execute(
            db.update(OutboxMessage).values(next_attempt_at=utcnow() - timedelta(hours=1))
        )
        db.session.commit()
        # A wrong password is refused too.
        wrong = replace(plain, starttls=True, password="wrong")
        assert send_pending(db.session, wrong).sent == 0 and server.inbox.raw == []
        db.session.execute(
            db.update(OutboxMessage).values(next_attempt_at=utcnow() - timedelta(hours=1))
        )
        db.session.commit()
        report = send_pending(db.session, replace(plain, starttls=True))
        assert report.sent == 1, report.errors
        assert len(server.inbox.messages) == 1
        assert server.inbox.messages[0]["To"].addresses[0].addr_spec == "ana@example.org"
    assert statuses() == [OutboxStatus.SENT]


def test_ssl_from_the_first_byte_and_the_certificate_is_verified(
    app: Flask, certificate: tuple[Path, Path]
) -> None:
    one_invitation()
    # aiosmtpd offers AUTH on an implicit-TLS server only without auth_require_tls (it
    # tracks STARTTLS, not a socket that was TLS from the start).
    with running_mail_server(
        ssl_context=server_context(certificate),
        authenticator=check_login,
        auth_require_tls=False,
    ) as server:
        untrusted = settings(server.port, certificate[0], ssl=True, ca_file="")
        assert send_pending(db.session, untrusted).sent == 0  # self-signed: not trusted
        assert server.inbox.raw == []
        db.session.execute(
            db.update(OutboxMessage).values(next_attempt_at=utcnow() - timedelta(hours=1))
        )
        db.session.commit()
        trusted = replace(untrusted, ca_file=str(certificate[0]), username=USER, password=PASSWORD)
        report = send_pending(db.session, trusted)
        assert report.sent == 1, report.errors
        assert len(server.inbox.raw) == 1
    assert statuses() == [OutboxStatus.SENT]


def test_config_reads_the_ca_file() -> None:
    found = MailSettings.from_config({"MAIL_SERVER": "smtp.example.org", "MAIL_CA_FILE": "/ca.pem"})
    assert found.ca_file == "/ca.pem" and found.port == 587


def test_worker_runs_until_its_iterations_are_done(app: Flask) -> None:
    one_invitation()
    with running_mail_server() as server:
        app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=server.port, MAIL_USE_STARTTLS=False)
        runner = app.test_cli_runner()
        result = runner.invoke(args=["notify", "worker", "--iterations", "2", "--interval", "1"])
        assert result.exit_code == 0, result.output
        assert "1 sent" in result.output  # the first run sends; the second finds nothing new
        assert result.output.count("sent") == 1
        assert len(server.inbox.raw) == 1
        one_invitation("ben@example.org")  # a new message waits: a later run delivers it, once
        result = runner.invoke(args=["notify", "worker", "--iterations", "1"])
        assert result.exit_code == 0 and "1 sent" in result.output
        assert len(server.inbox.raw) == 2
    assert statuses() == [OutboxStatus.SENT, OutboxStatus.SENT]

"""The optional virus scan against a real clamd (Debian package clamav-daemon).

The test starts its own clamd (foreground, every path in a temporary folder) with a one-line signature
database for the EICAR test file made here, because ClamAV's own database is a large download a test
machine may not reach; `QUERELA_TEST_CLAMD=clamd:/run/clamav/clamd.ctl` uses a running clamd instead (with
the official database EICAR is found too). Without clamd the tests that need it skip, saying what to install.
"""

from __future__ import annotations

import io
import os
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from querela.complaints.models import Attachment
from querela.complaints.services import Upload, complaint_attach, complaint_register
from querela.core import antivirus
from querela.core.errors import ValidationFailed

from . import files

pytestmark = pytest.mark.django_db

INSTALL_HINT = "install Debian package clamav-daemon (apt-get install clamav-daemon) to test the virus scan"
# The anti-virus test file every scanner knows, in two halves so this source file is not itself "infected".
EICAR = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$" + b"EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"


def _clamd_binary() -> str | None:
    # /usr/sbin is often missing from an ordinary user's PATH although the package installs clamd there.
    return shutil.which("clamd") or ("/usr/sbin/clamd" if os.path.exists("/usr/sbin/clamd") else None)


def _answers(address: str) -> bool:
    try:
        return antivirus.scan(io.BytesIO(b"hello"), address, timeout=2).clean
    except OSError:
        return False


@pytest.fixture(scope="module")
def clamd() -> Iterator[str]:
    given = os.environ.get("QUERELA_TEST_CLAMD")
    if given:
        yield given
        return
    binary = _clamd_binary()
    if binary is None:
        pytest.skip(INSTALL_HINT)
    with tempfile.TemporaryDirectory(prefix="querela-clamd-") as tmp:
        root = Path(tmp)
        (root / "db").mkdir()
        (root / "db" / "querela-test.ndb").write_text(f"Querela.Test.EICAR:0:*:{EICAR.hex()}\n")
        conf = root / "clamd.conf"
        conf.write_text(
            "\n".join(
                [
                    "Foreground yes",
                    f"LocalSocket {root / 'clamd.sock'}",
                    f"DatabaseDirectory {root / 'db'}",
                    f"TemporaryDirectory {root}",
                    f"LogFile {root / 'clamd.log'}",
                    "StreamMaxLength 30M",
                ]
            )
            + "\n"
        )
        process = subprocess.Popen([binary, "-c", str(conf)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        address = f"clamd:{root / 'clamd.sock'}"
        try:
            deadline = time.monotonic() + 60
            while not _answers(address):
                if process.poll() is not None or time.monotonic() > deadline:
                    log = (root / "clamd.log").read_text() if (root / "clamd.log").exists() else ""
                    pytest.fail(f"clamd did not start within a minute: {log[-2000:]}")
                time.sleep(0.2)
            yield address
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@pytest.fixture
def scanning(settings, clamd):
    settings.QUERELA = {**settings.QUERELA, "ANTIVIRUS": clamd}
    return clamd


def _attach(w, name: str, data: bytes):
    c = complaint_register(actor=w.actor("agent"), channel="post", subject="s", description="d", customer=w.customer)
    return complaint_attach(actor=w.actor("agent"), complaint_id=c.pk, upload=Upload(name, io.BytesIO(data), len(data)))


def test_the_scan_is_off_unless_configured(in_a, settings, monkeypatch):
    from querela.settings import base

    assert base.QUERELA["ANTIVIRUS"] == "" or os.environ.get("QUERELA_ANTIVIRUS")
    # Off, no scanner is contacted: a file is accepted on the other checks alone.
    settings.QUERELA = {**settings.QUERELA, "ANTIVIRUS": ""}
    monkeypatch.setattr(antivirus, "scan", None)
    assert _attach(in_a, "szamla.pdf", files.PDF).filename == "szamla.pdf"


def test_a_virus_is_refused_with_its_name_and_a_clean_file_passes(in_a, scanning):
    with pytest.raises(ValidationFailed) as err:
        _attach(in_a, "olvass-el.txt", EICAR)
    assert err.value.code == "virus_found"
    assert "“olvass-el.txt” contains a virus (" in err.value.message and "EICAR" in err.value.message.upper()
    assert not Attachment.objects.exists()
    assert _attach(in_a, "szamla.pdf", files.PDF).filename == "szamla.pdf"


def test_a_virus_inside_a_zip_is_found_by_clamd(in_a, scanning):
    with pytest.raises(ValidationFailed) as err:
        _attach(in_a, "scans.zip", files.zip_of({"scan.pdf": files.PDF, "readme.txt": EICAR}))
    assert err.value.code == "virus_found" and "scans.zip" in err.value.message


def test_the_protocol_reads_clamds_answers(clamd):
    assert antivirus.scan(io.BytesIO(EICAR), clamd).virus
    assert antivirus.scan(io.BytesIO(b"x" * 300_000), clamd) == antivirus.Verdict(clean=True)


def test_a_scanner_that_is_not_there_refuses_the_file_saying_so(in_a, settings, tmp_path):
    settings.QUERELA = {**settings.QUERELA, "ANTIVIRUS": f"clamd:{tmp_path / 'no-such.sock'}"}
    with pytest.raises(ValidationFailed) as err:
        _attach(in_a, "szamla.pdf", files.PDF)
    assert err.value.code == "virus_scan_unavailable"
    assert "“szamla.pdf” could not be checked for viruses just now" in err.value.message
    assert not Attachment.objects.exists()


def test_a_scanner_that_accepts_and_never_answers_times_out_and_refuses(in_a, settings):
    # A plain socket that takes the connection and says nothing: a hung clamd, not a pretend one.
    path = Path(tempfile.mkdtemp(prefix="querela-silent-")) / "s.sock"
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(str(path))
    server.listen(1)
    held: list[socket.socket] = []
    accepting = threading.Thread(target=lambda: held.append(server.accept()[0]), daemon=True)
    accepting.start()
    settings.QUERELA = {**settings.QUERELA, "ANTIVIRUS": f"clamd:{path}", "ANTIVIRUS_TIMEOUT": 1}
    try:
        with pytest.raises(ValidationFailed) as err:
            _attach(in_a, "szamla.pdf", files.PDF)
        assert err.value.code == "virus_scan_unavailable"
    finally:
        for s in held:
            s.close()
        server.close()
        shutil.rmtree(path.parent, ignore_errors=True)


def test_a_malformed_address_is_a_scan_that_could_not_run():
    verdict = antivirus.scan(io.BytesIO(b"x"), "clamscan")
    assert not verdict.clean and "not a clamd address" in verdict.failure

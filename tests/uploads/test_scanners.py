"""The PDF and archive scanners on their own: what they find, and that no bytes make them raise or work
more than in proportion to the file (counted in bytes read and inflated, not in seconds)."""

from __future__ import annotations

import io
import zipfile
import zlib

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from querela.core import archives
from querela.core.pdf_active import INFLATE_BUDGET, scan_pdf

from . import files

pytestmark = pytest.mark.pure


def _walk(data: bytes, *, max_member: int = 20 * 1024 * 1024, budget: int = 200 * 1024 * 1024):
    spent = archives.Budget(bytes_left=budget)
    items = list(
        archives.members(io.BytesIO(data), budget=spent, max_member_bytes=max_member, keep_whole=lambda n, h: True)
    )
    return items, spent


def test_active_names_found_plain_escaped_and_packed_in_an_object_stream():
    assert scan_pdf(files.PDF_WITH_JAVASCRIPT).active == {"javascript"}
    assert scan_pdf(files.PDF_WITH_ESCAPED_JAVASCRIPT).active == {"javascript"}
    assert scan_pdf(files.PDF_WITH_LAUNCH).active == {"launch"}
    packed = files.pdf_with_object_stream(b"<< /S /JavaScript /JS (x) >>")
    assert b"JavaScript" not in packed  # invisible in the file's bytes
    assert scan_pdf(packed).active == {"javascript"}
    assert scan_pdf(files.pdf_with_object_stream(b"<< /Type /Filespec /EF << /F 9 0 R >> >>")).active == set()
    assert scan_pdf(files.pdf_with(b"<< /Names << /EmbeddedFiles 4 0 R >> >>")).active == {"embedded_file"}


def test_a_plain_document_has_nothing_and_an_opening_view_is_not_an_action():
    clean = files.pdf_with(b"<< /Type /Catalog /Pages 2 0 R /OpenAction [3 0 R /FitH null] >>")
    assert scan_pdf(clean).active == set() and scan_pdf(clean).uncheckable == ""
    assert scan_pdf(files.PDF).active == set()


def test_short_names_in_a_streams_bytes_are_chance_not_content():
    # Compressed picture data where "/JS" and "/AA" occur by chance: not refused; a long name still is.
    noise = b"\x8f/JS\x00\x13/AA \x01"
    picture = b"<< /Length %d >>\nstream\n" % len(noise) + noise + b"\nendstream"
    assert scan_pdf(files.pdf_with(picture)).active == set()
    hidden = b"<< /Length 20 >>\nstream\n/JavaScript (x)\nendstream"
    assert scan_pdf(files.pdf_with(hidden)).active == {"javascript"}


def test_an_object_stream_that_cannot_be_read_makes_the_file_uncheckable():
    garbage = b"<< /Type /ObjStm /N 1 /First 4 /Filter /FlateDecode >>\nstream\nnot zlib at all\nendstream"
    assert scan_pdf(files.pdf_with(garbage)).uncheckable == "encrypted_or_damaged"
    lzw = b"<< /Type /ObjStm /N 1 /First 4 /Filter /LZWDecode >>\nstream\n\x80\x0b\x60\nendstream"
    assert scan_pdf(files.pdf_with(lzw)).uncheckable == "filter"


def test_object_streams_inflate_within_the_budget():
    big = zlib.compress(b" " * (2 * 1024 * 1024))
    pdf = files.pdf_with(b"<< /Type /ObjStm /N 1 /First 4 /Filter /FlateDecode >>\nstream\n" + big + b"\nendstream")
    assert scan_pdf(pdf, inflate_budget=1024 * 1024).uncheckable == "budget"
    assert scan_pdf(pdf).uncheckable == ""


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=4000))
def test_any_bytes_scan_without_raising_in_linear_work(data):
    findings = scan_pdf(data)
    assert findings.steps <= 3 * len(data) + INFLATE_BUDGET


_PDF_PIECES = st.sampled_from(
    [
        b"<<",
        b">>",
        b"stream\n",
        b"stream\r\n",
        b"endstream",
        b"obj",
        b"/JS",
        b"/J#61vaScript",
        b"/ObjStm",
        b"/N 1",
        b"/First 3",
        b"/FlateDecode",
        b"/Filter",
        b" ",
        b"\n",
        b"#",
        b"/",
        zlib.compress(b"/Launch"),
        b"%PDF-1.5",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_PDF_PIECES, max_size=400))
def test_pdf_shaped_bytes_scan_without_raising_in_linear_work(pieces):
    data = b"".join(pieces)
    findings = scan_pdf(data, inflate_budget=10_000)
    assert findings.steps <= 3 * len(data) + 10_000


def test_zip_members_listed_with_their_heads():
    items, _ = _walk(files.zip_of({"a.pdf": files.PDF, "b/c.txt": b"hello"}))
    assert [(m.name, m.size, m.data) for m in items] == [("a.pdf", len(files.PDF), files.PDF), ("b/c.txt", 5, b"hello")]


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (files.zip_bomb(10), "ratio"),
        (files.lying_zip_bomb(10), "unreadable"),
        (files.overlapping_zip(), "overlap"),
        (files.zip_of({"../../etc/cron.d/x": b"x"}), "unsafe_name"),
        (files.zip_of({"/etc/passwd": b"x"}), "unsafe_name"),
        (files.zip_of({"C:\\Windows\\x.txt": b"x"}), "unsafe_name"),
        (files.zip_of({f"{i}.txt": b"x" for i in range(archives.MAX_MEMBERS + 1)}), "too_many"),
        (b"PK\x03\x04 not really a zip", "unreadable"),
    ],
)
def test_archives_built_to_harm_are_refused_before_much_is_inflated(data, code):
    items, spent = _walk(data)
    assert isinstance(items[-1], archives.Problem) and items[-1].code == code
    assert spent.bytes_inflated <= 2 * 1024 * 1024  # stopped early, whatever the directory claimed


def test_a_member_larger_than_the_largest_accepted_file_is_refused():
    items, _ = _walk(files.zip_of({"big.txt": b"x" * 5000}), max_member=4000)
    assert items[-1] == archives.Problem("member_too_large", "big.txt")


def test_the_budget_counts_what_really_comes_out():
    data = files.zip_of({f"{i}.txt": bytes(1024 * 1024) for i in range(5)})
    items, spent = _walk(data, budget=3 * 1024 * 1024)
    assert items[-1] == archives.Problem("too_large_total")
    assert spent.bytes_inflated == 0  # refused from the declared sizes, before inflating


def test_a_password_protected_member_is_refused_not_skipped():
    data = bytearray(files.zip_of({"secret.pdf": files.PDF}))
    for signature, flag_at in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        at = data.find(signature)
        data[at + flag_at] |= 0x1
    items, _ = _walk(bytes(data))
    assert items[-1] == archives.Problem("encrypted", "secret.pdf")


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=3000))
def test_any_bytes_walk_without_raising_in_linear_reads(data):
    items, spent = _walk(data)
    assert all(isinstance(i, archives.Member | archives.Problem) for i in items)
    assert spent.bytes_read <= 4 * len(data) + 1024


@st.composite
def _damaged_zips(draw):
    names = st.text(alphabet="abc./_é", min_size=1, max_size=12).filter(lambda n: not n.endswith("/"))
    members = draw(st.dictionaries(names, st.binary(max_size=300), max_size=6))
    method = draw(st.sampled_from([zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED]))
    data = bytearray(files.zip_of(members, compression=method))
    for _ in range(draw(st.integers(0, 4))):
        if data:
            data[draw(st.integers(0, len(data) - 1))] = draw(st.integers(0, 255))
    return bytes(data)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_damaged_zips())
def test_real_zips_with_damaged_bytes_walk_without_raising_in_linear_work(data):
    items, spent = _walk(data, budget=1024 * 1024)
    assert all(isinstance(i, archives.Member | archives.Problem) for i in items)
    assert spent.bytes_read <= 4 * len(data) + 1024
    assert spent.bytes_inflated <= 1024 * 1024 + archives.CHUNK

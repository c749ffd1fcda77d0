"""Issue item 5: malformed mail is read as far as it can be, and every problem is named in `defects`."""

from __future__ import annotations

import base64
import hashlib
import tracemalloc

import pytest

from querela.intake.email.parse import ParsedEmail, parse_message

pytestmark = pytest.mark.pure

HEAD = (
    "Message-ID: <m@example.hu>\r\n"
    "Date: Mon, 02 Mar 2026 09:15:22 +0100\r\n"
    "From: Nagy Bence <nagy@example.hu>\r\n"
    "To: titasz@complaints.querela.test\r\n"
    "Subject: malformed\r\n"
    "MIME-Version: 1.0\r\n"
)


def mail(rest: str) -> bytes:
    return (HEAD + rest).encode("utf-8")


def has_defect(parsed: ParsedEmail, *words: str) -> bool:
    return any(all(w.lower() in d.lower() for w in words) for d in parsed.defects)


def test_declared_boundary_never_used() -> None:
    parsed = parse_message(
        mail(
            'Content-Type: multipart/mixed; boundary="declared"\r\n\r\n'
            "--actual\r\nContent-Type: text/plain\r\n\r\nThe body survives.\r\n"
            "--actual\r\nContent-Type: application/pdf; name=a.pdf\r\n\r\n%PDF\r\n--actual--\r\n"
        )
    )
    assert "The body survives." in parsed.text
    assert [a.filename for a in parsed.attachments] == ["a.pdf"]
    assert has_defect(parsed, "boundary")


def test_no_boundary_lines_at_all_reads_the_body_as_text() -> None:
    parsed = parse_message(mail('Content-Type: multipart/mixed; boundary="gone"\r\n\r\nJust text, Cod client: 100\r\n'))
    assert "Just text" in parsed.text
    assert parsed.identifiers["customer_id"] == ["100"]
    assert has_defect(parsed, "no boundary lines")


def test_missing_final_boundary() -> None:
    parsed = parse_message(
        mail(
            'Content-Type: multipart/mixed; boundary="b"\r\n\r\n--b\r\n\r\nText part.\r\n'
            "--b\r\nContent-Type: image/png; name=p.png\r\nContent-Transfer-Encoding: base64\r\n\r\niVBORw0KGgo=\r\n"
        )
    )
    assert parsed.text == "Text part."
    assert parsed.attachments[0].payload == b"\x89PNG\r\n\x1a\n"
    assert has_defect(parsed, "not closed")


def test_bad_base64_keeps_what_decodes() -> None:
    good = base64.b64encode(b"0123456789" * 10).decode()
    parsed = parse_message(
        mail(
            'Content-Type: multipart/mixed; boundary="b"\r\n\r\n--b\r\n\r\nSee attachment.\r\n'
            "--b\r\nContent-Type: application/pdf; name=x.pdf\r\nContent-Transfer-Encoding: base64\r\n\r\n"
            f"{good[:40]}!!%%{good[40:]}\r\n--b--\r\n"
        )
    )
    (attachment,) = parsed.attachments
    assert attachment.payload == b"0123456789" * 10
    assert has_defect(parsed, "bad base64")


def test_base64_with_a_footer_after_the_padding() -> None:
    parsed = parse_message(
        mail(
            "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n"
            + base64.b64encode("Szöveg.".encode()).decode()
            + "\r\n\r\n-- \r\nList footer\r\n"
        )
    )
    assert parsed.text == "Szöveg."
    assert has_defect(parsed, "base64")


def test_truncated_base64() -> None:
    parsed = parse_message(
        mail(
            "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n"
            + base64.b64encode(b"Hello world, truncated").decode()[:-3]
            + "\r\n"
        )
    )
    assert parsed.text.startswith("Hello world")
    assert has_defect(parsed, "base64")


def test_unknown_charset() -> None:
    parsed = parse_message(
        mail(
            "Content-Type: text/plain; charset=x-klingon-42\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
            "Tisztelt Ügyfélszolgálat!\r\n"
        )
    )
    assert "Tisztelt Ügyfélszolgálat!" in parsed.text
    assert has_defect(parsed, "unknown charset", "x-klingon-42")


def test_undecodable_bytes_for_the_declared_charset() -> None:
    raw = mail("Content-Type: text/plain; charset=utf-8\r\n\r\n") + b"Hib\xe1s k\xf3dol\xe1s\r\n"
    parsed = parse_message(raw)
    assert parsed.text.startswith("Hib")
    assert has_defect(parsed, "undecodable")


def test_unknown_charset_in_an_encoded_word() -> None:
    parsed = parse_message(
        mail("Content-Type: text/plain\r\n\r\nx\r\n").replace(
            b"Subject: malformed", b"Subject: =?x-nope?Q?Panasz_f=C3=BCt=C3=A9s?="
        )
    )
    assert parsed.subject == "Panasz fütés"
    assert has_defect(parsed, "unknown charset")


def test_missing_headers() -> None:
    parsed = parse_message(b"Subject: only a subject\r\n\r\nBody text stays.\r\n")
    assert parsed.text == "Body text stays."
    assert parsed.subject == "only a subject"
    assert (parsed.message_id, parsed.from_address, parsed.date, parsed.mailbox) == (None, None, None, None)
    for header in ("From", "Message-ID", "Date"):
        assert has_defect(parsed, "missing", header)


def test_unreadable_date_and_addressless_from() -> None:
    parsed = parse_message(b"Message-ID: <d@x>\r\nDate: the day after tomorrow\r\nFrom: Nagy Bence\r\n\r\nx\r\n")
    assert parsed.date is None and parsed.from_address is None and parsed.from_name == "Nagy Bence"
    assert has_defect(parsed, "date") and has_defect(parsed, "from", "no address")


def test_zero_byte_part() -> None:
    parsed = parse_message(
        mail(
            'Content-Type: multipart/mixed; boundary="b"\r\n\r\n--b\r\n\r\nBody.\r\n'
            "--b\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename=empty.pdf\r\n\r\n"
            "\r\n--b--\r\n"
        )
    )
    (attachment,) = parsed.attachments
    assert (attachment.filename, attachment.size, attachment.payload) == ("empty.pdf", 0, b"")
    assert attachment.sha256 == hashlib.sha256(b"").hexdigest()
    assert has_defect(parsed, "empty")


def test_no_blank_line_after_headers() -> None:
    parsed = parse_message(mail("This line is body text, not a header\r\nsecond line\r\n"))
    assert parsed.subject == "malformed"
    assert "This line is body text" in parsed.text
    assert has_defect(parsed, "no blank line")


@pytest.mark.parametrize("raw", [b"", b"\r\n\r\n", b"\x00\xff" * 50, b"--b\r\n--b--", b":\r\n:\r\n\r\n"])
def test_garbage_never_raises(raw: bytes) -> None:
    parsed = parse_message(raw)
    assert isinstance(parsed.defects, list) and parsed.defects


def test_twenty_megabyte_attachment_is_exact_and_memory_stays_bounded() -> None:
    size = 20 * 1024 * 1024
    data = bytes(range(256)) * (size // 256)
    raw = (
        mail(
            'Content-Type: multipart/mixed; boundary="b"\r\n\r\n--b\r\n\r\nLarge scan attached.\r\n'
            "--b\r\nContent-Type: application/pdf; name=scan.pdf\r\nContent-Transfer-Encoding: base64\r\n\r\n"
        )
        + base64.encodebytes(data).replace(b"\n", b"\r\n")
        + b"--b--\r\n"
    )
    tracemalloc.start()
    try:
        parsed = parse_message(raw)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    (attachment,) = parsed.attachments
    assert attachment.size == size
    assert attachment.sha256 == hashlib.sha256(data).hexdigest()
    assert parsed.text == "Large scan attached."
    assert parsed.defects == []
    # The decoded payload itself is 20 MB; working copies of the 27 MB encoded body would show up here.
    assert peak < 2 * size

"""The parser faults found with real and hostile mail (issue 8), one test each: senders neither lost nor
invented, every text part read, charsets recovered."""

from __future__ import annotations

import pytest

from querela.intake.email.parse import parse_message

pytestmark = pytest.mark.pure


def _mail(from_line: str | bytes, body: bytes = b"hello\r\n", headers: bytes = b"") -> bytes:
    if isinstance(from_line, str):
        from_line = from_line.encode("utf-8")  # RFC 6532
    return (
        b"From: " + from_line + b"\r\nTo: titasz@complaints.querela.test\r\nSubject: s\r\n" + headers + b"\r\n" + body
    )


# --- senders -------------------------------------------------------------------------------------------


def test_raw_comma_inside_an_encoded_word_keeps_the_sender() -> None:
    parsed = parse_message(_mail("=?iso-8859-1?Q?B=FCrling,=20Andreas?= <a@b.example>"))
    assert (parsed.from_name, parsed.from_address, parsed.sender_doubt) == ("Bürling, Andreas", "a@b.example", None)


def test_a_display_name_without_brackets_is_not_squeezed_into_the_address() -> None:
    parsed = parse_message(_mail("Test test@example.com"))
    assert parsed.from_address == "test@example.com"
    assert parsed.from_name == "Test"
    assert parsed.sender_doubt  # not standard: a person confirms before anything is sent


def test_two_bare_addresses_are_not_merged_into_a_strangers() -> None:
    parsed = parse_message(_mail("anna@example.hu bela@example.hu"))
    assert parsed.from_address == "anna@example.hu"
    assert "several addresses" in (parsed.sender_doubt or "")
    cc = parse_message(_mail("x@example.hu", headers=b"Cc: anna@example.hu bela@example.hu\r\n"))
    assert {"anna@example.hu", "bela@example.hu"} <= set(cc.recipients)
    assert "anna@example.hubela@example.hu" not in cc.recipients


def test_comments_inside_an_angle_address_are_not_part_of_it() -> None:
    parsed = parse_message(_mail("Pete(A wonderful \\) chap) <pete(his account)@silly.test(his host)>"))
    assert (parsed.from_name, parsed.from_address, parsed.sender_doubt) == ("Pete", "pete@silly.test", None)


def test_the_address_keeps_its_case_and_the_json_compares_lower_case() -> None:
    parsed = parse_message(_mail("Anna Kovács <Anna.Kovacs@Example.HU>"))
    assert parsed.from_address == "Anna.Kovacs@Example.HU"
    data = parsed.to_json_dict()
    assert data["from_address"] == "anna.kovacs@example.hu"
    assert data["from_address_as_written"] == "Anna.Kovacs@Example.HU"


@pytest.mark.parametrize(
    ("raw", "doubt"),
    [
        (b"To: titasz@complaints.querela.test\r\nSubject: s\r\n\r\nhi", "no From header"),
        (_mail("a@example.hu", headers=b"From: b@example.hu\r\n"), "two From headers"),
        (_mail("a@example.hu, b@example.hu"), "several addresses in From"),
        (_mail("Just A Name"), "no address in From"),
        (_mail("<john doe@example.hu>"), "blanks inside the address"),
    ],
)
def test_a_sender_that_cant_be_read_with_confidence_says_why(raw: bytes, doubt: str) -> None:
    assert doubt in (parse_message(raw).sender_doubt or "")


def test_an_ordinary_sender_has_no_doubt() -> None:
    for line in ('"Kovács, Anna" <anna@example.hu>', "anna@example.hu", "anna@example.hu (Kovács Anna)"):
        assert parse_message(_mail(line)).sender_doubt is None, line


# --- text ----------------------------------------------------------------------------------------------


def test_an_html_leaf_of_a_mixed_message_is_read_with_the_plain_one() -> None:
    body = (
        b"--m\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nFirst part.\r\n"
        b"--m\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>The bill OPT-2026-000042 is wrong.</p>\r\n"
        b"--m\r\nContent-Type: application/pdf; name=a.pdf\r\n\r\n%PDF-1.4\r\n--m--\r\n"
    )
    parsed = parse_message(_mail("a@example.hu", body, b"Content-Type: multipart/mixed; boundary=m\r\n"))
    assert parsed.text.index("First part.") < parsed.text.index("The bill OPT-2026-000042 is wrong.")
    assert parsed.complaint_refs == ["OPT-2026-000042"]


def test_plain_over_html_still_applies_inside_an_alternative() -> None:
    body = (
        b"--a\r\nContent-Type: text/plain\r\n\r\nplain version\r\n"
        b"--a\r\nContent-Type: text/html\r\n\r\n<p>html version</p>\r\n--a--\r\n"
    )
    parsed = parse_message(_mail("a@example.hu", body, b"Content-Type: multipart/alternative; boundary=a\r\n"))
    assert "plain version" in parsed.text and "html version" not in parsed.text


# --- charsets ------------------------------------------------------------------------------------------

CHINESE = "您好，我的电费账单有问题，请尽快处理。谢谢！这个月的金额比上个月高了很多。"


def test_gbk_text_labelled_gb2312_reads_without_replacement_characters() -> None:
    text = CHINESE + "镕"  # 镕 is in GBK, not in GB2312
    parsed = parse_message(_mail("a@example.cn", text.encode("gbk"), b"Content-Type: text/plain; charset=gb2312\r\n"))
    assert parsed.text == text


def test_utf8_is_tried_before_a_lossy_reading_when_the_declared_charset_fails() -> None:
    text = "Tisztelt Ügyfélszolgálat! ő ű 電気"
    parsed = parse_message(
        _mail("a@example.hu", text.encode("utf-8"), b"Content-Type: text/plain; charset=iso-8859-2\r\n")
    )
    # valid in ISO-8859-2 as well, so it is read as declared... unless the bytes can't be latin-2
    assert "\ufffd" not in parsed.text
    wrong = parse_message(_mail("a@example.hu", text.encode("utf-8"), b"Content-Type: text/plain; charset=ascii\r\n"))
    assert wrong.text == text
    shift = parse_message(
        _mail("a@example.hu", "電気料金 ő".encode(), b"Content-Type: text/plain; charset=shift_jis\r\n")
    )
    assert shift.text == "電気料金 ő"


def test_unlabelled_iso_2022_jp_is_recognised() -> None:
    text = "お世話になっております。請求書について"
    parsed = parse_message(_mail("a@example.jp", text.encode("iso-2022-jp")))
    assert parsed.text == text
    subject = parse_message(b"From: a@example.jp\r\nSubject: " + "請求書".encode("iso-2022-jp") + b"\r\n\r\nhi")
    assert subject.subject == "請求書"


def test_unlabelled_8bit_chinese_is_not_read_as_central_european_letters() -> None:
    parsed = parse_message(_mail("a@example.com", CHINESE.encode("gbk")))
    assert parsed.text == CHINESE


@pytest.mark.parametrize(
    ("text", "tld"),
    [
        ("Tisztelt Ügyfélszolgálat! A mérő gyári száma hibás, kérem javítsák. Kőszegi Ödön", "hu"),
        ("Szanowni Państwo, proszę o korektę faktury za gaz. Z poważaniem, Łukasz Żółć", "pl"),
    ],
)
def test_unlabelled_8bit_central_european_text_is_read(text: str, tld: str) -> None:
    parsed = parse_message(_mail(f"a@example.{tld}", text.encode("cp1250")))
    assert parsed.text == text


def test_unlabelled_8bit_header_from_a_hungarian_sender() -> None:
    raw = (
        b"From: "
        + "Kőszegi Ödön".encode("cp1250")
        + b" <o@example.hu>\r\nSubject: "
        + ("Számla reklamáció – ő".encode("cp1250") + b"\r\n\r\nhi")
    )
    parsed = parse_message(raw)
    assert parsed.from_name == "Kőszegi Ödön"
    assert parsed.subject == "Számla reklamáció – ő"


def test_encoded_words_with_spaces_are_decoded_leniently() -> None:
    parsed = parse_message(b"From: a@example.hu\r\nSubject: =?utf-8?Q?Sz=C3=A1mla hib=C3=A1s?=\r\n\r\nhi")
    assert parsed.subject == "Számla hibás"
    folded = parse_message(b"From: a@example.hu\r\nSubject: =?utf-8?B?U3rDoW1s\r\n YSBoaWLDoXM=?=\r\n\r\nhi")
    assert folded.subject == "Számla hibás"


# --- storage -------------------------------------------------------------------------------------------


def test_nul_bytes_and_overlong_ids_come_out_storable() -> None:
    long_id = "x" * 400 + "@example.hu"
    raw = (
        b"From: Ann\x00a <anna@example.hu>\r\nTo: titasz@complaints.querela.test\r\nSubject: bad\x00subject\r\n"
        b"Message-ID: <a\x00b@example.hu>\r\nIn-Reply-To: <" + long_id.encode() + b">\r\n\r\nbody\x00text"
    )
    parsed = parse_message(raw)
    assert parsed.message_id == "ab@example.hu"
    assert "\x00" not in (parsed.subject or "") + (parsed.from_name or "") + parsed.text
    assert parsed.text == "body\ufffdtext"
    assert parsed.in_reply_to is not None and len(parsed.in_reply_to) <= 255
    other = parse_message(raw.replace(b"xxxx@", b"xxxy@"))
    assert other.in_reply_to != parsed.in_reply_to  # shortened with a digest: never equal by accident

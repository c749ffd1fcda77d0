"""Our own harder conformance pairs (tests/intake/cases), the checker itself, and the helper modules."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from querela.intake.email.conformance import EXPECT_SUFFIX, check_case, check_dir, format_report
from querela.intake.email.htmltext import html_to_text
from querela.intake.email.identifiers import find_identifiers, find_references, strip_subject_prefixes
from querela.intake.email.parse import parse_message

pytestmark = pytest.mark.pure

CASES = Path(__file__).resolve().parent / "cases"
PAIRS = sorted(CASES.glob("*" + EXPECT_SUFFIX))


def test_there_are_enough_cases() -> None:
    assert len(PAIRS) >= 10


@pytest.mark.parametrize("expectation", PAIRS, ids=[p.name.removesuffix(EXPECT_SUFFIX) for p in PAIRS])
def test_case(expectation: Path) -> None:
    eml = expectation.with_name(expectation.name.removesuffix(EXPECT_SUFFIX) + ".eml")
    result = check_case(eml, expectation)
    assert result.ok, format_report([result])


def test_own_cases_parse_without_defects() -> None:
    # c-: written to be well-formed; h-/r-: second readers' cases, some broken on purpose.
    for eml in sorted([*CASES.glob("c*.eml"), *CASES.glob("h-*.eml")]):
        defects = parse_message(eml.read_bytes()).defects
        if eml.name == "h-16-attachment-odds.eml":  # carries a 0-byte attachment on purpose
            assert defects == ["part 3 (application/octet-stream) is empty"]
        else:
            assert defects == [], eml.name


def test_checker_reports_each_mismatch_and_totals(tmp_path: Path) -> None:
    source = CASES / "c05-iso-8859-2-romanian-cedilla"
    (tmp_path / "good.eml").write_bytes(source.with_suffix(".eml").read_bytes())
    (tmp_path / "bad.eml").write_bytes(source.with_suffix(".eml").read_bytes())
    expected = json.loads(Path(str(source) + EXPECT_SUFFIX).read_text(encoding="utf-8"))
    (tmp_path / ("good" + EXPECT_SUFFIX)).write_text(json.dumps(expected), encoding="utf-8")
    expected["identifiers"]["meter_serial"] = ["RO-0000-00"]
    expected["text_contains"] = ["this phrase is not there"]
    expected["attachments"] = [{"filename": "x.pdf", "content_type": "application/pdf", "size": 1}]
    (tmp_path / ("bad" + EXPECT_SUFFIX)).write_text(json.dumps(expected), encoding="utf-8")
    (tmp_path / ("orphan" + EXPECT_SUFFIX)).write_text("{}", encoding="utf-8")
    (tmp_path / "unchecked.eml").write_bytes(b"no expectation, not a case")

    results = check_dir(tmp_path)
    report = format_report(results)

    assert [r.name for r in results] == ["bad", "good", "orphan"]
    assert [r.ok for r in results] == [False, True, False]
    fields = {m.field for m in results[0].mismatches}
    assert fields == {"identifiers.meter_serial", "text_contains", "attachments"}
    assert "RO-0000-00" in report and "orphan.eml is missing" in report
    assert report.splitlines()[-1] == "1 passed, 2 failed"


def test_checker_flags_unknown_fields_and_ignores_notes(tmp_path: Path) -> None:
    (tmp_path / "a.eml").write_bytes(b"Message-ID: <a@b>\r\nDate: Mon, 02 Mar 2026 09:15:22 +0100\r\n\r\nx\r\n")
    expectation = {"_comment": "ignored", "message_id": "a@b", "no_such_field": 1, "date": "2026-03-02T08:15:22+00:00"}
    (tmp_path / ("a" + EXPECT_SUFFIX)).write_text(json.dumps(expectation), encoding="utf-8")
    (result,) = check_dir(tmp_path)
    assert [m.field for m in result.mismatches] == ["no_such_field"]


def test_json_shape() -> None:
    data = parse_message((CASES / "c06-nested-mixed-alternative-related.eml").read_bytes()).to_json_dict()
    assert list(data) == [
        "message_id",
        "mailbox",
        "from_address",
        "from_address_as_written",
        "from_name",
        "sender_doubt",
        "subject",
        "text",
        "attachments",
        "auto_submitted",
        "in_reply_to",
        "references",
        "complaint_refs",
        "identifiers",
        "defects",
        "oversize",
    ]
    assert set(data["attachments"][0]) == {"filename", "content_type", "size", "sha256"}
    json.dumps(data)


def test_recipients_and_configurable_domain() -> None:
    raw = (CASES / "c06-nested-mixed-alternative-related.eml").read_bytes()
    parsed = parse_message(raw, mailbox_domain="example.pl")
    assert parsed.mailbox == "serwis@example.pl"
    assert parsed.recipients == ["serwis@example.pl", "inverter@complaints.querela.test"]


def test_attachment_payloads_match_their_digest() -> None:
    parsed = parse_message((CASES / "c02-rfc2231-continuation-charset.eml").read_bytes())
    (attachment,) = parsed.attachments
    assert attachment.payload.startswith(b"%PDF-1.4") and len(attachment.payload) == attachment.size


@pytest.mark.parametrize(
    ("subject", "stripped"),
    [
        ("Re: Panasz", "Panasz"),
        ("RE: Re[2]: Fwd: FW: [OPT-2026-000042] Panasz", "[OPT-2026-000042] Panasz"),
        ("Válasz: Vá: Továbbítás: Továbbított: panasz", "panasz"),
        ("Odp: ODP: PD: Pd: reklamacja", "reklamacja"),
        ("Răspuns: Raspuns: Redirecționat: TR: reclamație", "reclamație"),
        ("AW: WG: VS: SV: Re(3): Re^2: complaint", "complaint"),
        ("[EXTERNAL] RE: complaint", "complaint"),
        ("Fwd：  spaced   subject ", "spaced subject"),
        ("Regarding my bill", "Regarding my bill"),
        ("Response needed", "Response needed"),
        ("", ""),
    ],
)
def test_strip_subject_prefixes(subject: str, stripped: str) -> None:
    assert strip_subject_prefixes(subject) == stripped


def test_identifier_labels_in_all_languages() -> None:
    text = (
        "Felhasználói azonosító: 111-A\nÜgyfélazonosító 222\nNR KLIENTA: 333\nCod de client nr. 444\n"
        "customer number: CN-5\nCustomer ID #66\nMérő gyári szám: M-1\nNumer licznika nr 2X\n"
        "Serie contor: 3\nMeter serial: AB-4-\nSerial number\n999\nXgyári szám: 5\nCod client: ABC\n"
        "Customer ID: 111-A\n"
    )
    assert find_identifiers(text) == {
        "customer_id": ["111-A", "222", "333", "444", "CN-5", "66", "ABC"],  # capitals: a code, not a word
        "meter_serial": ["M-1", "2X", "3", "AB-4"],
    }


def test_reference_rule() -> None:
    text = "OPT-2026-000042, ÁOPT-2026-000001 X-2026-000002 ABCDEF-2026-000003 OPT-2026-0000044 ~AB-1999-123456x"
    assert find_references("Re: OPT-2026-000043", text) == ["OPT-2026-000043", "OPT-2026-000042", "AB-1999-123456"]


def test_html_to_text() -> None:
    source = (
        "<html><head><title>T</title><style>p {}</style></head><body><h1>Head</h1><p>One&nbsp;&amp;&#x151;"
        "<br>two</p><table><tr><th>a</th><th>b</th></tr><tr><td>1</td><td>2</td></tr></table>"
        "<script>alert('<p>x</p>')</script><ul><li>i1</li><li>i2</li></ul><!-- hidden --><pre>  k  l</pre>"
        '1 < 2 <img alt="a > b" src=x>end</body></html>'
    )
    assert html_to_text(source) == "Head\n\nOne &ő\ntwo\n\na\tb\n1\t2\n\ni1\ni2\n\nk  l\n\n1 < 2 end"


def test_quoted_printable_soft_break_survives_transport_padding() -> None:
    raw = (
        b"Message-ID: <qp@x>\r\nFrom: a@b.hu\r\nTo: titasz@complaints.querela.test\r\nSubject: s\r\n"
        b"Date: Mon, 02 Mar 2026 09:00:00 +0100\r\nMIME-Version: 1.0\r\n"
        b"Content-Type: text/plain; charset=iso-8859-2\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
        b"Els=F5 sor foly=  \r\ntat=e1sa itt.\r\n"
    )
    assert "Első sor folytatása itt." in (parse_message(raw).text or "")

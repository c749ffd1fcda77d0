"""The default library: at least 30 complete instructions for each demo supplier's sector, in its language
and in English; a new supplier starts from it; loading again adds nothing; every document prints as PDF with
the language's own letters."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from querela.audit.models import AuditEvent
from querela.complaints.models import Category
from querela.core import tenancy
from querela.instructions.documents import document_pdf
from querela.instructions.models import Check, DocumentTemplate, InstructionStep, WorkInstruction
from querela.instructions.placeholders import PLACEHOLDERS, unknown_placeholders
from querela.instructions.presets import FILES, data_file, jobs_for, presets_for
from querela.instructions.services import instructions_load, instructions_seed

from .helpers import ACCENTED, CUSTOMER, DEMO, supplier

pytestmark = pytest.mark.django_db

CASES = [(code, sector, lang, country) for code, sector, language, country in DEMO for lang in (language, "en")]


def _pdf_text(pdf: bytes) -> str:
    assert pdf.startswith(b"%PDF-")
    return " ".join(" ".join((p.extract_text() or "").split()) for p in PdfReader(io.BytesIO(pdf)).pages)


@pytest.mark.parametrize(("code", "sector", "language", "country"), CASES, ids=lambda v: str(v))
def test_each_demo_sector_gets_30_complete_instructions_in_its_language_and_english(code, sector, language, country):
    tenant = supplier(code, sector, language, country)
    jobs = jobs_for(sector, language)
    with tenancy.tenant_scope(tenant):
        current = list(WorkInstruction.objects.filter(is_current=True).prefetch_related("steps", "documents"))
        assert len(current) >= 30, (code, language, len(current))
        assert {i.language for i in current} == {language}  # written in it: no English stand-in
        assert len({i.code for i in current}) == len(current)
        for i in current:
            assert i.version == 1 and i.preset == f"{i.code}:{language}"
            assert i.title.strip() and i.purpose.strip() and i.category in Category.values
            steps = list(i.steps.all())
            assert 2 <= len(steps) <= 6, i.code
            assert [s.position for s in steps] == list(range(1, len(steps) + 1))
            assert any(s.mandatory for s in steps), i.code
            for s in steps:
                assert s.check_code in Check.values, (i.code, s.check_code)
                assert s.job_code and s.job_code in jobs, (i.code, s.job_code)
                assert s.title.strip() and s.how_to.strip() and s.evidence.strip(), (i.code, s.position)
                assert s.days >= 1
            assert sum(s.days for s in steps) <= 30, i.code
            documents = list(i.documents.all())
            assert documents, f"{i.code} has no justifying document"
            for d in documents:
                assert d.title.strip() and not unknown_placeholders(d.body), (i.code, d.title)
                assert "{reference}" in d.body and "{customer_name}" in d.body


@pytest.mark.parametrize(("code", "sector", "language", "country"), CASES, ids=lambda v: str(v))
def test_every_document_renders_a_pdf_with_the_languages_letters(code, sector, language, country):
    tenant = supplier(code, sector, language, country)
    values = {name: f"«{name}»" for name in PLACEHOLDERS} | {
        "customer_name": CUSTOMER[language],
        "reference": f"{code}-2026-000042",
        "supplier_name": tenant.name,
    }
    with tenancy.tenant_scope(tenant):
        seen: set[tuple[str, str]] = set()
        for d in DocumentTemplate.objects.select_related("instruction").order_by("pk"):
            if (d.title, d.body) in seen:
                continue
            seen.add((d.title, d.body))
            text = _pdf_text(document_pdf(d, values))
            assert " ".join(d.title.split()) in text, (d.title, text[:200])
            assert CUSTOMER[language] in text and f"{code}-2026-000042" in text
            assert "{" not in text, "a placeholder was left in"
            for letter in ACCENTED[language]:
                assert letter in text.casefold(), (d.title, letter)
        assert len(seen) >= 10


def test_the_data_files_name_only_known_checks_categories_and_documents():
    for name in FILES:
        data = data_file(name)
        for key in data["checks"]:
            assert key in Check.values, (name, key)
        for spec in data["instructions"]:
            assert spec["category"] in Category.values
            for step in spec["steps"]:
                assert step["check"] in Check.values and step["job"]
    codes = [spec["code"] for name in FILES for spec in data_file(name)["instructions"]]
    assert len(codes) == len(set(codes)), "an instruction code used twice"


def test_a_language_without_texts_gets_english_not_a_mix():
    presets = presets_for("gas", "pl")  # a Polish gas supplier: the shared utilities set, written in English
    assert presets and {p.language for p in presets} == {"en"}


def test_loading_again_adds_nothing_and_keeps_edits(world):
    w = world.a  # an electricity supplier writing in English: its set came with it
    with tenancy.tenant_scope(w.tenant):
        before = WorkInstruction.objects.count()
        steps = InstructionStep.objects.count()
        assert before >= 30
        assert instructions_seed(sector="electricity", language="en") == 0
        WorkInstruction.objects.filter(code="EL-SUP-03").update(title="Our own wording")
        assert instructions_load(actor=w.actor("tenant_admin"), language="en") == 0
        assert WorkInstruction.objects.count() == before and InstructionStep.objects.count() == steps
        assert WorkInstruction.objects.get(code="EL-SUP-03").title == "Our own wording"
        # Another language is a set of its own beside it; loading that twice adds it once.
        added = instructions_load(actor=w.actor("tenant_admin"), language="hu")
        assert added == before
        assert instructions_load(actor=w.actor("tenant_admin"), language="hu") == 0
        assert WorkInstruction.objects.filter(language="hu").count() == before
        assert AuditEvent.objects.filter(action="instructions.load").count() == 3


def test_a_new_supplier_starts_from_its_sectors_set_in_its_language(db):
    heat = supplier("HEAT", "district_heating", "hu")
    vendor = supplier("VEND", "product_service", "pl", "PL")
    with tenancy.tenant_scope(heat):
        codes = set(WorkInstruction.objects.values_list("code", flat=True))
        assert "DH-HEAT-01" in codes and "UT-BILL-01" in codes and not any(c.startswith("PV-") for c in codes)
        assert set(WorkInstruction.objects.values_list("language", flat=True)) == {"hu"}
    with tenancy.tenant_scope(vendor):
        codes = set(WorkInstruction.objects.values_list("code", flat=True))
        assert codes and all(c.startswith("PV-") for c in codes)
        assert WorkInstruction.objects.get(code="PV-PRD-01").title == "Falownik zgłasza błąd izolacji"


def test_a_water_supplier_gets_the_water_instructions_not_the_heating_ones(db):
    water = supplier("WAT", "water", "hu")
    with tenancy.tenant_scope(water):
        codes = set(WorkInstruction.objects.values_list("code", flat=True))
    assert "DH-WAT-01" in codes and "DH-PUB-01" in codes and "UT-PAY-01" in codes
    assert not any(c.startswith("DH-HEAT-") for c in codes)

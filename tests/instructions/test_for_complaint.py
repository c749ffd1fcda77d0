"""What the checklist on a case will read: the instruction a complaint's case follows, and its documents
drawn up with the complaint's facts."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from querela.complaints.services import complaint_register
from querela.instructions.documents import document_pdf
from querela.instructions.models import WorkInstruction
from querela.instructions.selectors import document_values, instruction_for
from querela.instructions.services import StepInput, instruction_save

pytestmark = pytest.mark.django_db


def test_the_most_specific_instruction_in_the_language_asked(in_a):
    general = instruction_for(category="billing", language="en")
    assert general is not None and general.category == "billing" and not general.segment
    business = instruction_for(category="billing", language="en", service_type="electricity", segment="business")
    assert business is not None and business.code == "EL-TAR-02"
    # Another language than the supplier's, with nothing written in it: the supplier's.
    assert instruction_for(category="metering", language="ro").language == "en"
    assert instruction_for(category="product", language="en") is None
    # One of the administrator's, stating the channel too, wins over the defaults.
    step = StepInput("recording_review", "Listen", "Find the call.", "CS-LEAD", "Notes.")
    own = instruction_save(
        actor=in_a.actor("tenant_admin"),
        instruction_id=None,
        values={
            "code": "OWN-PHONE",
            "language": "en",
            "category": "billing",
            "channel": "phone",
            "service_type": "electricity",
            "segment": "business",
            "title": "Billing complaints by phone",
        },
        steps=[step],
        documents=[],
    )
    found = instruction_for(
        category="billing", language="en", channel="phone", service_type="electricity", segment="business"
    )
    assert found == own


def test_a_document_drawn_up_for_a_complaint(in_a):
    in_a.customer.name = "Őri Űrsula"
    in_a.customer.save()
    complaint = complaint_register(
        actor=in_a.actor("agent"),
        channel="email",
        subject="A mérő túl sokat mér",
        description="d",
        customer=in_a.customer,
        place=in_a.place,
    )
    instruction = WorkInstruction.objects.get(code="EL-MTR-01", language="en")
    document = instruction.documents.get(title="Meter examination record")
    values = document_values(complaint, staff_name="Tóth Éva")
    assert values["meter_serial"] == "AAA-METER-1" and values["customer_number"] == in_a.customer.customer_number
    pdf = document_pdf(document, values)
    text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(pdf)).pages)
    for fact in ("Őri Űrsula", complaint.reference, "AAA-METER-1", "A mérő túl sokat mér", "Tóth Éva", "Debrecen"):
        assert fact in text, fact

"""Suppliers like the demo's, one per sector and language, for the instruction tests."""

from __future__ import annotations

from querela.demo.data import TENANTS
from querela.tenants.models import Tenant

# (code, sector, language, country) of each demo supplier, read from the demo data itself.
DEMO = [(str(t["code"]), str(t["sector"]), str(t["default_language"]), str(t["country"])) for t in TENANTS]
# Letters of each language a PDF must keep (DejaVu Sans has them; a fallback font would drop them).
ACCENTED = {"hu": "őű", "pl": "ął", "ro": "șț", "en": ""}
# A customer whose name carries them.
CUSTOMER = {"hu": "Őri Űrsula", "pl": "Łącka Jadwiga", "ro": "Țăranu Ștefania", "en": "Őri Űrsula"}


def supplier(code: str, sector: str, language: str, country: str = "HU") -> Tenant:
    """A new supplier: its sector's default instructions come with it, in its language."""
    zone = {"HU": "Europe/Budapest", "PL": "Europe/Warsaw", "RO": "Europe/Bucharest"}[country]
    policy = {"HU": "hu-electricity", "PL": "pl-inverter-vendor", "RO": "ro-energy"}[country]
    return Tenant.objects.create(
        name=f"Supplier {code}",
        code=code,
        country=country,
        sector=sector,
        default_language=language,
        time_zone=zone,
        mailbox=f"{code.lower()}@complaints.querela.test",
        deadline_policy=policy,
    )


def checklist_waived(w, complaint_id: int) -> None:
    """A supervisor lets the answer go out with the work instruction's checklist open (issue 14): for tests
    about something else, where the complaint got its checklist after a real commit."""
    from querela.instructions.checklists import checklist_override

    checklist_override(actor=w.actor("supervisor"), complaint_id=complaint_id, reason="Not what this test is about.")

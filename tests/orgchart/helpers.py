"""Building a small org chart in a test world (tenant AAA: department "billing", one user per role)."""

from __future__ import annotations

from typing import Any

from querela.core import tenancy
from querela.orgchart.models import Job
from querela.orgchart.services import job_save
from tests.factories import TenantWorld

HEADER = "department_code,department_name,job_code,job_title,may_sign,holder_username,deputy_username\n"


def make_job(w: TenantWorld, code: str = "BILL-SPEC", **kw: Any) -> Job:
    with tenancy.tenant_scope(w.tenant):
        return job_save(
            actor=w.actor("tenant_admin"),
            job_id=None,
            department_id=kw.pop("department_id", w.department.pk),
            code=code,
            title=kw.pop("title", "Billing specialist"),
            may_sign=kw.pop("may_sign", ["answers", "bill_recalculations"]),
            **kw,
        )


def csv_bytes(*rows: str, header: str = HEADER) -> bytes:
    return (header + "".join(r + "\n" for r in rows)).encode()

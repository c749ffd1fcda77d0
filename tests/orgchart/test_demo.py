"""Each demo supplier has an org chart imported from CSV by its administrator: departments, jobs with what
they may sign, holders and deputies from the demo staff; seeding again adds nothing."""

from __future__ import annotations

import pytest

from querela.audit.models import AuditEvent
from querela.core import clock, tenancy
from querela.demo.seed import seed_demo
from querela.orgchart.models import Deputy, Job, JobHolder
from querela.orgchart.selectors import holders_of, org_chart
from querela.tenants.models import Tenant

pytestmark = pytest.mark.django_db


def test_every_demo_supplier_has_a_staffed_org_chart():
    assert seed_demo(progress=False)
    counts = {}
    for tenant in Tenant.objects.all():
        with tenancy.tenant_scope(tenant):
            jobs = list(Job.objects.all())
            assert len(jobs) >= 6, tenant.code
            today = clock.tenant_today(tenant)
            for job in jobs:
                assert holders_of(job.code, on=today), (tenant.code, job.code)  # nobody's job is vacant
            assert {"CMP-OFFICER", "LEGAL"} <= {j.code for j in jobs}
            assert Deputy.objects.exists()
            assert all(d.jobs for d in org_chart()), tenant.code  # every department has a job
            assert AuditEvent.objects.filter(action="orgchart.import", actor_role="tenant_admin").count() == 1
            counts[tenant.code] = (Job.objects.count(), JobHolder.objects.count(), Deputy.objects.count())
    assert not seed_demo(progress=False)
    for tenant in Tenant.objects.all():
        with tenancy.tenant_scope(tenant):
            assert (Job.objects.count(), JobHolder.objects.count(), Deputy.objects.count()) == counts[tenant.code]
    with tenancy.tenant_scope(Tenant.objects.get(code="OPT")):
        acting = [(a.username, a.deputy) for a in holders_of("CMP-OFFICER")]
    assert acting == [("opt.handler", False), ("multi.handler", False), ("opt.supervisor", True)]

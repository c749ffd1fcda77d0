"""Importing a large supplier's org chart from CSV: all or nothing, errors by row number, a cap on size and rows,
a report of what was created and updated, audited; from the command line with a progress bar too."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from querela.audit.models import AuditEvent
from querela.core import clock, tenancy
from querela.core.errors import PermissionDenied, ValidationFailed
from querela.orgchart.csvfile import MAX_BYTES, MAX_ROWS
from querela.orgchart.importing import ImportReport, orgchart_import_csv
from querela.orgchart.models import Deputy, Job, JobHolder
from querela.orgchart.selectors import holders_of
from querela.tenants.models import Department, Membership
from tests.factories import TenantWorld
from tests.orgchart.helpers import HEADER, csv_bytes

pytestmark = pytest.mark.django_db


def _good() -> bytes:
    return csv_bytes(
        "billing,Billing,BILL-SPEC,Billing specialist,answers;bill_recalculations,aaa-handler,aaa-supervisor",
        "billing,Billing,BILL-SPEC,Billing specialist,answers;bill_recalculations,aaa-clerk,",
        "metering,Metering,METER-TECH,Metering technician,technical_reports;inspection_reports,aaa-handler,",
        "legal,Legal,LEGAL,Legal counsel,opinions,,aaa-tenant_admin",
        "customer,Customer service,CS-LEAD,Customer service team leader,answers;minutes;opinions,aaa-supervisor,",
    )


def _import(w: TenantWorld, data: bytes, *, role: str = "tenant_admin", **kw) -> ImportReport:
    with tenancy.tenant_scope(w.tenant), translation.override("en"):
        return orgchart_import_csv(actor=w.actor(role), stream=io.BytesIO(data), filename="chart.csv", **kw)


def _counts(w: TenantWorld) -> tuple[int, ...]:
    with tenancy.tenant_scope(w.tenant):
        return tuple(m.objects.count() for m in (Department, Job, JobHolder, Deputy))


def test_a_good_file_is_imported_with_a_report_and_its_audit_events(world):
    w = world.a
    report = _import(w, _good())
    assert report.ok and report.applied and report.rows == 5
    assert report.created == {"department": 3, "job": 4, "holder": 4, "deputy": 2}  # "billing" existed
    assert report.updated == {"department": 0, "job": 0, "holder": 0, "deputy": 0}
    today = clock.tenant_today(w.tenant)
    with tenancy.tenant_scope(w.tenant):
        job = Job.objects.get(code="BILL-SPEC")
        assert job.department == w.department and job.may_sign == ["answers", "bill_recalculations"]
        assert Department.objects.get(code="customer").name == "Customer service"
        acting = holders_of("bill-spec", on=today)
        assert [(a.username, a.deputy, a.stands_in_for) for a in acting] == [
            ("aaa-handler", False, ""),
            ("aaa-clerk", False, ""),
            ("aaa-supervisor", True, "aaa-handler"),  # on the handler's row: the handler's deputy
        ]
        legal = Deputy.objects.get(job__code="LEGAL")
        assert legal.holder is None and legal.starts_on == today and legal.ends_on is None
        actions = list(AuditEvent.objects.values_list("action", flat=True).order_by("id"))
    assert actions.count("department.create") == 3
    assert actions.count("orgchart.job_create") == 4
    assert actions.count("orgchart.holder_assign") == 4
    assert actions.count("orgchart.deputy_set") == 2
    assert actions[-1] == "orgchart.import"
    with tenancy.tenant_scope(w.tenant):
        summary = AuditEvent.objects.get(action="orgchart.import")
    assert summary.changes["file"] == "chart.csv" and summary.changes["rows"] == 5
    assert summary.changes["sha256"] == report.sha256 and summary.changes["created"]["job"] == 4


def test_importing_the_same_file_again_changes_nothing_and_a_changed_one_updates(world):
    w = world.a
    _import(w, _good())
    before = _counts(w)
    again = _import(w, _good())
    assert again.ok and again.changes == [] and _counts(w) == before
    changed = _import(
        w,
        csv_bytes(
            "billing,Billing and payments,BILL-SPEC,Senior billing specialist,answers,aaa-handler,",
            "metering,Metering,meter-tech,Metering technician,technical_reports;inspection_reports,aaa-agent,",
        ),
    )
    assert changed.created == {"department": 0, "job": 0, "holder": 1, "deputy": 0}
    assert changed.updated == {"department": 1, "job": 1, "holder": 0, "deputy": 0}
    assert [c.row for c in changed.changes] == [2, 2, 3]
    with tenancy.tenant_scope(w.tenant):
        job = Job.objects.get(code="BILL-SPEC")
        assert job.title == "Senior billing specialist" and job.may_sign == ["answers"]
        assert Department.objects.get(code="billing").name == "Billing and payments"
        # Nothing is removed: the clerk the second file leaves out still holds the job.
        assert JobHolder.objects.filter(job=job, user__username="aaa-clerk").exists()
        update = AuditEvent.objects.get(action="orgchart.job_update")
    assert update.changes == {
        "title": ["Billing specialist", "Senior billing specialist"],
        "may_sign": [["answers", "bill_recalculations"], ["answers"]],
    }


def test_bad_rows_are_reported_by_row_number_and_nothing_is_written(world):
    w = world.a
    with tenancy.tenant_scope(w.tenant):
        Membership.objects.filter(user=w.users["agent"]).update(is_active=False)
    data = csv_bytes(
        "billing,Billing,BILL-SPEC,Billing specialist,answers,aaa-handler,",  # 2: good
        "billing,Billing,X1,Title,answers;stamps,,",  # 3: unknown signing right
        "billing,Billing,X2,,answers,,",  # 4: no title
        "billing,Billing,X3,Title,answers,nobody-here,",  # 5: unknown user
        "billing,Billing,X4,Title,answers,aaa-agent,",  # 6: role removed
        "billing,Billing,X5,Title,answers,aaa-consumer,",  # 7: no staff role
        "billing,Billing,X6,Title,answers,extra,field,here",  # 8: too many fields
        "newdept,,X7,Title,answers,,",  # 9: a new department without a name
        "billing,Billing,BILL-SPEC,Another title,answers,aaa-clerk,",  # 10: the job described differently
        "billing,Billing,X8,Title,answers,aaa-handler,aaa-handler",  # 11: own deputy
        "billing,Billing,bad code!,Title,answers,,",  # 12: a code with spaces
    )
    before = _counts(w)
    report = _import(w, data)
    assert not report.ok and not report.applied
    by_row = {}
    for e in report.errors:
        by_row.setdefault(e.row, []).append(e.message)
    assert sorted(by_row) == [3, 4, 5, 6, 7, 8, 9, 10, 11, 12], by_row
    assert "Unknown signing right: stamps" in by_row[3][0]
    assert "The job title is missing" in by_row[4][0]
    assert "There is no user “nobody-here”" in by_row[5][0]
    assert "no active staff role" in by_row[6][0] and "no active staff role" in by_row[7][0]
    assert "It has 8 fields, the header 7" in by_row[8][0]
    assert "Department newdept is new: give its name" in by_row[9][0]
    assert "Job BILL-SPEC is described differently on row 2 (title)" in by_row[10][0]
    assert "can't be their own deputy" in by_row[11][0]
    assert "The job code “bad code!” may hold only" in by_row[12][0]
    assert _counts(w) == before  # all or nothing: the good row was not written either
    with tenancy.tenant_scope(w.tenant):
        assert not AuditEvent.objects.filter(action__startswith="orgchart.").exists()


def test_too_large_or_too_many_rows_or_not_csv_is_refused_with_a_clear_message(world):
    w = world.a
    with pytest.raises(ValidationFailed, match="larger than 5 MB"):
        _import(w, HEADER.encode() + b"x" * MAX_BYTES)
    rows = "".join(f"billing,Billing,J{n},Job {n},answers,,\n" for n in range(MAX_ROWS + 1))
    with pytest.raises(ValidationFailed, match="more than 20,000 rows"):
        _import(w, (HEADER + rows).encode())
    with pytest.raises(ValidationFailed, match="not UTF-8 text \\(line 2\\)"):
        _import(w, HEADER.encode() + "billing,Számlázás,J,T,answers,,\n".encode("cp1250"))
    with pytest.raises(ValidationFailed, match="spreadsheet file"):
        _import(w, b"PK\x03\x04" + b"\x00" * 100)
    with pytest.raises(ValidationFailed, match="columns missing: may_sign"):
        _import(w, b"department_code,department_name,job_code,job_title\nbilling,Billing,J,T\n")
    with pytest.raises(ValidationFailed, match="The file is empty"):
        _import(w, b"\xef\xbb\xbf \n")
    assert _counts(w)[1:] == (0, 0, 0)


def test_all_or_nothing_when_the_database_refuses_half_way(world, monkeypatch):
    """A failure after departments and jobs were written (here: the holders' insert) leaves nothing behind."""
    from django.db import IntegrityError

    w = world.a
    before = _counts(w)

    def refuse(*args, **kwargs):
        raise IntegrityError("simulated")

    monkeypatch.setattr(JobHolder.objects, "bulk_create", refuse)
    with pytest.raises(ValidationFailed, match="nothing was written"):
        _import(w, _good())
    assert _counts(w) == before
    with tenancy.tenant_scope(w.tenant):
        assert not AuditEvent.objects.filter(action__startswith="orgchart.").exists()


def test_a_dry_run_reports_the_same_and_writes_nothing(world):
    w = world.a
    preview = _import(w, _good(), dry_run=True)
    assert preview.ok and not preview.applied and preview.created["job"] == 4
    assert _counts(w)[1:] == (0, 0, 0)
    done = _import(w, _good())
    assert [c.text for c in done.changes] == [c.text for c in preview.changes]


def test_semicolon_separated_files_from_spreadsheets_and_the_administrator_only(world):
    w = world.a
    data = (
        "department_code;department_name;job_code;job_title;may_sign;holder_username;deputy_username\r\n"
        'billing;Billing;BILL-SPEC;"Számlázási ügyintéző";"answers;minutes";aaa-handler;\r\n'
    ).encode()
    with pytest.raises(PermissionDenied):
        _import(w, data, role="supervisor")
    report = _import(w, b"\xef\xbb\xbf" + data)  # with the byte-order mark spreadsheets write
    assert report.applied and report.created["job"] == 1
    with tenancy.tenant_scope(w.tenant):
        assert Job.objects.get(code="BILL-SPEC").may_sign == ["answers", "minutes"]


def test_the_import_costs_no_query_per_row(world):
    w = world.a

    def cost(n: int, prefix: str) -> int:
        rows = [f"billing,Billing,{prefix}{i},Job {i},answers,aaa-handler," for i in range(n)]
        with CaptureQueriesContext(connection) as captured:
            assert _import(w, csv_bytes(*rows)).applied
        return len(captured)

    small, large = cost(10, "A"), cost(200, "B")
    # Bulk writes: SQLite splits a large insert into batches of its parameter limit, never a query per row.
    assert large - small < (200 - 10) / 10, (small, large)


def test_from_the_command_line_with_a_report(world, tmp_path):
    w = world.a
    path = tmp_path / "chart.csv"
    path.write_bytes(_good())
    out = io.StringIO()
    call_command("orgchart", "import", "--tenant", "aaa", str(path), "--dry-run", "--no-progress", stdout=out)
    assert "Dry run: nothing was written." in out.getvalue() and _counts(w)[1:] == (0, 0, 0)
    out = io.StringIO()
    call_command("orgchart", "import", "--tenant", "AAA", str(path), "--no-progress", stdout=out)
    text = out.getvalue()
    assert "chart.csv: 5 rows" in text and "Jobs: 4 created, 0 updated" in text and "Imported." in text
    with tenancy.tenant_scope(w.tenant):
        summary = AuditEvent.objects.get(action="orgchart.import")
    assert summary.actor_id is None and summary.actor_label == "command line"
    bad = tmp_path / "bad.csv"
    bad.write_bytes(csv_bytes("billing,Billing,X,,answers,,"))
    out = io.StringIO()
    with pytest.raises(CommandError, match="1 error"):
        call_command("orgchart", "import", "--tenant", "AAA", str(bad), "--no-progress", stdout=out)
    assert "row 2: The job title is missing." in out.getvalue()
    with pytest.raises(CommandError, match="larger than"):
        big = tmp_path / "big.csv"
        big.write_bytes(HEADER.encode() + b"x" * MAX_BYTES)
        call_command("orgchart", "import", "--tenant", "AAA", str(big), "--no-progress")
    with pytest.raises(CommandError, match="holds no role"):
        call_command("orgchart", "import", "--tenant", "AAA", str(path), "--as", "bbb-tenant_admin")
    with pytest.raises(CommandError, match="not allowed"):
        call_command("orgchart", "import", "--tenant", "AAA", str(path), "--as", "aaa-handler", "--no-progress")


def test_the_command_line_shows_a_progress_bar(world, tmp_path, capsys):
    w = world.a
    path = tmp_path / "chart.csv"
    path.write_bytes(csv_bytes(*(f"billing,Billing,J{i},Job {i},answers,," for i in range(2500))))
    call_command("orgchart", "import", "--tenant", "AAA", str(path), "--as", "aaa-tenant_admin")
    err = capsys.readouterr().err
    assert "rows checked" in err and "2500/2500" in err
    with tenancy.tenant_scope(w.tenant):
        assert Job.objects.count() == 2500
        assert AuditEvent.objects.get(action="orgchart.import").actor_id == w.users["tenant_admin"].pk

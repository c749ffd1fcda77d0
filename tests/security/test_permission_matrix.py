"""Every role against every action of the permission table, through the real pages, API and services.

Each action has an executor that tries to do it the way a person would; the test asserts it succeeds
exactly for the roles the table allows, and is refused (not silently ignored) for all the others.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import timedelta

import pytest
from django.test import Client

from querela.accounts.services import customer_link
from querela.calls.services import call_start
from querela.complaints.deadline_actions import complaint_acknowledge
from querela.complaints.models import Complaint
from querela.complaints.services import Upload, complaint_add_message, complaint_attach, complaint_register
from querela.complaints.transitions import complaint_transition
from querela.complaints.workflow import TRANSITIONS, Status
from querela.consultations.services import consultation_answer, consultation_ask
from querela.core import clock, tenancy
from querela.core.errors import PermissionDenied, QuerelaError
from querela.customers.models import Customer
from querela.minutes.services import minutes_take
from querela.printing.services import batch_close, letter_store
from querela.tenants.access import Actor
from querela.tenants.models import Department, Membership, Tenant
from querela.tenants.permissions import PERMISSIONS
from querela.tenants.services import tenant_create
from tests.factories import PASSWORD, TenantWorld
from tests.minutes.helpers import facts

ALL_ROLES = ["consumer", "agent", "clerk", "handler", "supervisor", "tenant_admin", "platform_operator"]
pytestmark = pytest.mark.django_db

Outcome = bool  # True: done; False: refused


def _client(w: TenantWorld, role: str) -> Client:
    c = Client()
    username = "platform" if role == "platform_operator" else w.users[role].username
    assert c.login(username=username, password=PASSWORD)
    return c


def _own_complaint(w: TenantWorld, status: str = Status.REGISTERED) -> Complaint:
    """A complaint of the consumer's own customer record, walked to `status` by staff."""
    with tenancy.tenant_scope(w.tenant):
        c = complaint_register(
            actor=w.actor("agent"),
            channel="email",
            subject="Bill",
            description="" if status == Status.RECEIVED else "Too high",  # nothing to investigate yet
            customer=w.customer,
            place=w.place,
        )
        paths = {
            Status.RECEIVED: None,
            Status.REGISTERED: [],
            Status.AWAITING_INFO: ["request_info"],
            Status.ASSIGNED: ["assign"],
            Status.INVESTIGATING: ["assign", "start_investigation"],
            Status.ANSWERED: ["assign", "start_investigation", "answer"],
            Status.CLOSED: ["assign", "start_investigation", "answer", "close"],
            Status.REOPENED: ["assign", "start_investigation", "answer", "reopen"],
            Status.ESCALATED: ["assign", "start_investigation", "escalate"],
        }
        for action in paths[status] or []:
            complaint_transition(
                actor=w.actor("supervisor"),
                complaint_id=c.pk,
                action=action,
                text="text",
                assignee_id=w.users["handler"].pk if action == "assign" else None,
            )
        c.refresh_from_db()
        return c


def _http(
    method: str,
    path: str,
    data: dict | None = None,
    ok: tuple[int, ...] = (200, 302),
    done: Callable[[TenantWorld], bool] | None = None,
):
    """Do it through the page; `done` checks the effect, since a page also redirects after a refusal."""

    def run(w: TenantWorld, role: str) -> Outcome:
        c = _own_complaint(w)
        url = path.format(t=w.tenant.code, ref=c.reference, cust=w.customer.pk, place=w.place.pk)
        client = _client(w, role)
        payload = {k: (v.format(place=w.place.pk) if isinstance(v, str) else v) for k, v in (data or {}).items()}
        response = client.get(url) if method == "GET" else client.post(url, payload)
        if response.status_code in (403, 404):
            return False
        assert response.status_code in ok, (role, url, response.status_code)
        if done is not None:
            with tenancy.tenant_scope(w.tenant):
                assert done(w), (role, url, "answered OK but the change is not there")
        return True

    return run


def _service(fn: Callable[[TenantWorld, Actor], object]):
    def run(w: TenantWorld, role: str) -> Outcome:
        with tenancy.tenant_scope(w.tenant):
            try:
                fn(w, w.actor(role))
            except PermissionDenied:
                return False
        return True

    return run


def _message(w: TenantWorld, role: str) -> Outcome:
    c = _own_complaint(w)
    with tenancy.tenant_scope(w.tenant):
        before = c.timeline.count()
    response = _client(w, role).post(f"/t/{w.tenant.code}/complaints/{c.reference}/message/", {"text": "Hello"})
    if response.status_code in (403, 404):
        return False
    with tenancy.tenant_scope(w.tenant):
        return c.timeline.count() > before


def _note(w: TenantWorld, role: str) -> Outcome:
    c = _own_complaint(w)
    response = _client(w, role).post(f"/t/{w.tenant.code}/complaints/{c.reference}/note/", {"text": "internal"})
    if response.status_code in (403, 404):
        return False
    with tenancy.tenant_scope(w.tenant):
        return c.timeline.filter(entry_type="note").exists()


def _classify(w: TenantWorld, role: str) -> Outcome:
    c = _own_complaint(w)
    response = _client(w, role).post(
        f"/t/{w.tenant.code}/complaints/{c.reference}/classify/",
        {"kind": "complaint", "category": "billing", "reply_channel": "email", "reason": "It is about the bill."},
    )
    if response.status_code in (403, 404):
        return False
    with tenancy.tenant_scope(w.tenant):
        c.refresh_from_db()
        return c.category == "billing"


def _transition(name: str):
    source = {
        "request_info": Status.REGISTERED,
        "register": Status.AWAITING_INFO,
        "resume": Status.AWAITING_INFO,
        "assign": Status.REGISTERED,
        "start_investigation": Status.ASSIGNED,
        "answer": Status.INVESTIGATING,
        "close": Status.ANSWERED,
        "reopen": Status.ANSWERED,
        "escalate": Status.INVESTIGATING,
        "redirect": Status.REGISTERED,
        "resolve_on_spot": Status.REGISTERED,
        "refuse_by_phone": Status.REGISTERED,
    }[name]

    def run(w: TenantWorld, role: str) -> Outcome:
        c = _own_complaint(w, Status.INVESTIGATING if name == "resume" else source)
        with tenancy.tenant_scope(w.tenant):
            if name == "resume":  # information asked for during the investigation
                complaint_transition(actor=w.actor("supervisor"), complaint_id=c.pk, action="request_info", text="?")
            if name == "redirect":
                Complaint.objects.filter(pk=c.pk).update(kind="information_request")
            if name == "resolve_on_spot":  # a call, settled while the caller is on the line
                Complaint.objects.filter(pk=c.pk).update(channel="phone")
            if name == "refuse_by_phone":  # a balance query on the phone
                Complaint.objects.filter(pk=c.pk).update(channel="phone", kind="balance_query")
            actor = w.actor(role)
            try:
                complaint_transition(
                    actor=actor,
                    complaint_id=c.pk,
                    action=name,
                    text="because",
                    assignee_id=actor.user_id if name == "assign" else None,
                )
            except PermissionDenied:
                return False
            except QuerelaError as exc:  # e.g. the assignee rule: still a permitted action
                raise AssertionError(f"{role} {name}: {exc.message}") from exc
        return True

    return run


def _tenant_create(w: TenantWorld, actor: Actor) -> None:
    tenant_create(
        actor=actor,
        name="New",
        code="NEW",
        country="PL",
        sector="gas",
        default_language="pl",
        time_zone="Europe/Warsaw",
        mailbox="new@complaints.querela.test",
        deadline_policy="pl-consumer",
    )


def _assign_to_another(w: TenantWorld, actor: Actor) -> None:
    """Give an unassigned complaint to a handler other than oneself (a supervisor's job)."""
    c = _own_complaint(w)
    other = w.users["handler"] if actor.user_id != w.users["handler"].pk else w.users["supervisor"]
    complaint_transition(actor=actor, complaint_id=c.pk, action="assign", assignee_id=other.pk)


def _internal_view(w: TenantWorld, role: str) -> Outcome:
    """Reads the complaint through the API and the page: internal fields and flags shown, or not."""
    c = _own_complaint(w)
    with tenancy.tenant_scope(w.tenant):
        Complaint.objects.filter(pk=c.pk).update(needs_attention="Internal flag 7731")
    client = _client(w, role)
    api = client.get(f"/api/v1/t/{w.tenant.code}/complaints/{c.reference}/")
    page = client.get(f"/t/{w.tenant.code}/complaints/{c.reference}/")
    if api.status_code != 200:
        return False
    shown = "assignee" in api.json() and "needs_attention" in api.json()
    assert shown == ("Internal flag 7731" in page.content.decode()), "page and API must agree"
    return shown


def _release_held_mail(w: TenantWorld, actor: Actor) -> None:
    from email.message import EmailMessage

    from querela.intake.inbound import inbound_store
    from querela.intake.registration import inbound_process, inbound_release

    Tenant.objects.filter(pk=w.tenant.pk).update(intake_limit_per_sender=0)
    mail = EmailMessage()
    mail["From"], mail["To"], mail["Subject"] = "flood@example.net", w.tenant.mailbox, "again"
    mail.set_content("held")
    msg = inbound_store(raw=mail.as_bytes(), tenant=Tenant.objects.get(pk=w.tenant.pk), source="smtp")
    inbound_process(inbound_id=msg.pk)
    inbound_release(actor=actor, inbound_id=msg.pk)


EXECUTORS: dict[str, Callable[[TenantWorld, str], Outcome]] = {
    "complaint.view": _http("GET", "/t/{t}/complaints/{ref}/"),
    "complaint.list": _http("GET", "/t/{t}/complaints/"),
    "complaint.file_own": _http(
        "POST",
        "/t/{t}/file/",
        {"place": "{place}", "category": "billing", "subject": "S", "description": "D", "reply_channel": "email"},
    ),
    "complaint.register": _http(
        "POST",
        "/t/{t}/complaints/register/",
        {
            "channel": "post",
            "kind": "complaint",
            "category": "billing",
            "subject": "Phoned in",
            "description": "D",
            "contact_name": "Caller",
            "contact_phone": "+36 1 555 0000",
        },
        done=lambda w: Complaint.objects.filter(subject="Phoned in").exists(),
    ),
    "complaint.edit": _classify,
    "complaint.add_note": _note,
    "complaint.message": _message,
    "complaint.attach": _service(
        lambda w, a: complaint_attach(
            actor=a, complaint_id=_own_complaint(w).pk, upload=Upload("note.txt", io.BytesIO(b"meter photo notes"), 17)
        )
    ),
    "complaint.deadlines": _service(lambda w, a: complaint_acknowledge(actor=a, complaint_id=_own_complaint(w).pk)),
    "customer.search": _http("GET", "/t/{t}/customers/?q=Kov"),
    "appointment.view": _http("GET", "/t/{t}/appointments/"),
    "appointment.manage": _http("GET", "/t/{t}/appointments/book/"),
    "customer.link_own": _service(
        lambda w, a: customer_link(
            actor=a, customer_number=w.customer.customer_number, meter_serial=f"{w.tenant.code}-METER-1"
        )
    ),
    "customer.view": _http("GET", "/t/{t}/customers/{cust}/"),
    "call.take": _service(lambda w, a: call_start(actor=a)),
    "post.register": _http("GET", "/t/{t}/postroom/"),
    "customer.edit": _http(
        "POST",
        "/t/{t}/customers/new/",
        {"customer_number": "NEW-77", "name": "Új Ügyfél", "preferred_channel": "post"},
        done=lambda w: Customer.objects.filter(customer_number="NEW-77").exists(),
    ),
    "department.manage": _http(
        "POST",
        "/t/{t}/admin/departments/",
        {"code": "new", "name": "New dept"},
        done=lambda w: Department.objects.filter(code="new").exists(),
    ),
    "tenant.configure": _http(
        "POST",
        "/t/{t}/admin/settings/",
        {
            "default_language": "en",
            "time_zone": "Europe/Budapest",
            "deadline_policy": "hu-electricity",
            "reminder_working_days": "4",
            "max_attachment_mb": "7",
        },
        done=lambda w: Tenant.objects.get(pk=w.tenant.pk).reminder_working_days == 4,
    ),
    "staff.manage": _http(
        "POST",
        "/t/{t}/admin/staff/",
        {"username": "aaa-agent", "role": "handler"},
        done=lambda w: Membership.objects.get(user__username="aaa-agent").role == "handler",
    ),
    "audit.view": _http("GET", "/t/{t}/audit/"),
    "audit.verify": _http("POST", "/t/{t}/audit/verify/"),
    "billing.view": _http("GET", "/t/{t}/billing/"),
    "platform.manage_tenants": _service(_tenant_create),
    "api.token": _http("POST", "/api/v1/t/{t}/token/", ok=(201,)),
    "mail.release": _service(_release_held_mail),
    "complaint.view_internal": _internal_view,
    "complaint.assign_others": _service(_assign_to_another),
}
for _t in TRANSITIONS:
    EXECUTORS[f"complaint.transition.{_t.name}"] = _transition(_t.name)


def _take_minutes(w: TenantWorld, actor: Actor) -> None:
    """Minutes of an in-person complaint at the front office, registered with them (seed 004)."""
    now = clock.now()
    minutes_take(actor=actor, facts=facts(filed_at=now - timedelta(hours=1), drawn_up_at=now))


EXECUTORS["minutes.take"] = _service(_take_minutes)


def _ask_consultation(w: TenantWorld, role: str) -> Outcome:
    """Through the complaint page's form: the department asked, the question, the due date."""
    c = _own_complaint(w)
    due = (clock.tenant_today(w.tenant) + timedelta(days=7)).isoformat()
    response = _client(w, role).post(
        f"/t/{w.tenant.code}/complaints/{c.reference}/consultations/",
        {"department": str(w.department.pk), "question": "Check the meter", "due_on": due},
    )
    if response.status_code in (403, 404):
        return False
    assert response.status_code == 302, (role, response.status_code)
    with tenancy.tenant_scope(w.tenant):
        assert c.consultations.exists(), (role, "answered OK but nothing was asked")
    return True


def _answer_consultation(w: TenantWorld, actor: Actor) -> None:
    """Staff of the department asked (the actor is put in it) record the answer."""
    c = _own_complaint(w)
    k = consultation_ask(
        actor=w.actor("supervisor"), complaint_id=c.pk, question="Check the meter", department_id=w.department.pk
    )
    if actor.membership_id is not None:
        Membership.objects.filter(pk=actor.membership_id).update(department=w.department)
    consultation_answer(actor=actor, consultation_id=k.pk, result="Within tolerance")


EXECUTORS["consultation.manage"] = _ask_consultation
EXECUTORS["consultation.answer"] = _service(_answer_consultation)


def _close_print_batch(w: TenantWorld, actor: Actor) -> None:
    """A letter by post kept in the open batch (the job, run here), then the batch closed into its PDF."""
    c = _own_complaint(w)
    entry = complaint_add_message(actor=w.actor("handler"), complaint_id=c.pk, text="By post", channel="post")
    letter = letter_store(entry_id=entry.pk)
    assert letter is not None and letter.batch_id is not None
    batch_close(actor=actor, batch_id=letter.batch_id)


EXECUTORS["printing.manage"] = _service(_close_print_batch)


def _approve_extension(w: TenantWorld, actor: Actor) -> None:
    """Four eyes: the handler asks for an extension, the actor approves it (the notice goes out)."""
    from querela.supervision.services import extension_request_approve, extension_request_create

    Tenant.objects.filter(pk=w.tenant.pk).update(extension_needs_approval=True)
    c = _own_complaint(w)
    request = extension_request_create(
        actor=w.actor("handler"), complaint_id=c.pk, days=5, reason="technical_investigation", text="A measurement."
    )
    extension_request_approve(actor=actor, request_id=request.pk)


def _edit_checklist(w: TenantWorld, role: str) -> Outcome:
    from querela.supervision.models import QualityCheckItem

    response = _client(w, role).post(f"/t/{w.tenant.code}/supervision/quality/checklist/", {"new": "Polite and plain"})
    if response.status_code in (403, 404):
        return False
    with tenancy.tenant_scope(w.tenant):
        assert QualityCheckItem.objects.filter(text="Polite and plain").exists(), (role, "saved nothing")
    return True


EXECUTORS["supervision.dashboard"] = _http("GET", "/t/{t}/supervision/")
EXECUTORS["extension.decide"] = _service(_approve_extension)
EXECUTORS["quality.review"] = _http("GET", "/t/{t}/supervision/quality/")
EXECUTORS["quality.checklist"] = _edit_checklist


def _add_job(w: TenantWorld, role: str) -> Outcome:
    """The org chart (issue 14): a job added through its page."""
    from querela.orgchart.models import Job

    response = _client(w, role).post(
        f"/t/{w.tenant.code}/org-chart/jobs/new/",
        {"department": str(w.department.pk), "code": "MATRIX-JOB", "title": "Matrix job", "is_active": "on"},
    )
    if response.status_code in (403, 404):
        return False
    assert response.status_code == 302, (role, response.status_code)
    with tenancy.tenant_scope(w.tenant):
        assert Job.objects.filter(code="MATRIX-JOB").exists(), (role, "answered OK but no job was added")
    return True


EXECUTORS["orgchart.view"] = _http("GET", "/t/{t}/org-chart/")
EXECUTORS["orgchart.manage"] = _add_job


def _write_instruction(w: TenantWorld, role: str) -> Outcome:
    """The work instruction library (issue 14): a new instruction written through its page."""
    from querela.instructions.models import WorkInstruction

    response = _client(w, role).post(
        f"/t/{w.tenant.code}/instructions/new/",
        {
            "code": "MATRIX-1",
            "language": "en",
            "category": "billing",
            "title": "Matrix instruction",
            "steps-TOTAL_FORMS": "1",
            "steps-INITIAL_FORMS": "0",
            "steps-0-check_code": "bill_recalculation",
            "steps-0-title": "Recalculate",
            "steps-0-how_to": "From the readings.",
            "steps-0-job_code": "BILL-SPEC",
            "steps-0-evidence": "The sheet.",
            "steps-0-days": "3",
            "steps-0-mandatory": "on",
            "documents-TOTAL_FORMS": "1",
            "documents-INITIAL_FORMS": "0",
            "documents-0-title": "Statement",
            "documents-0-body": "{reference}",
        },
    )
    if response.status_code in (403, 404):
        return False
    assert response.status_code == 302, (role, response.status_code)
    with tenancy.tenant_scope(w.tenant):
        assert WorkInstruction.objects.filter(code="MATRIX-1").exists(), (role, "answered OK but nothing was saved")
    return True


EXECUTORS["instructions.view"] = _http("GET", "/t/{t}/instructions/")
EXECUTORS["instructions.manage"] = _write_instruction


def _set_edit_rule(w: TenantWorld, role: str) -> Outcome:
    """Restricted data changes (issue 14): a cell of the matrix changed through its page, with the reason."""
    from querela.edit_rules.models import FieldRule

    response = _client(w, role).post(
        f"/t/{w.tenant.code}/edit-rules/",
        {
            "object": "complaint",
            "complaint-field": "subject",
            "complaint-who": "role:agent",
            "complaint-when": "always",
            "complaint-reason": "Matrix test",
        },
    )
    if response.status_code in (403, 404):
        return False
    assert response.status_code == 302, (role, response.status_code)
    with tenancy.tenant_scope(w.tenant):
        assert FieldRule.objects.filter(field="subject", role="agent").exists(), (role, "answered OK but nothing saved")
    return True


EXECUTORS["edit_rules.manage"] = _set_edit_rule


def _add_routing_rule(w: TenantWorld, role: str) -> Outcome:
    """Routing rules (issue 14): a rule added through its page."""
    from querela.routing.models import RoutingRule

    response = _client(w, role).post(
        f"/t/{w.tenant.code}/routing/new/",
        {"name": "Matrix rule", "category": "billing", "department": str(w.department.pk), "pool": "none"},
    )
    if response.status_code in (403, 404):
        return False
    assert response.status_code == 302, (role, response.status_code)
    with tenancy.tenant_scope(w.tenant):
        assert RoutingRule.objects.filter(name="Matrix rule").exists(), (role, "answered OK but no rule was added")
    return True


EXECUTORS["routing.manage"] = _add_routing_rule


def _reset_someones_two_step(w: TenantWorld, role: str) -> Outcome:
    """Two-step sign-in (issue 16): another person's authenticator app removed through its page, with a reason."""
    from querela.mfa.models import TotpDevice
    from querela.mfa.services import enrolment_start
    from tests.mfa.helpers import confirm_app

    target = w.users["handler" if role != "handler" else "agent"]
    confirm_app(target, enrolment_start(target).secret)
    with tenancy.tenant_scope(w.tenant):
        membership = Membership.objects.get(user=target)
    response = _client(w, role).post(
        f"/t/{w.tenant.code}/admin/staff/{membership.pk}/two-step/", {"reason": "Lost phone; identity checked"}
    )
    if response.status_code in (403, 404):
        return False
    assert response.status_code == 302, (role, response.status_code)
    assert not TotpDevice.objects.filter(user=target).exists(), (role, "answered OK but the app is still there")
    return True


EXECUTORS["mfa.reset_other"] = _reset_someones_two_step


def _export_a_subject(w: TenantWorld, role: str) -> Outcome:
    """Data protection (issue 16): everything about a customer asked for through the officer's page."""
    from querela.privacy.models import SubjectExport

    response = _client(w, role).post(f"/t/{w.tenant.code}/privacy/exports/", {"customer": w.customer.customer_number})
    if response.status_code in (403, 404):
        return False
    assert response.status_code == 302, (role, response.status_code)
    with tenancy.tenant_scope(w.tenant):
        assert SubjectExport.objects.filter(customer=w.customer).exists(), (role, "answered OK but no export")
    return True


EXECUTORS["privacy.manage"] = _export_a_subject


def test_every_action_has_an_executor():
    assert set(EXECUTORS) == set(PERMISSIONS)


@pytest.mark.parametrize("action", sorted(PERMISSIONS))
@pytest.mark.parametrize("role", ALL_ROLES)
def test_role_against_action(world, action, role):
    allowed = role in PERMISSIONS[action][1]
    assert EXECUTORS[action](world.a, role) is allowed, f"{role} {'should' if allowed else 'must not'} {action}"


def test_consumer_cannot_see_another_customers_complaint(world):
    w = world.a
    with tenancy.tenant_scope(w.tenant):
        c = complaint_register(
            actor=w.actor("agent"), channel="post", subject="s", description="d", customer=w.other_customer
        )
    response = _client(w, "consumer").get(f"/t/{w.tenant.code}/complaints/{c.reference}/")
    assert response.status_code == 404

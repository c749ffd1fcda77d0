"""Another tenant's rows are invisible and unchangeable: every tenant-owned model, every endpoint."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.apps import apps
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from querela.answer_templates.models import AnswerTemplate
from querela.answer_templates.services import answer_template_save
from querela.appointments.models import Appointment, Office
from querela.audit.models import AuditEvent
from querela.calls.models import Call
from querela.calls.services import call_start
from querela.complaints.deadline_actions import complaint_acknowledge
from querela.complaints.deadline_policies import policy_save
from querela.complaints.models import Complaint, Notification
from querela.complaints.services import Upload, complaint_add_message, complaint_attach, complaint_register
from querela.consultations.models import Consultation
from querela.consultations.services import consultation_ask
from querela.core import clock, tenancy
from querela.core.errors import TenantNotActive
from querela.core.models import TenantModel
from querela.customers.models import ConsumptionPlace, Invoice, Meter, Representative
from querela.deadlines.policies import PRESETS
from querela.edit_rules.models import FieldRule
from querela.edit_rules.services import rule_set
from querela.instructions.checklists import checklist_attach, checklist_choices, checklist_choose, checklist_override
from querela.instructions.models import ChecklistStep, DocumentTemplate, WorkInstruction
from querela.instructions.services import DocumentInput, StepInput, instruction_save
from querela.intake.inbound import inbound_store
from querela.intake.models import ImapMailbox, InboundMessage
from querela.minutes.models import Minutes
from querela.minutes.services import Signature, minutes_sign, minutes_take
from querela.orgchart.models import Deputy, Job, JobHolder
from querela.orgchart.services import deputy_set, holder_assign, job_save
from querela.portal.services import portal_profile_save
from querela.postroom.models import ScanBatch, ScanLetter
from querela.postroom.services import scan_batch_upload
from querela.printing.models import PrintBatch, StoredLetter
from querela.printing.services import letter_store
from querela.privacy.erase import complaints_anonymise
from querela.privacy.erasure import erasure_apply, erasure_plan
from querela.privacy.export import subject_export_request
from querela.privacy.models import SubjectExport
from querela.privacy.purge import purge_dry_run
from querela.privacy.services import retention_set
from querela.remedies.models import RemedyBody
from querela.remedies.services import remedy_body_save
from querela.routing.models import RoutingRule
from querela.routing.services import rule_create
from querela.supervision.models import ExtensionRequest, QualityReview, QualitySample
from querela.tenants.models import Membership
from querela.tenants.tokens import api_token_issue
from tests.factories import PASSWORD, TenantWorld
from tests.minutes.helpers import facts
from tests.postroom.files import pdf_scan

pytestmark = pytest.mark.django_db


def tenant_owned_models() -> list[type]:
    return [m for m in apps.get_models() if issubclass(m, TenantModel) or m is AuditEvent]


def _populate(w: TenantWorld) -> Complaint:
    """At least one row of every tenant-owned model in this tenant."""
    with tenancy.tenant_scope(w.tenant):
        c = complaint_register(
            actor=w.actor("agent"),
            channel="email",
            subject="Secret of " + w.tenant.code,
            description="private",
            customer=w.customer,
            place=w.place,
        )
        complaint_attach(
            actor=w.actor("agent"), complaint_id=c.pk, upload=Upload("bill.txt", io.BytesIO(b"bill contents"), 13)
        )
        Representative.objects.create(customer=w.customer, name="Proxy " + w.tenant.code)
        Notification.objects.create(complaint=c, kind="test", key="k", subject="s", body="b")
        complaint_acknowledge(actor=w.actor("handler"), complaint_id=c.pk)  # deadline event + outbound e-mail
        policy_save(actor=w.actor("tenant_admin"), name="own", definition=PRESETS["hu-utility"].to_dict())
        inbound_store(raw=b"Message-ID: <x@y>\r\nSubject: hi\r\n\r\nbody", tenant=w.tenant, source="smtp")
        ImapMailbox.objects.create(host="imap.example", username="u", auth="password", secret="s")
        api_token_issue(actor=w.actor("agent"))
        portal_profile_save(actor=w.actor("tenant_admin"), values={"fault_phone": "+36 80 1"}, form_fields={})
        remedy_body_save(
            actor=w.actor("tenant_admin"), body_id=None, values={"kind": "other", "name": "Ombudsman " + w.tenant.code}
        )
        answer_template_save(
            actor=w.actor("tenant_admin"),
            template_id=None,
            values={"name": "Own " + w.tenant.code, "language": "en", "body": "Dear {customer_name}"},
        )
        Invoice.objects.create(customer=w.customer, number=f"{w.tenant.code}-INV-1", issued_on="2026-11-01")
        office = Office.objects.create(name="Office " + w.tenant.code, address="Main street 1", opening_hours={})
        Appointment.objects.create(
            office=office,
            starts_at=clock.now(),
            ends_at=clock.now(),
            name="Visitor",
            email="v@example.test",
            requested_at=clock.now(),
        )
        call_start(actor=w.actor("agent"))
        _minutes(w)
        consultation_ask(
            actor=w.actor("handler"), complaint_id=c.pk, question="Opinion?", department_id=w.department.pk
        )
        scan = pdf_scan(1)
        batch = scan_batch_upload(actor=w.actor("agent"), filename="post.pdf", stream=io.BytesIO(scan), size=len(scan))
        ScanLetter.objects.create(batch=batch, position=1, first_page=1, last_page=1, complaint=c)
        # Supervision: an extension request waiting, a quality sample with one review (the checklist is
        # seeded when the tenant is created).
        ExtensionRequest.objects.create(
            complaint=c,
            requested_by=w.users["handler"],
            requested_at=clock.now(),
            days=5,
            reason="technical_investigation",
            notice_text="We need a measurement.",
        )
        today = clock.tenant_today(w.tenant)
        sample = QualitySample.objects.create(
            drawn_by=w.users["supervisor"], drawn_at=clock.now(), date_from=today, date_to=today, size=1
        )
        QualityReview.objects.create(sample=sample, complaint=c, handler=w.users["handler"])
        # A letter by post kept as a PDF in the open print batch (the job, run here: no commit in this test).
        by_post = complaint_add_message(actor=w.actor("handler"), complaint_id=c.pk, text="By post", channel="post")
        letter_store(entry_id=by_post.pk)
        # Work instructions (issue 14): the sector's defaults came with the tenant; one more of its own.
        instruction_save(
            actor=w.actor("tenant_admin"),
            instruction_id=None,
            values={"code": "OWN-1", "language": "en", "category": "billing", "title": "Own of " + w.tenant.code},
            steps=[StepInput("bill_recalculation", "Recalculate", "From the readings.", "BILL-SPEC", "The sheet.")],
            documents=[DocumentInput("Statement", "{reference} {customer_name}")],
        )
        _orgchart(w)
        _edit_rules(w)
        # The checklist on the case (issue 14): the billing instruction's steps (the after-commit hook, run
        # here: no commit in this test) and a supervisor's override.
        c.category = "billing"
        c.save(update_fields=["category"])
        checklist_attach(c)
        checklist_override(actor=w.actor("supervisor"), complaint_id=c.pk, reason="Test")
        checklist_choose(
            actor=w.actor("supervisor"),
            complaint_id=c.pk,
            instruction_id=checklist_choices(c)[-1].pk,
            reason="Another billing matter",
        )
        # Routing rules (issue 14): one made after the complaint, which it does not touch.
        rule_create(
            actor=w.actor("tenant_admin"),
            values={"name": "Billing of " + w.tenant.code, "category": "billing", "department_id": w.department.pk},
        )
        _privacy(w)
    return c


def _privacy(w: TenantWorld) -> None:
    """Data protection (issue 16): a retention period, a dry run, an export asked for, an erasure carried out
    (the other customer: nothing of theirs is kept by law) and a complaint record anonymised."""
    admin = w.actor("tenant_admin")
    retention_set(actor=admin, months={"attachment": 48}, reason="Test")
    purge_dry_run(actor=admin)
    subject_export_request(actor=admin, customer_number=w.customer.customer_number)
    plan = erasure_plan(actor=admin, customer_id=w.other_customer.pk)
    erasure_apply(actor=admin, customer_id=w.other_customer.pk, reason="Letter", digest=plan.digest)
    old = complaint_register(actor=w.actor("agent"), channel="post", subject="Old", description="d")
    complaints_anonymise([old], actor=admin, reason="retention")


def _orgchart(w: TenantWorld) -> None:
    """The org chart (issue 14): a job with a holder and a deputy standing in for them."""
    admin = w.actor("tenant_admin")
    job = job_save(actor=admin, job_id=None, department_id=w.department.pk, code="BILL-SPEC", title="Billing")
    term = holder_assign(actor=admin, job_id=job.pk, user_id=w.users["handler"].pk)
    deputy_set(
        actor=admin, job_id=job.pk, user_id=w.users["supervisor"].pk, starts_on=None, reason="Leave", holder_id=term.pk
    )


def _edit_rules(w: TenantWorld) -> None:
    """Restricted data changes (issue 14): a role's own cell and a job's row in the edit matrix."""
    admin = w.actor("tenant_admin")
    rule_set(actor=admin, object_type="complaint", field="subject", role="agent", when="always", reason="Test")
    job = Job.objects.get(code="BILL-SPEC")
    rule_set(actor=admin, object_type="customer", field="email", job_id=job.pk, when="always", reason="Test")


def _minutes(w: TenantWorld) -> None:
    """Signed minutes of an in-person complaint (seed 004), with their PDF on the complaint."""
    now = clock.now()
    m = minutes_take(actor=w.actor("clerk"), facts=facts(filed_at=now - timedelta(hours=1), drawn_up_at=now))
    typed = Signature(typed_name="Őrsi Ődön", confirmed=True)
    minutes_sign(actor=w.actor("clerk"), minutes_id=m.pk, recorder=typed, customer=typed)


def test_every_tenant_model_is_scoped(world):
    _populate(world.a)
    _populate(world.b)
    models = tenant_owned_models()
    assert len(models) >= 12
    for model in models:
        with tenancy.dangerously_all_tenants():
            b_rows = list(model.objects.filter(tenant=world.b.tenant))
        assert b_rows, f"test data has no {model.__name__} in tenant B"
        with tenancy.tenant_scope(world.a.tenant):
            visible = model.objects.all()
            assert visible.exists(), model.__name__
            assert not visible.exclude(tenant=world.a.tenant).exists(), f"{model.__name__} leaks"
            assert not model.objects.filter(pk=b_rows[0].pk).exists()
            with pytest.raises(model.DoesNotExist):
                model.objects.get(pk=b_rows[0].pk)
            if model is not AuditEvent:
                assert model.objects.filter(pk=b_rows[0].pk).update(tenant=world.a.tenant) == 0
                assert model.objects.filter(pk=b_rows[0].pk).delete()[0] == 0
                with pytest.raises(TenantNotActive):
                    b_rows[0].save()
        with pytest.raises(TenantNotActive):
            list(model.objects.all())


def _patterns(resolver: URLResolver, prefix: str = "") -> list[tuple[str, str]]:
    out = []
    for p in resolver.url_patterns:
        route = prefix + str(p.pattern)
        if isinstance(p, URLResolver):
            out += _patterns(p, route)
        elif isinstance(p, URLPattern) and "<str:tenant>" in route:
            out.append((route, p.name or ""))
    return out


def _fill(route: str, tenant: str, complaint: Complaint, customer_id: int, attachment_id: int) -> str:
    """A URL naming tenant A's real rows: every id in it exists, so a 404 means "refused", not "absent"."""
    with tenancy.dangerously_all_tenants():
        tid = complaint.tenant_id
        message = InboundMessage.objects.filter(tenant_id=tid).first()
        membership = Membership.objects.filter(tenant_id=tid).first()
        rep = Representative.objects.filter(tenant_id=tid).first()
        entry = complaint.timeline.filter(entry_type="outbound").first()
        office = Office.objects.filter(tenant_id=tid).first()
        appointment = Appointment.objects.filter(tenant_id=tid).first()
        minutes = Minutes.objects.filter(tenant_id=tid).first()
        call = Call.objects.filter(tenant_id=tid).first()
        batch = ScanBatch.objects.filter(tenant_id=tid).first()
        body = RemedyBody.objects.filter(tenant_id=tid).first()
        answer_template = AnswerTemplate.objects.filter(tenant_id=tid).first()
        consultation = Consultation.objects.filter(tenant_id=tid).first()
        extension_request = ExtensionRequest.objects.filter(tenant_id=tid).first()
        quality_sample = QualitySample.objects.filter(tenant_id=tid).first()
        quality_review = QualityReview.objects.filter(tenant_id=tid).first()
        print_batch = PrintBatch.objects.filter(tenant_id=tid).first()
        stored_letter = StoredLetter.objects.filter(tenant_id=tid).first()
        place = ConsumptionPlace.objects.filter(tenant_id=tid, customer_id=customer_id).first()
        meter = Meter.objects.filter(tenant_id=tid, place__customer_id=customer_id).first()
        instruction = WorkInstruction.objects.filter(tenant_id=tid).first()
        document = DocumentTemplate.objects.filter(tenant_id=tid, instruction=instruction).first()
        job = Job.objects.filter(tenant_id=tid).first()
        job_holder = JobHolder.objects.filter(tenant_id=tid).first()
        deputy = Deputy.objects.filter(tenant_id=tid).first()
        step = ChecklistStep.objects.filter(tenant_id=tid).first()
        routing_rule = RoutingRule.objects.filter(tenant_id=tid).first()
        field_rule = FieldRule.objects.filter(tenant_id=tid).first()
        subject_export = SubjectExport.objects.filter(tenant_id=tid).first()
    url = "/" + (
        route.replace("<int:message_id>", str(message.pk if message else 0))
        .replace("<str:tenant>", tenant)
        .replace("<str:reference>", complaint.reference)
        .replace("<int:customer_id>", str(customer_id))
        .replace("<int:attachment_id>", str(attachment_id))
        .replace("<int:membership_id>", str(membership.pk if membership else 0))
        .replace("<int:rep_id>", str(rep.pk if rep else 0))
        .replace("<int:entry_id>", str(entry.pk if entry else 0))
        .replace("<slug:code>", "outage")
        .replace("<int:office_id>", str(office.pk if office else 0))
        .replace("<int:appointment_id>", str(appointment.pk if appointment else 0))
        .replace("<str:name>", "own")
        .replace("<slug:name>", "classify")
        .replace("<int:minutes_id>", str(minutes.pk if minutes else 0))
        .replace("<int:batch_id>", str(batch.pk if batch else 0))
        .replace("<int:page>", "1")
        .replace("<int:call_id>", str(call.pk if call else 0))
        .replace("<int:body_id>", str(body.pk if body else 0))
        .replace("<int:template_id>", str(answer_template.pk if answer_template else 0))
        .replace("<int:consultation_id>", str(consultation.pk if consultation else 0))
        .replace("<str:recording_id>", call.recording_id if call else "none")
        .replace("<int:extension_request_id>", str(extension_request.pk if extension_request else 0))
        .replace("<int:quality_sample_id>", str(quality_sample.pk if quality_sample else 0))
        .replace("<int:quality_review_id>", str(quality_review.pk if quality_review else 0))
        .replace("<int:print_batch_id>", str(print_batch.pk if print_batch else 0))
        .replace("<int:letter_id>", str(stored_letter.pk if stored_letter else 0))
        .replace("<int:place_id>", str(place.pk if place else 0))
        .replace("<int:meter_id>", str(meter.pk if meter else 0))
        .replace("<int:instruction_id>", str(instruction.pk if instruction else 0))
        .replace("<int:document_id>", str(document.pk if document else 0))
        .replace("<int:job_id>", str(job.pk if job else 0))
        .replace("<int:job_holder_id>", str(job_holder.pk if job_holder else 0))
        .replace("<int:deputy_id>", str(deputy.pk if deputy else 0))
        .replace("<int:step_id>", str(step.pk if step else 0))
        .replace("<int:routing_rule_id>", str(routing_rule.pk if routing_rule else 0))
        .replace("<int:rule_id>", str(field_rule.pk if field_rule else 0))
        .replace("<int:subject_export_id>", str(subject_export.pk if subject_export else 0))
    )
    assert "<" not in url, f"fill in {url}"
    return url


def test_every_tenant_endpoint_refuses_other_tenants(world):
    a_complaint = _populate(world.a)
    _populate(world.b)
    routes = _patterns(get_resolver())
    assert len(routes) >= 20
    with tenancy.tenant_scope(world.a.tenant):
        a_attachment = a_complaint.attachments.get().pk
        a_count = Complaint.objects.count()
        a_timeline = a_complaint.timeline.count()
    for role in ("supervisor", "agent", "handler", "tenant_admin", "consumer"):
        client = Client()
        client.login(username=world.b.users[role].username, password=PASSWORD)
        for route, _name in routes:
            url = _fill(route, "AAA", a_complaint, world.a.customer.pk, a_attachment)
            for method in ("get", "post"):
                response = getattr(client, method)(url, {"text": "x", "action": "close", "subject": "x"})
                assert response.status_code == 404, (role, method, url, response.status_code)
                assert a_complaint.reference.encode() not in response.content
    with tenancy.tenant_scope(world.a.tenant):
        assert Complaint.objects.count() == a_count
        assert a_complaint.timeline.count() == a_timeline


def test_a_tenants_own_staff_cannot_reach_other_tenants_rows_through_their_own_urls(world):
    _populate(world.a)
    b_complaint = _populate(world.b)
    client = Client()
    client.login(username=world.a.users["supervisor"].username, password=PASSWORD)
    with tenancy.tenant_scope(world.b.tenant):
        b_attachment = b_complaint.attachments.get().pk
    for path in (
        f"/t/AAA/complaints/{b_complaint.reference}/",
        f"/t/AAA/customers/{world.b.customer.pk}/",
        f"/t/AAA/complaints/{b_complaint.reference}/files/{b_attachment}/",
        f"/api/v1/t/AAA/complaints/{b_complaint.reference}/",
        f"/api/v1/t/AAA/customers/{world.b.customer.pk}/",
    ):
        assert client.get(path).status_code == 404, path
    listing = client.get("/t/AAA/complaints/?q=Secret").content.decode()
    assert "Secret of AAA" in listing and "Secret of BBB" not in listing
    api = client.get("/api/v1/t/AAA/complaints/").json()
    assert {r["reference"][:3] for r in api["results"]} == {"AAA"}


def test_api_tokens_of_another_tenant_reach_nothing(world):
    """The same walk over every API route with a token instead of a session: reads and writes."""
    a_complaint = _populate(world.a)
    _populate(world.b)
    with tenancy.tenant_scope(world.a.tenant):
        a_attachment = a_complaint.attachments.get().pk
        a_timeline = a_complaint.timeline.count()
    api_routes = [r for r, _n in _patterns(get_resolver()) if r.startswith("api/")]
    assert len(api_routes) >= 10
    for role in ("agent", "handler", "supervisor", "tenant_admin"):
        with tenancy.tenant_scope(world.b.tenant):
            key = api_token_issue(actor=world.b.actor(role))
        client = Client(HTTP_AUTHORIZATION=f"Token {key}")
        for route in api_routes:
            url = _fill(route, "AAA", a_complaint, world.a.customer.pk, a_attachment)
            for method in ("get", "post"):
                response = getattr(client, method)(
                    url, {"text": "x", "action": "close"}, content_type="application/json"
                )
                assert response.status_code == 404, (role, method, url, response.status_code)
    with tenancy.tenant_scope(world.a.tenant):
        assert a_complaint.timeline.count() == a_timeline

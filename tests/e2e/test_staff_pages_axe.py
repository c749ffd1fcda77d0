"""Every staff page passes axe-core (no serious or critical finding) for every staff role, in every language;
the worklist and the case file work from the keyboard alone (issue 13, item 9).

The pages are derived from the URL patterns (as the tenant-isolation test does), with each id filled with a
real row; a page counts as reachable by a role when a GET returns a whole HTML document (200) for it.
Every page is checked in English; the main pages (MAIN_PAGES) in Hungarian, Polish and Romanian too.
"""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from querela.appointments.models import Appointment, Office
from querela.calls.models import Call
from querela.calls.services import call_start
from querela.complaints.deadline_actions import complaint_acknowledge
from querela.complaints.deadline_policies import policy_save
from querela.complaints.models import Complaint
from querela.complaints.services import Upload, complaint_add_note, complaint_attach, complaint_register
from querela.core import clock, tenancy
from querela.core.errors import PermissionDenied
from querela.customers.models import Meter, Representative
from querela.deadlines.policies import PRESETS
from querela.intake.inbound import inbound_store
from querela.intake.models import InboundMessage
from querela.minutes.models import Minutes
from querela.minutes.services import Signature, minutes_sign, minutes_take
from querela.postroom.models import ScanBatch
from querela.postroom.services import scan_batch_upload
from querela.printing.models import PrintBatch, StoredLetter
from querela.printing.services import batch_close
from querela.tenants.models import Membership
from tests.e2e.conftest import AXE, axe_violations
from tests.factories import PASSWORD, TenantWorld
from tests.minutes.helpers import facts
from tests.postroom.files import pdf_scan

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

STAFF_ROLES = ["agent", "clerk", "handler", "supervisor", "tenant_admin"]
LANGUAGES = ["en", "hu", "pl", "ro"]  # English first: every page; then the main pages in the others
MAIN_PAGES = {"tenant_home", "complaint_index", "complaint_detail", "customer_detail", "audit_log", "tenant_admin"}
# Pages worth seeing with a query as well: search results, a filtered worklist, the week view.
WITH_QUERY = {
    "complaint_index": "?q=Kétszer&order=due",
    "customer_search": "?q=AAA",
    "appointments_day": "?week=1",
}


def _populate(w: TenantWorld) -> tuple[Complaint, Complaint]:
    """A complaint with an attachment, a note, an acknowledgement letter, and a late one flagged for a person;
    minutes signed and in draft, a call, a scan, mail, offices and visits, a remedy body, a former member."""
    with tenancy.tenant_scope(w.tenant):
        c = complaint_register(
            actor=w.actor("agent"),
            channel="email",
            subject="Kétszer számlázták a márciusi fogyasztást",
            description="A márciusi számlán kétszer szerepel ugyanaz az időszak.",
            customer=w.customer,
            place=w.place,
        )
        complaint_attach(
            actor=w.actor("agent"), complaint_id=c.pk, upload=Upload("bill.txt", io.BytesIO(b"bill contents"), 13)
        )
        complaint_add_note(actor=w.actor("handler"), complaint_id=c.pk, text="Checked the meter readings.")
        complaint_acknowledge(actor=w.actor("handler"), complaint_id=c.pk)
        Representative.objects.create(customer=w.customer, name="Meghatalmazott Mária")
        policy_save(actor=w.actor("tenant_admin"), name="own", definition=PRESETS["hu-utility"].to_dict())
        inbound_store(
            raw=b"Message-ID: <x@y>\r\nFrom: a@b.example\r\nSubject: hi\r\n\r\nbody", tenant=w.tenant, source="smtp"
        )
        office = Office.objects.create(
            name="Debreceni iroda", address="Piac utca 1.", opening_hours={"mon": [["08:00", "12:00"]]}
        )
        now = clock.now()
        Appointment.objects.create(
            office=office,
            starts_at=now + timedelta(hours=1),
            ends_at=now + timedelta(hours=1, minutes=20),
            name="Látogató Lili",
            email="lili@example.test",
            requested_at=now,
        )
        Appointment.objects.create(
            office=office,
            starts_at=now + timedelta(hours=2),
            ends_at=now + timedelta(hours=2, minutes=20),
            name="Lemondta Lajos",
            email="lajos@example.test",
            requested_at=now,
            status="cancelled",
        )
        # The states drawn in warning colours: overdue, deemed accepted, flagged for a person; a former member.
        late = complaint_register(
            actor=w.actor("agent"),
            channel="post",
            subject="Régi panasz",
            description="Válasz nélkül maradt.",
            customer=w.customer,
            place=w.place,
            received_at=now - timedelta(days=90),
        )
        Complaint.objects.filter(pk=late.pk).update(deemed_accepted=True, needs_attention="No answer yet")
        former = get_user_model().objects.create_user("aaa-former", "former@example.test", PASSWORD)
        Membership.objects.create(user=former, role="agent", is_active=False)
        _by_whoever_may(w, call_start)
        oral = facts(filed_at=now - timedelta(hours=1), drawn_up_at=now)
        signed = _by_whoever_may(w, minutes_take, facts=oral)
        typed = Signature(typed_name="Őrsi Ődön", confirmed=True)
        _by_whoever_may(w, minutes_sign, minutes_id=signed.pk, recorder=typed, customer=typed)
        _by_whoever_may(w, minutes_take, facts=oral)  # a draft, still to be signed
        scan = pdf_scan(2)
        _by_whoever_may(w, scan_batch_upload, filename="post.pdf", stream=io.BytesIO(scan), size=len(scan))
        # The print room: a closed batch waiting for its posting day, and a letter by post in the open one
        # (each acknowledgement's letter is stored by the job once it commits).
        for n in (1, 2):
            by_post = complaint_register(
                actor=w.actor("agent"),
                channel="post",
                subject=f"Levél {n}",
                description="Postán jött.",
                customer=w.customer,
                place=w.place,
            )
            complaint_acknowledge(actor=w.actor("handler"), complaint_id=by_post.pk)
            if n == 1:
                _by_whoever_may(w, batch_close, batch_id=PrintBatch.objects.get().pk)
        if apps.is_installed("querela.remedies"):
            apps.get_model("remedies", "RemedyBody").objects.create(
                kind="conciliation_body",
                country="HU",
                region="Hajdú-Bihar",
                name="Hajdú-Bihar Megyei Békéltető Testület",
            )
        _supervision(w, c)
        _orgchart(w)
        _routing(w)
        _privacy(w)
    return c, late


def _privacy(w: TenantWorld) -> None:
    """Data protection (issue 16): an export built, a dry run's report, an erasure with something kept."""
    from querela.privacy.erasure import erasure_apply, erasure_plan
    from querela.privacy.export import subject_export_request
    from querela.privacy.purge import purge_dry_run

    admin = w.actor("tenant_admin")
    subject_export_request(actor=admin, customer_number=w.customer.customer_number)  # built once it commits
    purge_dry_run(actor=admin)
    plan = erasure_plan(actor=admin, customer_id=w.other_customer.pk)
    erasure_apply(actor=admin, customer_id=w.other_customer.pk, reason="Levél, március 3.", digest=plan.digest)


def _routing(w: TenantWorld) -> None:
    """Routing rules (issue 14): one of each pool, made after the complaints (which they do not touch)."""
    from querela.routing.services import rule_create

    admin = w.actor("tenant_admin")
    for name, pool, region in (("Számlázás", "none", ""), ("Mérés, Hajdú-Bihar", "round_robin", "Hajdú-Bihar")):
        values = {"name": name, "category": "billing", "region": region, "department_id": w.department.pk, "pool": pool}
        rule_create(actor=admin, values=values)


def _orgchart(w: TenantWorld) -> None:
    """The org chart (issue 14): a job with a holder, a former holder and a deputy standing in."""
    from querela.orgchart.services import deputy_set, holder_assign, holder_end, job_save

    admin = w.actor("tenant_admin")
    job = job_save(
        actor=admin,
        job_id=None,
        department_id=w.department.pk,
        code="BILL-SPEC",
        title="Számlázási ügyintéző",
        duties="Ellenőrzi és újraszámolja a vitatott számlákat.",
        may_sign=["answers", "bill_recalculations"],
    )
    today = clock.tenant_today(w.tenant)
    former = holder_assign(actor=admin, job_id=job.pk, user_id=w.users["clerk"].pk, since=today - timedelta(days=30))
    holder_end(actor=admin, holder_id=former.pk, until=today - timedelta(days=1))
    term = holder_assign(actor=admin, job_id=job.pk, user_id=w.users["handler"].pk)
    deputy_set(
        actor=admin,
        job_id=job.pk,
        user_id=w.users["supervisor"].pk,
        starts_on=today,
        ends_on=today + timedelta(days=7),
        reason="Szabadság",
        holder_id=term.pk,
    )


def _supervision(w: TenantWorld, c: Complaint) -> None:
    """The team dashboard's extension request waiting, and a quality sample: one review done, one to do."""
    ExtensionRequest = apps.get_model("supervision", "ExtensionRequest")
    QualitySample = apps.get_model("supervision", "QualitySample")
    QualityReview = apps.get_model("supervision", "QualityReview")
    now = clock.now()
    ExtensionRequest.objects.create(
        complaint=c,
        requested_by=w.users["handler"],
        requested_at=now,
        days=10,
        reason="technical_investigation",
        notice_text="A mérőt be kell vizsgálnunk.",
    )
    today = clock.tenant_today(w.tenant)
    sample = QualitySample.objects.create(
        drawn_by=w.users["supervisor"], drawn_at=now, date_from=today, date_to=today, size=2
    )
    other = complaint_register(
        actor=w.actor("agent"), channel="email", subject="Mintavétel", description="Ellenőrzés.", customer=w.customer
    )
    QualityReview.objects.create(sample=sample, complaint=c, handler=w.users["handler"])
    QualityReview.objects.create(
        sample=sample,
        complaint=other,
        handler=w.users["handler"],
        checks=[{"item": 0, "text": "Polite", "answer": "yes"}],
        score=90,
        reviewed_by=w.users["supervisor"],
        reviewed_at=now,
    )


def _by_whoever_may(w: TenantWorld, service: Any, **kwargs: Any) -> Any:
    """Call a service as the first staff role allowed to (who may do what changes more often than this test)."""
    for role in STAFF_ROLES:
        try:
            return service(actor=w.actor(role), **kwargs)
        except PermissionDenied:
            continue
    raise AssertionError(f"no staff role may call {service.__name__}")


def _routes() -> list[tuple[str, str]]:
    """(route, name) of every tenant page of the staff side: no API, no public site."""

    def walk(resolver: URLResolver, prefix: str = "") -> list[tuple[str, str]]:
        out = []
        for p in resolver.url_patterns:
            route = prefix + str(p.pattern)
            if isinstance(p, URLResolver):
                out += walk(p, route)
            elif isinstance(p, URLPattern) and route.startswith("t/<str:tenant>/"):
                out.append((route, p.name or ""))
        return out

    return walk(get_resolver())


def _fill(route: str, w: TenantWorld, complaint: Complaint) -> str:
    with tenancy.tenant_scope(w.tenant):
        ids = {
            "<int:message_id>": InboundMessage.objects.first(),
            "<int:customer_id>": w.customer,
            "<int:attachment_id>": complaint.attachments.first(),
            "<int:membership_id>": Membership.objects.filter(user=w.users["agent"]).first(),
            "<int:rep_id>": Representative.objects.first(),
            "<int:entry_id>": complaint.timeline.filter(entry_type="outbound").first(),
            "<int:office_id>": Office.objects.first(),
            "<int:appointment_id>": Appointment.objects.first(),
            "<int:minutes_id>": Minutes.objects.order_by("-pk").first(),  # the draft: it can still be edited
            "<int:batch_id>": ScanBatch.objects.first(),
            "<int:call_id>": Call.objects.first(),
            "<int:print_batch_id>": PrintBatch.objects.first(),  # the newest: the open one
            "<int:letter_id>": StoredLetter.objects.first(),
            "<int:place_id>": w.place,
            "<int:meter_id>": Meter.objects.filter(place=w.place).first(),
        }
        if apps.is_installed("querela.remedies"):
            ids["<int:body_id>"] = apps.get_model("remedies", "RemedyBody").objects.first()
        ids["<int:consultation_id>"] = apps.get_model("consultations", "Consultation").objects.first()
        ids["<int:template_id>"] = apps.get_model("answer_templates", "AnswerTemplate").objects.first()
        # Supervision: the pending extension request, the sample and its first review (`_supervision`).
        ids["<int:extension_request_id>"] = apps.get_model("supervision", "ExtensionRequest").objects.first()
        ids["<int:quality_sample_id>"] = apps.get_model("supervision", "QualitySample").objects.first()
        ids["<int:quality_review_id>"] = apps.get_model("supervision", "QualityReview").objects.first()
        # Work instructions (issue 14): the defaults the tenant came with, and a document of the first.
        ids["<int:instruction_id>"] = apps.get_model("instructions", "WorkInstruction").objects.first()
        ids["<int:document_id>"] = (
            apps.get_model("instructions", "DocumentTemplate")
            .objects.filter(instruction=ids["<int:instruction_id>"])
            .first()
        )
        ids["<int:job_id>"] = apps.get_model("orgchart", "Job").objects.first()
        ids["<int:job_holder_id>"] = apps.get_model("orgchart", "JobHolder").objects.first()
        ids["<int:deputy_id>"] = apps.get_model("orgchart", "Deputy").objects.first()
        ids["<int:step_id>"] = apps.get_model("instructions", "ChecklistStep").objects.first()
        ids["<int:routing_rule_id>"] = apps.get_model("routing", "RoutingRule").objects.first()
        ids["<int:rule_id>"] = apps.get_model("edit_rules", "FieldRule").objects.first()
        ids["<int:subject_export_id>"] = apps.get_model("privacy", "SubjectExport").objects.first()
    url = "/" + route.replace("<str:tenant>", w.tenant.code).replace("<str:reference>", complaint.reference)
    url = (
        url.replace("<slug:code>", "outage")
        .replace("<str:name>", "own")
        .replace("<slug:name>", "classify")
        .replace("<int:page>", "1")
    )
    for placeholder, row in ids.items():
        url = url.replace(placeholder, str(row.pk if row else 0))
    assert "<" not in url, f"a new kind of id: fill it in with a real row here ({url})"
    return url


def _pages_of(role: str, w: TenantWorld, complaint: Complaint, late: Complaint) -> list[tuple[str, str]]:
    """(name, url) of every page this role can open: a GET answers with a whole HTML document."""
    client = Client()
    assert client.login(username=w.users[role].username, password=PASSWORD)
    pages = []
    for route, name in _routes():
        url = _fill(route, w, complaint)
        candidates = [url] + ([url + WITH_QUERY[name]] if name in WITH_QUERY else [])
        if name == "complaint_detail":
            candidates.append(url.replace(complaint.reference, late.reference))
        if name == "minutes_detail":  # the signed minutes as well as the draft
            with tenancy.tenant_scope(w.tenant):
                signed = Minutes.objects.exclude(signed_at=None).first()
            candidates += [f"/t/{w.tenant.code}/minutes/{signed.pk}/"] if signed else []
        for candidate in candidates:
            response = client.get(candidate)
            if (
                response.status_code == 200
                and response["Content-Type"].startswith("text/html")
                and b"<html" in response.content[:400]
            ):
                pages.append((name, candidate))
    return pages


def _login(page: Any, base: str, username: str) -> None:
    page.goto(f"{base}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button.primary")
    page.wait_for_selector("nav")


def _switch_language(page: Any, language: str) -> None:
    page.select_option("select[name=language]", language)
    page.click("form.lang button")
    page.wait_for_selector(f"html[lang={language}]")


def _check(page: Any, what: str, failures: list[str]) -> None:
    for v in axe_violations(page):
        targets = [n["target"] for n in v["nodes"]][:3]
        failures.append(f"{what}: {v['id']} ({v['impact']}) {v['help']} — {targets}")


@pytest.mark.parametrize("role", STAFF_ROLES)
def test_every_staff_page_passes_axe_in_every_language(page, live_server, world, role):
    w = world.a
    complaint, late = _populate(w)
    pages = _pages_of(role, w, complaint, late)
    names = {name for name, _url in pages}
    assert len(pages) >= 4, pages
    base = live_server.url
    failures: list[str] = []
    page.context.add_init_script(path=str(AXE))  # axe-core loads with each page instead of after it
    _login(page, base, w.users[role].username)
    for language in LANGUAGES:
        _switch_language(page, language)
        for name, url in pages:
            if language != "en" and (name not in MAIN_PAGES or "?" in url):
                continue
            response = page.goto(base + url)
            assert response is not None and response.ok, (role, url)
            _check(page, f"{role} {language} {url}", failures)
        # Pages that only a button leads to: the new API token, the audit chain check.
        if language == "en" and "api_token" in names:
            page.goto(base + dict(pages)["api_token"])
            page.click("main form button")
            page.wait_for_selector("pre.token")
            _check(page, f"{role} {language} new API token", failures)
        verify = "form[action$='/audit/verify/'] button"
        if language == "en" and "tenant_admin" in names:
            page.goto(base + dict(pages)["tenant_admin"])
            if page.locator(verify).count():
                with page.expect_navigation():
                    page.click(verify)
                _check(page, f"{role} {language} audit chain check", failures)
    assert not failures, f"{len(failures)} axe-core findings:\n" + "\n".join(failures)


def test_worklist_and_case_file_work_from_the_keyboard(page, live_server, world):
    w = world.a
    complaint, late = _populate(w)
    base = live_server.url
    _login(page, base, w.users["handler"].username)
    page.goto(f"{base}/t/{w.tenant.code}/complaints/")
    assert page.locator(f"main a:has-text('{late.reference}')").count()

    # The skip link is the first stop, shows itself when focused, and Enter moves on to the main content.
    page.keyboard.press("Tab")
    skip = page.locator("a.skip")
    assert skip.evaluate("el => el === document.activeElement")
    box = skip.bounding_box()
    assert box is not None and box["x"] >= 0 and box["y"] >= 0, "the skip link stays off screen when focused"
    assert _has_focus_ring(page), "no visible focus indicator on the skip link"
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "main"

    # Search the worklist from the keyboard (the rows change in place), then Tab to the complaint and open it.
    _tab_to(page, page.locator("main input[name=q]"), "the worklist search")
    page.keyboard.type("Kétszer")  # words of its subject
    page.locator(f"main a:has-text('{late.reference}')").wait_for(state="detached")
    link = page.locator(f"main a:has-text('{complaint.reference}')").first
    _tab_to(page, link, "the complaint in the worklist")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_selector(f"h1:has-text('{complaint.reference}')")

    # The case file: every action button (next steps, message, note, identification, classification) by Tab.
    labels = {t.strip() for t in page.locator("main form button:visible").all_inner_texts() if t.strip()}
    assert len(labels) >= 4, labels
    reached: set[str] = set()
    for _ in range(300):
        page.keyboard.press("Tab")
        active = page.evaluate(
            "() => { const a = document.activeElement;"
            " return a && a.closest('main') && a.tagName === 'BUTTON' ? a.innerText.trim() : null }"
        )
        if active:
            reached.add(active)
            assert _has_focus_ring(page), f"no visible focus indicator on the {active!r} button"
        if labels <= reached:
            break
    assert labels <= reached, f"not reachable by keyboard: {labels - reached}"


def _tab_to(page: Any, target: Any, what: str, limit: int = 120) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if target.evaluate("el => el === document.activeElement"):
            assert _has_focus_ring(page), f"no visible focus indicator on {what}"
            return
        assert _has_focus_ring(page), "a focused element shows no focus indicator: " + page.evaluate(
            "() => document.activeElement.outerHTML.slice(0, 200)"
        )
    raise AssertionError(f"{what} not reached with Tab")


def _has_focus_ring(page: Any) -> bool:
    """The focused element draws an outline (or a box shadow): the keyboard user sees where they are."""
    return page.evaluate(
        """() => {
            const el = document.activeElement;
            if (!el || el === document.body) return false;
            const s = getComputedStyle(el);
            return (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0) || s.boxShadow !== 'none';
        }"""
    )

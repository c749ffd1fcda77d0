"""The public complaint form: anyone may complain without an account (issue 11)."""

from __future__ import annotations

import io
import re

import pytest
from django.test import Client

from querela.complaints.models import Complaint, EntryType
from querela.core import tenancy
from querela.portal.tracking import tracking_token

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _post(client: Client, code: str, **fields: object):
    data = {
        "matter": "complaint",
        "name": "Kovács Anna AAA",
        "email": "anna@aaa.example",
        "reply_channel": "email",
        "customer_number": "AAA1000001",
        "place_address": "4024 Debrecen, Petőfi utca 1.",
        "subject": "Kétszer számlázták",
        "description": "A márciusi számlán kétszer szerepel ugyanaz az időszak.",
    }
    data.update(fields)
    return client.post(f"/p/{code}/complaint/", data)


def _complaints(w):
    with tenancy.tenant_scope(w.tenant):
        return list(Complaint.objects.all())


@pytest.fixture
def client():
    return Client()


def test_guidance_sends_an_outage_to_the_fault_line_and_registers_nothing(world, client):
    home = client.get("/p/AAA/")
    assert home.status_code == 200
    assert "Outage or service interruption" in home.content.decode()
    page = client.get("/p/AAA/matter/outage/")
    text = page.content.decode()
    assert page.status_code == 200
    assert "nothing is registered and no complaint deadline starts" in text
    assert _complaints(world.a) == []
    # The complaint matter leads to the form.
    assert client.get("/p/AAA/matter/complaint/")["Location"].endswith("/p/AAA/complaint/?matter=complaint")
    # A fault cannot be filed through the form either.
    assert _post(client, "AAA", matter="outage").status_code == 404
    assert _complaints(world.a) == []


def test_unknown_supplier_is_not_found(world, client):
    assert client.get("/p/ZZZ/").status_code == 404
    assert client.get("/p/aaa/").status_code == 404


def test_site_opens_in_the_suppliers_language_and_the_switch_wins(world, client):
    world.a.tenant.default_language = "hu"
    world.a.tenant.save()
    page = client.get("/p/AAA/complaint/").content.decode()
    assert '<html lang="hu">' in page
    assert "Panasz elküldése" in page  # "Send complaint"
    client.post("/i18n/setlang/", {"language": "pl", "next": "/p/AAA/"})
    assert '<html lang="pl">' in client.get("/p/AAA/complaint/").content.decode()


def test_customer_id_and_meter_serial_link_the_customer_and_confirm_with_due_date(world, client):
    response = _post(client, "AAA", meter_serial="aaa-meter-1")
    assert response.status_code == 302, response.content.decode()[:3000]
    [c] = _complaints(world.a)
    assert c.customer_id == world.a.customer.pk and c.place_id == world.a.place.pk
    assert c.status == "registered" and c.channel == "web"
    assert c.given_customer_number == "AAA1000001" and c.serial_number == "aaa-meter-1"
    sent = client.get(response["Location"]).content.decode()
    assert c.reference in sent
    assert c.answer_due is not None
    with tenancy.tenant_scope(world.a.tenant):
        ack = c.timeline.filter(entry_type=EntryType.OUTBOUND).get()
    assert c.reference in ack.body and "/p/AAA/track/" in ack.body
    track = re.search(r'href="(/p/AAA/track/[^"]+/)"', sent).group(1)
    page = client.get(track).content.decode()
    assert c.reference in page and "márciusi számlán" in page


def test_customer_id_alone_links_nobody_and_the_office_asks_in_the_utilitys_words(world, client):
    response = _post(client, "AAA", meter_serial="NOT-HIS", name="Someone Else")
    assert response.status_code == 302
    [c] = _complaints(world.a)
    assert c.customer_id is None and c.status == "awaiting_info"
    assert "nothing else given matched" in c.needs_attention
    with tenancy.tenant_scope(world.a.tenant):
        ask = c.timeline.filter(entry_type=EntryType.OUTBOUND).get()
    assert "customer id (printed on your bill)" in ask.body
    # The sender learns nothing about the customer the id belongs to.
    sent = client.get(response["Location"]).content.decode()
    assert "Kovács Anna" not in sent and "Petőfi" not in sent


def test_name_and_place_address_are_the_second_proof(world, client):
    response = _post(client, "AAA", name="anna kovacs aaa", place_address="4024 Debrecen, Petofi utca 1")
    assert response.status_code == 302
    [c] = _complaints(world.a)
    assert c.customer_id == world.a.customer.pk


def test_errors_are_listed_and_nothing_typed_or_uploaded_is_lost(world, client):
    doc = io.BytesIO(PDF)
    doc.name = "szamla.pdf"
    first = _post(client, "AAA", subject="", description="Leírás marad", documents=doc)
    text = first.content.decode()
    assert first.status_code == 400
    assert 'id="error-summary"' in text and 'href="#id_subject"' in text
    assert "Leírás marad" in text and "szamla.pdf" in text  # the file is kept on the server
    assert _complaints(world.a) == []
    key = re.search(r'name="keep" value="([^"]+)"', text).group(1)
    second = _post(client, "AAA", meter_serial="AAA-METER-1", keep=key)
    assert second.status_code == 302
    [c] = _complaints(world.a)
    with tenancy.tenant_scope(world.a.tenant):
        assert [a.filename for a in c.attachments.all()] == ["szamla.pdf"]


def test_a_refused_upload_says_why(world, client):
    exe = io.BytesIO(b"MZ\x90\x00" + b"\x00" * 200)
    exe.name = "virus.exe"
    response = _post(client, "AAA", meter_serial="AAA-METER-1", documents=exe)
    assert response.status_code == 400
    assert "virus.exe" in response.content.decode() and "not accepted" in response.content.decode()
    assert _complaints(world.a) == []


def test_acting_for_someone_needs_a_power_of_attorney(world, client):
    response = _post(client, "AAA", meter_serial="AAA-METER-1", name="Ügyvéd Úr", acting_for="Kovács Anna AAA")
    assert response.status_code == 400
    assert "power of attorney" in response.content.decode()
    poa = io.BytesIO(PDF)
    poa.name = "meghatalmazas.pdf"
    response = _post(
        client,
        "AAA",
        meter_serial="AAA-METER-1",
        name="Ügyvéd Úr",
        acting_for="Kovács Anna AAA",
        power_of_attorney=poa,
    )
    assert response.status_code == 302
    [c] = _complaints(world.a)
    assert c.customer_id == world.a.customer.pk  # the customer's name proves, with the meter
    assert c.contact_name == "Ügyvéd Úr" and c.acting_for == "Kovács Anna AAA"
    assert "meghatalmazas.pdf" in c.needs_attention


def test_honeypot_registers_nothing(world, client):
    assert _post(client, "AAA", meter_serial="AAA-METER-1", website="http://spam").status_code == 400
    assert _complaints(world.a) == []


def test_the_form_is_rate_limited_per_address_and_per_email(world, client, settings):
    settings.QUERELA = {**settings.QUERELA, "RATE_LIMIT_PUBLIC_EMAIL": (2, 3600)}
    for _ in range(2):
        assert _post(client, "AAA", meter_serial="AAA-METER-1").status_code == 302
    refused = _post(client, "AAA", meter_serial="AAA-METER-1")
    assert refused.status_code == 429 and "Kétszer számlázták" in refused.content.decode()
    settings.QUERELA = {**settings.QUERELA, "RATE_LIMIT_PUBLIC_FORM": (3, 3600)}
    assert _post(client, "AAA", meter_serial="AAA-METER-1", email="other@x.example").status_code == 429
    assert len(_complaints(world.a)) == 2


def test_a_tracking_link_shows_only_public_messages_and_nothing_when_altered_or_expired(world, client, settings):
    _post(client, "AAA", meter_serial="AAA-METER-1")
    [c] = _complaints(world.a)
    from querela.complaints.services import complaint_add_note

    with tenancy.tenant_scope(world.a.tenant):
        complaint_add_note(actor=world.a.actor("handler"), complaint_id=c.pk, text="Belső: ügyfél ismert panaszos")
    token = tracking_token("AAA", c.pk)
    page = client.get(f"/p/AAA/track/{token}/").content.decode()
    assert c.reference in page and "Belső" not in page and "aaa-handler" not in page
    assert client.get(f"/p/AAA/track/{token[:-2]}xx/").status_code == 404
    assert client.get(f"/p/BBB/track/{token}/").status_code == 404  # another supplier's site
    settings.QUERELA = {**settings.QUERELA, "TRACKING_DAYS": -1}
    expired = client.get(f"/p/AAA/track/{token}/")
    assert expired.status_code == 404 and c.reference not in expired.content.decode()


def test_the_receipt_is_a_pdf_with_the_number_and_due_date(world, client):
    from pypdf import PdfReader

    _post(client, "AAA", meter_serial="AAA-METER-1")
    [c] = _complaints(world.a)
    response = client.get(f"/p/AAA/track/{tracking_token('AAA', c.pk)}/receipt.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    assert c.reference in text and "Kétszer számlázták" in text


@pytest.fixture
def vendor(db):
    from querela.tenants.models import Tenant

    return Tenant.objects.create(
        name="Słoneczny Falownik",
        code="INX",
        country="PL",
        sector="product_service",
        default_language="pl",
        time_zone="Europe/Warsaw",
        mailbox="inx@complaints.querela.test",
        deadline_policy="pl-inverter-vendor",
    )


def test_a_vendor_takes_product_complaints_as_fields_and_asks_in_its_own_words(world, vendor, client):
    home = client.get("/p/INX/").content.decode()
    assert "/p/INX/matter/product_complaint/" in home and "/matter/outage/" not in home
    form = client.get("/p/INX/complaint/?matter=product_complaint").content.decode()
    assert 'name="product_model"' in form and 'name="place_address"' not in form
    base = {
        "matter": "product_complaint",
        "name": "Jan Kowalski",
        "email": "jan@example.pl",
        "reply_channel": "email",
        "subject": "Falownik się wyłącza",
        "description": "Od tygodnia falownik wyłącza się w południe.",
    }
    refused = client.post("/p/INX/complaint/", base)
    assert refused.status_code == 400
    assert 'href="#id_product_model"' in refused.content.decode()
    sent = client.post(
        "/p/INX/complaint/",
        {**base, "product_model": "SF-5000", "meter_serial": "SN123", "proposed_solution": "Wymiana urządzenia"},
    )
    assert sent.status_code == 302
    with tenancy.tenant_scope(vendor):
        c = Complaint.objects.get()
    assert (c.product_model, c.serial_number, c.proposed_solution) == ("SF-5000", "SN123", "Wymiana urządzenia")
    assert c.category == "product" and "Od tygodnia" in c.description and "SF-5000" not in c.description
    # Where a vendor must ask (mail without the details), it asks in a vendor's words, in Polish.
    from django.utils import translation

    from querela.complaints.sector_texts import identification_request

    with translation.override("pl"):
        ask = identification_request(vendor)
    assert "numer seryjny" in ask and "rachunku" not in ask
    assert c.language == "pl"


def test_handlers_and_the_api_read_the_given_fields(world, client):
    _post(client, "AAA", meter_serial="AAA-METER-1", earlier_contacts="Telefonon 2026-11-02, nem segítettek.")
    [c] = _complaints(world.a)
    handler = Client()
    handler.force_login(world.a.users["handler"])
    page = handler.get(f"/t/AAA/complaints/{c.reference}/").content.decode()
    assert "Telefonon 2026-11-02" in page and "AAA1000001" in page
    from querela.tenants.tokens import api_token_issue

    with tenancy.tenant_scope(world.a.tenant):
        key = api_token_issue(actor=world.a.actor("handler"))
    data = handler.get(f"/api/v1/t/AAA/complaints/{c.reference}/", HTTP_AUTHORIZATION=f"Token {key}").json()
    assert data["given"]["earlier_contacts"] == "Telefonon 2026-11-02, nem segítettek."
    assert data["given"]["serial_number"] == "AAA-METER-1"


def test_the_tenant_admin_rewords_reroutes_and_configures_the_form(world, client):
    admin = Client()
    admin.force_login(world.a.users["tenant_admin"])
    assert admin.get("/t/AAA/admin/public-site/").status_code == 200
    saved = admin.post(
        "/t/AAA/admin/public-site/matters/outage/",
        {
            "outage-title": "Nincs áram?",
            "outage-route": "fault_line",
            "outage-position": "1",
            "outage-is_active": "on",
        },
    )
    assert saved.status_code == 302
    home = client.get("/p/AAA/").content.decode()
    assert "Nincs áram?" in home
    admin.post(
        "/t/AAA/admin/public-site/contacts/",
        {
            "fault_phone": "+36 80 111 222",
            "service_email": "ugyfel@aaa.example",
            "field_meter_serial": "required",
            "field_name": "hidden",
        },
    )
    assert "+36 80 111 222" in client.get("/p/AAA/matter/outage/").content.decode()
    refused = _post(client, "AAA")  # the meter serial is now required; the name can't be hidden
    assert refused.status_code == 400 and 'href="#id_meter_serial"' in refused.content.decode()
    assert 'name="name"' in refused.content.decode()
    # A hidden matter is gone from the public site.
    admin.post(
        "/t/AAA/admin/public-site/matters/street_light/",
        {"street_light-route": "fault_line", "street_light-position": "5"},
    )
    assert "/matter/street_light/" not in client.get("/p/AAA/").content.decode()
    assert client.get("/p/AAA/matter/street_light/").status_code == 404
    # Consumers and handlers can't change it.
    handler = Client()
    handler.force_login(world.a.users["handler"])
    assert handler.get("/t/AAA/admin/public-site/").status_code == 403


def test_files_of_a_form_never_sent_are_purged_after_a_day(world, client, settings, tmp_path):
    import os
    import time

    from django.core.files.storage import default_storage

    from querela.portal.pending_uploads import purge

    settings.MEDIA_ROOT = str(tmp_path)  # this test's own files only
    doc = io.BytesIO(PDF)
    doc.name = "elhagyott.pdf"
    _post(client, "AAA", subject="", documents=doc)  # refused: the file is kept for the retry
    [name] = default_storage.listdir("pending")[1]
    assert purge() == 0  # still fresh
    old = time.time() - 2 * 86400
    os.utime(default_storage.path(f"pending/{name}"), (old, old))
    assert purge() == 1 and default_storage.listdir("pending")[1] == []


def test_a_vendors_buyer_not_on_file_is_identified_by_the_device_and_the_deadline_starts(world, vendor, client):
    sent = client.post(
        "/p/INX/complaint/",
        {
            "matter": "product_complaint",
            "name": "Jan Kowalski",
            "email": "jan@example.pl",
            "reply_channel": "post",
            "mailing_address": "ul. Słoneczna 5, 00-001 Warszawa",
            "customer_number": "FV/2026/11/0042",
            "product_model": "SF-5000",
            "meter_serial": "SN123",
            "proposed_solution": "Wymiana",
            "subject": "Falownik się wyłącza",
            "description": "Od tygodnia falownik wyłącza się w południe.",
        },
    )
    assert sent.status_code == 302
    with tenancy.tenant_scope(vendor):
        c = Complaint.objects.get()
        ack = c.timeline.get(entry_type=EntryType.OUTBOUND)
    assert c.status == "registered" and c.answer_due is not None and c.customer_id is None
    assert "numer seryjny" not in ack.body  # nothing asked again
    page = client.get(sent["Location"]).content.decode()
    assert c.reference in page


def test_an_unmatched_customer_id_is_named_in_the_request_without_saying_why(world, client):
    for number in ("AAA1000001", "NO-SUCH-ID"):  # exists (wrong proof) / does not exist
        _post(client, "AAA", customer_number=number, name="X Y", email=f"{number}@example.hu")
    with tenancy.tenant_scope(world.a.tenant):
        asks = [
            re.sub(r"https?://\S+", "URL", c.timeline.get(entry_type=EntryType.OUTBOUND).body).replace(
                c.given_customer_number, "N"
            )
            for c in Complaint.objects.order_by("pk")
        ]
    assert asks[0] == asks[1] and "did not let us identify you" in asks[0]


def test_a_mistyped_public_address_reads_in_the_sites_language(world, client):
    world.a.tenant.default_language = "hu"
    world.a.tenant.save()
    page = client.get("/p/AAA/nincs-ilyen/")
    assert page.status_code == 404 and '<html lang="hu">' in page.content.decode()

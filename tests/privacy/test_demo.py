"""The demo (`make run`): KVK's administrator opens the data-protection pages; the dry run lists the two
cases closed six years ago; the confirmed purge anonymises them; an export of a demo customer is built."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.test import Client

from querela.complaints.models import Complaint
from querela.core import tenancy
from querela.customers.models import Customer
from querela.demo import data
from querela.demo.seed import seed_demo
from querela.privacy.erase import ERASED
from querela.tenants.models import Tenant

pytestmark = pytest.mark.django_db


def test_the_demo_administrator_exports_and_purges_in_the_browser(django_capture_on_commit_callbacks):
    assert seed_demo(progress=False)
    assert not seed_demo(progress=False)  # the old cases are not added twice
    client = Client()
    assert client.login(username="kvk.tenant_admin", password=data.DEMO_PASSWORD)
    home = client.get("/t/KVK/privacy/")
    assert home.status_code == 200 and "/t/KVK/privacy/retention/" in home.content.decode()

    client.post("/t/KVK/privacy/retention/dry-run/")
    dry = client.get("/t/KVK/privacy/retention/").context["runs"].last_dry
    assert dry.report["complaint_record"]["due"] == 2
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/t/KVK/privacy/retention/purge/", {"plan": dry.pk})
    real = client.get("/t/KVK/privacy/retention/").context["runs"].last_real
    assert real.report["complaint_record"]["done"] == 2

    with tenancy.tenant_scope(Tenant.objects.get(code="KVK")):
        assert Complaint.objects.filter(subject=ERASED, customer=None).count() == 2
        customer = Customer.objects.order_by("pk")[2]  # one of the two: her recent complaints stay hers
        assert customer.complaints.exists() and not customer.complaints.filter(subject=ERASED).exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/t/KVK/privacy/exports/", {"customer": customer.customer_number})
    page = client.get(response["Location"])
    export = page.context["export"]
    download = client.get(f"/t/KVK/privacy/exports/{export.pk}/download/")
    archive = zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content)))
    assert customer.name in archive.read("customer_record.json").decode()
    assert 'lang="hu"' in archive.read("index.html").decode()  # the supplier's language

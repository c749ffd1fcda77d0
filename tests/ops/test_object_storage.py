"""Files in S3-compatible object storage (issue 15): raw mail, attachments and letters go to the bucket when
`QUERELA_S3_BUCKET` is set, so any web process or worker on any machine reads what another wrote. Tested
against a real S3-compatible server on loopback (moto's server mode, from PyPI)."""

from __future__ import annotations

import io
import os
import shutil
import socket
import subprocess
import sys
import time
from email.message import EmailMessage

import pytest
from django.conf import settings
from django.test import Client, override_settings

from querela.complaints.models import Attachment, Complaint
from querela.complaints.services import Upload, complaint_register
from querela.core import tenancy
from querela.intake.inbound import inbound_store
from querela.intake.registration import inbound_process
from tests.factories import PASSWORD, skip_or_fail

BUCKET = "querela-files"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def s3_server():
    server = shutil.which("moto_server", path=os.path.dirname(sys.executable))
    if server is None:
        skip_or_fail("moto's S3 server not installed: pip install 'moto[server]' (make test installs the dev extras)")
    port = _free_port()
    proc = subprocess.Popen(
        [server, "-H", "127.0.0.1", "-p", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    deadline = time.monotonic() + 30
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            assert time.monotonic() < deadline and proc.poll() is None, "moto_server did not start"
            time.sleep(0.2)
    endpoint = f"http://127.0.0.1:{port}"
    import boto3

    s3 = boto3.client(
        "s3", endpoint_url=endpoint, aws_access_key_id="key", aws_secret_access_key="secret", region_name="eu-central-1"
    )
    s3.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "eu-central-1"})
    yield endpoint, s3
    proc.terminate()
    proc.wait(10)


@pytest.fixture
def in_bucket(s3_server):
    endpoint, s3 = s3_server
    storages = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": BUCKET,
                "endpoint_url": endpoint,
                "access_key": "key",
                "secret_key": "secret",
                "region_name": "eu-central-1",
                "default_acl": "private",
                "querystring_auth": True,
                "file_overwrite": False,
            },
        },
    }
    with override_settings(STORAGES=storages):
        yield s3


def _keys(s3) -> set[str]:
    return {o["Key"] for o in s3.list_objects_v2(Bucket=BUCKET).get("Contents", [])}


@pytest.mark.django_db
def test_an_uploaded_file_is_kept_in_the_bucket_and_served_from_it(in_bucket, world):
    w = world.a
    with tenancy.tenant_scope(w.tenant):
        c = complaint_register(
            actor=w.actor("agent"),
            channel="post",
            subject="Levél a számláról",
            description="Mellékelem a számlát.",
            customer=w.customer,
            uploads=[Upload("szamla.pdf", io.BytesIO(b"%PDF-1.4 the bill\n%%EOF\n"), 24)],
        )
        attachment = Attachment.objects.get(complaint=c)
    assert attachment.file.name in _keys(in_bucket)
    body = in_bucket.get_object(Bucket=BUCKET, Key=attachment.file.name)["Body"].read()
    assert body == b"%PDF-1.4 the bill\n%%EOF\n"
    handler = Client()
    assert handler.login(username="aaa-handler", password=PASSWORD)
    response = handler.get(f"/t/AAA/complaints/{c.reference}/files/{attachment.pk}/")
    assert response.status_code == 200 and b"".join(response.streaming_content) == body


@pytest.mark.django_db
def test_a_raw_mail_is_stored_in_the_bucket_before_it_is_processed(in_bucket, world):
    w = world.a
    msg = EmailMessage()
    msg["From"] = w.customer.email
    msg["To"] = w.tenant.mailbox
    msg["Subject"] = "Hibás számla"
    msg["Message-ID"] = "<s3-raw-1@example.hu>"
    msg.set_content(f"Ügyfélazonosító: {w.customer.customer_number}. A számla hibás.")
    with tenancy.tenant_scope(w.tenant):
        stored = inbound_store(raw=msg.as_bytes(), tenant=w.tenant, source="smtp", mail_from=w.customer.email)
        assert stored.raw.name in _keys(in_bucket)  # the mail is in the bucket before anything reads it
        inbound_process(inbound_id=stored.pk)
        complaint = Complaint.objects.get(subject="Hibás számla")
    assert complaint.customer_id == w.customer.pk

"""The platform operator adds a supplier from the platform page: its mailbox, its country's calendar and
deadline policy, and its first administrator, who chooses a password from the invitation and signs in to
their supplier. All in one transaction, audited; only the operator may; bad input says what is wrong."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client

from querela.audit.models import AuditEvent
from querela.core import tenancy
from querela.core.errors import PermissionDenied, ValidationFailed
from querela.intake.models import ImapMailbox
from querela.remedies.models import RemedyBody
from querela.tenants import onboarding
from querela.tenants.models import Membership, Tenant
from querela.tenants.onboarding import tenant_onboard
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

URL = "/platform/suppliers/new/"
NEW_PASSWORD = "Lila-kerekes-bicikli-42"


def _operator() -> Client:
    c = Client()
    assert c.login(username="platform", password=PASSWORD)
    return c


def _form(**over) -> dict:
    return {
        "code": "GAZ",
        "name": "Gazownia Przykładowa",
        "country": "PL",
        "sector": "gas",
        "default_language": "",
        "time_zone": "",
        "deadline_policy": "",
        "mailbox": "",
        "imap_host": "imap.gazownia.example",
        "imap_port": "993",
        "imap_use_ssl": "on",
        "imap_username": "reklamacje@gazownia.example",
        "imap_password": "imap-secret",
        "imap_folder": "INBOX",
        "admin_name": "Anna Nowak",
        "admin_email": "Anna.Nowak@gazownia.example",
        **over,
    }


def _confirm(client: Client, data: dict) -> str:
    """Post the form, then confirm what the check page shows; returns the check page."""
    check = client.post(URL, data)
    assert check.status_code == 200, check.content.decode()
    page = check.content.decode()
    assert "Create this supplier?" in page
    return page


def test_the_operator_creates_a_supplier_whose_administrator_sets_a_password_and_signs_in(
    world, django_capture_on_commit_callbacks
):
    operator = _operator()
    assert operator.get(URL).status_code == 200
    page = _confirm(operator, _form())
    # The country filled in what was left empty, and the confirmation says so.
    for shown in (
        "Europe/Warsaw",
        "pl-consumer",
        "gaz@complaints.querela.test",
        "reklamacje@gazownia.example on imap.gazownia.example:993",
    ):
        assert shown in page, shown
    assert "from the country" in page
    assert not Tenant.objects.filter(code="GAZ").exists()  # nothing yet: the check writes nothing
    with django_capture_on_commit_callbacks(execute=True):
        done = operator.post(URL, {**_form(), "confirmed": "yes"})
    assert done.status_code == 302 and done["Location"] == "/platform/"
    tenant = Tenant.objects.get(code="GAZ")
    assert (tenant.default_language, tenant.time_zone, tenant.deadline_policy) == ("pl", "Europe/Warsaw", "pl-consumer")
    assert tenant.mailbox == "gaz@complaints.querela.test" and tenant.country == "PL"
    admin = get_user_model().objects.get(username="anna.nowak@gazownia.example")
    assert not admin.has_usable_password() and (admin.first_name, admin.last_name) == ("Anna", "Nowak")
    with tenancy.tenant_scope(tenant):
        assert Membership.objects.get(user=admin).role == "tenant_admin"
        box = ImapMailbox.objects.get()
        assert (box.host, box.username, box.secret, box.port) == (
            "imap.gazownia.example",
            "reklamacje@gazownia.example",
            "imap-secret",
            993,
        )
        assert RemedyBody.objects.exists()  # the country's remedy bodies came with it
        actions = set(AuditEvent.objects.values_list("action", flat=True))
        onboard = AuditEvent.objects.get(action="tenant.onboard")
    assert {"tenant.create", "membership.set", "tenant.onboard"} <= actions
    assert onboard.changes["administrator"] == admin.username
    assert onboard.changes["polled_mailbox"] == "reklamacje@gazownia.example@imap.gazownia.example/INBOX"
    assert "imap-secret" not in str(onboard.changes)
    assert "Supplier GAZ created" in operator.get("/platform/").content.decode()

    (invitation,) = [m for m in mail.outbox if admin.email in m.to]
    assert "Gazownia Przykładowa" in invitation.subject and admin.username in invitation.body
    link = re.search(r"https?://[^/\s]+(/welcome/[^\s]+/)", invitation.body).group(1)
    visitor = Client()
    assert visitor.get(link).status_code == 200
    differ = visitor.post(link, {"password": NEW_PASSWORD, "password_again": NEW_PASSWORD + "x"})
    assert differ.status_code == 400 and "The two passwords differ." in differ.content.decode()
    weak = visitor.post(link, {"password": "12345678", "password_again": "12345678"})
    assert weak.status_code == 400
    chosen = visitor.post(link, {"password": NEW_PASSWORD, "password_again": NEW_PASSWORD})
    assert chosen.status_code == 302 and chosen["Location"] == "/login/"
    assert visitor.get(link).status_code == 404  # spent
    with tenancy.tenant_scope(tenant):
        assert AuditEvent.objects.filter(action="account.password_set", actor_id=admin.pk).exists()

    signed_in = visitor.post("/login/", {"username": admin.username, "password": NEW_PASSWORD}, follow=True)
    page = signed_in.content.decode()
    assert signed_in.redirect_chain[-1][0].startswith("/t/GAZ/")  # their supplier's administration
    assert "Administration" in page and "Gazownia Przykładowa" in page
    assert visitor.get("/t/AAA/").status_code == 404  # their supplier only


def test_only_the_platform_operator_may(world):
    for role in ("tenant_admin", "supervisor", "consumer"):
        client = Client()
        client.force_login(world.a.users[role])
        assert client.get(URL).status_code == 403, role
        assert client.post(URL, {**_form(), "confirmed": "yes"}).status_code == 403, role
    anonymous = Client().get(URL)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/login/")
    with pytest.raises(PermissionDenied):
        tenant_onboard(actor=world.a.actor("tenant_admin"), **_service_values())
    assert not Tenant.objects.filter(code="GAZ").exists()
    page = Client()
    page.force_login(world.a.users["tenant_admin"])
    assert "Add a supplier" not in page.get("/t/AAA/").content.decode()


def _service_values(**over) -> dict:
    return {
        "code": "GAZ",
        "name": "Gazownia",
        "country": "PL",
        "sector": "gas",
        "admin_name": "Anna Nowak",
        "admin_email": "anna@gazownia.example",
        **over,
    }


@pytest.mark.parametrize(
    ("over", "field", "says"),
    [
        ({"code": "AAA"}, "code", "A supplier with the code AAA exists already."),
        ({"code": "G1"}, "code", "2 to 5 capital letters"),
        ({"mailbox": "AAA@complaints.querela.test"}, "mailbox", "belongs to another supplier already"),
        ({"mailbox": "reklamacje@gazownia.example"}, "mailbox", "must be an address at complaints.querela.test"),
        ({"imap_password": ""}, "imap_password", "Needed to read the existing mailbox"),
        ({"imap_host": "https://imap.example/"}, "imap_host", "is not a host name"),
        ({"admin_email": "aaa-agent@example.test"}, "admin_email", "exists already"),
        ({"deadline_policy": "hu-utility"}, "deadline_policy", "counts the days of another country"),
    ],
)
def test_bad_input_is_refused_under_its_field(world, over, field, says):
    response = _operator().post(URL, _form(**over))
    assert response.status_code == 400
    page = response.content.decode()
    assert says in page, page
    form = response.context["form"]
    assert any(says in e for e in form.errors.get(field, [])), form.errors
    assert not Tenant.objects.filter(name="Gazownia Przykładowa").exists()


def test_a_code_taken_between_the_check_and_the_confirmation_is_refused(world):
    operator = _operator()
    _confirm(operator, _form())
    Tenant.objects.create(
        code="GAZ",
        name="Other",
        country="PL",
        sector="gas",
        default_language="pl",
        time_zone="Europe/Warsaw",
        mailbox="other@complaints.querela.test",
        deadline_policy="pl-consumer",
    )
    refused = operator.post(URL, {**_form(), "confirmed": "yes"})
    assert refused.status_code == 400 and "exists already" in refused.content.decode()
    assert not get_user_model().objects.filter(username="anna.nowak@gazownia.example").exists()


def test_it_is_all_or_nothing(world, monkeypatch):
    """A step failing at the end (here: the invitation) leaves no supplier, account or mailbox behind."""

    def broken(tenant, user):
        raise ValidationFailed("mail server refused")

    monkeypatch.setitem(onboarding._HOOKS, "invite", broken)
    operator = world.a.actor("platform_operator")
    with pytest.raises(ValidationFailed):
        tenant_onboard(
            actor=operator, **_service_values(imap={"host": "imap.x.example", "username": "u", "password": "p"})
        )
    assert not Tenant.objects.filter(code="GAZ").exists()
    assert not get_user_model().objects.filter(username="anna@gazownia.example").exists()
    with tenancy.dangerously_all_tenants():
        assert not ImapMailbox.objects.filter(host="imap.x.example").exists()


def test_the_country_and_sector_choose_the_policy_calendar_and_language(world):
    operator = world.a.actor("platform_operator")
    created = tenant_onboard(
        actor=operator,
        **_service_values(code="KOV", name="Kovács Víz", country="HU", sector="water", admin_email="v@kov.example"),
    )
    t = created.tenant
    assert (t.default_language, t.time_zone, t.deadline_policy, t.mailbox) == (
        "hu",
        "Europe/Budapest",
        "hu-utility",
        "kov@complaints.querela.test",
    )
    with tenancy.tenant_scope(t):
        assert not ImapMailbox.objects.exists()  # none asked for

"""Every route of the URL conf and every operation of the OpenAPI schema, asked by every role (issue 16).

Who may use a route is read from the view wherever the view says it: `tenant_page(*actions)` and
`platform_page` record `required_permissions` (none: any role in the tenant), `public_page` records
`is_public_page`, and an API view names a permission per method in `permissions_by_method`. Routes whose
rule the view can't carry (health checks, sign-in, the API's own schema, …) are in EXCEPTIONS below.
A route or API operation with neither fails `test_every_route_is_classified`, naming it.

Each route is then requested, with every id in its URL naming a real row of tenant A, as each role:
anonymous, each role of tenant A, the platform operator and tenant B's supervisor. Pages are asked with
GET; POST-only views (GET answers 405, which a tenant page turns into a redirect to its form's page), API
writes, and every role the rule refuses POST a body no form accepts. A role the rule allows must not be
refused (401, 403, or sent to sign in); any other role must be refused before its body is read (403, 404,
405, or sent to sign in), never answered with the form's errors.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.http.response import HttpResponseBase
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.resolvers import RegexPattern
from drf_spectacular.views import SpectacularAPIView

from querela.accounts.tokens import make_link_parts
from querela.api.base import TenantAPIView
from querela.appointments.links import manage_token
from querela.appointments.models import Appointment
from querela.complaints.models import Complaint
from querela.complaints.services import Upload, complaint_attach
from querela.core import tenancy
from querela.customers.services import representative_add
from querela.portal.models import Matter
from querela.portal.tracking import tracking_token
from querela.postroom.wall import WallMessage, wall_post, wall_token
from querela.printing.models import PrintBatch
from querela.printing.services import batch_close
from querela.privacy.export import subject_export_build
from querela.privacy.models import SubjectExport
from querela.tenants.models import Membership, PlatformOperator
from querela.tenants.permissions import PERMISSIONS
from tests.factories import PASSWORD, TenantWorld, World, make_tenant_world
from tests.postroom.files import pdf_scan
from tests.security.test_tenant_isolation import _fill, _populate

pytestmark = pytest.mark.django_db

TENANT_ROLES = ["consumer", "agent", "clerk", "handler", "supervisor", "tenant_admin"]
# "stranger": tenant B's supervisor, signed in but with no role in tenant A.
ROLES = ["anonymous", *TENANT_ROLES, "platform_operator", "stranger"]
GARBAGE = {"garbage": "x"}


@dataclass(frozen=True)
class Access:
    """Who may use a route: `kind` is public, health, signed_in, member (any role in the URL's tenant,
    the platform operator included) or permission (the roles every one of those table rows allows)."""

    kind: str
    permissions: tuple[str, ...] = ()

    def allows(self, role: str) -> bool:
        if self.kind == "nobody":
            return False
        if self.kind in ("public", "health"):
            return True
        if self.kind == "signed_in":
            return role != "anonymous"
        if self.kind == "member":
            return role in (*TENANT_ROLES, "platform_operator")
        return all(role in PERMISSIONS[p][1] for p in self.permissions)

    def __str__(self) -> str:
        return " and ".join(self.permissions) or self.kind


PUBLIC, HEALTH, SIGNED_IN, MEMBER = Access("public"), Access("health"), Access("signed_in"), Access("member")
NOBODY = Access("nobody")  # a catch-all that answers "not found" to everyone


def needs(*permissions: str) -> Access:
    unknown = [p for p in permissions if p not in PERMISSIONS]
    assert permissions and not unknown, f"{unknown} not in the permission table"
    return Access("permission", permissions)


# Routes whose rule the view does not record, by URL name; a dict when one method differs from the view's.
EXCEPTIONS: dict[str, Access | dict[str, Access]] = {
    "healthz": HEALTH,
    "readyz": HEALTH,
    "api:schema": PUBLIC,  # the API's description, as published
    "api:docs": PUBLIC,
    "set_language": PUBLIC,
    "web:home": PUBLIC,  # sends each person where their role works, a visitor to the login
    "web:login": PUBLIC,
    "web:logout": PUBLIC,
    "web:staff_welcome": PUBLIC,  # the invitation's signed token is the key
    "web:password_reset": PUBLIC,  # staff who forgot their password ask for a link
    "web:password_reset_confirm": PUBLIC,  # the mailed link's signed token is the key
    "web:login_unlock": PUBLIC,
    # Two-step sign-in (issue 16): the half-signed-in session is the key; without one, back to the login.
    "web:mfa_verify": PUBLIC,
    "web:mfa_setup": PUBLIC,
    # A security key's options: for whoever gave their password (half-signed-in or signed in); nobody else.
    "web:mfa_key_sign_in": SIGNED_IN,
    "web:mfa_key_register": SIGNED_IN,
    "web:mfa_settings": SIGNED_IN,
    "api:querela.api.base.not_found": NOBODY,  # whatever else under /api/v1/ names no operation: a JSON 404
    # The page is for readers of the org chart; saving the job is the administrator's (checked first).
    "web:orgchart_job": {"POST": needs("orgchart.manage")},
}


@dataclass(frozen=True)
class Route:
    name: str  # "web:complaint_detail", "api:complaint"
    pattern: str  # "t/<str:tenant>/complaints/<str:reference>/"
    view: Callable[..., Any] = field(compare=False, repr=False)
    is_regex: bool = False  # re_path(): no placeholders to fill, an example address instead

    @property
    def is_api(self) -> bool:
        return self.name.startswith("api:")

    @property
    def schema_path(self) -> str:
        """The path as the OpenAPI schema writes it: /api/v1/t/{tenant}/complaints/."""
        return "/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", self.pattern)


@dataclass(frozen=True)
class Endpoint:
    """A page (every method it answers) or one API operation (path and method)."""

    route: Route
    method: str = ""  # "" for a page

    def __str__(self) -> str:
        return f"{self.route.name} {self.method}".strip()


def _walk(resolver: URLResolver, prefix: str = "", namespace: str = "") -> Iterator[Route]:
    for p in resolver.url_patterns:
        if isinstance(p, URLResolver):
            inner = ":".join(n for n in (namespace, p.namespace) if n)
            yield from _walk(p, prefix + str(p.pattern), inner)
        elif isinstance(p, URLPattern):
            # An unnamed route is known by its view's dotted path.
            own = p.name or f"{p.callback.__module__}.{p.callback.__qualname__}"
            name = f"{namespace}:{own}" if namespace else own
            yield Route(name, prefix + str(p.pattern), p.callback, isinstance(p.pattern, RegexPattern))


def _schema_operations() -> dict[str, list[str]]:
    """The OpenAPI schema, generated in-process as `/api/v1/schema/` serves it: path -> methods."""
    view = SpectacularAPIView
    generator = view.generator_class(urlconf=view.urlconf, api_version=None, patterns=view.patterns)
    schema = generator.get_schema(request=None, public=view.serve_public)
    return {path: [m.upper() for m in ops] for path, ops in schema["paths"].items()}


ROUTES = list(_walk(get_resolver()))
SCHEMA = _schema_operations()


def _endpoints() -> list[Endpoint]:
    out = []
    for route in ROUTES:
        methods = SCHEMA.get(route.schema_path) if route.is_api else None
        out += [Endpoint(route, m) for m in methods] if methods else [Endpoint(route)]
    return out


ENDPOINTS = _endpoints()


def access_of(route: Route, method: str) -> Access | None:
    """The rule for one method of a route: EXCEPTIONS first, then what the view records."""
    declared = EXCEPTIONS.get(route.name)
    if isinstance(declared, dict):
        declared = declared.get(method)
    if declared is not None:
        return declared
    view_class = getattr(route.view, "cls", None)
    if isinstance(view_class, type) and issubclass(view_class, TenantAPIView):
        permission = view_class.permissions_by_method.get(method)
        return needs(permission) if permission else None
    if getattr(route.view, "is_public_page", False):
        return PUBLIC
    if hasattr(route.view, "required_permissions"):
        permissions = route.view.required_permissions
        return needs(*permissions) if permissions else MEMBER
    return None


def _unclassified(endpoint: Endpoint) -> str:
    view = endpoint.route.view
    where = f"{getattr(view, '__module__', '?')}.{getattr(view, '__qualname__', '?')}"
    return (
        f"{endpoint} (/{endpoint.route.pattern}, {where}) says nobody's rule: wrap the view in "
        "tenant_page(<permissions>), platform_page or public_page (querela/web/decorators.py), name the method "
        "in the API view's permissions_by_method, or add the route to EXCEPTIONS in "
        "tests/security/test_endpoint_coverage.py (docs/architecture.md, Permissions)"
    )


def test_every_route_is_classified():
    missing = [
        _unclassified(e)
        for e in ENDPOINTS
        if any(access_of(e.route, m) is None for m in ([e.method] if e.method else ["GET", "POST"]))
    ]
    assert not missing, "\n".join(missing)
    names = {r.name for r in ROUTES}
    assert len(names) == len(ROUTES), "two routes share a URL name: the table can't tell them apart"
    assert not set(EXCEPTIONS) - names, f"EXCEPTIONS names routes that are gone: {set(EXCEPTIONS) - names}"


def test_the_schema_and_the_url_conf_list_the_same_api():
    """Every API route is in the schema (so its methods are walked), and the schema invents none."""
    api = {r.schema_path: r for r in ROUTES if r.is_api and r.name not in EXCEPTIONS}
    assert set(api) == set(SCHEMA), (set(api) ^ set(SCHEMA), "add the view to the schema or to EXCEPTIONS")
    assert sum(len(m) for m in SCHEMA.values()) >= 20


# The seeded world: tenant A with a row of every kind, a session per role; built once for the module and
# rolled back at its end (each test's own changes roll back to it).


@dataclass
class Seeded:
    world: World
    urls: dict[str, str]
    sessions: dict[str, str]

    def client(self, role: str) -> Client:
        c = Client()
        if role != "anonymous":
            c.cookies[settings.SESSION_COOKIE_NAME] = self.sessions[role]
        return c


# The one-time links sent by mail, by route: which kind of link, for whom.
_MAILED_LINKS = {
    "web:account_verify": ("verify", "consumer"),
    "web:account_link_login": ("sign_in", "consumer"),
    "web:account_reset_confirm": ("reset", "consumer"),
    "web:account_unlock": ("unlock", "consumer"),
    "web:staff_welcome": ("invite", "invited"),
    "web:password_reset_confirm": ("staff_reset", "agent"),
    "web:login_unlock": ("staff_unlock", "agent"),
}
# Routes written as regular expressions: an address each matches.
_REGEX_EXAMPLES = {"api:querela.api.base.not_found": "api/v1/no-such-operation/"}


def _public_fill(route: Route, complaint: Complaint, users: dict[str, Any]) -> str:
    """The public side's placeholders: the supplier's code, a matter, and links that really work."""
    if route.name in _REGEX_EXAMPLES:
        return _REGEX_EXAMPLES[route.name]
    assert not route.is_regex, f"{route.name}: add an address it matches to _REGEX_EXAMPLES"
    code = complaint.tenant.code
    with tenancy.tenant_scope(complaint.tenant):
        matter = Matter.objects.filter(is_active=True).order_by("pk").first()
        appointment = Appointment.objects.order_by("pk").first()
    assert matter is not None and appointment is not None
    uid, token = (
        "",
        {
            "web:public_track": tracking_token(code, complaint.pk),
            "web:public_receipt": tracking_token(code, complaint.pk),
            "web:appointment_manage": manage_token(code, appointment.pk),
            "web:appointment_ics": manage_token(code, appointment.pk),
            "web:public_wall_thread": wall_token(code, complaint.pk),
        }.get(route.name, ""),
    )
    if route.name in _MAILED_LINKS:
        kind, whose = _MAILED_LINKS[route.name]
        uid, token = make_link_parts(kind, users[whose])
    return (
        route.pattern.replace("<str:code>", code)
        .replace("<slug:matter>", matter.code)
        .replace("<str:uidb64>", uid)
        .replace("<str:token>", token)
    )


def _rows_that_answer(w: TenantWorld, complaint: Complaint) -> dict[str, str]:
    """Routes whose row, as the isolation test picks it, is not found on purpose (an e-mail is no letter,
    a text file has no picture, a batch or an export not made yet): a row each that the route serves."""
    code = w.tenant.code
    with tenancy.tenant_scope(w.tenant):
        letter = complaint.timeline.get(entry_type="outbound", channel="post")
        scan = pdf_scan(1)
        upload = Upload("scan.pdf", io.BytesIO(scan), len(scan))
        pictured = complaint_attach(actor=w.actor("handler"), complaint_id=complaint.pk, upload=upload)
        rep = representative_add(
            actor=w.actor("clerk"),
            customer=w.customer,
            name="Proxy with papers",
            power_of_attorney=("poa.pdf", io.BytesIO(scan), len(scan)),
        )
        batch_close(actor=w.actor("handler"), batch_id=PrintBatch.objects.get(closed_at__isnull=True).pk)
        for export in SubjectExport.objects.all():  # the job builds it once the request commits
            subject_export_build(export.pk)
        message = WallMessage(name="Wall Writer", email="wall@example.test", message="On the wall", language="en")
        on_the_wall = wall_post(message=message)
    ref = complaint.reference
    return {
        "web:letter_download": reverse("web:letter_download", args=[code, ref, letter.pk]),
        "web:attachment_preview": reverse("web:attachment_preview", args=[code, ref, pictured.pk]),
        "web:representative_poa": reverse("web:representative_poa", args=[code, w.customer.pk, rep.pk]),
        "web:public_wall_thread": reverse("web:public_wall_thread", args=[code, wall_token(code, on_the_wall.pk)]),
    }


def _session(user: Any) -> str:
    c = Client()
    c.force_login(user)
    return c.cookies[settings.SESSION_COOKIE_NAME].value


@pytest.fixture(scope="module")
def seeded(django_db_setup: None, django_db_blocker: Any) -> Iterator[Seeded]:
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer._from_testcase = True  # type: ignore[attr-defined]  # as a TestCase's: durable blocks nest in it
        with outer:
            users = get_user_model().objects
            PlatformOperator.objects.create(user=users.create_user("platform", "", PASSWORD))
            world = World(make_tenant_world("AAA"), make_tenant_world("BBB", country="RO", policy="ro-energy"))
            complaint = _populate(world.a)
            invited = users.create_user("aaa-invited", "invited@example.test")  # no usable password yet
            with tenancy.tenant_scope(world.a.tenant):
                attachment = complaint.attachments.get().pk
                Membership.objects.create(user=invited, role="tenant_admin")
            # Signed in before the mailed links are made: signing in spends them.
            sessions = {role: _session(world.a.users[role]) for role in TENANT_ROLES}
            sessions["platform_operator"] = _session(users.get(username="platform"))
            sessions["stranger"] = _session(world.b.users["supervisor"])
            link_users = {**world.a.users, "invited": invited}
            w_customer = world.a.customer.pk
            urls: dict[str, str] = {}
            for r in ROUTES:
                try:
                    urls[r.name] = _fill(
                        _public_fill(r, complaint, link_users), "AAA", complaint, w_customer, attachment
                    )
                except AssertionError as exc:  # that route's test says so; the others still run
                    urls[r.name] = "unfilled: " + str(exc).splitlines()[0]
            urls.update(_rows_that_answer(world.a, complaint))
            yield Seeded(world, urls, sessions)
            transaction.set_rollback(True)


def _sent_to_sign_in(response: HttpResponseBase) -> bool:
    """The login-required answer: to the login page, with the way back (`next`)."""
    if response.status_code != 302:
        return False
    target = urlsplit(response["Location"])
    return target.path == reverse(settings.LOGIN_URL) and "next=" in target.query


def _not_served(response: HttpResponseBase, method: str, url: str) -> bool:
    """405, or what a tenant page makes of it for GET (core.middleware): back to the page the form is on."""
    if response.status_code == 405:
        return True
    parent = url.split("?")[0].rstrip("/").rsplit("/", 1)[0] + "/"
    return method == "GET" and response.status_code == 302 and response["Location"] == parent


def _judge(rule: Access, endpoint: Endpoint, method: str, role: str, response: HttpResponseBase) -> str | None:
    """What is wrong with the answer, if anything."""
    status = response.status_code
    refused = status in (401, 403) or _sent_to_sign_in(response)
    if rule.allows(role):
        return f"{role} {method}: refused ({status}) but '{rule}' allows it" if refused else None
    if not (refused or status in (404, 405)):
        return f"{role} {method}: answered {status}; '{rule}' does not allow {role}: refuse before reading the body"
    if endpoint.route.is_api and status == 302:
        return f"{role} {method}: the API redirected to the login page instead of answering 401/403"
    return None


def _ask(client: Client, endpoint: Endpoint, method: str, url: str) -> HttpResponseBase:
    try:
        if method == "GET":
            return client.get(url)
        if endpoint.route.is_api:
            return client.generic(method, url, '{"garbage": "x"}', content_type="application/json")
        return client.post(url, GARBAGE)
    except Exception as exc:  # a crash is a finding too: say where
        raise AssertionError(f"{endpoint} {method} {url}: {exc!r}") from exc


def _answers(client: Client, endpoint: Endpoint, url: str, may_post: bool) -> Iterator[tuple[str, HttpResponseBase]]:
    """The answers one role gets, per method. An API operation: its method. A page: GET; then POST with a body
    no form accepts when GET is not served (a POST-only view) or when the role may not POST (it must be
    refused before the form is read); a role allowed to POST to a page it can GET is not sent a made-up body."""
    if endpoint.method:
        yield endpoint.method, _ask(client, endpoint, endpoint.method, url)
        return
    got = _ask(client, endpoint, "GET", url)
    get_served = not _not_served(got, "GET", url)
    if get_served:
        yield "GET", got
    if get_served and may_post:
        return
    posted = _ask(client, endpoint, "POST", url)
    if not _not_served(posted, "POST", url):
        yield "POST", posted


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=str)
def test_endpoint_answers_each_role_as_classified(seeded: Seeded, endpoint: Endpoint) -> None:
    rules = {m: access_of(endpoint.route, m) for m in ([endpoint.method] if endpoint.method else ["GET", "POST"])}
    if None in rules.values():
        pytest.fail(_unclassified(endpoint))
    url = seeded.urls[endpoint.route.name]
    if url.startswith("unfilled"):
        pytest.fail(
            f"{endpoint}: {url}. Add the placeholder to _fill (and a row to _populate) in test_tenant_isolation.py"
        )
    problems: list[str] = []
    served = False  # some role the rule allows got a real answer: the URL named live rows
    for role in ROLES:
        may_post = bool((post := rules.get("POST")) and post.allows(role))
        for method, response in _answers(seeded.client(role), endpoint, url, may_post):
            rule = rules[method]
            assert rule is not None
            problem = _judge(rule, endpoint, method, role, response)
            if problem:
                problems.append(problem)
            served = served or (rule.allows(role) and response.status_code not in (404, 405))
    assert not problems, f"{endpoint} {url}:\n" + "\n".join(problems)
    anyone = any(rule is not None and rule.allows(role) for rule in rules.values() for role in ROLES)
    assert served or not anyone, f"{endpoint} {url}: every role it allows got 404/405: fill the URL with live rows"

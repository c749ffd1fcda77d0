"""The data-subject export (GDPR art. 15): everything held about one person, as a ZIP with a readable index.

The officer asks for it (`subject_export_request`, audited); a job builds it (`subject_export_build`: takes
the id, safe to run again), section by section, counting its steps so the page shows how far it is; the
officer downloads it (audited as a download of personal data); it is deleted after `EXPORT_KEPT_DAYS`.

What is in it: the customer record (places, meters, representatives and their powers of attorney,
invoices), each complaint with the timeline the customer sees on their own case page (internal notes and
bookkeeping only when the officer asks for them), the messages, the letters and answers sent, the files,
the minutes, the calls with their recordings, the e-mails as received, appointments, and the access log
about the person. For a consumer's online account: the account, what it did, and every record linked to it.
The index (index.html) is in the supplier's language and lists every section with its files.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import shutil
import tempfile
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import IO, Any

from django.core.files import File
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from querela.appointments.models import Appointment
from querela.audit.selectors import AuditFilters, audit_csv
from querela.audit.services import audit_personal_data, audit_record
from querela.calls.models import Call
from querela.complaints import hooks
from querela.complaints.models import GIVEN_FIELDS, Attachment, Complaint, EntryType, TimelineEntry
from querela.core import clock, tenancy
from querela.core.errors import NotFound, ValidationFailed
from querela.customers.models import Customer
from querela.intake.models import InboundMessage
from querela.minutes.models import Minutes
from querela.printing.models import StoredLetter
from querela.tenants.access import Actor, require, system_actor
from querela.tenants.models import Membership, Tenant

from .access_log import AccessFilters, access_csv, access_events
from .erase import files_go_after_commit, minutes_pdf_ids
from .models import ExportState, SubjectExport
from .schedule import EXPORT_KEPT_DAYS, DocumentType
from .selectors import consumer_account, customer_by_number, customers_of

# What the customer sees of a timeline on their own case page (`complaints.selectors.timeline_for`).
VISIBLE_ENTRIES = (EntryType.INBOUND, EntryType.OUTBOUND, EntryType.ATTACHMENT)


# ---------------------------------------------------------------------------------------------------
# Asking, downloading, expiring


def subject_export_request(
    *, actor: Actor, customer_number: str = "", account: str = "", include_internal: bool = False
) -> SubjectExport:
    """Queue the export of one customer record (by the id on the bill) or one online account (by its user
    name or e-mail address)."""
    require(actor, "privacy.manage")
    if bool(customer_number.strip()) == bool(account.strip()):
        raise ValidationFailed(_("Name either a customer id or an online account."))
    customer = customer_by_number(actor=actor, number=customer_number) if customer_number.strip() else None
    user: Any = None
    if customer is not None:
        who: dict[str, Any] = {"customer": customer.customer_number}
        subject = customer.customer_number
    else:
        user = consumer_account(actor=actor, name=account)
        who, subject = {"account": user.pk}, str(user.username)
    with transaction.atomic():
        export = SubjectExport.objects.create(
            customer=customer,
            account=user,
            subject=subject,
            include_internal=include_internal,
            requested_by_id=actor.user_id,
            requested_at=clock.now(),
        )
        audit_record(
            actor=actor,
            action="privacy.export_request",
            object_type="subject_export",
            object_id=export.pk,
            changes={**who, "internal": include_internal},
        )
        hooks.after_commit("privacy:export", export.tenant_id, export.pk)
    return export


def subject_export_download(*, actor: Actor, export_id: int) -> SubjectExport:
    """The ZIP for the officer to hand over; downloading it is a view of everything about the person."""
    require(actor, "privacy.manage")
    export = SubjectExport.objects.filter(pk=export_id, state=ExportState.READY).exclude(file="").first()
    if export is None:
        raise NotFound(_("Export not found, or not ready."))
    audit_personal_data(
        actor=actor,
        what="download",
        object_type="subject_export",
        object_id=export.pk,
        **({"customer": export.subject} if export.customer_id else {"account": export.account_id}),
    )
    return export


def exports_expire(rows: Sequence[SubjectExport], *, actor: Actor, reason: str = "retention") -> int:
    """Exports past their days, or of a person just erased: the file goes, the request stays listed."""
    for export in rows:
        audit_record(
            actor=actor,
            action="privacy.purge",
            object_type="subject_export",
            object_id=export.pk,
            changes={"document_type": DocumentType.SUBJECT_EXPORT, "purged_by": reason, "sha256": export.sha256},
        )
    SubjectExport.objects.filter(pk__in=[e.pk for e in rows]).update(state=ExportState.EXPIRED, file="")
    files_go_after_commit(e.file.name for e in rows)
    return len(rows)


# ---------------------------------------------------------------------------------------------------
# Building


@dataclass
class Section:
    """One part of the export as the index lists it."""

    title: str | Promise
    description: str | Promise
    files: list[str] = field(default_factory=list)
    count: int = 0
    customer: str = ""  # whose record it belongs to (an account may have several)


_UNSAFE = re.compile(r"[^\w.\-]+", re.UNICODE)


class _Archive:
    """The ZIP being written: safe, unique names inside it."""

    def __init__(self, stream: IO[bytes]) -> None:
        self.zip = zipfile.ZipFile(stream, "w", zipfile.ZIP_DEFLATED)
        self.names: set[str] = set()

    def name(self, folder: str, filename: str) -> str:
        base = _UNSAFE.sub("_", filename).strip("._")[:100] or "file"
        stem, dot, ext = base.rpartition(".")
        if not dot:
            stem, ext = base, ""
        candidate, n = f"{folder}/{base}", 1
        while candidate in self.names:
            n += 1
            candidate = f"{folder}/{stem}-{n}{'.' + ext if ext else ''}"
        self.names.add(candidate)
        return candidate

    def text(self, path: str, text: str) -> str:
        self.names.add(path)
        self.zip.writestr(path, text)
        return path

    def json(self, path: str, data: Any) -> str:
        return self.text(path, json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2))

    def csv(self, path: str, header: Sequence[Any], rows: Iterable[Sequence[Any]]) -> str:
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow([str(h) for h in header])
        writer.writerows([["" if v is None else str(v) for v in row] for row in rows])
        return self.text(path, "\ufeff" + buffer.getvalue())

    def lines(self, path: str, lines: Iterable[str]) -> str:
        self.names.add(path)
        with self.zip.open(path, "w") as out:
            for line in lines:
                out.write(line.encode("utf-8"))
        return path

    def copy(self, folder: str, filename: str, stored: Any) -> str | None:
        """A stored file into the archive; None when its bytes are gone (deleted after its period)."""
        if not stored:
            return None
        try:
            source = stored.open("rb")
        except (FileNotFoundError, OSError):
            return None
        path = self.name(folder, filename)
        with source, self.zip.open(path, "w", force_zip64=True) as out:
            shutil.copyfileobj(source, out, 1024 * 1024)
        return path


def _local(moment: Any) -> str:
    """A stored moment as the supplier's clock showed it."""
    if moment is None:
        return ""
    return str(moment.astimezone(clock.tenant_zone(tenancy.current_tenant())).strftime("%Y-%m-%d %H:%M"))


Step = Callable[[_Archive], list[Section]]


class _Builder:
    def __init__(self, export: SubjectExport) -> None:
        self.export = export
        self.tenant: Tenant = tenancy.current_tenant()
        self.customers = customers_of(customer=export.customer, account=export.account)
        self.visible = None if export.include_internal else VISIBLE_ENTRIES

    def steps(self) -> list[Step]:
        out: list[Step] = []
        if self.export.account_id:
            out.append(self._account)
        for c in self.customers:
            out += [
                lambda z, c=c: [self._record(z, c)],  # type: ignore[misc]
                lambda z, c=c: self._complaints(z, c),  # type: ignore[misc]
                lambda z, c=c: [self._files(z, c)],  # type: ignore[misc]
                lambda z, c=c: [self._letters(z, c)],  # type: ignore[misc]
                lambda z, c=c: [self._minutes(z, c)],  # type: ignore[misc]
                lambda z, c=c: [self._calls(z, c)],  # type: ignore[misc]
                lambda z, c=c: [self._mail(z, c)],  # type: ignore[misc]
                lambda z, c=c: [self._appointments(z, c)],  # type: ignore[misc]
                lambda z, c=c: [self._access_log(z, c)],  # type: ignore[misc]
            ]
        return out

    # -- the parts --------------------------------------------------------------------------------

    def _folder(self, c: Customer) -> str:
        return _UNSAFE.sub("_", c.customer_number)[:60] if len(self.customers) > 1 else "."

    def _path(self, c: Customer, name: str) -> str:
        folder = self._folder(c)
        return name if folder == "." else f"{folder}/{name}"

    def _account(self, z: _Archive) -> list[Section]:
        user = self.export.account
        assert user is not None
        roles = list(Membership.objects.filter(user_id=user.pk).values_list("role", "is_active"))
        data = {
            "username": user.username,
            "email": user.email,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "date_joined": user.date_joined,
            "last_login": user.last_login,
            "is_active": user.is_active,
            "roles_here": [{"role": r, "active": a} for r, a in roles],
            "customer_records": [c.customer_number for c in self.customers],
        }
        files = [z.json("account.json", data)]
        language = translation.get_language() or self.tenant.default_language
        files.append(
            z.lines(
                "account_activity.csv",
                audit_csv(tenant=self.tenant, filters=AuditFilters(person=str(user.pk)), language=language),
            )
        )
        return [
            Section(
                _("Online account"),
                _("The account on the public site, and everything done while signed in to it."),
                files,
                1,
            )
        ]

    def _record(self, z: _Archive, c: Customer) -> Section:
        places: list[dict[str, Any]] = []
        for p in c.places.prefetch_related("meters").order_by("pk"):
            places.append(
                {
                    "address": p.address,
                    "postal_code": p.postal_code,
                    "city": p.city,
                    "region": p.region,
                    "service": p.get_service_type_display(),
                    "meters": [
                        {
                            "serial": m.serial,
                            "type": m.meter_type,
                            "installed_on": m.installed_on,
                            "removed_on": m.removed_on,
                        }
                        for m in p.meters.order_by("pk")
                    ],
                }
            )
        files: list[str] = []
        reps = []
        for r in c.representatives.order_by("pk"):
            poa = z.copy(self._path(c, "representatives"), r.poa_filename or "power-of-attorney", r.power_of_attorney)
            if poa:
                files.append(poa)
            reps.append(
                {
                    "name": r.name,
                    "email": r.email,
                    "phone": r.phone,
                    "address": r.address,
                    "valid_until": r.valid_until,
                    "power_of_attorney": poa,
                }
            )
        data = {
            "customer_id": c.customer_number,
            "name": c.name,
            "phone": c.phone,
            "email": c.email,
            "preferred_reply_channel": c.get_preferred_channel_display(),
            "mailing_address": c.mailing_address,
            "language": c.language,
            "online_account": c.user.username if c.user_id and c.user else None,
            "created_at": c.created_at,
            "consumption_places": places,
            "representatives": reps,
            "invoices": [
                {"number": i.number, "issued_on": i.issued_on, "amount": i.amount} for i in c.invoices.order_by("pk")
            ],
        }
        files.insert(0, z.json(self._path(c, "customer_record.json"), data))
        meters = [
            (p["address"], m["serial"], m["type"], m["installed_on"], m["removed_on"])
            for p in places
            for m in p["meters"]
        ]
        files.append(
            z.csv(
                self._path(c, "consumption_places.csv"),
                [_("Address"), _("Postal code"), _("City"), _("County/region"), _("Service")],
                [(p["address"], p["postal_code"], p["city"], p["region"], p["service"]) for p in places],
            )
        )
        files.append(
            z.csv(
                self._path(c, "meters.csv"),
                [_("Consumption place"), _("Meter serial number"), _("Meter type"), _("Installed on"), _("Removed on")],
                meters,
            )
        )
        return Section(
            _("Customer record"),
            _("Name, contact details, consumption places and meters, representatives, invoices."),
            files,
            1,
            c.customer_number,
        )

    def _complaints_of(self, c: Customer) -> list[Complaint]:
        return list(Complaint.objects.filter(customer=c).select_related("place").order_by("received_at", "pk"))

    def _entries(self, complaints: list[Complaint]) -> list[TimelineEntry]:
        qs = TimelineEntry.objects.filter(complaint__in=[x.pk for x in complaints]).order_by("created_at", "pk")
        if self.visible is not None:
            qs = qs.filter(entry_type__in=self.visible)
        return list(qs)

    def _complaints(self, z: _Archive, c: Customer) -> list[Section]:
        complaints = self._complaints_of(c)
        entries = self._entries(complaints)
        by_complaint: dict[int, list[TimelineEntry]] = {}
        for e in entries:
            by_complaint.setdefault(e.complaint_id, []).append(e)
        data = []
        for x in complaints:
            data.append(
                {
                    "reference": x.reference,
                    "channel": x.get_channel_display(),
                    "received_at": _local(x.received_at),
                    "kind": x.get_kind_display(),
                    "category": x.get_category_display(),
                    "status": x.get_status_display(),
                    "subject": x.subject,
                    "description": x.description,
                    "consumption_place": str(x.place) if x.place_id and x.place else "",
                    "contact": {"name": x.contact_name, "email": x.contact_email, "phone": x.contact_phone},
                    "given_on_the_form": {name: getattr(x, name) for name in GIVEN_FIELDS if getattr(x, name)},
                    "reply_channel": x.get_reply_channel_display(),
                    "answer_due": x.answer_due,
                    "decision": x.get_decision_display() if x.decision else "",
                    "call_recording": x.call_recording,
                    "timeline": [
                        {
                            "at": _local(e.created_at),
                            "type": e.get_entry_type_display(),
                            "channel": e.get_channel_display() if e.channel else "",
                            "by": e.author_label,
                            "text": e.body,
                        }
                        for e in by_complaint.get(x.pk, [])
                    ],
                }
            )
        refs = {x.pk: x.reference for x in complaints}
        complaint_files = [
            z.json(self._path(c, "complaints.json"), data),
            z.csv(
                self._path(c, "complaints.csv"),
                [
                    _("Reference number"),
                    _("Received"),
                    _("Channel"),
                    _("Kind"),
                    _("Category"),
                    _("Status"),
                    _("Subject"),
                    _("Decision"),
                ],
                [
                    (
                        d["reference"],
                        d["received_at"],
                        d["channel"],
                        d["kind"],
                        d["category"],
                        d["status"],
                        d["subject"],
                        d["decision"],
                    )
                    for d in data
                ],
            ),
        ]
        messages = [e for e in entries if e.entry_type in (EntryType.INBOUND, EntryType.OUTBOUND)]
        message_file = z.csv(
            self._path(c, "messages.csv"),
            [_("Reference number"), _("When"), _("Direction"), _("Channel"), _("By"), _("Text")],
            [
                (
                    refs[e.complaint_id],
                    _local(e.created_at),
                    e.get_entry_type_display(),
                    e.get_channel_display() if e.channel else "",
                    e.author_label,
                    e.body,
                )
                for e in messages
            ],
        )
        described = (
            _("Every complaint with its timeline, including internal notes and status changes.")
            if self.visible is None
            else _("Every complaint with its timeline as the customer sees it on their own case page.")
        )
        return [
            Section(_("Complaints"), described, complaint_files, len(complaints), c.customer_number),
            Section(
                _("Messages"),
                _("Every message from and to the customer, in every channel."),
                [message_file],
                len(messages),
                c.customer_number,
            ),
        ]

    def _files(self, z: _Archive, c: Customer) -> Section:
        complaints = Complaint.objects.filter(customer=c).values("pk")
        qs = (
            Attachment.objects.filter(complaint__in=complaints)
            .exclude(pk__in=minutes_pdf_ids())
            .select_related("complaint", "entry")
        )
        if self.visible is not None:
            qs = qs.filter(Q(entry__isnull=True) | Q(entry__entry_type__in=self.visible))
        files = []
        for a in qs.order_by("pk"):
            path = z.copy(self._path(c, f"files/{a.complaint.reference}"), a.filename, a.file)
            if path:
                files.append(path)
        return Section(_("Files"), _("The documents attached to the complaints."), files, len(files), c.customer_number)

    def _letters(self, z: _Archive, c: Customer) -> Section:
        letters = (
            StoredLetter.objects.filter(complaint__customer=c).select_related("complaint").order_by("created_at", "pk")
        )
        files = []
        for letter in letters:
            name = f"{letter.complaint.reference}-{clock.tenant_date(self.tenant, letter.created_at).isoformat()}.pdf"
            path = z.copy(self._path(c, "letters"), name, letter.file)
            if path:
                files.append(path)
        return Section(
            _("Letters and answers sent"),
            _("Every message to the customer as the letter it was, in PDF."),
            files,
            len(files),
            c.customer_number,
        )

    def _minutes(self, z: _Archive, c: Customer) -> Section:
        rows = (
            Minutes.objects.filter(complaint__customer=c)
            .select_related("complaint", "pdf")
            .order_by("complaint_id", "version")
        )
        files: list[str] = []
        facts = []
        for m in rows:
            facts.append(
                {
                    "complaint": m.complaint.reference,
                    "version": m.version,
                    "customer_name": m.customer_name,
                    "address": m.customer_address,
                    "customer_id": m.customer_number,
                    "email": m.customer_email,
                    "phone": m.customer_phone,
                    "filed_at": _local(m.filed_at),
                    "filed_place": m.filed_place,
                    "present": m.present,
                    "subject": m.subject,
                    "description": m.description,
                    "evidence": m.evidence,
                    "statement": m.statement,
                    "drawn_up_at": _local(m.drawn_up_at),
                    "signed_at": _local(m.signed_at),
                }
            )
            if m.pdf_id and m.pdf:
                path = z.copy(self._path(c, "minutes"), f"{m.complaint.reference}-v{m.version}.pdf", m.pdf.file)
                if path:
                    files.append(path)
        if facts:
            files.insert(0, z.json(self._path(c, "minutes.json"), facts))
        return Section(
            _("Minutes"),
            _("Minutes of complaints made in person or by phone, every version, with the signed PDFs."),
            files,
            len(facts),
            c.customer_number,
        )

    def _calls(self, z: _Archive, c: Customer) -> Section:
        recordings = [r for r in Complaint.objects.filter(customer=c).values_list("call_recording", flat=True) if r]
        calls = list(Call.objects.filter(Q(customer=c) | Q(recording_id__in=recordings)).order_by("started_at"))
        files = [
            z.csv(
                self._path(c, "calls.csv"),
                [
                    _("Recording id"),
                    _("Started"),
                    _("Ended"),
                    _("Caller's number"),
                    _("Kept until"),
                    _("Recording deleted"),
                ],
                [
                    (
                        x.recording_id,
                        _local(x.started_at),
                        _local(x.ended_at),
                        x.caller_number,
                        x.retain_until,
                        _local(x.purged_at),
                    )
                    for x in calls
                ],
            )
        ]
        for x in calls:
            if x.has_audio and x.audio:
                path = z.copy(self._path(c, "recordings"), x.audio_name or f"{x.recording_id}.audio", x.audio)
                if path:
                    files.append(path)
        return Section(
            _("Calls and recordings"),
            _("The calls recorded under an id the caller was told, with the recordings still kept."),
            files,
            len(calls),
            c.customer_number,
        )

    def _mail(self, z: _Archive, c: Customer) -> Section:
        mails = InboundMessage.objects.filter(complaint__customer=c).select_related("complaint").order_by("received_at")
        files = []
        for m in mails:
            name = f"{m.complaint.reference}-{clock.tenant_date(self.tenant, m.received_at).isoformat()}.eml"
            path = z.copy(self._path(c, "mail"), name, m.raw)
            if path:
                files.append(path)
        return Section(
            _("E-mails as received"),
            _("The e-mails about the complaints exactly as they arrived, with their attachments."),
            files,
            len(files),
            c.customer_number,
        )

    def _appointments(self, z: _Archive, c: Customer) -> Section:
        q = Q(customer_number__iexact=c.customer_number)
        if c.user_id:
            q |= Q(user_id=c.user_id)
        rows = list(Appointment.objects.filter(q).select_related("office").order_by("starts_at"))
        files = [
            z.csv(
                self._path(c, "appointments.csv"),
                [
                    _("Office"),
                    _("Starts at"),
                    _("Matter"),
                    _("Name"),
                    _("E-mail"),
                    _("Phone"),
                    _("Status"),
                    _("Arrived at"),
                ],
                [
                    (
                        a.office.name,
                        _local(a.starts_at),
                        a.matter,
                        a.name,
                        a.email,
                        a.phone,
                        a.get_status_display(),
                        _local(a.checked_in_at),
                    )
                    for a in rows
                ],
            )
        ]
        return Section(
            _("Appointments"), _("Visits booked at the customer offices."), files, len(rows), c.customer_number
        )

    def _access_log(self, z: _Archive, c: Customer) -> Section:
        language = translation.get_language() or self.tenant.default_language
        filters = AccessFilters(customer=c.customer_number)
        # Rows, not the chunks the CSV is written in (each holds many rows).
        count = access_events(filters).count()
        path = z.lines(
            self._path(c, "access_log.csv"), access_csv(tenant=self.tenant, filters=filters, language=language)
        )
        return Section(
            _("Who saw or changed the data"),
            _("Every time a member of staff or a system saw or changed this person's data, from the audit log."),
            [path],
            count,
            c.customer_number,
        )

    # -- the whole ----------------------------------------------------------------------------------

    def build(self, stream: IO[bytes], progress: Callable[[int, int], None]) -> int:
        steps = self.steps()
        progress(0, len(steps) + 1)
        archive = _Archive(stream)
        sections: list[Section] = []
        for n, step in enumerate(steps, start=1):
            sections += step(archive)
            progress(n, len(steps) + 1)
        names = {c.customer_number: c.name for c in self.customers}
        index = render_to_string(
            "privacy/export_index.html",
            {
                "tenant": self.tenant,
                "export": self.export,
                "names": names,
                "sections": sections,
                "generated_at": _local(clock.now()),
                "internal": self.export.include_internal,
            },
        )
        archive.text("index.html", index)
        archive.zip.close()
        progress(len(steps) + 1, len(steps) + 1)
        return len(archive.names)


def subject_export_build(export_id: int) -> SubjectExport | None:
    """The job: build the ZIP of a queued export (again after a failure); a built or expired one is left
    as it is, so a retried job does nothing twice."""
    tenant = tenancy.current_tenant()
    with transaction.atomic():
        export = (
            SubjectExport.objects.select_for_update()
            .filter(pk=export_id, state__in=[ExportState.QUEUED, ExportState.BUILDING, ExportState.FAILED])
            .first()
        )
        if export is None:
            return None
        export.state, export.steps_done, export.error = ExportState.BUILDING, 0, ""
        export.save(update_fields=["state", "steps_done", "error"])

    def progress(done: int, total: int) -> None:
        SubjectExport.objects.filter(pk=export_id).update(steps_done=done, steps_total=total)

    try:
        with tempfile.TemporaryFile() as stream, translation.override(tenant.default_language):
            files = _Builder(export).build(stream, progress)
            size = stream.tell()
            stream.seek(0)
            digest = hashlib.sha256()
            for block in iter(lambda: stream.read(1024 * 1024), b""):
                digest.update(block)
            stream.seek(0)
            with transaction.atomic():
                export.file.save(f"export-{tenant.code}-{export.pk}.zip", File(stream), save=False)
                export.size, export.sha256 = size, digest.hexdigest()
                export.state, export.built_at = ExportState.READY, clock.now()
                export.expires_at = export.built_at + timedelta(days=EXPORT_KEPT_DAYS)
                export.save(update_fields=["file", "size", "sha256", "state", "built_at", "expires_at"])
                audit_record(
                    actor=system_actor(tenant),
                    action="privacy.export_built",
                    object_type="subject_export",
                    object_id=export.pk,
                    changes={"files": files, "size": size, "sha256": export.sha256},
                )
    except Exception as exc:
        SubjectExport.objects.filter(pk=export_id).update(state=ExportState.FAILED, error=str(exc)[:2000])
        raise
    return export

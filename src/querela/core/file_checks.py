"""What a file holds, checked against what it claims to be: the part of the upload check that looks inside,
applied to an upload and, the same way, to each file inside an archive it carries.

In order: a name that makes Windows run the file (`.exe`, `.html` …) whatever it holds; the sniffed type
agreeing in kind with the name (a `.pdf` that is a web page is refused); the type accepted (the tenant's
list, and never a program, script, web page or SVG whatever the list says); no web-page markup in the
first bytes of a PDF or picture and no PDF hidden in the first bytes of another kind (polyglots: one file
that a browser takes for a web page and a viewer for a document); no active content in a PDF
(`pdf_active`); and archives opened within limits (`archives`), each file inside checked by these same
rules, naming it. Office documents are ZIPs too: opened within the same limits, their parts (XML,
pictures) are not attachments and are only refused when one is a program, script or web page.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import IO

from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from . import archives, file_kinds
from .errors import ValidationFailed
from .pdf_active import scan_pdf

# An archive inside an archive is fine (a folder of scans zipped with the zip of last month's); deeper is not.
MAX_ARCHIVE_DEPTH = 2
# What one upload may inflate to, every level of archive together.
INFLATE_BUDGET = 200 * 1024 * 1024
# A tag a browser acts on, whole (`<objectType>` in a picture's metadata is not `<object>`).
_MARKUP = re.compile(rb"<(?:html|script|body|iframe|svg|object|embed)[\s>/]|<!doctype\s+html", re.IGNORECASE)
_PDF_WINDOW = 1024  # a PDF reader takes %PDF- anywhere in the first kilobyte
_APPLE_DOUBLE = b"\x00\x05\x16\x07"
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


@dataclass
class Rules:
    allowed: frozenset[str]  # the tenant's accepted types
    accepted_text: str  # the same, as people name files: "DOC, JPEG, PDF …"
    max_member_bytes: int  # a file inside an archive may be no larger than a file sent alone
    sniff: Callable[[bytes], str]
    budget: archives.Budget


def new_rules(
    *, allowed: frozenset[str], accepted_text: str, max_member_bytes: int, sniff: Callable[[bytes], str]
) -> Rules:
    return Rules(allowed, accepted_text, max_member_bytes, sniff, archives.Budget(bytes_left=INFLATE_BUDGET))


def check_file(
    rules: Rules,
    *,
    label: str,
    head: bytes,
    content_type: str,
    whole: Callable[[], IO[bytes]],
    depth: int = 0,
) -> None:
    """Raise ValidationFailed saying why, naming `label` (the file, or `archive.zip/inside/it.pdf`)."""
    name = label.rsplit("/", 1)[-1]
    _check_name(label, name)
    _check_agreement(label, name, content_type)
    _check_accepted(rules, label, content_type)
    _check_markup(label, head, content_type)
    if content_type == file_kinds.PDF:
        _check_pdf(label, whole().read())
    office = content_type in file_kinds.OFFICE_ARCHIVES or (
        content_type == file_kinds.ZIP and file_kinds.claimed_type(name) in file_kinds.OFFICE_ARCHIVES
    )
    if office or content_type == file_kinds.ZIP:
        _check_archive(rules, label, whole(), depth=depth + 1, office=office)


def _check_name(label: str, name: str) -> None:
    ext = file_kinds.extension_of(name)
    if ext in file_kinds.RUNNABLE_EXTENSIONS:
        raise ValidationFailed(
            _(
                "“%(name)s” is not accepted: a file whose name ends in .%(ext)s runs as a program or opens as a "
                "web page on the computer of whoever opens it."
            )
            % {"name": label, "ext": ext},
            code="file_type_not_allowed",
        )


def _check_agreement(label: str, name: str, content_type: str) -> None:
    claimed = file_kinds.claimed_type(name)
    if claimed is None or file_kinds.agrees(name, content_type):
        return
    raise ValidationFailed(
        _("“%(name)s” is not accepted: its name says it is %(claimed)s, but it is %(actual)s.")
        % {"name": label, "claimed": file_kinds.describe(claimed), "actual": file_kinds.describe(content_type)},
        code="file_type_mismatch",
    )


def _check_accepted(rules: Rules, label: str, content_type: str) -> None:
    if content_type in rules.allowed and content_type not in file_kinds.NEVER_ACCEPTED:
        return
    raise ValidationFailed(
        _("“%(name)s” is %(kind)s, which is not accepted. Accepted: %(allowed)s.")
        % {"name": label, "kind": file_kinds.describe(content_type), "allowed": rules.accepted_text},
        code="file_type_not_allowed",
    )


def _check_markup(label: str, head: bytes, content_type: str) -> None:
    # Text, mail and archives are left out: text may quote HTML harmlessly, and an archive's first bytes
    # are its first file's, checked on its own.
    if content_type.startswith(("text/", "message/")) or content_type == file_kinds.ZIP:
        return
    if content_type in file_kinds.OFFICE_ARCHIVES:
        return
    markup = _MARKUP.search(head)
    if markup is not None:
        raise ValidationFailed(
            _(
                "“%(name)s” is not accepted: it is %(kind)s that also holds web-page code (%(markup)s), a way to "
                "smuggle scripts past a check."
            )
            % {
                "name": label,
                "kind": file_kinds.describe(content_type),
                "markup": markup.group().decode("ascii", "replace").strip() + "…",
            },
            code="file_polyglot",
        )
    if content_type != file_kinds.PDF and b"%PDF-" in head[:_PDF_WINDOW]:
        raise ValidationFailed(
            _("“%(name)s” is not accepted: it is %(kind)s with a PDF hidden in its first bytes.")
            % {"name": label, "kind": file_kinds.describe(content_type)},
            code="file_polyglot",
        )


def _active_words() -> dict[str, str]:
    return {
        "javascript": _("JavaScript"),
        "launch": _("an action that starts a program"),
        "embedded_file": _("embedded files"),
        "automatic_action": _("actions that run by themselves"),
        "rich_media": _("embedded Flash or media"),
        "xfa": _("an XFA form"),
    }


def _print_it() -> str:
    return _("Print it to a new PDF (or scan it) and send that: the copy keeps what you see and nothing else.")


def _check_pdf(label: str, data: bytes) -> None:
    findings = scan_pdf(data)
    if findings.active:
        words = _active_words()
        raise ValidationFailed(
            _("“%(name)s” is a PDF with active content (%(what)s), which is not accepted. %(advice)s")
            % {
                "name": label,
                "what": ", ".join(words[k] for k in sorted(findings.active)),
                "advice": _print_it(),
            },
            code="pdf_active_content",
        )
    if findings.uncheckable:
        raise ValidationFailed(
            _(
                "“%(name)s” is a PDF whose packed parts could not be read to check them (it is encrypted, "
                "damaged or packed in an unusual way). %(advice)s"
            )
            % {"name": label, "advice": _print_it()},
            code="pdf_uncheckable",
        )


def _skippable(member: archives.Member) -> bool:
    """What computers add to an archive by themselves, recognised by content and not only by name: a Mac's
    resource forks and folder settings, Windows' thumbnail cache. Empty files hold nothing to check."""
    base = member.name.rsplit("/", 1)[-1]
    if member.size == 0:
        return True
    in_mac_folder = member.name.startswith("__MACOSX/") or "/__MACOSX/" in member.name
    if in_mac_folder and member.head.startswith(_APPLE_DOUBLE):
        return True
    if base == ".DS_Store" and member.head[4:8] == b"Bud1":
        return True
    return base.lower() == "thumbs.db" and member.head.startswith(_OLE)


def _wanted_whole(rules: Rules) -> Callable[[str, bytes], bool]:
    def wanted(name: str, head: bytes) -> bool:
        kind = rules.sniff(head)
        return kind in (file_kinds.PDF, file_kinds.ZIP) or kind in file_kinds.OFFICE_ARCHIVES

    return wanted


def _check_archive(rules: Rules, label: str, stream: IO[bytes], *, depth: int, office: bool) -> None:
    if depth > MAX_ARCHIVE_DEPTH:
        raise ValidationFailed(
            _("“%(name)s” is not accepted: it holds archives inside archives more than %(n)d deep.")
            % {"name": label, "n": MAX_ARCHIVE_DEPTH},
            code="archive_too_deep",
        )
    keep_whole = (lambda name, head: False) if office else _wanted_whole(rules)
    for item in archives.members(
        stream, budget=rules.budget, max_member_bytes=rules.max_member_bytes, keep_whole=keep_whole
    ):
        if isinstance(item, archives.Problem):
            raise _archive_refusal(rules, label, item)
        inner = f"{label}/{item.name}"
        content_type = rules.sniff(item.head) if item.size else "application/x-empty"
        if office:
            _check_office_part(inner, item, content_type)
        elif not _skippable(item):
            check_file(
                rules,
                label=inner,
                head=item.head,
                content_type=content_type,
                whole=partial(io.BytesIO, item.data or b""),
                depth=depth,
            )


def _check_office_part(label: str, item: archives.Member, content_type: str) -> None:
    ext = file_kinds.extension_of(item.name)
    if content_type in file_kinds.NEVER_ACCEPTED or ext in file_kinds.RUNNABLE_EXTENSIONS:
        raise ValidationFailed(
            _("“%(name)s” is %(kind)s inside a document, which is not accepted.")
            % {"name": label, "kind": file_kinds.describe(content_type)},
            code="file_type_not_allowed",
        )


def _archive_refusal(rules: Rules, label: str, problem: archives.Problem) -> ValidationFailed:
    inner = f"{label}/{problem.member}" if problem.member else label
    limit = filesizeformat(rules.max_member_bytes)
    messages = {
        "unreadable": _(
            "“%(name)s” could not be opened to check what it holds (it is damaged or packed in a way this "
            "check does not read)."
        ),
        "too_many": _("“%(name)s” holds more than %(count)d files, more than is accepted in one archive."),
        "unsafe_name": _("“%(name)s” is not accepted: its path points outside the archive."),
        "link": _("“%(name)s” is a link to another place, which is not accepted in an archive."),
        "encrypted": _("“%(name)s” is password-protected, so what it holds can't be checked. Send it unprotected."),
        "member_too_large": _("“%(name)s” is larger than the largest file accepted (%(limit)s)."),
        "ratio": _(
            "“%(name)s” unpacks to more than %(ratio)d times its packed size, as archives built to exhaust a "
            "computer do; it is not accepted."
        ),
        "too_large_total": _("“%(name)s” unpacks to more than %(total)s in all, more than is accepted."),
        "overlap": _(
            "“%(name)s” is built with files overlapping each other, as archives built to exhaust a computer "
            "are; it is not accepted."
        ),
    }
    text = messages.get(problem.code, messages["unreadable"])
    return ValidationFailed(
        text
        % {
            "name": inner if problem.code not in ("too_many", "too_large_total", "overlap") else label,
            "count": archives.MAX_MEMBERS,
            "limit": limit,
            "ratio": archives.MAX_RATIO,
            "total": filesizeformat(INFLATE_BUDGET),
        },
        code=f"archive_{problem.code}",
    )

"""Reading an org chart CSV file (a large supplier's HR export): no database, linear in the file's size,
and it never raises: whatever the bytes, the answer is rows, row-numbered errors, or the reason the file as a
whole is refused (too large, too many rows, not UTF-8 text, a spreadsheet file, columns missing).

One row per job, or per holder of a job: a job with three holders is three rows that describe the job alike.

    department_code,department_name,job_code,job_title,may_sign,holder_username,deputy_username
    billing,Billing,BILL-SPEC,Billing specialist,answers;bill_recalculations,kovacs.anna,toth.eva

`may_sign` lists signing rights separated by semicolons; `holder_username` and `deputy_username` may be
empty, and a `duties` column may be added. The delimiter is read from the header line: a comma, a semicolon
(what spreadsheets write in Hungarian, Polish and Romanian settings) or a tab. Rows are numbered as a
spreadsheet shows them: the header is row 1.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from collections.abc import Callable, Collection
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20_000

REQUIRED_COLUMNS = ("department_code", "department_name", "job_code", "job_title", "may_sign")
OPTIONAL_COLUMNS = ("holder_username", "deputy_username", "duties")
COLUMNS = REQUIRED_COLUMNS + OPTIONAL_COLUMNS

# Codes as the chart stores them (the department code is a `tenants.Department` slug).
DEPARTMENT_CODE = re.compile(r"[A-Za-z0-9_-]{1,40}")
JOB_CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,39}")
USERNAME = re.compile(r"[\w.@+-]{1,150}")
MAX_NAME = 200
MAX_DUTIES = 10_000
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_PROGRESS_EVERY = 1000


@dataclass(frozen=True)
class ChartRow:
    row: int  # as a spreadsheet numbers it: the header is row 1
    department_code: str
    department_name: str
    job_code: str
    job_title: str
    may_sign: tuple[str, ...]
    holder_username: str = ""
    deputy_username: str = ""
    duties: str | None = None  # None: the file has no duties column (the job's stay as they are)

    @property
    def job_key(self) -> str:
        return self.job_code.lower()


@dataclass(frozen=True)
class RowError:
    row: int
    message: str


@dataclass
class ChartFile:
    rows: list[ChartRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    refusal: str = ""  # the file as a whole can't be taken; nothing else is reported then
    data_rows: int = 0

    @property
    def ok(self) -> bool:
        return not self.refusal and not self.errors


def read_chart(
    data: bytes | str,
    *,
    capabilities: Collection[str],
    max_bytes: int = MAX_BYTES,
    max_rows: int = MAX_ROWS,
    progress: Callable[[int], None] | None = None,
) -> ChartFile:
    """The file's rows, checked on their own and against each other (never against the database).

    `capabilities` are the known signing rights, in their order. `progress(rows_read)` is called every
    thousand rows."""
    if isinstance(data, str):
        data = data.encode("utf-8", "surrogatepass")  # a lone surrogate then fails the decoding below
    if len(data) > max_bytes:
        return ChartFile(
            refusal=_("The file is %(size)s; the largest accepted is %(limit)s. Split it into smaller files.")
            % {"size": _size(len(data)), "limit": _size(max_bytes)}
        )
    if data.startswith(b"PK\x03\x04") or data.startswith(b"\xd0\xcf\x11\xe0"):
        return ChartFile(refusal=_("This is a spreadsheet file, not CSV: save it as “CSV UTF-8” and upload that."))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return ChartFile(
            refusal=_("The file is not UTF-8 text (line %(line)s): save it as “CSV UTF-8” and upload that.")
            % {"line": line}
        )
    if "\x00" in text:
        return ChartFile(refusal=_("The file contains NUL characters: it is not a CSV text file."))
    if not text.strip():
        return ChartFile(refusal=_("The file is empty."))
    first_line = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    result = ChartFile()
    try:
        header = next(reader, [])
    except csv.Error as exc:
        return ChartFile(refusal=_("The header line can't be read as CSV: %(error)s") % {"error": exc})
    columns, refusal = _columns(header)
    if refusal:
        return ChartFile(refusal=refusal)
    number = 1
    while True:
        try:
            record = next(reader, None)
        except csv.Error as exc:
            message = _("This row can't be read as CSV (%(error)s); nothing after it was read.")
            result.errors.append(RowError(number + 1, message % {"error": exc}))
            break
        if record is None:
            break
        number += 1
        if not any(value.strip() for value in record):
            continue  # a blank line
        result.data_rows += 1
        if result.data_rows > max_rows:
            return ChartFile(
                refusal=_("The file has more than %(max)s rows; split it into files of at most %(max)s rows.")
                % {"max": f"{max_rows:,}"}
            )
        if progress is not None and result.data_rows % _PROGRESS_EVERY == 0:
            progress(result.data_rows)
        if len(record) != len(columns):
            message = _("It has %(found)s fields, the header %(expected)s (a “%(delimiter)s” in a value needs quotes).")
            shown = {"found": len(record), "expected": len(columns), "delimiter": delimiter.replace("\t", "tab")}
            result.errors.append(RowError(number, message % shown))
            continue
        row, errors = _row(number, dict(zip(columns, record, strict=True)), capabilities)
        result.errors += errors
        if row is not None:
            result.rows.append(row)
    if progress is not None:
        progress(result.data_rows)
    result.errors += _consistency(result.rows)
    result.errors.sort(key=lambda e: e.row)
    return result


def _columns(header: list[str]) -> tuple[list[str], str]:
    names = [re.sub(r"[\s-]+", "_", h.strip().lstrip("\ufeff").lower()) for h in header]
    unknown = [n for n in names if n not in COLUMNS]
    missing = [c for c in REQUIRED_COLUMNS if c not in names]
    doubled = sorted(n for n, count in Counter(names).items() if count > 1)
    expected = ", ".join(COLUMNS)
    if unknown or missing:
        parts = []
        if missing:
            parts.append(_("columns missing: %(names)s") % {"names": ", ".join(missing)})
        if unknown:
            parts.append(_("unknown columns: %(names)s") % {"names": ", ".join(_shown(n) for n in unknown[:10])})
        return [], _("The header line is not right (%(problems)s). The columns are: %(expected)s.") % {
            "problems": "; ".join(parts),
            "expected": expected,
        }
    if doubled:
        return [], _("The header names these columns twice: %(names)s.") % {"names": ", ".join(doubled)}
    return names, ""


def _row(number: int, values: dict[str, str], capabilities: Collection[str]) -> tuple[ChartRow | None, list[RowError]]:
    errors: list[str] = []

    def text(name: str, *, required: bool, limit: int, what: str) -> str:
        value = " ".join(values.get(name, "").split())
        if required and not value:
            errors.append(_("%(what)s is missing.") % {"what": what})
        elif len(value) > limit:
            errors.append(_("%(what)s is longer than %(limit)s characters.") % {"what": what, "limit": limit})
        elif _CONTROL.search(value):
            errors.append(_("%(what)s contains control characters.") % {"what": what})
        return value

    def code(name: str, pattern: re.Pattern[str], what: str, *, required: bool = True) -> str:
        value = values.get(name, "").strip()
        if not value:
            if required:
                errors.append(_("%(what)s is missing.") % {"what": what})
        elif not pattern.fullmatch(value):
            errors.append(
                _("%(what)s “%(value)s” may hold only letters, digits and - _ . (at most %(limit)s).")
                % {"what": what, "value": _shown(value), "limit": 150 if pattern is USERNAME else 40}
            )
        return value

    department_code = code("department_code", DEPARTMENT_CODE, _("The department code"))
    department_name = text("department_name", required=False, limit=MAX_NAME, what=_("The department name"))
    job_code = code("job_code", JOB_CODE, _("The job code"))
    job_title = text("job_title", required=True, limit=MAX_NAME, what=_("The job title"))
    holder = code("holder_username", USERNAME, _("The holder's user name"), required=False)
    deputy = code("deputy_username", USERNAME, _("The deputy's user name"), required=False)
    duties = None
    if "duties" in values:
        duties = values["duties"].strip()
        if len(duties) > MAX_DUTIES:
            errors.append(_("The duties are longer than %(limit)s characters.") % {"limit": MAX_DUTIES})
    may_sign: list[str] = []
    unknown: list[str] = []
    for part in values.get("may_sign", "").split(";"):
        item = part.strip().lower()
        if not item:
            continue
        if item in capabilities:
            may_sign.append(item)
        else:
            unknown.append(_shown(item))
    if unknown:
        errors.append(
            ngettext(
                "Unknown signing right: %(unknown)s. Known: %(known)s.",
                "Unknown signing rights: %(unknown)s. Known: %(known)s.",
                len(unknown),
            )
            % {"unknown": ", ".join(unknown[:5]), "known": ", ".join(capabilities)}
        )
    if holder and deputy and holder == deputy:
        errors.append(_("The holder can't be their own deputy."))
    if errors:
        return None, [RowError(number, message) for message in errors]
    ordered = tuple(c for c in capabilities if c in may_sign)
    row = ChartRow(number, department_code, department_name, job_code, job_title, ordered, holder, deputy, duties)
    return row, []


def _consistency(rows: list[ChartRow]) -> list[RowError]:
    """Rows of one job describe it alike; rows of one department name it alike."""
    errors = []
    jobs: dict[str, ChartRow] = {}
    departments: dict[str, ChartRow] = {}
    for row in rows:
        first = jobs.setdefault(row.job_key, row)
        if first is not row:
            differs = [
                label
                for label, a, b in (
                    (_("department"), first.department_code.lower(), row.department_code.lower()),
                    (_("title"), first.job_title, row.job_title),
                    (_("signing rights"), first.may_sign, row.may_sign),
                    (_("duties"), first.duties, row.duties),
                )
                if a != b
            ]
            if differs:
                errors.append(
                    RowError(
                        row.row,
                        _("Job %(code)s is described differently on row %(first)s (%(what)s).")
                        % {"code": row.job_code, "first": first.row, "what": ", ".join(differs)},
                    )
                )
        dep = departments.setdefault(row.department_code.lower(), row)
        if row.department_name:
            if not dep.department_name:
                departments[row.department_code.lower()] = row
            elif dep.department_name != row.department_name:
                errors.append(
                    RowError(
                        row.row,
                        _("Department %(code)s is named “%(name)s” on row %(first)s.")
                        % {"code": row.department_code, "name": dep.department_name, "first": dep.row},
                    )
                )
    return errors


def _shown(value: str) -> str:
    """A value quoted back to the person, kept short."""
    value = _CONTROL.sub("?", value)
    return value if len(value) <= 40 else value[:39] + "…"


def _size(n: int) -> str:
    if n >= 1024 * 1024:
        return f"{n / (1024 * 1024):.1f} MB"
    return f"{max(1, n // 1024)} kB"

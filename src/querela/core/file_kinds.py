"""Kinds of file as people name them: what a file's extension says it is, what its sniffed content type
is called in a refusal ("a web page", "a Windows program"), and which kinds are never accepted.

A name and content must agree in kind, not to the letter: a phone that saves a JPEG as `.png` or a HEIC
as `.jpg` sends a picture either way, and is not refused for it; a `.pdf` that is a web page is.
"""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ODT = "application/vnd.oasis.opendocument.text"
ODS = "application/vnd.oasis.opendocument.spreadsheet"
ZIP = "application/zip"
PDF = "application/pdf"

PICTURES = frozenset(
    {"image/jpeg", "image/png", "image/gif", "image/tiff", "image/heic", "image/heif", "image/webp", "image/avif"}
)
RECORDINGS = frozenset(
    {"audio/mpeg", "audio/x-wav", "audio/wav", "audio/vnd.wave", "audio/ogg", "application/ogg", "audio/mp4"}
    | {"audio/x-m4a", "video/mp4", "audio/x-hx-aac-adts", "audio/aac"}
)
TEXTS = frozenset({"text/plain", "text/csv"})
OLE = frozenset({"application/CDFV2", "application/vnd.ms-office", "application/x-ole-storage"})
# ZIP-based office documents: opened with the archive limits, their parts not judged as attachments.
OFFICE_ARCHIVES = frozenset({DOCX, XLSX, ODT, ODS})

# extension → (the type it claims, every sniffed type that agrees with it)
_BY_EXTENSION: dict[str, tuple[str, frozenset[str]]] = {
    "pdf": (PDF, frozenset({PDF})),
    **{ext: ("image/jpeg", PICTURES) for ext in ("jpg", "jpeg", "jpe", "jfif")},
    "png": ("image/png", PICTURES),
    "gif": ("image/gif", PICTURES),
    "tif": ("image/tiff", PICTURES),
    "tiff": ("image/tiff", PICTURES),
    "heic": ("image/heic", PICTURES),
    "heif": ("image/heic", PICTURES),
    "webp": ("image/webp", PICTURES),
    "txt": ("text/plain", TEXTS),
    "csv": ("text/csv", TEXTS),
    "eml": ("message/rfc822", frozenset({"message/rfc822", "text/plain"})),
    "doc": ("application/msword", OLE | {"application/msword"}),
    "xls": ("application/vnd.ms-excel", OLE | {"application/vnd.ms-excel"}),
    "docx": (DOCX, frozenset({DOCX, ZIP})),
    "xlsx": (XLSX, frozenset({XLSX, ZIP})),
    "odt": (ODT, frozenset({ODT, ZIP})),
    "ods": (ODS, frozenset({ODS, ZIP})),
    "zip": (ZIP, frozenset({ZIP})),
    "mp3": ("audio/mpeg", RECORDINGS),
    "wav": ("audio/x-wav", RECORDINGS),
    "ogg": ("audio/ogg", RECORDINGS),
    "oga": ("audio/ogg", RECORDINGS),
    "opus": ("audio/ogg", RECORDINGS),
    "m4a": ("audio/mp4", RECORDINGS),
}

PROGRAMS = frozenset(
    {
        "application/x-dosexec",
        "application/x-msdownload",
        "application/vnd.microsoft.portable-executable",
        "application/x-executable",
        "application/x-pie-executable",
        "application/x-sharedlib",
        "application/x-mach-binary",
        "application/x-msi",
        "application/java-archive",
    }
)
SCRIPTS = frozenset(
    {
        "text/x-shellscript",
        "text/x-python",
        "text/x-script.python",
        "text/x-perl",
        "text/x-php",
        "text/x-ruby",
        "text/x-tcl",
        "text/x-msdos-batch",
        "application/x-bat",
        "application/javascript",
        "text/javascript",
        "application/x-powershell",
    }
)
WEB_PAGES = frozenset({"text/html", "application/xhtml+xml", "image/svg+xml", "image/svg"})
# Whatever a tenant lists: these run, or open as a web page, on the computer of whoever opens them.
NEVER_ACCEPTED = PROGRAMS | SCRIPTS | WEB_PAGES

# Extensions that make Windows run a file or a browser render it, whatever is inside.
RUNNABLE_EXTENSIONS = frozenset(
    {
        *("exe", "com", "scr", "pif", "bat", "cmd", "msi", "msp", "dll", "cpl", "jar", "lnk", "reg", "hta"),
        *("js", "jse", "mjs", "vbs", "vbe", "wsf", "wsh", "ps1", "psm1", "sh", "py", "pl", "php", "app", "apk"),
        *("html", "htm", "xhtml", "shtml", "mht", "mhtml", "svg", "svgz", "url", "scf", "iso", "img", "vhd", "vhdx"),
    }
)

_DESCRIPTIONS: dict[str, Promise] = {
    PDF: _("a PDF"),
    "image/jpeg": _("a JPEG picture"),
    "image/png": _("a PNG picture"),
    "image/gif": _("a GIF picture"),
    "image/tiff": _("a TIFF picture"),
    "image/heic": _("a HEIC picture"),
    "image/heif": _("a HEIC picture"),
    "image/webp": _("a WebP picture"),
    "image/avif": _("an AVIF picture"),
    "text/plain": _("a text file"),
    "text/csv": _("a CSV table"),
    "message/rfc822": _("an e-mail"),
    "application/msword": _("a Word document"),
    DOCX: _("a Word document"),
    "application/vnd.ms-excel": _("an Excel spreadsheet"),
    XLSX: _("an Excel spreadsheet"),
    ODT: _("an OpenDocument text"),
    ODS: _("an OpenDocument spreadsheet"),
    ZIP: _("a ZIP archive"),
    "application/octet-stream": _("data of no recognised kind"),
    "application/x-empty": _("empty"),
}


def extension_of(filename: str) -> str:
    """`Számla.PDF` → "pdf"; Windows ignores trailing dots and spaces, so `run.exe. ` → "exe"."""
    base = filename.replace("\\", "/").rsplit("/", 1)[-1].rstrip(" .")
    return base.rsplit(".", 1)[-1].lower() if "." in base else ""


def claimed_type(filename: str) -> str | None:
    """The type the file's name claims, or None when its extension is not one known here."""
    known = _BY_EXTENSION.get(extension_of(filename))
    return known[0] if known else None


def agrees(filename: str, content_type: str) -> bool:
    known = _BY_EXTENSION.get(extension_of(filename))
    return known is None or content_type in known[1]


def describe(content_type: str) -> str:
    """What a type is called in a sentence: "a web page", "a Windows program", "a PDF"."""
    if content_type in _DESCRIPTIONS:
        return str(_DESCRIPTIONS[content_type])
    if content_type in ("text/html", "application/xhtml+xml"):
        return gettext("a web page")
    if content_type.startswith("image/svg"):
        return gettext("an SVG drawing (which can carry scripts)")
    if content_type in ("application/x-dosexec", "application/x-msdownload", "application/x-msi") or (
        content_type == "application/vnd.microsoft.portable-executable"
    ):
        return gettext("a Windows program")
    if content_type in PROGRAMS:
        return gettext("a program")
    if content_type in SCRIPTS:
        return gettext("a script")
    if content_type in RECORDINGS:
        return gettext("an audio recording")
    if content_type in OLE:
        return gettext("an Office document")
    return gettext("a file of type %(type)s") % {"type": content_type}

"""Hostile and harmless files built in the test, the way an attacker or a customer would make them."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
# A Windows program's first bytes: the MZ header libmagic knows (no virus, nothing runnable).
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 300


def zip_of(members: dict[str, bytes], *, compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


def zip_bomb(megabytes: int = 10) -> bytes:
    """One file of zeros: ~1000:1 packed, the classic single-layer bomb (written in chunks, never whole)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive, archive.open("report.txt", "w") as f:
        for _ in range(megabytes):
            f.write(bytes(1024 * 1024))
    return out.getvalue()


def lying_zip_bomb(megabytes: int = 10) -> bytes:
    """The same bomb whose directory claims the file unpacks to 1 kB: only what inflating really gives
    can stop it."""
    data = bytearray(zip_bomb(megabytes))
    directory = data.rfind(b"PK\x01\x02")
    struct.pack_into("<L", data, directory + 24, 1024)  # uncompressed size in the central directory
    local = data.find(b"PK\x03\x04")
    struct.pack_into("<L", data, local + 22, 1024)
    return bytes(data)


def overlapping_zip(copies: int = 50, megabytes: int = 1) -> bytes:
    """Many directory entries pointing at one packed body (the "non-recursive" bomb's trick)."""
    body = zip_of({"a.txt": bytes(megabytes * 1024 * 1024)})
    archive = zipfile.ZipFile(io.BytesIO(body))
    info = archive.infolist()[0]
    local_end = body.find(b"PK\x01\x02")
    entry_end = body.find(b"PK\x05\x06")
    entry = body[local_end:entry_end]
    entries = b"".join(entry[:46] + f"{i:05d}".encode() + entry[46 + len(info.filename) :] for i in range(copies))
    # every entry keeps the name length of "a.txt" (5) and its header offset 0
    end = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, copies, copies, len(entries), local_end, 0)
    return body[:local_end] + entries + end


def nested_zip(depth: int, inner: dict[str, bytes] | None = None) -> bytes:
    data = zip_of(inner or {"scan.pdf": PDF})
    for level in range(depth - 1):
        data = zip_of({f"level{level}.zip": data})
    return data


def pdf_with(*objects: bytes, header: bytes = b"%PDF-1.4\n") -> bytes:
    body = header
    for number, obj in enumerate(objects, start=1):
        body += b"%d 0 obj\n" % number + obj + b"\nendobj\n"
    return body + b"trailer\n<< /Root 1 0 R >>\n%%EOF\n"


PDF_WITH_JAVASCRIPT = pdf_with(
    b"<< /Type /Catalog /Pages 2 0 R /OpenAction 3 0 R >>",
    b"<< /Type /Pages /Kids [] /Count 0 >>",
    b"<< /S /JavaScript /JS (app.alert\\('hi'\\)) >>",
)
# The same action with its names hex-escaped, as PDF allows: /J#61vaScript is /JavaScript.
PDF_WITH_ESCAPED_JAVASCRIPT = pdf_with(
    b"<< /Type /Catalog /Pages 2 0 R /OpenAction 3 0 R >>",
    b"<< /Type /Pages /Kids [] /Count 0 >>",
    b"<< /S /J#61vaScr#69pt /J#53 (app.alert\\(1\\)) >>",
)
PDF_WITH_LAUNCH = pdf_with(
    b"<< /Type /Catalog /Pages 2 0 R /OpenAction << /S /Launch /F (cmd.exe) >> >>",
    b"<< /Type /Pages /Kids [] /Count 0 >>",
)


def pdf_with_object_stream(inside: bytes) -> bytes:
    """A PDF 1.5 whose dictionaries are packed in a compressed object stream: nothing shows in plain bytes."""
    packed = zlib.compress(b"3 0 " + inside)
    return pdf_with(
        b"<< /Type /Catalog /Pages 2 0 R /OpenAction 3 0 R >>",
        b"<< /Type /Pages /Kids [] /Count 0 >>",
        b"<< /Type /ObjStm /N 1 /First 4 /Filter /FlateDecode /Length %d >>\nstream\n" % len(packed)
        + packed
        + b"\nendstream",
        header=b"%PDF-1.5\n",
    )


# A PDF whose first kilobyte is also a web page: a browser shown it as HTML runs the script.
PDF_HTML_POLYGLOT = b"%PDF-1.4\n<html><body><script>alert(document.cookie)</script></body></html>\n" + PDF[9:]
# A web page that a PDF reader also opens (it looks for %PDF- anywhere in the first kilobyte).
HTML_PDF_POLYGLOT = b"<html><!--\n%PDF-1.4\n1 0 obj<<>>endobj -->\n<script>alert(1)</script></html>\n"
WEB_PAGE = b"<!DOCTYPE html><html><head><title>Bill</title></head><body><script>alert(1)</script></body></html>"

"""Files a person attached to a form that came back with errors: kept on the server for the retry.

A browser can't refill a file input, so without this every correction would lose the documents.
The files go to storage under a random name; the visitor's session lists them (name, size, type),
so only that visitor can send them on. They are checked (size, type) before being kept.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import IO, Any

from django.core.files.base import File
from django.core.files.storage import default_storage

from querela.core.uploads import check_upload

_KEY = "portal_pending_uploads"
MAX_KEPT = 20


@dataclass(frozen=True)
class Kept:
    key: str
    filename: str
    size: int
    path: str
    role: str = "document"  # or "poa": the power of attorney of someone acting for the customer


def kept_files(session: Any) -> list[Kept]:
    return [Kept(**d) for d in session.get(_KEY, [])]


def keep(session: Any, tenant: Any, uploaded: Any, *, role: str = "document") -> Kept:
    """Check and store one uploaded file for this visitor; raises ValidationFailed saying why it is refused."""
    check_upload(tenant, filename=str(uploaded.name), stream=uploaded, size=int(uploaded.size))
    key = secrets.token_urlsafe(12)
    path = default_storage.save(f"pending/{key}", File(uploaded))
    kept = Kept(key=key, filename=str(uploaded.name)[:255], size=int(uploaded.size), path=path, role=role)
    listed = session.get(_KEY, [])[-(MAX_KEPT - 1) :]
    session[_KEY] = [*listed, kept.__dict__]
    return kept


def forget(session: Any, key: str) -> None:
    """The person removed a kept file from the form."""
    remaining = []
    for d in session.get(_KEY, []):
        if d["key"] == key:
            default_storage.delete(d["path"])
        else:
            remaining.append(d)
    session[_KEY] = remaining


def open_kept(kept: Kept) -> IO[bytes]:
    return default_storage.open(kept.path, "rb")


def clear(session: Any) -> None:
    """After a successful submission the kept files have become attachments: the copies go."""
    for d in session.pop(_KEY, []):
        default_storage.delete(d["path"])


def purge(*, older_than_seconds: int = 86400) -> int:
    """Files kept for a form that was never sent: removed after a day (a nightly job)."""
    import time

    try:
        _dirs, names = default_storage.listdir("pending")
    except FileNotFoundError:
        return 0
    cutoff = time.time() - older_than_seconds
    removed = 0
    for name in names:
        path = f"pending/{name}"
        try:
            if default_storage.get_modified_time(path).timestamp() < cutoff:
                default_storage.delete(path)
                removed += 1
        except (FileNotFoundError, NotImplementedError):
            continue
    return removed

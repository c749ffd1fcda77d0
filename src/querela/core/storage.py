"""Local file storage that has the bytes on disk before it returns.

The SMTP server answers 250 only after the raw message is stored; "stored" must survive a power cut,
not only a crashed process, so each saved file and its directory entry are fsync'ed.
"""

from __future__ import annotations

import os
from typing import Any

from django.core.files.storage import FileSystemStorage


class DurableFileSystemStorage(FileSystemStorage):
    def _save(self, name: str, content: Any) -> str:
        saved: str = super()._save(name, content)  # type: ignore[misc]  # stubs omit the documented hook
        path = self.path(saved)
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
        directory = os.open(os.path.dirname(path), os.O_RDONLY)
        try:
            os.fsync(directory)  # the new name itself, not only the bytes
        finally:
            os.close(directory)
        return saved

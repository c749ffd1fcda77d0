from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from querela.complaints.services import Upload


def uploads_from(files: Iterable[Any]) -> list[Upload]:
    return [Upload(filename=f.name, stream=f, size=f.size) for f in files if f]

"""Checkpoints of each tenant's sealed chain, kept outside the database.

Each seal appends one JSON line (tenant, last sequence number, head MAC, key id) to an append-only file
per tenant and to the log. Someone who rewrites the database (edits events and recomputes, or deletes
the newest events and moves the head back) cannot also rewrite these lines: `audit verify` compares the
chain with every anchored head. Operators ship the directory or the log line off the machine (backup,
log collector, object store with versioning) so that a person with database access cannot reach it."""

from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

logger = logging.getLogger("querela.audit.anchor")


@dataclass(frozen=True)
class Anchor:
    tenant_id: int
    seq: int
    head_hash: str
    key_id: str
    sealed_at: str


def _file(tenant_code: str, tenant_id: int) -> Path:
    return Path(str(settings.QUERELA["AUDIT_ANCHOR_DIR"])) / f"{tenant_code}-{tenant_id}.jsonl"


def anchor_write(*, tenant_code: str, anchor: Anchor) -> None:
    """Append and fsync: the line must outlive a crash right after the seal committed."""
    line = json.dumps(anchor.__dict__, sort_keys=True, separators=(",", ":"))
    path = _file(tenant_code, anchor.tenant_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
    try:
        os.write(fd, (line + "\n").encode("ascii"))
        os.fsync(fd)
    finally:
        os.close(fd)
    logger.info("audit seal %s %s", tenant_code, line)


def anchors_read(*, tenant_code: str, tenant_id: int) -> tuple[list[Anchor], list[int]]:
    """The anchored heads, and the numbers of lines that could not be read (reported, not ignored)."""
    path = _file(tenant_code, tenant_id)
    if not path.exists():
        return [], []
    anchors: list[Anchor] = []
    unreadable: list[int] = []
    with path.open(encoding="ascii", errors="replace") as handle:
        for number, line in enumerate(handle, start=1):
            try:
                data = json.loads(line)
                anchors.append(
                    Anchor(
                        tenant_id=int(data["tenant_id"]),
                        seq=int(data["seq"]),
                        head_hash=str(data["head_hash"]),
                        key_id=str(data["key_id"]),
                        sealed_at=str(data["sealed_at"]),
                    )
                )
            except (ValueError, KeyError, TypeError):
                unreadable.append(number)
    return anchors, unreadable

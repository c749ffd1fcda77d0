"""Looking inside a ZIP archive without unpacking it to disk, so that each file it carries can be checked
like a file sent alone, and an archive built to exhaust whoever opens it is refused.

The archive's directory is read first, its size capped before Python's zipfile reads it (a directory of
a million tiny entries would otherwise become a million objects). Then, before any byte is inflated:
the number of files, their names (no absolute paths, no `..`, no links), password protection, each
file's declared size against the largest accepted file and against its packed size (over 100:1 is
what bombs are made of), the declared total against the budget, and files overlapping each other (the
"non-recursive" bombs reuse one packed body for many files). Then each file is inflated as a stream,
64 kB at a time, counting what comes out against the same limits, so an archive whose directory lies
is stopped by what it really holds. Nesting (an archive in an archive) is the caller's to limit: the
budget passed in is shared by every level.

Pure: no Django. `members` never raises on any bytes; it yields the files and, when something is
wrong, a `Problem` as its last item.
"""

from __future__ import annotations

import stat
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import IO, Any

MAX_MEMBERS = 1000
MAX_DIRECTORY_BYTES = 1024 * 1024
MAX_RATIO = 100
# Below this size a file may be as compressible as it likes: a megabyte of blank form is no bomb.
RATIO_FLOOR = 1024 * 1024
CHUNK = 64 * 1024
HEAD_BYTES = 8192
_LOCAL_HEADER = 30
_ENCRYPTED = 0x1
_UTF8_NAME = 0x800


@dataclass
class Budget:
    """What every level of one upload may inflate in all, and the work done so far (for the tests)."""

    bytes_left: int
    bytes_read: int = 0
    bytes_inflated: int = 0


@dataclass(frozen=True)
class Member:
    name: str
    size: int
    head: bytes  # the first HEAD_BYTES, to sniff
    data: bytes | None  # the whole file, when the caller asked for it


@dataclass(frozen=True)
class Problem:
    # unreadable, too_many, unsafe_name, link, encrypted, member_too_large, ratio, too_large_total, overlap
    code: str
    member: str = ""


class _Counted:
    """The archive's bytes as zipfile reads them, counted: the tests hold the walk to the file's size."""

    def __init__(self, stream: IO[bytes], budget: Budget) -> None:
        self._stream = stream
        self._budget = budget

    def read(self, n: int = -1) -> bytes:
        data = self._stream.read(n)
        self._budget.bytes_read += len(data)
        return data

    def seek(self, offset: int, whence: int = 0) -> int:
        return self._stream.seek(offset, whence)

    def tell(self) -> int:
        return self._stream.tell()

    def seekable(self) -> bool:
        return True


def unsafe_name(name: str) -> bool:
    """A path that would land outside the folder it is unpacked into."""
    path = name.replace("\\", "/")
    if path.startswith("/") or (len(path) > 1 and path[1] == ":"):
        return True
    return any(part == ".." for part in path.split("/"))


def _raw_name_length(info: zipfile.ZipInfo) -> int:
    try:
        return len(info.orig_filename.encode("utf-8" if info.flag_bits & _UTF8_NAME else "cp437"))
    except UnicodeEncodeError:
        return 0


def _directory_problem(fp: _Counted) -> Problem | None:
    """The end record read the way zipfile reads it, so the directory's size is known before it is read."""
    try:
        end = zipfile._EndRecData(fp)  # type: ignore[attr-defined]  # the reader zipfile itself uses
    except Exception:  # any damage: zipfile would fail the same way
        return Problem("unreadable")
    if not end:
        return Problem("unreadable")
    entries, directory_bytes = end[4], end[5]
    if entries > MAX_MEMBERS:
        return Problem("too_many")
    if directory_bytes > MAX_DIRECTORY_BYTES:
        return Problem("too_many")
    return None


def _declared_problem(infos: list[zipfile.ZipInfo], start_dir: int, budget: Budget, max_member: int) -> Problem | None:
    if len(infos) > MAX_MEMBERS:
        return Problem("too_many")
    total = 0
    for info in infos:
        name = info.filename
        if not name:  # a name that began with NUL: zipfile cuts it there
            return Problem("unreadable")
        if unsafe_name(name):
            return Problem("unsafe_name", name)
        if stat.S_ISLNK(info.external_attr >> 16):
            return Problem("link", name)
        if info.flag_bits & _ENCRYPTED:
            return Problem("encrypted", name)
        if info.file_size > max_member:
            return Problem("member_too_large", name)
        if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            return Problem("ratio", name)
        total += info.file_size
    if total > budget.bytes_left:
        return Problem("too_large_total")
    # Each file's local header and packed body must end before the next one starts.
    ordered = sorted(infos, key=lambda i: i.header_offset)
    for info, following in zip(ordered, [*ordered[1:], None], strict=True):
        end = info.header_offset + _LOCAL_HEADER + _raw_name_length(info) + info.compress_size
        if end > (following.header_offset if following is not None else start_dir):
            return Problem("overlap", info.filename)
    return None


def _inflate(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, budget: Budget, max_member: int, keep_whole: Callable[..., bool]
) -> Member | Problem:
    head = b""
    parts: list[bytes] = []
    keep: bool | None = None  # decided once the head is read: whether the whole file is needed
    size = 0
    with archive.open(info) as packed:
        while chunk := packed.read(CHUNK):
            size += len(chunk)
            budget.bytes_inflated += len(chunk)
            budget.bytes_left -= len(chunk)
            if budget.bytes_left < 0:
                return Problem("too_large_total")
            if size > max_member:
                return Problem("member_too_large", info.filename)
            if size > RATIO_FLOOR and size > MAX_RATIO * max(info.compress_size, 1):
                return Problem("ratio", info.filename)
            if len(head) < HEAD_BYTES:
                head += chunk[: HEAD_BYTES - len(head)]
            if keep is not False:
                parts.append(chunk)
            if keep is None and len(head) >= HEAD_BYTES:
                keep = keep_whole(info.filename, head)
                if not keep:
                    parts = []
    if keep is None:
        keep = keep_whole(info.filename, head)
    return Member(info.filename, size, head, b"".join(parts) if keep else None)


def members(
    stream: IO[bytes] | Any,
    *,
    budget: Budget,
    max_member_bytes: int,
    keep_whole: Callable[[str, bytes], bool],
) -> Iterator[Member | Problem]:
    """Each file of the archive (directories left out) with its head, and its bytes when
    `keep_whole(name, first_bytes)` asks for them; a Problem, if any, comes last."""
    fp = _Counted(stream, budget)
    found = _directory_problem(fp)
    if found is not None:
        yield found
        return
    try:
        archive = zipfile.ZipFile(fp)  # reads only seek, tell, read
        infos = archive.infolist()
        found = _declared_problem(infos, archive.start_dir, budget, max_member_bytes)
    except Exception:  # a damaged directory in any of the many ways zipfile reports it
        yield Problem("unreadable")
        return
    if found is not None:
        yield found
        return
    for info in infos:
        if info.filename.endswith("/"):  # a folder
            continue
        try:
            item = _inflate(archive, info, budget, max_member_bytes, keep_whole)
        except Exception:  # bad CRC, unknown compression, truncated data…
            item = Problem("unreadable", info.filename)
        yield item
        if isinstance(item, Problem):
            return

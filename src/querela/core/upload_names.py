"""Files whose name is not a file name (`..`, `.`) kept in the request instead of dropped.

Django's multipart parser skips such a file without a word (`MultiPartParser.sanitize_file_name` returns
None and the part is passed over), so a person who attached one saw the form accepted and the document
missing. First among `FILE_UPLOAD_HANDLERS`, this handler parses the body itself with a parser that keeps
the file under `UNUSABLE_NAME`; `uploads.check_upload` then refuses it with a message on the form it came
from, like any other refused file. A file input left empty (no name at all) is still skipped.
"""

from __future__ import annotations

from typing import IO, Any

from django.core.files.uploadhandler import FileUploadHandler
from django.http.multipartparser import MultiPartParser

# What such a file is called in the request: Django refuses ".." as an UploadedFile's name, and this one
# can't come from a browser (which sends the file's own name) other than through here.
UNUSABLE_NAME = "(no usable file name)"


class _KeepingParser(MultiPartParser):
    def sanitize_file_name(self, file_name: str) -> str | None:
        cleaned: str | None = super().sanitize_file_name(file_name)
        if cleaned is None and file_name.strip():
            # "..", ".", "a/..", or a name of unprintable characters.
            return UNUSABLE_NAME
        return cleaned


class KeepUnnamedFiles(FileUploadHandler):
    def handle_raw_input(
        self,
        input_data: IO[bytes],
        META: dict[str, str],
        content_length: int,
        boundary: str,
        encoding: str | None = None,
    ) -> tuple[Any, Any]:
        others = [h for h in self.request.upload_handlers if h is not self]  # type: ignore[union-attr]
        return _KeepingParser(META, input_data, others, encoding).parse()  # type: ignore[arg-type]

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        return raw_data  # never reached: the parser above uses the other handlers

    def file_complete(self, file_size: int) -> None:
        return None

"""A real (tiny) WAV file: what a call recording upload sniffs as audio."""

from __future__ import annotations

import struct

WAV = (
    b"RIFF"
    + struct.pack("<I", 44)
    + b"WAVEfmt "
    + struct.pack("<IHHIIHH", 16, 1, 1, 8000, 16000, 2, 16)
    + b"data"
    + struct.pack("<I", 8)
    + bytes(8)
)

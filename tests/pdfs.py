"""Reading back the PDFs the app writes."""

from __future__ import annotations

import re
import zlib


def pdf_text(data: bytes) -> str:
    """The text drawn by a core-font PDF: its streams, inflated.

    A stream is cut out between "stream" and "endstream" lines; when its compressed bytes end
    in a carriage return, that byte goes with the line ending, and the cut stream lacks the
    last byte of its checksum. A decompressor object gives the text all the same, where
    zlib.decompress refuses the stream (so a random certificate code made the tests flaky).
    """
    chunks = []
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", data, re.S):
        try:
            chunks.append(zlib.decompressobj().decompress(stream).decode("latin-1"))
        except zlib.error:
            chunks.append(stream.decode("latin-1"))
    return "".join(chunks)

"""The tests' PDF reader copes with every stream the app may write."""

import itertools
import zlib

from tests.pdfs import pdf_text


def test_a_stream_whose_compressed_bytes_end_in_a_carriage_return_is_read():
    # As with a random certificate code: some texts compress to bytes ending in "\r" (the
    # checksum's last byte; each "A" more moves it by 65, so one in 256 lengths will do).
    text = next(
        t
        for n in itertools.count(1)
        if zlib.compress(t := b"(" + b"A" * n + b") Tj").endswith(b"\r")
    )
    pdf = b"1 0 obj\n<< >>\nstream\n" + zlib.compress(text) + b"\nendstream\nendobj\n"
    assert text.decode() in pdf_text(pdf)

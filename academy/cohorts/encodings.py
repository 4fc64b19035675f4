"""Reading an uploaded CSV's bytes as text: UTF-8 for certain, or a detected Chinese encoding.

Spreadsheet apps in Shenzhen and Hong Kong often save CSV as GBK or Big5 rather than UTF-8.
Such a file is read only when its encoding can be told with confidence, and the encoding used
is shown back in the preview; otherwise it is refused with a message saying how to save it as
UTF-8. Nothing is ever read in a guessed encoding without saying so.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l


class ImportFileError(Exception):
    """The file as a whole cannot be read (encoding, size, header)."""


# GB18030 covers GBK and GB2312 (Simplified); Big5-HKSCS covers Big5 and the Hong Kong
# characters (Traditional).
LEGACY = {
    "gb18030": _l("GB18030/GBK (Simplified Chinese)"),
    "big5hkscs": _l("Big5 (Traditional Chinese)"),
}
LABELS = {"utf-8": _l("UTF-8"), "utf-8-sig": _l("UTF-8 (with byte-order mark)"), **LEGACY}
# Below this many non-ASCII characters GB18030 and Big5 cannot be told apart with confidence.
MIN_EVIDENCE = 4
# How much more disorder the runner-up must show before the best reading is trusted.
MARGIN = 0.05


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str  # a Python codec name, a key of LABELS

    @property
    def label(self) -> str:
        return str(LABELS[self.encoding])

    @property
    def guessed(self) -> bool:
        """True when the encoding was inferred from the content, not known for certain."""
        return self.encoding in LEGACY


def _save_as_utf8() -> str:
    return _("Save it from your spreadsheet as “CSV UTF-8” and upload it again.")


def read_text(data: bytes) -> Decoded:
    """The bytes as text, with the encoding they were read in.

    UTF-8 (with or without a byte-order mark) is certain. Otherwise GB18030 and Big5 are
    tried strictly and charset-normalizer decides between them; when the bytes fit both
    equally well, or hold too little Chinese text to tell, the file is refused.
    """
    encoding = "utf-8-sig" if data.startswith(b"\xef\xbb\xbf") else "utf-8"
    try:
        return Decoded(data.decode(encoding), encoding)
    except UnicodeDecodeError as error:
        position = error.start
    if encoding == "utf-8-sig":
        raise ImportFileError(
            _(
                "The file says it is UTF-8 but has an unreadable byte at position %(n)s.",
                n=position,
            )
            + " "
            + _save_as_utf8()
        )
    return _read_legacy(data, position)


def _read_legacy(data: bytes, position: int) -> Decoded:
    from charset_normalizer import from_bytes

    texts = {}
    for codec in LEGACY:
        try:
            texts[codec] = data.decode(codec)
        except UnicodeDecodeError:
            continue
    if not texts:
        reason = _("It is not GB18030/GBK or Big5 either.")
    else:
        evidence = min(sum(1 for ch in text if ord(ch) > 127) for text in texts.values())
        matches = sorted(from_bytes(data, cp_isolation=list(texts)), key=lambda m: m.chaos)
        if evidence >= MIN_EVIDENCE and matches and matches[0].encoding in texts:
            best, rivals = matches[0], matches[1:]
            if not rivals or rivals[0].chaos - best.chaos >= MARGIN:
                return Decoded(texts[best.encoding], best.encoding)
        reason = _("It may be GB18030/GBK or Big5, but which one cannot be told for sure.")
    raise ImportFileError(
        _("The file is not UTF-8 text (unreadable byte at position %(n)s).", n=position)
        + " "
        + reason
        + " "
        + _save_as_utf8()
    )

"""Text normalisation: one canonical form for every document that is stored.

Everything downstream (offsets, the tokeniser, the content hash that is the
document id) works on the output of :func:`normalize_text`, so the same note
saved by two editors (one with CRLF and non-breaking spaces, one without)
becomes the same stored text and the same id.

What changes, and why:

* CRLF and lone CR become LF; vertical tab, form feed, NEL (U+0085) and the
  Unicode line/paragraph separators (U+2028, U+2029) become LF too — they are
  line breaks in every editor, and the parsers split on LF only.
* U+00A0 (no-break space, all over GotoKnow pages) and the other odd spaces
  (U+1680, U+2000–U+200A, U+202F, U+205F, U+3000) become a plain space, so
  that "GotoKnow\\u00a0โดย" matches "GotoKnow โดย" and the tokeniser sees a
  word boundary.
* Zero-width and invisible format characters are removed: U+200B (zero-width
  space, which Thai web editors insert to mark word breaks), U+200C, U+200D,
  U+2060, U+FEFF (a BOM in the middle of text), U+00AD (soft hyphen), U+180E
  and the bidirectional marks and embeddings (U+200E, U+200F, U+202A–U+202E,
  U+2066–U+2069). They are invisible, so a reader cannot type them in a query,
  and they split Thai words for the tokeniser. (Removing U+200D also breaks
  emoji ZWJ sequences into their parts; that is acceptable for field notes.)
* Control characters other than LF and TAB are removed (NUL, ESC, DEL, C1
  controls …): they never carry text and break SQLite FTS and the tokeniser.
  Lone surrogates (which no strict decoder produces, but a Python string can
  hold) are removed too, so the text can always be encoded as UTF-8.
* Finally the text is put in Unicode NFC, so that precomposed and decomposed
  forms of the same letter compare equal.

What does *not* change: Thai digits (``๒๕๕๐``) stay as written — the stored
text is what the author wrote; :func:`ingest.tokens.normalize_term` maps them
to Arabic digits when terms are matched. Tabs, runs of spaces and blank lines
stay (the parsers use blank lines as paragraph breaks). Misordered Thai marks
are left alone here; :mod:`ingest.thai_repair` repairs text from damaged
sources such as PDFs.

Example:
    >>> normalize_text("ปี\\u00a0๒๕๕๐\\r\\nพอช.\\u200b")
    'ปี ๒๕๕๐\\nพอช.'
"""

from __future__ import annotations

import re
import unicodedata
from typing import Iterable

__all__ = ["normalize_text", "thai_digits_to_arabic", "tidy_lines"]

_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")

_LINE_BREAKS = re.compile("\r\n|[\r\v\f\x85\u2028\u2029]")
_ODD_SPACES = re.compile("[\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]")
# Invisible format characters (see the module docstring), every C0/C1 control
# except TAB and LF, and lone surrogates. One pass of one pattern is linear.
_DROP = re.compile(
    "[\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e\u200e\u200f\u202a-\u202e\u2066-\u2069"
    "\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]"
)


def normalize_text(text: str) -> str:
    """Return ``text`` in the project's canonical form (see the module docstring).

    The function is idempotent: ``normalize_text(normalize_text(t)) ==
    normalize_text(t)`` for every string.

    Args:
        text: any string, e.g. the output of :func:`ingest.read.read_text`.

    Returns:
        The normalised text: LF line breaks, plain spaces, no invisible or
        control characters, NFC; Thai digits kept.

    Example:
        >>> normalize_text("บันทึกนี้เขียนที่\\u00a0GotoKnow\\r\\n")
        'บันทึกนี้เขียนที่ GotoKnow\\n'
    """
    # Line breaks first: "\r\n" must become one "\n", and the CR of it must not
    # be removed as a control character before that.
    out = _LINE_BREAKS.sub("\n", text)
    out = _ODD_SPACES.sub(" ", out)
    # Removal before NFC: dropping an invisible character can bring a base
    # letter next to its combining mark, and only NFC after that composes them.
    out = _DROP.sub("", out)
    return unicodedata.normalize("NFC", out)


def thai_digits_to_arabic(text: str) -> str:
    """Replace Thai digits with Arabic digits, leaving everything else as is.

    Used where a number must be read (dates, years); the stored text keeps
    Thai digits.

    Example:
        >>> thai_digits_to_arabic("พ.ศ. ๒๕๕๐")
        'พ.ศ. 2550'
    """
    return text.translate(_THAI_DIGITS)


def tidy_lines(lines: Iterable[str]) -> str:
    """Join lines as paragraphs: trailing blanks removed, blank runs made one.

    Parsers use it for bodies and comments so that a paragraph break is always
    exactly one blank line (the chunker splits paragraphs there). Leading
    indentation inside the text is kept; the result has no outer whitespace.

    Example:
        >>> tidy_lines(["ย่อหน้าแรก  ", "", " ", "", "ย่อหน้าสอง"])
        'ย่อหน้าแรก\\n\\nย่อหน้าสอง'
    """
    out: list[str] = []
    for line in lines:
        line = line.rstrip()
        if line.strip():
            out.append(line)
        elif out and out[-1]:
            out.append("")
    return "\n".join(out).strip()

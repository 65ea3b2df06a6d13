"""Page layout of extracted PDF text: running headers and footers, paragraphs.

:mod:`ingest.pdf` reads the lines of each page (text, and where PDFium measured
them, font size and position); this module decides what is page furniture and
where paragraphs begin:

* :func:`strip_running_lines` removes running headers, footers and page
  numbers: lines that repeat at the top or bottom of most pages once digits
  (Thai or Arabic) are ignored, so "หน้า ๓" and "- 3 -" repeat too.
* :func:`paragraphs` joins the lines a paragraph was wrapped into, using the
  geometry when there is some (a line that reaches the right margin, followed
  by one of the same type at the usual line distance, wraps) and the line
  lengths when there is none.

Example:
    >>> paragraphs([Line("กองทุนหมู่บ้านตำบลกะหรอ", 12, 500, 700),
    ...             Line("จัดเวทีประชาคม", 12, 200, 685)])
    ['กองทุนหมู่บ้านตำบลกะหรอจัดเวทีประชาคม']
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass

__all__ = ["Line", "strip_running_lines", "paragraphs", "same_size"]

# Lines looked at from each edge of a page for running headers and footers.
_EDGE_LINES = 3
# A line is "running" when it repeats (digits ignored) on this share of pages.
_RUNNING_SHARE = 0.4
# A line wraps into the next when it ends within this many font sizes (ems)
# of the right margin (Thai breaks lines between words; a long word moved to
# the next line leaves a few ems) and the next line is at most this many
# usual line distances below.
_RIGHT_SLACK = 4.0
_PITCH_SLACK = 1.25
# Without geometry: a line this share as long as a full line wraps.
_FULL_LINE = 0.75
_DIGITS = re.compile("[0-9\u0e50-\u0e59]+")
_SPACES = re.compile(r"\s+")
_THAI = re.compile("[\u0e01-\u0e4e]")
_THAI_MARK = re.compile("[\u0e31\u0e34-\u0e3a\u0e47-\u0e4e]")


@dataclass(frozen=True)
class Line:
    """One line of a page with, where PDFium measured it, its geometry.

    Attributes:
        text: the line's text, cleaned (one space between words, no edges).
        size: the median font size of its base glyphs; ``0`` means no
            geometry is known (the line came without positions).
        right: the right edge of its last base glyph, in PDF points.
        bottom: its baseline (median glyph bottom), in PDF points; y grows
            upwards, so the next line down has a smaller ``bottom``.
    """

    text: str
    size: float = 0.0
    right: float = 0.0
    bottom: float = 0.0


def strip_running_lines(pages: list[list[Line]]) -> list[list[Line]]:
    """Remove lines that repeat at the top or bottom of most pages.

    Page numbers ("- 3 -", "หน้า ๓") repeat too once digits are ignored. Up to
    three lines are peeled from each edge, one layer at a time, so a two-line
    header goes but body text below it stays. A line counts as running when
    it is on at least 40 % of the pages (and on two at least); a one-page
    file is returned as it is.

    Args:
        pages: the lines of each page, top to bottom.

    Returns:
        New lists (the input is not changed) without the running lines.

    Example:
        >>> bodies = ["กองทุนหมู่บ้าน", "สวัสดิการชุมชน", "ออมบุญวันละบาท"]
        >>> pages = [[Line("รายงานประจำปี"), Line(body), Line(f"หน้า {n}")]
        ...          for n, body in zip("๑๒๓", bodies)]
        >>> [[ln.text for ln in page] for page in strip_running_lines(pages)]
        [['กองทุนหมู่บ้าน'], ['สวัสดิการชุมชน'], ['ออมบุญวันละบาท']]
    """
    if len(pages) < 2:
        return pages
    need = max(2, math.ceil(_RUNNING_SHARE * len(pages)))
    pages = [list(lines) for lines in pages]
    for from_top in (True, False):
        for _ in range(_EDGE_LINES):
            edge = [(lines[0] if from_top else lines[-1]) if lines else None for lines in pages]
            counts = Counter(_edge_key(line.text) for line in edge if line is not None)
            running = {key for key, count in counts.items() if count >= need and key}
            if not running:
                break
            for lines, line in zip(pages, edge):
                if line is not None and _edge_key(line.text) in running:
                    lines.pop(0 if from_top else -1)
    return pages


def paragraphs(lines: list[Line]) -> list[str]:
    """Join lines wrapped inside a paragraph; return the paragraphs.

    Thai joins Thai with nothing between (Thai lines break between words, and
    the words carry no spaces); anything else joins with a space.

    Args:
        lines: one page's lines, top to bottom.

    Returns:
        The page's paragraphs, in order.
    """
    if not lines:
        return []
    out = [lines[0].text]
    for prev, line, joined in zip(lines, lines[1:], _continues(lines)):
        if joined:
            thai_seam = _THAI.match(prev.text[-1]) and _THAI.match(line.text[0])
            out[-1] += ("" if thai_seam else " ") + line.text
        else:
            out.append(line.text)
    return out


def same_size(a: Line, b: Line) -> bool:
    """True when two lines' font sizes differ by at most 10 %."""
    return abs(a.size - b.size) <= 0.1 * max(a.size, b.size)


def _edge_key(line: str) -> str:
    """A line with digits (Thai or Arabic) and spacing ignored, for comparing."""
    return _SPACES.sub(" ", _DIGITS.sub("#", line)).strip().lower()


def _continues(lines: list[Line]) -> list[bool]:
    """For each pair of neighbouring lines: does the first wrap into the second?

    With PDFium's geometry: when the first reaches the right margin and the
    second has the same font size at the usual line distance (a heading in
    other type, or a gap, ends a paragraph). Without: when the first is about
    as long, in characters, as the page's full lines.
    """
    pairs = list(zip(lines, lines[1:]))
    measured = [ln for ln in lines if ln.size > 0]
    right = max((ln.right for ln in measured), default=0.0)
    pitches = sorted(a.bottom - b.bottom for a, b in pairs
                     if a.size and b.size and same_size(a, b) and a.bottom > b.bottom)
    pitch = pitches[len(pitches) // 2] if pitches else 0.0
    # Line distance grows with the type: a heading in 20 pt wraps at a larger
    # pitch than the 14 pt body the median comes from, and must still join.
    sizes = sorted(ln.size for ln in measured)
    typical = sizes[len(sizes) // 2] if sizes else 0.0

    def pitch_for(a: Line) -> float:
        if pitch and typical:
            return pitch * max(1.0, a.size / typical)
        return 1.5 * a.size

    widths = sorted(_width(line.text) for line in lines)
    full = widths[int(0.9 * (len(widths) - 1))] * _FULL_LINE
    return [
        (
            same_size(a, b)
            and a.right >= right - _RIGHT_SLACK * a.size
            and 0 < a.bottom - b.bottom <= _PITCH_SLACK * pitch_for(a)
        )
        if a.size and b.size
        else len(lines) > 2 and _width(a.text) >= full
        for a, b in pairs
    ]


def _width(text: str) -> int:
    """Characters that take room on the line (Thai marks do not)."""
    return len(text) - len(_THAI_MARK.findall(text))

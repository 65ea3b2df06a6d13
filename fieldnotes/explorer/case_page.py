"""Case page: one whole note, every mention highlighted by type, similar cases and the map.

Example:
    >>> doc = kb.document("83f24860210c5b0e")
    >>> html = note_html(doc.text, kb.doc_mentions(doc.id), 0, len(doc.text), labels)
    >>> cards = similar_cards(kb, doc.id)   # with why: shared actors, areas, practices
"""

from __future__ import annotations

import html
from collections import defaultdict
from dataclasses import dataclass
from typing import Any, Mapping, Sequence

import streamlit as st

from fieldnotes.errors import NotFoundError
from fieldnotes.explorer.common import (
    case_href,
    entity_href,
    fmt_date,
    go,
    guard,
    param,
    show_empty_state,
)
from fieldnotes.explorer.data import EntityInfo, cached_entity_index, doc_chips, entity_index
from fieldnotes.explorer.highlight import highlight_html, mention_spans
from fieldnotes.explorer.labels import (
    PAGE_TITLES,
    TYPE_COLOURS,
    bi,
    file_type_label,
    page_label,
    type_label,
    where_label,
)
from fieldnotes.explorer.mapchart import MapPoint, map_chart, point_sizes

__all__ = [
    "SimilarCard",
    "note_html",
    "note_parts",
    "page_pieces",
    "note_body_html",
    "doc_meta",
    "similar_cards",
    "doc_places",
    "legend_html",
    "render",
]


def note_html(
    text: str,
    mentions: Sequence[tuple[Any, str | None]],
    start: int,
    end: int,
    labels: Mapping[str, str],
) -> str:
    """``text[start:end]`` as HTML with every mention in it highlighted and linked."""
    spans = mention_spans(mentions, offset=start, length=end - start, labels=labels, href=entity_href)
    return highlight_html(text[start:end], spans)


def note_parts(doc: Any) -> list[tuple[str, str | None, int, int]]:
    """The note split for display: ``(part, comment author, start, end)``.

    ``part`` is ``title``, ``body`` or ``comment``; documents without sections
    are one body.
    """
    parts: list[tuple[str, str | None, int, int]] = []
    for s in doc.sections:
        if s.name in ("body", "title") and s.end > s.start:
            parts.append((s.name, None, s.start, s.end))
    for c in doc.comments:
        parts.append(("comment", c.author, c.start, c.end))
    if not any(p[0] == "body" for p in parts):
        title_end = len(doc.title) if doc.text.startswith(doc.title) else 0
        parts = [p for p in parts if p[0] != "title"]
        if title_end:
            parts.insert(0, ("title", None, 0, title_end))
        first_comment = min((c.start for c in doc.comments), default=len(doc.text))
        parts.insert(1 if title_end else 0, ("body", None, title_end, first_comment))
    return [p for p in (_trim(doc.text, *p) for p in sorted(parts, key=lambda p: p[2])) if p[3] > p[2]]


def _trim(text: str, part: str, author: str | None, start: int, end: int) -> tuple[str, str | None, int, int]:
    # Blank lines around a part would show as empty space in a pre-wrap box.
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return part, author, start, end


def page_pieces(doc: Any, start: int, end: int) -> list[tuple[int | None, int, int]]:
    """``[start, end)`` cut at the page breaks of a paged source: ``(page, start, end)``.

    Sources without pages give one piece with page ``None``. What lies between
    two pages (a blank line, or the space where a paragraph goes on over the
    page break) stays with the page before, so no character of the note is lost.
    """
    pieces = [
        [s.page, max(s.start, start), min(s.end, end)]
        for s in sorted(doc.sections, key=lambda s: s.start)
        if s.name == "page" and s.page is not None and s.start < end and s.end > start
    ]
    for here, after in zip(pieces, pieces[1:]):
        here[2] = after[1]
    return [(p, a, b) for p, a, b in pieces] or [(None, start, end)]


def note_body_html(
    doc: Any,
    mentions: Sequence[tuple[Any, str | None]],
    start: int,
    end: int,
    labels: Mapping[str, str],
    *,
    focus_page: int | None = None,
) -> str:
    """A part of the note, highlighted, with a marker where each page of a PDF begins.

    Args:
        focus_page: the page of the passage the reader came for; its marker says so.
    """
    pieces = page_pieces(doc, start, end)
    if pieces[0][0] is None:
        return note_html(doc.text, mentions, start, end, labels)
    out = []
    for page, a, b in pieces:
        here = page == focus_page
        mark = f" ◀ {bi('ข้อความที่ค้นพบ', 'found here')}" if here else ""
        out.append(f'<div class="fn-page{" fn-here" if here else ""}">{html.escape(page_label(page))}{mark}</div>'
                   + note_html(doc.text, mentions, a, b, labels))
    return "".join(out)


def _page_count(doc: Any) -> int | None:
    pages = [s.page for s in doc.sections if s.page is not None]
    return max(pages) if pages else None


def doc_meta(doc: Any, n_chunks: int | None = None) -> list[tuple[str, str]]:
    """The note's metadata as ``(bilingual name, value)`` rows, empty ones left out.

    The file type is shown in words (``PDF``, ``เวิร์ด (Word)``…), with the
    number of pages for a PDF; the reader's own format (``gotoknow``,
    ``thaigov``) only where it says more than the file type.
    """
    ftype = doc.file_type
    pages = _page_count(doc)
    rows = [
        (bi("วันที่เขียน", "Written"), fmt_date(doc.created)),
        (bi("แก้ไข", "Edited"), fmt_date(doc.edited)),
        (bi("ผู้เขียน", "Author"), doc.author or ""),
        (bi("บล็อก", "Blog"), doc.blog or ""),
        (bi("หมายเลขบันทึก", "Record"), doc.record_id or ""),
        (bi("ที่มา", "Source"), doc.source),
        (bi("ที่อยู่เว็บ", "URL"), doc.url or ""),
        (bi("ชนิดไฟล์", "File type"), file_type_label(ftype)),
        (bi("จำนวนหน้า", "Pages"), str(pages) if pages else ""),
        (bi("รูปแบบ", "Format"), "" if doc.kind in (ftype, "plain") else doc.kind),
        (bi("คำสำคัญ", "Tags"), ", ".join(doc.tags)),
        (bi("ความเห็น", "Comments"), str(len(doc.comments))),
        (bi("รหัส", "Id"), doc.id),
    ]
    if n_chunks is not None:
        rows.append((bi("ข้อความย่อย", "Passages"), str(n_chunks)))
    return [(k, v) for k, v in rows if v]


@dataclass(frozen=True)
class SimilarCard:
    """A similar note and why.

    Attributes:
        doc_id: the similar note.
        title: its title.
        score: similarity (higher is closer).
        shared: ``(type, labels)`` of what both notes mention, actors first.
        href: link to its case page.
    """

    doc_id: str
    title: str
    score: float
    shared: tuple[tuple[str, tuple[str, ...]], ...]
    href: str


def _ents_of(mentions: Sequence[tuple[Any, str | None]]) -> set[str]:
    return {iri for _m, iri in mentions if iri}


def similar_cards(
    kb: Any, doc_id: str, *, k: int = 5, index: Mapping[str, EntityInfo] | None = None
) -> list[SimilarCard]:
    """``kb.similar`` with the shared entities grouped by type (the *why*).

    The shared entities are recomputed from both notes' mentions so they can be
    grouped as actors, areas and practices; the facade's own ``shared`` labels
    are kept when the mentions give nothing.
    """
    idx = index if index is not None else entity_index(kb.entities())
    mine = _ents_of(kb.doc_mentions(doc_id))
    cards = []
    for s in kb.similar(doc_id, k=k):
        both = mine & _ents_of(kb.doc_mentions(s.doc_id))
        grouped: dict[str, list[str]] = defaultdict(list)
        for iri in both:
            if iri in idx:
                grouped[idx[iri].type].append(idx[iri].label)
        shared = tuple(
            (t, tuple(sorted(grouped[t]))) for t in ("actor", "area", "practice") if grouped.get(t)
        )
        if not shared and s.shared:
            shared = (("shared", tuple(s.shared)),)
        cards.append(SimilarCard(s.doc_id, s.title, float(s.score), shared, case_href(s.doc_id)))
    return cards


def doc_places(
    kb: Any, mentions: Sequence[tuple[Any, str | None]], *, max_areas: int = 30
) -> list[MapPoint]:
    """The note's areas that have coordinates, sized by how often the note names them."""
    counts: dict[str, int] = defaultdict(int)
    for m, iri in mentions:
        if iri and m.type == "area":
            counts[iri] += 1
    points = []
    top = sorted(counts.items(), key=lambda kv: -kv[1])[:max_areas]
    sizes = point_sizes([n for _, n in top], max_px=900)
    for (iri, n), size in zip(top, sizes):
        e = kb.entity(iri)
        if e.lat is None or e.lon is None:
            continue
        points.append(MapPoint(iri, e.label, e.kind, float(e.lat), float(e.lon), 1, 0, n, size))
    return points


def legend_html() -> str:
    """Colour key of the highlights."""
    items = "".join(
        f'<span><span class="fn-m fn-{t}">{html.escape(type_label(t))}</span></span>'
        for t in TYPE_COLOURS
    )
    q = '<span><mark class="fn-q">คำค้น · query</mark></span>'
    return f'<div class="fn-legend fn-meta">{items}{q}</div>'


def _pick_doc(kb: Any) -> str | None:
    doc = param("doc") or st.session_state.get("case_doc")
    if doc:
        return str(doc)
    st.info(
        bi("เลือกบันทึกจากหน้าค้นหา", "Open a note from the Search page")
        + " — หรือใส่รหัส/ที่มาของบันทึก · or type its id or source path."
    )
    ref = st.text_input(bi("รหัสหรือที่มา", "Id or source"), key="case_ref")
    return ref.strip() or None


def _focus_page(doc: Any) -> int | None:
    # ``at`` comes from a link (a search hit, a passage of evidence): an offset
    # in the note; anything else in it is ignored rather than an error.
    at = param("at")
    if at is None or not at.isdigit():
        return None
    return doc.page_at(int(at))


def render(kb: Any) -> None:
    """Draw the Case page."""
    if show_empty_state(kb):
        st.title(PAGE_TITLES["case"])
        return
    ref = _pick_doc(kb)
    if not ref:
        st.title(PAGE_TITLES["case"])
        return
    try:
        doc = kb.document(ref)
    except NotFoundError as exc:
        st.title(PAGE_TITLES["case"])
        st.error(bi("ไม่พบบันทึกนี้ในคลัง", "This note is not in the knowledge base") + f" — {exc}")
        st.caption(bi("ลิงก์เก่าอาจชี้ไปยังบันทึกที่แก้ไขแล้วนำเข้าใหม่ ค้นหาอีกครั้งที่หน้าค้นหา",
                      "An old link may point to a note that was edited and ingested again; "
                      "find it on the Search page"))
        return
    st.session_state["case_doc"] = doc.id
    index = cached_entity_index(kb)
    labels = {iri: e.label for iri, e in index.items()}
    mentions = kb.doc_mentions(doc.id)
    st.title(doc.title)
    from fieldnotes.explorer.common import chips_html

    focus_page = _focus_page(doc)
    if focus_page:
        st.caption(where_label(doc.file_type, focus_page) + " — "
                   + bi("ข้อความที่ค้นพบอยู่หน้านี้", "the passage you opened is on this page"))
    st.html(chips_html(doc_chips(mentions, index, per_type=6)))
    left, right = st.columns([3, 2], gap="large")
    with left:
        st.html(legend_html())
        for part, author, start, end in note_parts(doc):
            if part == "title":
                continue
            body = note_body_html(doc, mentions, start, end, labels, focus_page=focus_page)
            if part == "comment":
                who = html.escape(author or bi("ไม่ระบุชื่อ", "anonymous"))
                st.html(f'<div class="fn-meta">{bi("ความเห็นของ", "comment by")} {who}</div><div class="fn-passage">{body}</div>')
            else:
                st.html(f'<div class="fn-note">{body}</div>')
    with right:
        st.subheader(bi("ข้อมูลบันทึก", "About this note"))
        rows = "".join(
            f"<tr><th>{html.escape(k)}</th><td>{html.escape(v)}</td></tr>"
            for k, v in doc_meta(doc, len(kb.chunks(doc.id)))
        )
        st.html(f'<table class="fn-meta">{rows}</table>')
        st.subheader(bi("บันทึกที่คล้ายกัน", "Similar cases"))
        with guard(bi("บันทึกที่คล้ายกัน", "similar cases")):
            cards = similar_cards(kb, doc.id, index=index)
            if not cards:
                st.caption(bi("ไม่พบบันทึกที่คล้ายกัน", "No similar notes found"))
            for i, c in enumerate(cards):
                with st.container(border=True):
                    a, b = st.columns([5, 1])
                    a.markdown(f"**{c.title}**  \n{bi('ความคล้าย', 'similarity')} {c.score:.2f}")
                    if b.button("→", key=f"c_sim_{i}", help=bi("เปิด", "Open")):
                        go("case", doc=c.doc_id)
                    why = "; ".join(f"{type_label(t)}: {', '.join(ls)}" for t, ls in c.shared)
                    st.caption(bi("เพราะมีร่วมกัน", "because both mention") + f" — {why}" if why else "")
        st.subheader(bi("อยู่ที่ไหน", "Where"))
        with guard(bi("แผนที่", "map")):
            places = doc_places(kb, mentions)
            if places:
                st.vega_lite_chart(map_chart(places, height=380, focus=places), width="stretch")
                st.caption(", ".join(p.label for p in places))
            else:
                st.caption(bi("บันทึกนี้ไม่ระบุพื้นที่ที่มีพิกัด", "This note names no mapped area"))

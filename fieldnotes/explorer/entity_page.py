"""Entity page: one actor, area or practice — names, mentions, links, and corrections.

Corrections (merge, rename, change type) go through ``kb.curate``, which
writes them to ``<home>/curation.json`` and applies them at once, so they
survive every re-ingest. The action builders here check the input first and
say what to fix, in Thai and English.

Example:
    >>> merge_action("ม.วลัยลักษณ์", "มหาวิทยาลัยวลัยลักษณ์")
    {'op': 'merge', 'source': 'ม.วลัยลักษณ์', 'target': 'มหาวิทยาลัยวลัยลักษณ์'}
"""

from __future__ import annotations

import html
import re
from collections import defaultdict
from typing import Any, Sequence

import streamlit as st

from fieldnotes.errors import InputError, NotFoundError
from fieldnotes.explorer.common import (
    Chip,
    case_href,
    chips_html,
    entity_href,
    go,
    guard,
    param,
    show_empty_state,
)
from fieldnotes.explorer.highlight import Span, highlight_html, passage_window
from fieldnotes.explorer.labels import PAGE_TITLES, TYPE_LABELS, bi, kind_label, type_label
from graph.models import ENTITY_TYPES

__all__ = [
    "merge_action",
    "rename_action",
    "retype_action",
    "mention_cards",
    "linked_chips",
    "render",
]

_PER_PAGE = 10


def _note(action: dict[str, str], note: str | None) -> dict[str, str]:
    if note and note.strip():
        action["note"] = note.strip()
    return action


def merge_action(source: str, target: str, note: str | None = None) -> dict[str, str]:
    """A merge: everything known as ``source`` joins ``target``.

    Raises:
        InputError: either side is empty, or both are the same entity.
    """
    if not (source or "").strip() or not (target or "").strip():
        raise InputError("เลือกรายการที่จะรวมด้วย · choose the entity to merge into")
    if source.strip() == target.strip():
        raise InputError(f"รวมกับตัวเองไม่ได้ · cannot merge {source!r} into itself; choose another entity")
    return _note({"op": "merge", "source": source.strip(), "target": target.strip()}, note)


def rename_action(entity: str, label: str, note: str | None = None) -> dict[str, str]:
    """A new preferred label (the old one stays as an alias).

    Raises:
        InputError: the new label is empty or longer than 200 characters.
    """
    new = (label or "").strip()
    if not new:
        raise InputError("ใส่ชื่อใหม่ก่อน · type the new name first")
    if len(new) > 200:
        raise InputError(f"ชื่อยาวเกินไป ({len(new)} ตัวอักษร) · the name is {len(new)} characters; keep it under 200")
    return _note({"op": "rename", "entity": entity, "label": new}, note)


def retype_action(entity: str, type_: str, kind: str, note: str | None = None) -> dict[str, str]:
    """A new type and kind.

    Raises:
        InputError: the type is unknown or the kind does not belong to it.
    """
    if type_ not in ENTITY_TYPES:
        raise InputError(f"ชนิด {type_!r} ไม่รู้จัก · unknown type {type_!r}; use one of {', '.join(ENTITY_TYPES)}")
    if kind not in ENTITY_TYPES[type_]:
        raise InputError(
            f"{kind!r} ใช้กับ {type_} ไม่ได้ · kind {kind!r} does not fit type {type_!r}; "
            f"use one of {', '.join(ENTITY_TYPES[type_])}"
        )
    return _note({"op": "retype", "entity": entity, "type": type_, "kind": kind}, note)


def mention_cards(mentions: Sequence[Any], type_: str, *, context: int = 180) -> list[tuple[str, str, str]]:
    """``(title, case link, passage HTML)`` for each mention, the mention marked in place.

    ``mentions`` come from ``kb.entity_mentions``: each has ``start``/``end`` in
    the document and the ``passage`` it lies in (``{text, start, title, …}``,
    or ``None`` when the passage is gone), whose ``start`` is also a document
    offset. The link opens the note at the mention.
    """
    out = []
    for m in mentions:
        passage = m.passage or {}
        text = str(passage.get("text") or "")
        s = m.start - int(passage.get("start") or 0)
        e = m.end - int(passage.get("start") or 0)
        if not (0 <= s < e <= len(text)):
            s = e = 0
        lo, hi = passage_window(text, s, e, context=context)
        spans = [Span(s - lo, e - lo, type_, title=m.surface)] if e > s else []
        body = highlight_html(text[lo:hi], spans)
        body = re.sub(r"\n\s*\n+", "\n", body).strip("\n")  # compact: one line break between paragraphs
        body = ("… " if lo else "") + body + (" …" if hi < len(text) else "")
        title = str(passage.get("title") or m.source or m.doc_id)
        out.append((title, case_href(m.doc_id, at=m.start), body))
    return out


def linked_chips(linked: Sequence[tuple[Any, int]], *, per_type: int = 25) -> dict[str, list[Chip]]:
    """Co-occurring entities by type, strongest first, as chips with their weights."""
    groups: dict[str, list[Chip]] = defaultdict(list)
    for ent, weight in sorted(linked, key=lambda x: -x[1]):
        if len(groups[ent.type]) < per_type:
            groups[ent.type].append(Chip(ent.iri, ent.label, ent.type, int(weight)))
    return dict(groups)


@st.cache_data(show_spinner=False, max_entries=4)
def _choices(_kb: Any, rev: str) -> list[tuple[str, str]]:
    ents = sorted(_kb.entities(), key=lambda e: -(e.mentions or 0))[:3000]
    return [(e.iri, f"{e.label} · {type_label(e.type)} ({e.mentions})") for e in ents]


def _picked() -> None:
    # on_change of the finder: the query parameter is what the page reads.
    value = st.session_state.get("e_pick")
    if value:
        st.session_state["e_iri"] = value
        st.query_params["iri"] = value


def _pick(kb: Any, rev: str) -> str | None:
    choices = dict(_choices(kb, rev))
    st.selectbox(bi("ค้นหารายการ", "Find an entity"), [None, *choices], key="e_pick", on_change=_picked,
                 format_func=lambda i: "—" if i is None else choices.get(i, i))
    return param("iri") or st.session_state.get("e_iri")


def render(kb: Any) -> None:
    """Draw the Entity page."""
    from fieldnotes.explorer.common import revision

    if show_empty_state(kb):
        st.title(PAGE_TITLES["entity"])
        return
    rev = revision(kb)
    iri = _pick(kb, rev)
    if not iri:
        st.title(PAGE_TITLES["entity"])
        st.info(bi("เลือกรายการด้านบน หรือคลิกชื่อที่ไฮไลต์ในบันทึก",
                   "Choose an entity above, or click a highlighted name in a note"))
        return
    try:
        ent = kb.entity(iri)
    except NotFoundError as exc:
        st.title(PAGE_TITLES["entity"])
        st.error(bi("ไม่พบรายการนี้", "No such entity") + f" — {exc}")
        st.caption(bi("เลือกรายการจากช่องค้นหาด้านบน", "Choose one in the finder above"))
        return
    st.session_state["e_iri"] = ent.iri
    st.title(ent.label)
    facts = [type_label(ent.type), kind_label(ent.kind)]
    if ent.label_en:
        facts.append(ent.label_en)
    if ent.code:
        facts.append(f"{bi('รหัส', 'code')} {ent.code}")
    facts.append(f"{ent.mentions} {bi('ครั้ง', 'mentions')} · {len(ent.docs)} {bi('บันทึก', 'notes')}")
    st.caption(" · ".join(facts))
    if ent.aliases:
        st.markdown(f"**{bi('ชื่ออื่น', 'Also known as')}:** " + ", ".join(ent.aliases))
    if ent.parent:
        with guard():
            parent = kb.entity(ent.parent)
            st.html(f'<div class="fn-meta">{bi("อยู่ใน", "part of")}: '
                    f'<a href="{html.escape(entity_href(parent.iri), quote=True)}" target="_self">'
                    f'{html.escape(parent.label)}</a></div>')
    left, right = st.columns([3, 2], gap="large")
    with left:
        st.subheader(bi("ข้อความที่กล่าวถึง", "Mentions"))
        rows = kb.entity_mentions(ent.iri, limit=200)
        if not rows:
            st.caption(bi("ไม่มีข้อความที่กล่าวถึง", "No mention found"))
        pages = max(1, (len(rows) + _PER_PAGE - 1) // _PER_PAGE)
        page = st.number_input(bi("หน้า", "Page"), 1, pages, 1, key=f"e_page_{ent.iri}") if pages > 1 else 1
        chunk = rows[(page - 1) * _PER_PAGE : page * _PER_PAGE]
        for title, href, body in mention_cards(chunk, ent.type):
            st.html(f'<div class="fn-meta"><a href="{html.escape(href, quote=True)}" '
                    f'target="_self">{html.escape(title)}</a></div><div class="fn-passage">{body}</div>')
    with right:
        st.subheader(bi("เชื่อมโยงกับ", "Linked with"))
        groups = linked_chips(kb.linked(ent.iri))
        if not groups:
            st.caption(bi("ยังไม่พบรายการที่เชื่อมโยง", "No linked entities yet"))
        for t in ("actor", "area", "practice"):
            if groups.get(t):
                st.markdown(f"**{type_label(t)}**")
                st.html(chips_html(groups[t]))
        _curation(kb, ent, rev)


def _curation(kb: Any, ent: Any, rev: str) -> None:
    st.subheader(bi("แก้ไขข้อมูล", "Curate"))
    st.caption(bi("การแก้ไขถูกบันทึกใน curation.json และคงอยู่เมื่อนำเข้าใหม่",
                  "Corrections are saved to curation.json and survive re-ingest"))
    t_merge, t_rename, t_type = st.tabs([bi("รวม", "Merge"), bi("ชื่อ", "Rename"), bi("ชนิด", "Type")])
    with t_merge, st.form("e_merge"):
        same = {i: lab for i, lab in _choices(kb, rev) if i != ent.iri and f"· {type_label(ent.type)} " in lab}
        target = st.selectbox(bi("รวมเข้ากับ", "Merge into"), [None, *same], key="e_target",
                              format_func=lambda i: "—" if i is None else same[i])
        note = st.text_input(bi("เหตุผล", "Why (optional)"), key="e_merge_note")
        if st.form_submit_button(bi("รวม", "Merge")):
            _apply(kb, lambda: merge_action(ent.iri, target or "", note), then=target)
    with t_rename, st.form("e_rename"):
        label = st.text_input(bi("ชื่อใหม่", "New name"), value=ent.label, key="e_label")
        note = st.text_input(bi("เหตุผล", "Why (optional)"), key="e_rename_note")
        if st.form_submit_button(bi("เปลี่ยนชื่อ", "Rename")):
            _apply(kb, lambda: rename_action(ent.iri, label, note), then=ent.iri)
    with t_type, st.form("e_retype"):
        types = list(ENTITY_TYPES)
        new_type = st.selectbox(bi("ชนิด", "Type"), types, index=types.index(ent.type) if ent.type in types else 0,
                                format_func=lambda t: TYPE_LABELS.get(t, t), key="e_type")
        kinds = [k for ks in ENTITY_TYPES.values() for k in ks]
        kind = st.selectbox(bi("ประเภทย่อย", "Kind"), kinds, index=kinds.index(ent.kind) if ent.kind in kinds else 0,
                            format_func=kind_label, key="e_kind")
        note = st.text_input(bi("เหตุผล", "Why (optional)"), key="e_retype_note")
        if st.form_submit_button(bi("เปลี่ยนชนิด", "Change type")):
            _apply(kb, lambda: retype_action(ent.iri, new_type, kind, note), then=ent.iri)


def _apply(kb: Any, build: Any, *, then: str | None) -> None:
    with guard(bi("แก้ไข", "curation")):
        action = build()
        kb.curate(action)
        st.cache_data.clear()
        st.session_state["e_done"] = action["op"]
        st.success(bi("บันทึกการแก้ไขแล้ว", "Saved") + f": {action['op']}")
        if then:
            go("entity", iri=then)

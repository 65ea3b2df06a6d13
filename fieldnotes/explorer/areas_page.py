"""Areas page: a map of Thailand with notes and actors per area, drilling down.

Province → district → subdistrict: clicking a point (or choosing it in the
list) shows the areas inside it. The map is drawn offline on a bundled
outline (see :mod:`fieldnotes.explorer.mapchart`).

Example:
    >>> rows = level_rows(kb.area_counts("district"), parent=".../area/80")
    >>> drill(DrillState(), "province", ".../area/80")
    DrillState(province='.../area/80', district=None, subdistrict=None)
"""

from __future__ import annotations

import html
from collections import OrderedDict
from dataclasses import dataclass, replace
from typing import Any, Iterable, Mapping, Sequence

import streamlit as st

from fieldnotes.explorer.common import case_href, entity_href, guard, page_href, show_empty_state
from fieldnotes.explorer.labels import LEVEL_LABELS, PAGE_TITLES, bi
from fieldnotes.explorer.mapchart import SELECTION, map_chart, map_points

__all__ = ["LEVELS", "DrillState", "level_rows", "drill", "up_to", "current_level", "notes_of_area", "render"]

#: The drill-down order.
LEVELS = ("province", "district", "subdistrict")


@dataclass(frozen=True)
class DrillState:
    """Where the facilitator has drilled to (IRIs; ``None`` above that level)."""

    province: str | None = None
    district: str | None = None
    subdistrict: str | None = None


def current_level(state: DrillState) -> tuple[str, str | None]:
    """``(level to list, parent IRI)`` for a drill state."""
    if state.district:
        return "subdistrict", state.district
    if state.province:
        return "district", state.province
    return "province", None


def drill(state: DrillState, level: str, iri: str | None) -> DrillState:
    """The state after choosing ``iri`` at ``level`` (deeper choices are reset)."""
    if level == "province":
        return DrillState(province=iri)
    if level == "district":
        return replace(state, district=iri, subdistrict=None)
    if level == "subdistrict":
        return replace(state, subdistrict=iri)
    raise ValueError(f"unknown level {level!r}; use one of {', '.join(LEVELS)}")


def up_to(state: DrillState, depth: int) -> DrillState:
    """The state cut back to its first ``depth`` levels (0 = all of Thailand)."""
    kept = {lvl: getattr(state, lvl) for lvl in LEVELS[:depth]}
    return DrillState(**kept)


def level_rows(
    rows: Iterable[Mapping[str, Any]], *, parent: str | None = None, by: str = "notes"
) -> list[dict[str, Any]]:
    """Areas of one level inside ``parent`` (any parent if ``None``) with a count, biggest first."""
    keep = [
        dict(r)
        for r in rows
        if (parent is None or r.get("parent") == parent) and int(r.get("notes") or 0) > 0
    ]
    return sorted(keep, key=lambda r: (-int(r.get(by) or 0), r.get("label") or ""))


def notes_of_area(mentions: Sequence[Any], *, limit: int = 20) -> list[dict[str, Any]]:
    """Distinct notes among an area's mentions (``kb.entity_mentions``), with mention counts.

    A note's title is its passage's (the mention carries the source path only).
    """
    notes: OrderedDict[str, dict[str, Any]] = OrderedDict()
    for m in mentions:
        title = (m.passage or {}).get("title") or m.source
        row = notes.setdefault(m.doc_id, {"doc_id": m.doc_id, "title": title, "count": 0})
        row["count"] += 1
    return sorted(notes.values(), key=lambda r: -r["count"])[:limit]


@st.cache_data(show_spinner=False, max_entries=8)
def _counts(_kb: Any, rev: str, level: str) -> list[dict[str, Any]]:
    return _kb.area_counts(level=level)


def _state() -> DrillState:
    return st.session_state.get("a_state", DrillState())


def render(kb: Any) -> None:
    """Draw the Areas page."""
    from fieldnotes.explorer.common import revision

    st.title(PAGE_TITLES["areas"])
    if show_empty_state(kb):
        return
    rev = revision(kb)
    state = _state()
    names: dict[str, str] = {}
    for lvl in LEVELS:
        names.update({r["iri"]: r["label"] for r in _counts(kb, rev, lvl)})
    by = st.radio(bi("ขนาดตาม", "Size by"), ["notes", "actors"], horizontal=True, key="a_by",
                  format_func=lambda v: bi("จำนวนบันทึก", "notes") if v == "notes" else bi("จำนวนผู้กระทำ", "actors"))
    # Breadcrumb of the drill-down, each step a button back up.
    crumbs = [bi("ทั้งประเทศ", "All Thailand")] + [
        names.get(getattr(state, lvl), "?") for lvl in LEVELS if getattr(state, lvl)
    ]
    cols = st.columns(len(crumbs) + 3, gap="small")
    for i, label in enumerate(crumbs):
        if cols[i].button(label, key=f"a_crumb_{i}", disabled=i == len(crumbs) - 1):
            st.session_state["a_state"] = up_to(state, i)
            st.rerun()
    level, parent = current_level(state)
    rows = level_rows(_counts(kb, rev, level), parent=parent, by=by)
    left, right = st.columns([3, 2], gap="large")
    with left:
        points = map_points(rows, by=by)
        if not points and parent:
            # Nothing mapped inside: keep the chosen area itself on the map.
            above = LEVELS[LEVELS.index(level) - 1]
            points = map_points([r for r in _counts(kb, rev, above) if r["iri"] == parent], by=by)
            st.caption(bi("ไม่มีพื้นที่ย่อยที่มีพิกัด แสดงพื้นที่ที่เลือก", "No mapped area inside; showing the chosen one"))
        if points:
            focus = points if parent else None
            event = st.vega_lite_chart(map_chart(points, selectable=True, focus=focus), width="stretch",
                                       on_select="rerun", key=f"a_map_{level}_{parent}")
            picked = _picked(event)
            if picked and picked in {r["iri"] for r in rows}:
                st.session_state["a_state"] = drill(state, level, picked)
                st.rerun()
        else:
            st.info(bi("ไม่มีพื้นที่ที่มีพิกัดในระดับนี้", "No mapped area at this level"))
        st.caption(bi("คลิกจุดเพื่อดูพื้นที่ย่อย", "Click a point to drill down") + " · "
                   + bi("แผนที่: Natural Earth (สาธารณสมบัติ)", "map: Natural Earth (public domain)"))
    with right:
        st.subheader(LEVEL_LABELS[level])
        if not rows:
            st.info(bi("ไม่มีบันทึกที่กล่าวถึงพื้นที่ในระดับนี้", "No note names an area at this level"))
        options = [None, *[r["iri"] for r in rows]]
        label_of = {r["iri"]: f"{r['label']} — {r.get('notes', 0)} {bi('บันทึก', 'notes')}, "
                              f"{r.get('actors', 0)} {bi('ผู้กระทำ', 'actors')}" for r in rows}
        chosen = st.selectbox(bi("เลือกพื้นที่", "Choose an area"), options, key=f"a_pick_{level}_{parent}",
                              format_func=lambda i: "—" if i is None else label_of[i])
        if chosen:
            st.session_state["a_state"] = drill(state, level, chosen)
            st.rerun()
        table = [{"พื้นที่ · area": r["label"], "บันทึก · notes": int(r.get("notes") or 0),
                  "ผู้กระทำ · actors": int(r.get("actors") or 0)} for r in rows[:200]]
        if table:
            st.dataframe(table, hide_index=True, width="stretch", height=min(400, 38 + 35 * len(table)))
        focus_iri = state.subdistrict or state.district or state.province
        if focus_iri:
            _area_notes(kb, focus_iri, names.get(focus_iri, focus_iri))


def _picked(event: Any) -> str | None:
    try:
        sel = (event or {}).get("selection", {}).get(SELECTION) or []
    except AttributeError:
        return None
    return sel[0].get("iri") if sel and isinstance(sel[0], Mapping) else None


def _area_notes(kb: Any, iri: str, label: str) -> None:
    st.subheader(bi("บันทึกในพื้นที่", "Notes about") + f" {label}")
    links = (f'<a href="{html.escape(entity_href(iri), quote=True)}" target="_self">{bi("หน้ารายการ", "entity page")}</a>'
             f' · <a href="{html.escape(page_href("search", area=iri), quote=True)}" target="_self">'
             f'{bi("ค้นในพื้นที่นี้", "search in this area")}</a>')
    st.html(f'<div class="fn-meta">{links}</div>')
    with guard(bi("บันทึกในพื้นที่", "notes of area")):
        notes = notes_of_area(kb.entity_mentions(iri, limit=200))
        if not notes:
            st.caption(bi("ยังไม่มีบันทึกที่ระบุพื้นที่นี้โดยตรง", "No note names this area directly"))
        items = "".join(
            f'<li><a href="{html.escape(case_href(n["doc_id"]), quote=True)}" target="_self">{html.escape(n["title"] or n["doc_id"])}</a>'
            f' <span class="fn-meta">({n["count"]})</span></li>'
            for n in notes
        )
        st.html(f"<ul>{items}</ul>")

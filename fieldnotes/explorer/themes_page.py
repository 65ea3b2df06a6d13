"""Themes page: who works on which theme, and the themes of an actor.

The practice tree is the SKOS scheme (broader/narrower) with counts; for a
theme the actors are ranked by how many passages link them to it, with their
areas; for an actor its themes. Every count opens the passages behind it.

Example:
    >>> rows = flatten_tree(kb.practice_tree())
    >>> [(r.depth, r.label) for r in rows][:2]
    [(0, 'องค์กรการเงินชุมชน'), (1, 'กองทุนหมู่บ้าน')]
    >>> [(r.label, r.passages, r.areas) for r in who_rows(kb, "กองทุนหมู่บ้าน")][:1]
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Any, Iterable, Mapping, Sequence

import streamlit as st

from fieldnotes.explorer.common import (
    case_href,
    entity_href,
    guard,
    page_href,
    param,
    show_empty_state,
)
from fieldnotes.explorer.highlight import highlight_html, passage_window, phrase_spans
from fieldnotes.explorer.labels import PAGE_TITLES, bi, kind_label

__all__ = [
    "TreeRow",
    "RankRow",
    "flatten_tree",
    "prune_tree",
    "tree_html",
    "evidence_html",
    "who_rows",
    "theme_rows",
    "render",
]


@dataclass(frozen=True)
class TreeRow:
    """One concept of the practice tree, flattened with its depth."""

    iri: str
    label: str
    label_en: str | None
    depth: int
    count: int
    discovered: bool
    children: int


def flatten_tree(tree: Iterable[Mapping[str, Any]], depth: int = 0) -> list[TreeRow]:
    """Depth-first rows of ``kb.practice_tree()``; siblings by count, then label."""
    rows: list[TreeRow] = []
    for node in sorted(tree, key=lambda n: (-int(n.get("count") or 0), n.get("label") or "")):
        kids = node.get("children") or []
        rows.append(
            TreeRow(
                iri=node["iri"],
                label=node.get("label") or node["iri"],
                label_en=node.get("label_en"),
                depth=depth,
                count=int(node.get("count") or 0),
                discovered=bool(node.get("discovered")),
                children=len(kids),
            )
        )
        rows.extend(flatten_tree(kids, depth + 1))
    return rows


def prune_tree(tree: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The tree without concepts that no note mentions (kept when a narrower one is mentioned)."""
    out = []
    for node in tree:
        kids = prune_tree(node.get("children") or [])
        if int(node.get("count") or 0) > 0 or kids:
            out.append({**node, "children": kids})
    return out


def tree_html(rows: Sequence[TreeRow], selected: str | None = None) -> str:
    """The tree as indented links (each opens the theme on this page)."""
    items = []
    for r in rows:
        pad = 1.2 * r.depth
        name = html.escape(r.label) + (f' <span class="fn-meta">{html.escape(r.label_en)}</span>' if r.label_en else "")
        mark = " ✦" if r.discovered else ""
        weight = "font-weight:700;" if r.iri == selected else ""
        href = html.escape(page_href("themes", theme=r.iri), quote=True)
        items.append(
            f'<div style="margin-left:{pad}rem;{weight}">{"▸ " if r.children else "• "}'
            f'<a href="{href}" target="_self">{name}</a>{mark} '
            f'<span class="fn-count fn-meta">({r.count})</span></div>'
        )
    return "".join(items)


def evidence_html(evidence: Sequence[Mapping[str, Any]], names: Sequence[str], *, context: int = 200) -> str:
    """Passages behind a count, with the given names marked and a link to each note."""
    parts = []
    for ev in evidence:
        text = (ev.get("text") or "").strip()
        spans = phrase_spans(text, names)
        if spans:
            lo, hi = passage_window(text, spans[0].start, spans[0].end, context=context)
        else:
            lo, hi = 0, min(len(text), 2 * context)
        inner = [type(s)(s.start - lo, s.end - lo, s.kind) for s in spans if lo <= s.start and s.end <= hi]
        href = html.escape(case_href(str(ev.get("doc_id")), at=ev.get("start")), quote=True)
        title = html.escape(ev.get("title") or ev.get("source") or "")
        parts.append(
            f'<div class="fn-meta"><a href="{href}" target="_self">{title}</a></div>'
            f'<div class="fn-passage">{"… " if lo else ""}{highlight_html(text[lo:hi], inner)}'
            f'{" …" if hi < len(text) else ""}</div>'
        )
    return "".join(parts)


@dataclass(frozen=True)
class RankRow:
    """One ranked line: an actor for a theme, or a theme of an actor.

    Attributes:
        iri: the actor or theme.
        label: its label.
        kind: its kind (``organisation``, ``practice``…).
        passages: how many passages tie it to the other side.
        areas: where the actor is active, strongest first (empty for themes).
        evidence: some of those passages, ``{doc_id, source, title, text, start, end}``.
    """

    iri: str
    label: str
    kind: str
    passages: int
    areas: tuple[str, ...] = ()
    evidence: tuple[Mapping[str, Any], ...] = ()


def who_rows(kb: Any, theme: str, *, k: int = 30, areas: int = 3) -> list[RankRow]:
    """The actors who work on a theme (``kb.who``), ranked, each with its main areas.

    ``who`` gives the passages and evidence; the areas come from
    ``kb.areas_of`` for each of the ``k`` actors (a few graph lookups each).
    """
    return [
        RankRow(r.iri, r.label, r.kind, r.passages,
                tuple(a.label for a in kb.areas_of(r.iri)[:areas]), tuple(r.evidence))
        for r in kb.who(theme, k=k)
    ]


def theme_rows(kb: Any, actor: str, *, limit: int = 15) -> list[RankRow]:
    """The themes of an actor (``kb.themes_of``) with the passages behind each.

    ``themes_of`` gives how many passages tie the actor to a theme, not which;
    those are the actor's evidence in ``kb.who(theme)``, asked for the first
    ``limit`` themes only.
    """
    rows = []
    for i, t in enumerate(kb.themes_of(actor)):
        evidence: tuple[Mapping[str, Any], ...] = ()
        if i < limit:
            evidence = next((tuple(r.evidence) for r in kb.who(t.iri, k=200) if r.iri == actor), ())
        rows.append(RankRow(t.iri, t.label, t.kind, t.weight, (), evidence))
    return rows


def _ranked(rows: Sequence[RankRow], names_of: str) -> None:
    """Ranked rows; each count is an expander that opens the passages."""
    for r in rows:
        # Under "an actor's themes" every row is a practice: saying so each time is noise.
        kind = f" · {kind_label(r.kind)}" if r.kind and r.kind != "practice" else ""
        head = f"{r.label}{kind} — {r.passages} " + bi("ข้อความ", "passages")
        with st.expander(head, expanded=False):
            areas = html.escape(", ".join(r.areas))
            st.html(
                f'<div class="fn-meta"><a href="{html.escape(entity_href(r.iri), quote=True)}" target="_self">'
                f'{bi("เปิดหน้ารายการ", "open entity page")}</a>'
                f'{" · " + bi("พื้นที่", "areas") + ": " + areas if areas else ""}</div>'
            )
            st.html(evidence_html(r.evidence, [r.label, names_of]))


@st.cache_data(show_spinner=False, max_entries=16)
def _who(_kb: Any, rev: str, theme: str) -> list[RankRow]:
    return who_rows(_kb, theme)


@st.cache_data(show_spinner=False, max_entries=16)
def _themes(_kb: Any, rev: str, actor: str) -> list[RankRow]:
    return theme_rows(_kb, actor)


@st.cache_data(show_spinner=False, max_entries=8)
def _tree(_kb: Any, rev: str, only_used: bool) -> list[TreeRow]:
    tree = _kb.practice_tree()
    return flatten_tree(prune_tree(tree) if only_used else tree)


def render(kb: Any) -> None:
    """Draw the Themes page."""
    from fieldnotes.explorer.common import revision

    st.title(PAGE_TITLES["themes"])
    if show_empty_state(kb):
        return
    only_used = st.toggle(bi("เฉพาะประเด็นที่มีในบันทึก", "Only practices the notes mention"), value=True, key="t_used")
    rows = _tree(kb, revision(kb), only_used)
    if not rows:
        st.info(bi("ยังไม่มีประเด็นงานในคลัง", "No practices found yet") + " — นำเข้าบันทึกเพิ่ม · ingest more notes.")
        return
    by_iri = {r.iri: r for r in rows}
    wanted = param("theme")
    left, right = st.columns([2, 3], gap="large")
    with left:
        st.subheader(bi("ผังประเด็นงาน", "Practice tree"))
        st.caption(bi("กว้าง → แคบ", "broader → narrower") + " · ✦ " + bi("พบใหม่", "discovered"))
        with st.container(height=min(520, 60 + 34 * len(rows))):
            st.html(tree_html(rows, wanted))
    with right:
        tab_theme, tab_actor = st.tabs([bi("ใครทำประเด็นนี้", "Who works on it"),
                                        bi("ภาคีทำอะไร", "An actor's themes")])
        with tab_theme:
            keys = [r.iri for r in rows]
            theme = st.selectbox(
                bi("ประเด็น", "Theme"), keys,
                index=keys.index(wanted) if wanted in by_iri else 0,
                format_func=lambda i: "\u2003" * by_iri[i].depth + f"{by_iri[i].label} ({by_iri[i].count})",
                key="t_theme",
            )
            with guard(bi("ใครทำประเด็นนี้", "who")):
                who = _who(kb, revision(kb), theme)
                if not who:
                    st.info(bi("ยังไม่พบภาคีในประเด็นนี้", "No actor linked to this theme yet"))
                else:
                    _ranked(who, by_iri[theme].label)
        with tab_actor:
            actors = {e.iri: e.label for e in sorted(kb.entities("actor"), key=lambda e: -(e.mentions or 0))[:1000]}
            if not actors:
                st.info(bi("ยังไม่มีผู้กระทำในคลัง", "No actors yet"))
                return
            keys = list(actors)
            wanted_actor = param("actor")
            actor = st.selectbox(bi("ผู้กระทำ", "Actor"), keys, format_func=actors.get, key="t_actor",
                                 index=keys.index(wanted_actor) if wanted_actor in actors else 0)
            with guard(bi("ประเด็นของภาคี", "themes of actor")):
                themes = _themes(kb, revision(kb), actor)
                if not themes:
                    st.info(bi("ยังไม่พบประเด็นของภาคีนี้", "No theme linked to this actor yet"))
                else:
                    _ranked(themes, actors[actor])

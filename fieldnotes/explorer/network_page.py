"""Network page: the partner network, drawn with st-link-analysis (Cytoscape.js, bundled).

Only the ``top_n`` most central nodes are drawn (the 7,941-note corpus has
thousands of actors); a node's neighbourhood is added on demand. Node size
follows a centrality, colour the type or the community. Clicking a node opens
its entity page (or expands it, if chosen), and the path finder shows the
passages behind every hop between two actors.

Example:
    >>> net = kb.network(top_n=100)
    >>> elements = graph_elements(net, colour_by="community", size_by="pagerank")
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from typing import Any, Iterable, Mapping, Sequence

import streamlit as st

from fieldnotes.errors import NotFoundError
from fieldnotes.explorer.common import Chip, case_href, chips_html, go, guard, param, show_empty_state
from fieldnotes.explorer.highlight import highlight_html, passage_window, phrase_spans
from fieldnotes.explorer.labels import (
    PAGE_TITLES,
    KIND_COLOURS,
    bi,
    community_colour,
    kind_label,
)
from graph.models import ENTITY_TYPES
from graph.network_top import TOP_DEFAULT, TOP_MAX, TOP_STEP, far_from

__all__ = [
    "SIZE_BY",
    "node_sizes",
    "merge_networks",
    "filter_network",
    "graph_elements",
    "graph_styles",
    "read_event",
    "path_html",
    "render",
]

#: Centralities a node can be sized by.
SIZE_BY: dict[str, str] = {
    "pagerank": bi("ความสำคัญ", "PageRank"),
    "betweenness": bi("ความเป็นสะพาน", "betweenness"),
    "degree": bi("จำนวนคู่ภาคี", "degree"),
}
_COLOUR_BY = {"kind": bi("ประเภท", "kind"), "community": bi("กลุ่มย่อย", "community")}
_MIN_PX, _MAX_PX = 18.0, 72.0
_FONT = "Loma, Waree, 'Noto Sans Thai', sans-serif"


def node_sizes(values: Sequence[float], *, lo: float = _MIN_PX, hi: float = _MAX_PX) -> list[float]:
    """Node diameters from centrality values: square-root scaled into ``[lo, hi]``.

    Example:
        >>> node_sizes([0.0, 0.25, 1.0], lo=10, hi=30)
        [10.0, 20.0, 30.0]
    """
    top = max(values, default=0.0)
    if top <= 0:
        return [lo for _ in values]
    return [lo + (hi - lo) * math.sqrt(max(v, 0.0) / top) for v in values]


def merge_networks(base: Mapping[str, Any], extra: Mapping[str, Any]) -> dict[str, Any]:
    """Union of two ``{"nodes", "edges"}`` graphs (for expand-on-demand).

    Nodes are matched by IRI (``base`` wins for their attributes); edges by the
    unordered pair of their ends.
    """
    nodes = {n["iri"]: n for n in extra.get("nodes", [])}
    nodes.update({n["iri"]: n for n in base.get("nodes", [])})
    edges: dict[frozenset[str], dict[str, Any]] = {}
    for e in [*extra.get("edges", []), *base.get("edges", [])]:
        edges[frozenset((e["source"], e["target"]))] = e
    keep = [e for e in edges.values() if e["source"] in nodes and e["target"] in nodes]
    return {"nodes": list(nodes.values()), "edges": keep}


def filter_network(
    net: Mapping[str, Any], *, types: Iterable[str] | None = None, community: int | None = None
) -> dict[str, Any]:
    """Keep nodes of the given types and community; edges whose both ends stay."""
    allowed = set(types) if types is not None else None
    nodes = [
        n
        for n in net.get("nodes", [])
        if (allowed is None or n.get("type") in allowed)
        and (community is None or n.get("community") == community)
    ]
    ids = {n["iri"] for n in nodes}
    edges = [e for e in net.get("edges", []) if e["source"] in ids and e["target"] in ids]
    return {"nodes": nodes, "edges": edges}


def _group(node: Mapping[str, Any], colour_by: str) -> str:
    if colour_by == "community":
        c = node.get("community")
        return f"community {c}" if c is not None else "community ?"
    return str(node.get("kind") or "actor")


def graph_elements(
    net: Mapping[str, Any], *, colour_by: str = "kind", size_by: str = "pagerank"
) -> dict[str, list[dict[str, Any]]]:
    """Cytoscape elements for st-link-analysis.

    Each node's ``label`` is its colour group (st-link-analysis styles by it),
    ``name`` the text shown, ``size`` its diameter in pixels; edges carry their
    weight and evidence count.
    """
    nodes = list(net.get("nodes", []))
    sizes = node_sizes([float(n.get(size_by) or 0.0) for n in nodes])
    out_nodes = [
        {
            "data": {
                "id": n["iri"],
                "label": _group(n, colour_by),
                "name": n.get("label") or n["iri"],
                "type": n.get("type"),
                "kind": n.get("kind"),
                "community": n.get("community"),
                "degree": n.get("degree"),
                "pagerank": round(float(n.get("pagerank") or 0.0), 4),
                "betweenness": round(float(n.get("betweenness") or 0.0), 4),
                "size": round(s, 1),
            }
        }
        for n, s in zip(nodes, sizes)
    ]
    top_w = max((float(e.get("weight") or 1) for e in net.get("edges", [])), default=1.0)
    out_edges = [
        {
            "data": {
                "id": f"e{i}",
                "label": "co",
                "source": e["source"],
                "target": e["target"],
                "weight": e.get("weight"),
                "evidence": e.get("evidence_count"),
                "width": round(1 + 5 * float(e.get("weight") or 1) / top_w, 2),
            }
        }
        for i, e in enumerate(net.get("edges", []))
    ]
    return {"nodes": out_nodes, "edges": out_edges}


@dataclass(frozen=True)
class _RawStyle:
    """A Cytoscape style rule; st-link-analysis accepts anything with ``dump()``."""

    selector: str
    style: tuple[tuple[str, str], ...]

    def dump(self) -> dict[str, Any]:
        return {"selector": self.selector, "style": dict(self.style)}


def graph_styles(elements: Mapping[str, Any], colour_by: str) -> tuple[list[Any], list[Any]]:
    """Node and edge styles: a colour per group, size from data, Thai-capable font."""
    from st_link_analysis import EdgeStyle, NodeStyle

    groups = sorted({n["data"]["label"] for n in elements.get("nodes", [])})
    styles: list[Any] = []
    for g in groups:
        if colour_by == "community":
            num = g.rsplit(" ", 1)[-1]
            colour = community_colour(int(num) if num.isdigit() else None)
        else:
            colour = KIND_COLOURS.get(g, "#6b7280")
        styles.append(NodeStyle(label=g, color=colour, caption="name"))
    styles.append(
        _RawStyle(
            "node",
            (
                ("width", "data(size)"),
                ("height", "data(size)"),
                ("font-family", _FONT),
                ("font-size", "11px"),
                ("text-wrap", "ellipsis"),
                ("text-max-width", "140px"),
            ),
        )
    )
    with warnings.catch_warnings():
        # st-link-analysis 0.4 warns about its own default of a deprecated argument.
        warnings.simplefilter("ignore")
        edge = EdgeStyle(label="co", color="#b8c4c2", curve_style="haystack")
    edges: list[Any] = [edge, _RawStyle("edge", (("width", "data(width)"),))]
    return styles, edges


def read_event(value: Any, last_timestamp: Any) -> tuple[str, list[str], Any] | None:
    """Decode st-link-analysis's return value: ``(action, node ids, timestamp)``.

    Returns ``None`` when there is no event or it was already handled (the
    component keeps returning its last event on every rerun).
    """
    if not isinstance(value, Mapping) or not value.get("action"):
        return None
    ts = value.get("timestamp")
    if ts is not None and ts == last_timestamp:
        return None
    data = value.get("data") or {}
    ids = list(data.get("node_ids") or ([data["target_id"]] if data.get("target_id") else []))
    return str(value["action"]), ids, ts


def path_html(
    hops: Sequence[Any],
    *,
    names: Mapping[str, Sequence[str]] | None = None,
    context: int = 220,
) -> list[tuple[str, str]]:
    """For each hop: ``("A — B", its passages as HTML with both names marked)``.

    Args:
        hops: ``kb.path`` results (``source``, ``target``, their labels and
            ``evidence`` passages ``{doc_id, title, text, start, …}``).
        names: IRI → other names to mark as well (aliases such as ``พอช.``).
        context: characters shown around the first name in each passage.
    """
    import html as _html

    out = []
    for hop in hops:
        a, b = hop.source_label, hop.target_label
        extra = [*(names or {}).get(hop.source, ()), *(names or {}).get(hop.target, ())]
        parts = []
        for ev in hop.evidence:
            text = ev.get("text") or ""
            spans = phrase_spans(text, [a, b, *extra])
            lo, hi = (passage_window(text, spans[0].start, spans[0].end, context=context)
                      if spans else (0, min(len(text), 2 * context)))
            inner = [type(s)(s.start - lo, s.end - lo, s.kind) for s in spans if s.start >= lo and s.end <= hi]
            href = _html.escape(case_href(str(ev.get("doc_id")), at=ev.get("start")), quote=True)
            parts.append(
                f'<div class="fn-meta"><a href="{href}" target="_self">'
                f'{_html.escape(ev.get("title") or ev.get("source") or "")}</a></div>'
                f'<div class="fn-passage">{"… " if lo else ""}{highlight_html(text[lo:hi].strip(), _strip_shift(text[lo:hi], inner))}'
                f'{" …" if hi < len(text) else ""}</div>'
            )
        out.append((f"{a} — {b}", "".join(parts)))
    return out


def _strip_shift(window: str, spans: Sequence[Any]) -> list[Any]:
    cut = len(window) - len(window.lstrip())
    return [type(s)(s.start - cut, s.end - cut, s.kind) for s in spans if s.start >= cut]


@st.cache_data(show_spinner=False, max_entries=16)
def _network(_kb: Any, rev: str, top_n: int, kinds: tuple[str, ...], practice: str | None,
             area: str | None) -> dict[str, Any]:
    # The partner network holds actors only; ``types`` picks actor kinds
    # (organisation, network, group, person), and "actor" keeps them all.
    return _kb.network(top_n=top_n, types=kinds or ("actor",), practice=practice, area=area)


def render(kb: Any) -> None:
    """Draw the Network page."""
    from fieldnotes.explorer.common import revision

    st.title(PAGE_TITLES["network"])
    if show_empty_state(kb):
        return
    rev = revision(kb)
    practices = {e.iri: e.label for e in sorted(kb.entities("practice"), key=lambda e: -(e.mentions or 0))}
    provinces = {r["iri"]: r["label"] for r in kb.area_counts(level="province") if r.get("notes")}
    c1, c2, c3, c4 = st.columns([2, 2, 2, 1])
    # The partner network holds actors only: the choice is of their kinds; none chosen is all.
    kinds = c1.multiselect(bi("ประเภทภาคี", "Actor kinds"), list(ENTITY_TYPES["actor"]),
                           format_func=kind_label, key="n_kinds", placeholder=bi("ทุกประเภท", "all kinds"))
    practice = c2.selectbox(bi("ประเด็นงาน", "Practice"), [None, *practices],
                            format_func=lambda i: bi("ทุกประเด็น", "all") if i is None else practices[i], key="n_prac")
    area = c3.selectbox(bi("จังหวัด", "Province"), [None, *provinces],
                        format_func=lambda i: bi("ทุกพื้นที่", "all") if i is None else provinces[i], key="n_area")
    # The unfiltered view of every step is precomputed at rebuild (graph.network_top).
    top_n = c4.number_input(bi("แสดงสูงสุด", "Top N"), TOP_STEP, TOP_MAX, TOP_DEFAULT, step=TOP_STEP, key="n_top")
    d1, d2, d3, d4 = st.columns([2, 2, 2, 2])
    # Community by default: the kinds are few, the communities say who works together.
    colour_by = d1.radio(bi("สีตาม", "Colour by"), list(_COLOUR_BY), format_func=_COLOUR_BY.get,
                         index=1, horizontal=True, key="n_colour")
    size_by = d2.radio(bi("ขนาดตาม", "Size by"), list(SIZE_BY), format_func=SIZE_BY.get,
                       horizontal=True, key="n_size")
    on_click = d3.radio(bi("เมื่อคลิกจุด", "On click"), ["open", "expand"], horizontal=True, key="n_click",
                        format_func=lambda v: bi("เปิดหน้า", "open") if v == "open" else bi("ขยาย", "expand"))
    net = _network(kb, rev, int(top_n), tuple(kinds), practice, area)
    communities = sorted({n.get("community") for n in net["nodes"] if n.get("community") is not None})
    community = d4.selectbox(bi("กลุ่มย่อย", "Community"), [None, *communities], key="n_comm",
                             format_func=lambda c: bi("ทุกกลุ่ม", "all") if c is None else f"{c}")
    extra_key = f"n_extra:{rev}"
    extra = st.session_state.get(extra_key, {"nodes": [], "edges": []})
    shown = filter_network(merge_networks(net, extra), types=None, community=community)
    if not shown["nodes"]:
        st.warning(bi("ไม่มีภาคีตามตัวกรองนี้", "No partners match these filters") + " — ลองเอาตัวกรองออก · remove a filter.")
        return
    st.caption(bi(f"{len(shown['nodes'])} จุด {len(shown['edges'])} เส้น",
                  f"{len(shown['nodes'])} nodes, {len(shown['edges'])} links")
               + " · " + bi("คลิกจุดเพื่อเปิดหรือขยาย", "click a node to open or expand it"))
    elements = graph_elements(shown, colour_by=colour_by, size_by=size_by)
    from st_link_analysis import Event, st_link_analysis

    node_styles, edge_styles = graph_styles(elements, colour_by)
    value = st_link_analysis(elements, layout="cose", node_styles=node_styles, edge_styles=edge_styles,
                             height=560, key=f"n_graph_{colour_by}",
                             events=[Event("node_click", "click tap", "node")])
    ev = read_event(value, st.session_state.get("n_last_ts"))
    if ev:
        action, ids, ts = ev
        st.session_state["n_last_ts"] = ts
        if ids and (action == "expand" or on_click == "expand"):
            _expand(kb, extra_key, extra, ids[0])
            st.rerun()
        elif ids:
            go("entity", iri=ids[0])
    names = {n["iri"]: n["label"] for n in shown["nodes"]}
    e1, e2 = st.columns([4, 1])
    grow = e1.selectbox(bi("ขยายรอบจุด", "Expand around"), [None, *names], key="n_grow",
                        format_func=lambda i: "—" if i is None else names[i])
    if e2.button(bi("ขยาย", "Expand"), key="n_grow_btn", disabled=grow is None) and grow:
        _expand(kb, extra_key, extra, grow)
        st.rerun()
    _path_finder(kb, net)


def _expand(kb: Any, key: str, extra: Mapping[str, Any], iri: str) -> None:
    with guard(bi("ขยาย", "expand")):
        st.session_state[key] = merge_networks(extra, kb.neighbourhood(iri, depth=1))


def _path_finder(kb: Any, net: Mapping[str, Any]) -> None:
    st.subheader(bi("เส้นทางระหว่างภาคี", "Path between two actors"))
    actors = {n["iri"]: n["label"] for n in net["nodes"] if n.get("type") == "actor"}
    if len(actors) < 2:
        st.caption(bi("ต้องมีผู้กระทำอย่างน้อยสองราย", "Needs at least two actors"))
        return
    keys = list(actors)
    p1, p2 = st.columns(2)
    a = p1.selectbox(bi("จาก", "From"), keys, format_func=actors.get, key="n_pa",
                     index=keys.index(param("a")) if param("a") in keys else 0)
    b = p2.selectbox(bi("ถึง", "To"), keys, format_func=actors.get, key="n_pb",
                     index=keys.index(param("b")) if param("b") in keys else far_from(net, a, keys))
    if a == b:
        st.caption(bi("เลือกสองรายที่ต่างกัน", "Pick two different actors"))
        return
    with guard(bi("เส้นทาง", "path")):
        try:
            hops = kb.path(a, b)
        except NotFoundError as exc:  # not connected is an answer, not a failure
            st.info(str(exc))
            return
        if not hops:
            st.info(bi("ไม่พบเส้นทางเชื่อมกัน", "These two are not connected") + f": {actors[a]} — {actors[b]}")
            return
        st.html('<div class="fn-chips">' + " → ".join(
            chips_html([Chip(iri, label, "actor")])
            for iri, label in [(hops[0].source, hops[0].source_label)]
            + [(h.target, h.target_label) for h in hops]
        ) + "</div>")
        aliases: dict[str, Sequence[str]] = {}
        for iri in {h.source for h in hops} | {h.target for h in hops}:
            with guard():
                aliases[iri] = kb.entity(iri).aliases
        for title, body in path_html(hops, names=aliases):
            with st.expander(title, expanded=True):
                st.html(body or bi("ไม่มีข้อความอ้างอิง", "no passage recorded"))

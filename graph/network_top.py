"""The partner network's first view, precomputed at rebuild so the explorer need not read it all.

At the 7,941 thaigov releases the partner network has 46,000 actors and 456,000
ties; reading ``network.json`` takes seconds, yet the explorer's Network page
opens on a few hundred actors: the ``top_n`` most central by PageRank, each with
its :data:`EDGES_PER_NODE` strongest ties among them, and a path between the most
central actor and the first one that is not drawn next to it.

:func:`build_top` computes, once per rebuild, what that view needs for every
``top_n`` the page offers (the :data:`TOP_MAX` most central actors with every tie
among them, and the default paths with their passage references);
:class:`NetworkTop` answers the unfiltered view from it with exactly what the
whole network gives (``fieldnotes.browse.network_view``, tested on the seeds).
A filter, another path or "expand" still reads the whole network. Generations
built before this file existed have no ``network_top.json``: callers fall back.

Example:
    >>> data = build_top(net)                      # at rebuild
    >>> top = NetworkTop(data)
    >>> view = top.view(150)                       # {"nodes": [...], "edges": [...]}
    >>> a, b = default_pair(view)
    >>> top.path(a, b, passages=loader)            # list[Hop], as PartnerNetwork.shortest_path
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Mapping, Sequence

from fieldnotes.errors import NotFoundError, StoreError
from graph.network import Hop, PassageLoader, evidence_json

if TYPE_CHECKING:
    from graph.network import PartnerNetwork

__all__ = [
    "FILE_NAME",
    "FORMAT",
    "TOP_MAX",
    "TOP_STEP",
    "TOP_DEFAULT",
    "EDGES_PER_NODE",
    "PATH_EVIDENCE",
    "NetworkTop",
    "build_top",
    "by_centrality",
    "strongest_edges",
    "far_from",
    "default_pair",
]

FILE_NAME = "network_top.json"
FORMAT = "fieldnotes-network-top/1"
#: The explorer's "Top N" choices: TOP_STEP to TOP_MAX in steps of TOP_STEP, TOP_DEFAULT first.
TOP_MAX = 400
TOP_STEP = 10
TOP_DEFAULT = 150
#: Each node keeps its strongest ties: the 150 most central thaigov actors share
#: 7,352 edges among themselves, a hairball no one can read or click; five per
#: node keeps every node connected to what matters most to it (≤ 750 edges).
EDGES_PER_NODE = 5
#: Passages shown per hop of a path (``graph.queries.path``'s default).
PATH_EVIDENCE = 5

Adjacency = Mapping[str, Mapping[str, Mapping[str, Any]]]


def by_centrality(nodes: Mapping[str, Mapping[str, Any]], iris: Iterable[str]) -> list[str]:
    """``iris`` most central first: PageRank, then label, then IRI (a stable order)."""
    return sorted(iris, key=lambda v: (-float(nodes[v].get("pagerank", 0.0)), str(nodes[v].get("label", v)), v))


def strongest_edges(adj: Adjacency, keep: set[str], *, per_node: int = EDGES_PER_NODE) -> list[dict[str, object]]:
    """The ties among ``keep`` that are among some kept node's ``per_node`` strongest ones.

    Args:
        adj: node → neighbour → ``{weight, kind}`` (a networkx ``graph.adj`` will do).
        keep: the nodes shown.
        per_node: ties kept per node, strongest first (ties broken by neighbour IRI).

    Returns:
        ``{source, target, weight, evidence_count, kind}`` with ``source < target``,
        strongest first.
    """
    chosen: dict[tuple[str, str], Mapping[str, Any]] = {}
    for v in keep:
        nbrs = adj[v]
        # The most central actors have thousands of partners: walk the smaller side.
        pairs = ([(u, nbrs[u]) for u in keep if u in nbrs] if len(nbrs) > len(keep)
                 else [(u, d) for u, d in nbrs.items() if u in keep])
        pairs.sort(key=lambda ud: (-int(ud[1].get("weight", 0)), ud[0]))
        for u, d in pairs[:per_node]:
            chosen[(v, u) if v < u else (u, v)] = d
    out: list[dict[str, object]] = [
        {"source": s, "target": t, "weight": int(d["weight"]), "evidence_count": int(d["weight"]),
         "kind": d.get("kind", "worksWith")}
        for (s, t), d in chosen.items()
    ]
    out.sort(key=lambda e: (-int(e["weight"]), str(e["source"]), str(e["target"])))  # type: ignore[call-overload]
    return out


def far_from(view: Mapping[str, Any], a: str, keys: Sequence[str]) -> int:
    """Index of the first of ``keys`` not drawn next to ``a`` in ``view`` (a path worth showing)."""
    near = {e["target"] if e["source"] == a else e["source"]
            for e in view.get("edges", []) if a in (e["source"], e["target"])}
    for i, k in enumerate(keys):
        if k != a and k not in near:
            return i
    return 1 if len(keys) > 1 and keys[0] == a else 0


def default_pair(view: Mapping[str, Any]) -> tuple[str, str] | None:
    """The two actors the path finder opens with on ``view``, or ``None`` when there are not two."""
    keys = list(dict.fromkeys(n["iri"] for n in view.get("nodes", []) if n.get("type") == "actor"))
    if len(keys) < 2:
        return None
    a = keys[0]
    b = keys[far_from(view, a, keys)]
    return None if a == b else (a, b)


def build_top(net: PartnerNetwork, *, top: int = TOP_MAX, step: int = TOP_STEP) -> dict[str, object]:
    """The precomputed first view of an analysed network (the content of :data:`FILE_NAME`).

    Args:
        net: the analysed partner network.
        top: actors kept, most central first (the largest ``top_n`` it answers).
        step: the ``top_n`` values whose default path is computed: ``step``,
            ``2 * step`` … ``top``.

    Returns:
        ``{format, total, nodes, edges, paths}``: ``nodes`` as ``node_json`` gives
        them, in view order; ``edges`` as ``[i, j, weight, kind]`` for every tie
        among them (``i <= j`` index ``nodes``); ``paths`` as ``{a, b, hops}``
        (``hops`` as ``[source, target, source label, target label, weight,
        [[doc_id, index], …]]``) or ``{a, b, error}`` when the two are not connected.
    """
    g = net.graph
    order = by_centrality(g.nodes, g.nodes)[:top]
    index = {v: i for i, v in enumerate(order)}
    edges = [[i, index[u], int(d["weight"]), d.get("kind", "worksWith")]
             for i, v in enumerate(order) for u, d in g.adj[v].items() if index.get(u, -1) >= i]
    data: dict[str, object] = {"format": FORMAT, "total": g.number_of_nodes(),
                               "nodes": [net.node_json(v) for v in order], "edges": edges, "paths": []}
    shown = NetworkTop(data)
    pairs = dict.fromkeys(p for n in range(step, top + 1, step)
                          if (v := shown.view(n)) is not None and (p := default_pair(v)) is not None)
    paths = []
    for a, b in pairs:
        try:
            hops = net.shortest_path(a, b, max_evidence=PATH_EVIDENCE)
        except NotFoundError as exc:
            paths.append({"a": a, "b": b, "error": str(exc)})
            continue
        paths.append({"a": a, "b": b, "hops": [
            [h.source, h.target, h.source_label, h.target_label, h.weight,
             [[e["doc_id"], e["index"]] for e in h.evidence]] for h in hops]})
    data["paths"] = paths
    return data


class NetworkTop:
    """The precomputed first view (see :func:`build_top`), answering the unfiltered network view.

    Args:
        data: what :func:`build_top` returned (or its JSON, read back).

    Raises:
        StoreError: ``data`` is of another format.
    """

    def __init__(self, data: Mapping[str, Any]) -> None:
        if data.get("format") != FORMAT:
            raise StoreError(f"the precomputed network view is of format {data.get('format')!r}, "
                             f"not {FORMAT}; rebuild the graph")
        self.total = int(data["total"])
        self.nodes: list[dict[str, Any]] = list(data["nodes"])
        self._rank = {n["iri"]: i for i, n in enumerate(self.nodes)}
        self._adj: dict[str, dict[str, dict[str, Any]]] = {n["iri"]: {} for n in self.nodes}
        for i, j, w, kind in data["edges"]:
            a, b = self.nodes[i]["iri"], self.nodes[j]["iri"]
            self._adj[a][b] = self._adj[b][a] = {"weight": w, "kind": kind}
        self._paths = {(p["a"], p["b"]): p for p in data.get("paths", [])}

    @classmethod
    def load(cls, path: Path) -> NetworkTop | None:
        """Read :data:`FILE_NAME`; ``None`` when there is none (a generation built before it).

        Raises:
            StoreError: the file is there but unreadable or of another format.
        """
        try:
            text = Path(path).read_text("utf-8")
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise StoreError(f"cannot read {path} ({exc}); rebuild the graph") from exc
        try:
            return cls(json.loads(text))
        except (ValueError, KeyError, TypeError, IndexError) as exc:
            raise StoreError(f"cannot read {path} ({exc}); rebuild the graph") from exc

    def covers(self, top_n: int | None) -> bool:
        """True when :meth:`view` can answer ``top_n`` (``None``: every actor)."""
        complete = len(self.nodes) >= self.total
        return complete or (top_n is not None and 0 < top_n <= len(self.nodes))

    def view(self, top_n: int | None) -> dict[str, object] | None:
        """``{nodes, edges}`` of the ``top_n`` most central actors, or ``None`` if not covered."""
        if not self.covers(top_n):
            return None
        nodes = self.nodes[:top_n] if top_n else self.nodes
        keep = {n["iri"] for n in nodes}
        return {"nodes": [dict(n) for n in nodes], "edges": strongest_edges(self._adj, keep)}

    def path(self, a: str, b: str, *, passages: PassageLoader | None = None) -> list[Hop] | None:
        """The path between two actors (IRIs) if it was precomputed, else ``None``.

        Raises:
            NotFoundError: the two are not connected (as the whole network says).
        """
        found = self._paths.get((a, b))
        if found is None:
            return None
        if "error" in found:
            raise NotFoundError(found["error"])
        refs = [[(str(d), int(i)) for d, i in hop[5]] for hop in found["hops"]]
        loaded = passages([r for rs in refs for r in rs]) if passages else {}
        return [Hop(s, t, sl, tl, int(w), tuple(evidence_json(r, loaded) for r in rs))
                for (s, t, sl, tl, w, _), rs in zip(found["hops"], refs)]

"""The partner network: actors who work together, with centralities, communities and paths.

A projection of the knowledge graph onto actors (networkx): two actors are
linked when they are named in the same passage; the edge weight is the number
of such passages, and the passages are kept as evidence. Optionally
(``view="all"``) areas and practices join as nodes, linked to the actors active
in them / working on them.

Computed once per graph rebuild and saved next to the RDF store (the explorer's
first view is precomputed from it as well: :mod:`graph.network_top`):

- degree (number of partners) and strength (sum of edge weights);
- betweenness: exact while it fits :data:`BETWEENNESS_BUDGET`, above that
  estimated from ``k`` sampled sources (costs measured in bench/graph.py);
- PageRank (weighted);
- communities: Louvain (``networkx.community.louvain_communities``, fixed seed),
  numbered by size, largest first.

The file format (save/load) is in :mod:`graph.network_file`.

Example:
    >>> net = PartnerNetwork.build(entities, relations)
    >>> net.analyse()
    >>> hops = net.shortest_path("พอช.", "มหาวิทยาลัยวลัยลักษณ์")
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable, Mapping, Sequence

from fieldnotes.errors import InputError, NotFoundError
from graph.mentions import Passage
from graph.models import Entity
from graph.names import match_key
from graph.network_file import read_network, write_network

# networkx (~0.2 s to import) is imported where a graph is built or searched, so
# that importing this module (graph.queries does, for Hop) costs the explorer's
# first page nothing.
if TYPE_CHECKING:
    import networkx as nx

    from graph.rdf import Relation

__all__ = [
    "PartnerNetwork",
    "Hop",
    "evidence_json",
    "BETWEENNESS_BUDGET",
    "BETWEENNESS_SAMPLES",
    "EVIDENCE_PER_EDGE",
    "SEED",
]

#: Betweenness from ``k`` source nodes costs about ``k * (nodes + edges)`` steps
#: (exact: ``k = nodes``). It is exact while that fits this budget, else sampled
#: with ``k = budget / (nodes + edges)`` within BETWEENNESS_SAMPLES. Measured
#: (bench/results/graph_network.json, 2 shared cores): exact takes 23 s at 500
#: nodes / 10k edges, 104 s at 1,000 / 16k, 310 s at 2,000 / 26k; k = 16 finds
#: 80-85 % of the exact top 20, k = 64 90-95 %.
BETWEENNESS_BUDGET = 6_000_000
BETWEENNESS_SAMPLES = (16, 500)
#: Passages kept per edge as evidence (the weight still counts them all).
EVIDENCE_PER_EDGE = 20
#: Seed of every randomised step (Louvain, sampled betweenness), for repeatable output.
SEED = 42

PassageLoader = Callable[[Sequence[tuple[str, int]]], Mapping[tuple[str, int], Passage]]


@dataclass(frozen=True)
class Hop:
    """One edge of a path, with the passages that show the two actors together."""

    source: str
    target: str
    source_label: str
    target_label: str
    weight: int
    evidence: tuple[dict[str, object], ...]

    def to_json(self) -> dict[str, object]:
        """``{source, target, source_label, target_label, weight, evidence: [...]}``."""
        return {
            "source": self.source,
            "target": self.target,
            "source_label": self.source_label,
            "target_label": self.target_label,
            "weight": self.weight,
            "evidence": list(self.evidence),
        }


def evidence_json(ref: tuple[str, int], loaded: Mapping[tuple[str, int], Passage]) -> dict[str, object]:
    """One passage of a hop's evidence: its text when loaded, else its ``doc_id`` and ``index``.

    Also used for the paths precomputed by :mod:`graph.network_top`, so both are alike.
    """
    return loaded[ref].to_json() if ref in loaded else {"doc_id": ref[0], "index": ref[1]}


class PartnerNetwork:
    """An undirected, weighted networkx graph of entities, with analysis results on the nodes.

    Args:
        graph: nodes keyed by IRI with ``label``, ``type``, ``kind``, ``mentions``,
            ``aliases``; edges with ``weight``, ``kind`` and ``passages``.
    """

    def __init__(self, graph: nx.Graph) -> None:
        self.graph = graph
        self._keys: dict[str, set[str]] | None = None

    # -- building --------------------------------------------------------------------

    @classmethod
    def build(
        cls, entities: Iterable[Entity], relations: Iterable[Relation], *, view: str = "partners"
    ) -> PartnerNetwork:
        """Project entities and relations onto a graph.

        Args:
            entities: resolved entities (only those with mentions become nodes).
            relations: co-occurrence relations from ``graph.rdf.cooccurrences``.
            view: ``"partners"`` (actors and worksWith) or ``"all"`` (plus areas,
                practices, activeIn and worksOn).

        Raises:
            InputError: unknown ``view``.
        """
        import networkx as nx

        if view not in ("partners", "all"):
            raise InputError(f"network view {view!r} is not one of partners, all")
        g = nx.Graph()
        for e in entities:
            if e.mentions and (view == "all" or e.type == "actor"):
                g.add_node(e.iri, label=e.label, type=e.type, kind=e.kind,
                           mentions=e.mentions, aliases=list(e.aliases))
        for r in relations:
            if view == "partners" and r.kind != "worksWith":
                continue
            if r.subject in g and r.object in g:
                g.add_edge(r.subject, r.object, weight=r.weight, kind=r.kind,
                           passages=[list(p) for p in r.passages[:EVIDENCE_PER_EDGE]])
        return cls(g)

    def analyse(self, *, budget: int = BETWEENNESS_BUDGET, seed: int = SEED) -> None:
        """Compute degree, strength, betweenness, PageRank and Louvain communities on the nodes.

        Args:
            budget: betweenness steps allowed (see :data:`BETWEENNESS_BUDGET`).
            seed: seed of the sampling and of Louvain.
        """
        import networkx as nx

        g = self.graph
        n = g.number_of_nodes()
        if n == 0:
            return
        lo, hi = BETWEENNESS_SAMPLES
        affordable = budget // (n + g.number_of_edges())
        k = None if affordable >= n else min(n, max(lo, min(hi, affordable)))
        betweenness = nx.betweenness_centrality(g, k=k, seed=seed, normalized=True)
        pagerank = nx.pagerank(g, weight="weight") if g.number_of_edges() else {v: 1 / n for v in g}
        communities = nx.community.louvain_communities(g, weight="weight", seed=seed)
        ordered = sorted(communities, key=lambda c: (-len(c), min(c)))
        community = {v: i for i, c in enumerate(ordered) for v in c}
        for v, data in g.nodes(data=True):
            data["degree"] = g.degree(v)
            data["strength"] = int(g.degree(v, weight="weight"))
            data["betweenness"] = float(betweenness.get(v, 0.0))
            data["pagerank"] = float(pagerank.get(v, 0.0))
            data["community"] = int(community.get(v, -1))
        g.graph["betweenness"] = "exact" if k is None else f"sampled k={k}"

    # -- reading ---------------------------------------------------------------------

    def node_json(self, iri: str) -> dict[str, object]:
        """``{iri, label, type, kind, degree, betweenness, pagerank, community, strength, mentions}``."""
        d = self.graph.nodes[iri]
        return {
            "iri": iri,
            "label": d.get("label", iri),
            "type": d.get("type", "actor"),
            "kind": d.get("kind", ""),
            "degree": int(d.get("degree", self.graph.degree(iri))),
            "betweenness": round(float(d.get("betweenness", 0.0)), 6),
            "pagerank": round(float(d.get("pagerank", 0.0)), 6),
            "community": int(d.get("community", -1)),
            "strength": int(d.get("strength", 0)),
            "mentions": int(d.get("mentions", 0)),
        }

    def edges_json(self, pairs: Iterable[tuple[str, str]]) -> list[dict[str, object]]:
        """``{source, target, weight, evidence_count, kind}`` of these edges, strongest first."""
        out = []
        for a, b in pairs:
            s, t = (a, b) if a < b else (b, a)
            d = self.graph.edges[s, t]
            out.append({"source": s, "target": t, "weight": int(d["weight"]),
                        "evidence_count": int(d["weight"]), "kind": d.get("kind", "worksWith")})
        out.sort(key=lambda e: (-int(e["weight"]), str(e["source"]), str(e["target"])))  # type: ignore[call-overload]
        return out

    def _edges_json(self, nodes: set[str] | None) -> list[dict[str, object]]:
        graph = self.graph if nodes is None else self.graph.subgraph(nodes)
        return self.edges_json(graph.edges())

    def to_json(self, top: int | None = None, by: str = "pagerank") -> dict[str, object]:
        """Nodes and edges; with ``top``, only the ``top`` nodes by ``by`` and the edges among them."""
        nodes = [n["iri"] for n in self.top(top, by=by)] if top else list(self.graph.nodes)
        keep = set(nodes)
        return {
            "nodes": [self.node_json(v) for v in nodes],
            "edges": self._edges_json(keep if top else None),
            "betweenness": self.graph.graph.get("betweenness", "not computed"),
        }

    def top(self, n: int | None = 20, by: str = "pagerank") -> list[dict[str, object]]:
        """The ``n`` most central nodes by ``degree``, ``betweenness``, ``pagerank`` or ``strength``.

        Raises:
            InputError: unknown measure.
        """
        if by not in ("degree", "betweenness", "pagerank", "strength", "mentions"):
            raise InputError(f"centrality {by!r} is not one of degree, betweenness, pagerank, strength")
        nodes = [self.node_json(v) for v in self.graph.nodes]
        nodes.sort(key=lambda x: (-float(x[by]), str(x["label"]), str(x["iri"])))  # type: ignore[arg-type]
        return nodes if n is None else nodes[:n]

    def find(self, ref: str) -> str:
        """The IRI of a node named by IRI, label or alias.

        Raises:
            NotFoundError: nothing matches; the message suggests close names.
        """
        ref = ref.strip()
        if ref in self.graph:
            return ref
        if self._keys is None:
            self._keys = {}
            for v, d in self.graph.nodes(data=True):
                for name in [d.get("label", "")] + list(d.get("aliases", [])):
                    for key in {match_key(name), match_key(name, kind="person")}:
                        self._keys.setdefault(key, set()).add(v)
        hits = self._keys.get(match_key(ref)) or self._keys.get(match_key(ref, kind="person"))
        if hits:
            # Several nodes share the name: the most mentioned is the likelier meaning.
            return max(sorted(hits), key=lambda v: self.graph.nodes[v].get("mentions", 0))
        raise NotFoundError(f"no actor {ref!r} in the network{self._suggest(ref)}")

    def _suggest(self, ref: str) -> str:
        labels = {str(d.get("label", v)) for v, d in self.graph.nodes(data=True)}
        close = [lab for lab in sorted(labels) if ref and (ref in lab or lab in ref)][:5]
        close += [c for c in difflib.get_close_matches(ref, sorted(labels), n=5, cutoff=0.5)
                  if c not in close]
        if not close:
            return "; see `fieldnotes entities --type actor` for the names"
        return "; did you mean " + ", ".join(close[:5]) + "?"

    def shortest_path(
        self, a: str, b: str, *, passages: PassageLoader | None = None, max_evidence: int = 5
    ) -> list[Hop]:
        """The shortest chain of partners from ``a`` to ``b``, each hop with its evidence.

        Fewest hops first; among equally short paths, the one with stronger ties
        (more shared passages).

        Args:
            a: IRI, label or alias of the first actor.
            b: the second actor.
            passages: loads passages by ``(doc_id, chunk index)`` to give their text;
                without it evidence has ``doc_id`` and ``index`` only.
            max_evidence: passages shown per hop (the strongest edges have hundreds).

        Raises:
            NotFoundError: an actor is unknown, or the two are not connected.
        """
        import networkx as nx

        s, t = self.find(a), self.find(b)
        if s == t:
            return []
        try:
            nodes = nx.shortest_path(self.graph, s, t, weight=lambda u, v, d: 1 + 1 / (1 + d["weight"]))
        except nx.NetworkXNoPath:
            raise NotFoundError(
                f"{self.graph.nodes[s]['label']!r} and {self.graph.nodes[t]['label']!r} are not "
                "connected in the partner network (no chain of shared passages)"
            ) from None
        refs_per_hop = [
            [(str(p[0]), int(p[1])) for p in self.graph.edges[u, v].get("passages", [])][:max_evidence]
            for u, v in zip(nodes, nodes[1:])
        ]
        loaded = passages([r for refs in refs_per_hop for r in refs]) if passages else {}
        return [
            Hop(u, v, self.graph.nodes[u]["label"], self.graph.nodes[v]["label"],
                int(self.graph.edges[u, v]["weight"]), tuple(evidence_json(r, loaded) for r in refs))
            for (u, v), refs in zip(zip(nodes, nodes[1:]), refs_per_hop)
        ]

    def neighbourhood(self, ref: str, depth: int = 1, *, limit: int = 200) -> dict[str, object]:
        """The nodes within ``depth`` hops of an actor (strongest ties first), for expand-on-demand.

        Raises:
            NotFoundError: the actor is unknown.
            InputError: ``depth`` < 1.
        """
        if depth < 1:
            raise InputError(f"depth must be at least 1, got {depth}")
        centre = self.find(ref)
        keep = [centre]
        seen = {centre}
        frontier = [centre]
        for _ in range(depth):
            nxt: list[str] = []
            for u in frontier:
                nbrs = sorted(self.graph[u].items(), key=lambda kv: (-kv[1]["weight"], kv[0]))
                for v, _d in nbrs:
                    if v not in seen and len(keep) < limit:
                        seen.add(v)
                        keep.append(v)
                        nxt.append(v)
            frontier = nxt
        return {"centre": centre, "nodes": [self.node_json(v) for v in keep],
                "edges": self._edges_json(set(keep))}

    # -- files -----------------------------------------------------------------------

    def save(self, path: Path) -> None:
        """Write the network (analysis and evidence included) as compact JSON, atomically.

        The layout is :mod:`graph.network_file`'s: rows rather than node-link
        objects, half the size and twice as fast to read at corpus scale.
        """
        write_network(self.graph, Path(path))

    @classmethod
    def load(cls, path: Path) -> PartnerNetwork:
        """Read a network saved by :meth:`save`.

        Raises:
            StoreError: the file is missing, unreadable or of another format.
        """
        return cls(read_network(path))

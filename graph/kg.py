"""The knowledge-graph store: answer SPARQL fast over the built graph, and export it.

Store choice, by measurement (bench/graph.py, bench/results/graph_store.json;
1,000 thaigov notes, 0.92 M triples, 2 shared cores): Oxigraph (pyoxigraph)
persisted on disk generates and bulk-loads the graph in 22 s, opens in 15 ms and
answers an actor's themes in 0.08 ms (p50; 4 ms p95). rdflib needs 90 s and
400 MB to parse the same graph at every start (that is what "a persisted file"
costs it) and 15 ms per themes query. At the whole corpus (7,940 notes, 6.2 M
triples) Oxigraph still answers in milliseconds; rdflib would not start in
reasonable time.

:class:`KG` opens the live generation written by :func:`graph.rebuild.rebuild`
(re-exported here as ``graph.kg.rebuild``) read-only.

Example:
    >>> rebuild(store.conn, home)
    >>> kg = KG(home, conn=store.conn)
    >>> kg.sparql("SELECT ?e ?k WHERE { ?e fn:lookupKey ?k }", {"k": "สถาบันพัฒนาองค์กรชุมชน"})
"""

from __future__ import annotations

import json
import sqlite3
import threading
from pathlib import Path
from typing import Any, Mapping

import pyoxigraph as ox

from fieldnotes.errors import InputError, StoreError
from graph.files import collector_paused
from graph.mentions import count_mentions, passages
from graph.models import Entity
from graph.network import Hop, PartnerNetwork
from graph.network_top import FILE_NAME as NETWORK_TOP, NetworkTop
from graph.rebuild import (
    CURRENT,
    GRAPH_DIR,
    BuildReport,
    GraphSources,
    fingerprint,
    graph_sources,
    rebuild,
)
from graph.vocab import PREFIXES

__all__ = ["KG", "EXPORT_FORMATS", "live_generation", "rebuild", "BuildReport", "GraphSources", "graph_sources"]

#: Export formats: Turtle, N-Quads, JSON-LD (the RDF graph) and GraphML (the partner network).
EXPORT_FORMATS = ("ttl", "nq", "jsonld", "graphml")



def live_generation(home: Path) -> str | None:
    """The name of the live graph generation of ``home`` (``graph/CURRENT``), if any."""
    try:
        return (Path(home) / GRAPH_DIR / CURRENT).read_text("utf-8").strip() or None
    except OSError:
        return None

class KG:
    """The built knowledge graph of a home folder (read-only).

    Args:
        home: the home folder.
        conn: the SQLite store's connection, for passage text in evidence.

    Raises:
        StoreError: no graph has been built yet, or it cannot be opened.
    """

    def __init__(self, home: Path, *, conn: sqlite3.Connection | None = None) -> None:
        self.home = Path(home)
        self.conn = conn
        name = live_generation(self.home)
        if name is None:
            raise StoreError(
                f"no knowledge graph in {self.home}: ingest notes, then rebuild the graph"
            )
        self.path = self.home / GRAPH_DIR / name
        try:
            self.meta: dict[str, Any] = json.loads((self.path / "meta.json").read_text("utf-8"))
            self.store = ox.Store.read_only(str(self.path / "oxigraph"))
        except (OSError, ValueError) as exc:
            raise StoreError(
                f"the knowledge graph in {self.path} cannot be opened ({exc}); rebuild it"
            ) from exc
        self._network: PartnerNetwork | None = None
        self._network_top: NetworkTop | None | bool = False  # False: not read yet
        self._entities: dict[str, Entity] | None = None
        self._area_stats: dict[str, list[int]] | None = None
        # The explorer's sessions (and its warm-up thread) share one KG: each
        # lazily read file is read once, not by every thread that asks first.
        self._load = threading.RLock()

    def is_live(self) -> bool:
        """True while this generation is still the home's live graph (no rebuild since)."""
        return live_generation(self.home) in (None, self.path.name)

    def sparql(self, query: str, bindings: Mapping[str, Any] | None = None) -> list[dict[str, Any]]:
        """Run a SPARQL query over all graphs; rows as ``{variable: value}``.

        The prefixes of :data:`graph.vocab.PREFIXES` (``fn:``, ``skos:``, ``org:`` …)
        are predeclared. User text must go in ``bindings``, never into ``query``:
        each binding replaces the variable before evaluation (SPARQL SEP-0007),
        so it cannot change the query. A bound variable must be in the ``SELECT``
        clause (or use ``SELECT *``). A ``str`` binds a plain literal, an
        int/float/bool a typed literal; pass ``pyoxigraph.NamedNode(iri)`` or
        ``Literal(text, language="th")`` for IRIs and tagged strings.

        Values come back as Python values: IRIs and plain strings as ``str``,
        numbers as ``int``/``float``, booleans as ``bool``, unbound as ``None``.
        ``ASK`` gives ``[{"ask": bool}]``; ``CONSTRUCT``/``DESCRIBE`` rows ``{s, p, o}``.

        Example:
            >>> kg.sparql("SELECT ?e WHERE { ?e fn:lookupKey ?k }", {"k": "สถาบันพัฒนาองค์กรชุมชน"})

        Raises:
            InputError: the query does not parse, or a binding is of an unsupported type.
        """
        subs = {ox.Variable(k.lstrip("?$")): _term(v, k) for k, v in (bindings or {}).items()}
        try:
            result = self.store.query(query, prefixes=PREFIXES, substitutions=subs or None)
        except SyntaxError as exc:
            raise InputError(f"SPARQL query does not parse: {exc}") from None
        except RuntimeError as exc:  # e.g. a bound variable missing from SELECT
            raise InputError(
                f"SPARQL query cannot run with bindings {sorted(bindings or {})}: {exc} "
                "(a bound variable must appear in the SELECT clause, or use SELECT *)"
            ) from None
        if isinstance(result, ox.QueryBoolean):
            return [{"ask": bool(result)}]
        if isinstance(result, ox.QuerySolutions):
            names = [v.value for v in result.variables]
            return [{n: _value(sol[n]) for n in names} for sol in result]
        return [{"s": _value(t.subject), "p": _value(t.predicate), "o": _value(t.object)}
                for t in result]

    def entity_table(self) -> dict[str, Entity]:
        """Every entity of this generation by IRI (read once from entities.json)."""
        with self._load:
            return self._entity_table()

    def _entity_table(self) -> dict[str, Entity]:
        if self._entities is None:
            # ~50,000 entities at the thaigov corpus are a million new objects and
            # no garbage (1.0 → 0.8 s there with the collector paused).
            with collector_paused():
                try:
                    rows = json.loads((self.path / "entities.json").read_text("utf-8"))
                    self._entities = {
                        r["iri"]: Entity(r["iri"], r["type"], r["kind"], r["label"], tuple(r["aliases"]),
                                         tuple(r["docs"]), int(r["mentions"]), r["parent"], r["code"],
                                         r.get("label_en"), r.get("lat"), r.get("lon"))
                        for r in rows
                    }
                except (OSError, ValueError) as exc:
                    raise StoreError(
                        f"cannot read {self.path / 'entities.json'} ({exc}); rebuild the graph"
                    ) from exc
        return self._entities

    def area_stats(self) -> dict[str, list[int]] | None:
        """``{area IRI: [notes, actors]}`` rolled up by the rebuild, or ``None`` for an
        older generation without ``area_stats.json`` (loaded once)."""
        if self._area_stats is None:
            from graph.area_stats import FILE_NAME

            path = self.path / FILE_NAME
            if not path.exists():
                return None
            try:
                self._area_stats = json.loads(path.read_text("utf-8"))
            except (OSError, ValueError) as exc:
                raise StoreError(f"cannot read {path} ({exc}); rebuild the graph") from exc
        return self._area_stats

    def links(self, iri: str) -> list[tuple[str, int]] | None:
        """``[(IRI, passages)]`` tied to ``iri`` by any relation, both ways, from the
        rebuild's ``links.sqlite``; ``None`` for an older generation without it."""
        from graph.links import FILE_NAME, read_links

        return read_links(self.path / FILE_NAME, iri)

    def refers(self, doc_id: str) -> dict[tuple[int, int, str], str] | None:
        """``{(start, end, mention type): entity IRI}`` of a note's resolved mentions,
        from the rebuild's ``links.sqlite``; ``None`` for an older generation without it."""
        from graph.links import FILE_NAME, read_refers

        return read_refers(self.path / FILE_NAME, doc_id)

    def network(self) -> PartnerNetwork:
        """The partner network of this generation (loaded once; seconds at 46,000 actors)."""
        with self._load:
            if self._network is None:
                self._network = PartnerNetwork.load(self.path / "network.json")
            return self._network

    def network_top(self) -> NetworkTop | None:
        """The partner network's first view precomputed at rebuild (:mod:`graph.network_top`),
        or ``None`` for an older generation without it (loaded once)."""
        with self._load:
            if self._network_top is False:
                self._network_top = NetworkTop.load(self.path / NETWORK_TOP)
            return self._network_top  # type: ignore[return-value]

    def precomputed_path(self, a: str, b: str) -> list[Hop] | None:
        """The path finder's default path between two actors (IRIs), with its passages,
        if the rebuild precomputed it; else ``None`` (ask :func:`graph.queries.path`).

        Raises:
            NotFoundError: the two are not connected.
        """
        top = self.network_top()
        if top is None:
            return None
        loader = (lambda refs: passages(self.conn, refs)) if self.conn is not None else None
        return top.path(a, b, passages=loader)

    def export(self, fmt: str, out_path: Path) -> Path:
        """Write the graph as Turtle (``ttl``), N-Quads (``nq``), JSON-LD or GraphML.

        The RDF formats hold the whole graph (it is one default graph, so the
        N-Quads lines carry no graph name). GraphML is the partner network, for Gephi.

        Raises:
            InputError: unknown format.
        """
        out = Path(out_path)
        if fmt not in EXPORT_FORMATS:
            raise InputError(f"export format {fmt!r} is not one of {', '.join(EXPORT_FORMATS)}")
        out.parent.mkdir(parents=True, exist_ok=True)
        if fmt == "graphml":
            return _write_graphml(self.network(), out)
        if fmt == "ttl":
            ox.serialize((q.triple for q in self.store), str(out), ox.RdfFormat.TURTLE,
                         prefixes=PREFIXES)
        elif fmt == "nq":
            self.store.dump(str(out), ox.RdfFormat.N_QUADS)
        else:
            self.store.dump(str(out), ox.RdfFormat.JSON_LD)
        return out

    def stale(self, conn: sqlite3.Connection | None = None) -> bool:
        """True when the store's mentions, documents or curation changed since this build."""
        c = conn or self.conn
        if c is None:
            raise InputError("stale() needs the store's connection")
        return fingerprint(c, self.home) != self.meta.get("fingerprint")

    def count_mentions_in_store(self) -> int:
        """Mentions in the SQLite store now (to compare with ``meta['mentions']``)."""
        if self.conn is None:
            raise InputError("count_mentions_in_store() needs the store's connection")
        return count_mentions(self.conn)


def _write_graphml(net: PartnerNetwork, out: Path) -> Path:
    """GraphML for Gephi: only str/int/float attributes, never ``None``."""
    import networkx as nx

    g = nx.Graph()
    g.graph["betweenness"] = str(net.graph.graph.get("betweenness", "not computed"))
    for v, d in net.graph.nodes(data=True):
        g.add_node(v, **{k: _graphml_value(x) for k, x in net.node_json(v).items() if k != "iri"},
                   aliases=" | ".join(d.get("aliases", [])))
    for a, b, d in net.graph.edges(data=True):
        g.add_edge(a, b, weight=int(d["weight"]), evidence_count=int(d["weight"]),
                   kind=str(d.get("kind", "worksWith")))
    nx.write_graphml(g, out, encoding="utf-8")
    return out


def _graphml_value(x: Any) -> str | int | float:
    if isinstance(x, (bool, int)):
        return int(x)
    if isinstance(x, float):
        return x
    return "" if x is None else str(x)


def _term(value: Any, name: str) -> Any:
    if isinstance(value, (ox.NamedNode, ox.Literal, ox.BlankNode)):
        return value
    if isinstance(value, (bool, int, float, str)):
        return ox.Literal(value)
    try:  # rdflib terms, for callers that build queries with rdflib
        from rdflib.term import Literal as RLiteral
        from rdflib.term import URIRef

        if isinstance(value, URIRef):
            return ox.NamedNode(str(value))
        if isinstance(value, RLiteral):
            if value.language:
                return ox.Literal(str(value), language=value.language)
            if value.datatype:
                return ox.Literal(str(value), datatype=ox.NamedNode(str(value.datatype)))
            return ox.Literal(str(value))
    except ImportError:  # pragma: no cover - rdflib is a dependency
        pass
    raise InputError(
        f"binding {name!r} has unsupported type {type(value).__name__}; "
        "use str, int, float, bool or a pyoxigraph NamedNode/Literal"
    )


_NUMERIC = {
    "http://www.w3.org/2001/XMLSchema#integer": int,
    "http://www.w3.org/2001/XMLSchema#int": int,
    "http://www.w3.org/2001/XMLSchema#long": int,
    "http://www.w3.org/2001/XMLSchema#decimal": float,
    "http://www.w3.org/2001/XMLSchema#double": float,
    "http://www.w3.org/2001/XMLSchema#float": float,
}


def _value(term: Any) -> Any:
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return term.value
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.Literal):
        dt = term.datatype.value
        if dt in _NUMERIC:
            try:
                return _NUMERIC[dt](term.value)
            except ValueError:
                return term.value
        if dt == "http://www.w3.org/2001/XMLSchema#boolean":
            return term.value == "true"
        return term.value
    return str(term)

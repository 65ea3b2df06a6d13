"""Read-side helpers of the facade for browsing: filters, mentions with entities, maps, trees.

Plain functions over the store's connection and the built graph
(:class:`graph.kg.KG`); :class:`fieldnotes.kb.KnowledgeBase` exposes them as
methods. User values reach SPARQL only as bound parameters.
"""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from typing import Any, Sequence

import pyoxigraph as ox

from graph.models import Entity, Mention
from graph.network_top import EDGES_PER_NODE, by_centrality, strongest_edges
from graph.vocab import ID, doc_iri

__all__ = [
    "doc_mentions",
    "docs_mentioning",
    "linked",
    "area_counts",
    "practice_tree",
    "code_of",
    "network_view",
    "EDGES_PER_NODE",
]

_AREA = str(ID) + "area/"
_PRACTICE = str(ID) + "practice/"


def code_of(iri_or_code: str, prefix: str) -> str:
    """The key behind an area or practice IRI (a DOPA code, a notation); codes pass through."""
    return iri_or_code[len(prefix) :] if iri_or_code.startswith(prefix) else iri_or_code


def doc_mentions(conn: sqlite3.Connection, kg: Any, doc_id: str) -> list[tuple[Mention, str | None]]:
    """Every mention in a document with the IRI of the entity it names (``None`` if unresolved)."""
    rows = conn.execute(
        'SELECT start, "end", label, type, kind, key, source FROM mentions'
        " WHERE doc_id = ? ORDER BY start, \"end\"",
        (doc_id,),
    ).fetchall()
    found = kg.refers(doc_id) if kg is not None else None
    if found is None and kg is not None:
        # A generation built before links.sqlite held the mentions' entities: ask
        # SPARQL (35 ms a note at thaigov), which knows a mention by its span.
        by_span = {
            (int(r["s"]), int(r["e"])): str(r["ent"])
            for r in kg.sparql(
                "SELECT ?d ?s ?e ?ent WHERE { ?m prov:wasDerivedFrom ?d ; fn:start ?s ; fn:end ?e ;"
                " fn:refersTo ?ent }",
                {"d": ox.NamedNode(doc_iri(doc_id))},
            )
        }
        found = {(s, e, type_): by_span[(s, e)] for s, e, _, type_, *_ in rows if (s, e) in by_span}
    found = found or {}
    return [
        (Mention(s, e, label, type_, kind, key, source, doc_id), found.get((s, e, type_)))
        for s, e, label, type_, kind, key, source in rows
    ]


def docs_mentioning(
    conn: sqlite3.Connection,
    kg: Any,
    *,
    areas: Sequence[str] = (),
    practices: Sequence[str] = (),
    actors: Sequence[str] = (),
) -> set[str] | None:
    """Ids of documents that mention every kind of filter given (any value within a kind).

    An area includes the areas inside it (a DOPA code is a prefix of the codes
    inside it); a practice includes its narrower practices. Returns ``None``
    when no filter is given.
    """
    sets: list[set[str]] = []
    if areas:
        codes = [code_of(a, _AREA) for a in areas]
        found: set[str] = set()
        for code in codes:
            found.update(
                r[0]
                for r in conn.execute(
                    "SELECT DISTINCT doc_id FROM mentions WHERE type = 'area'"
                    " AND (key = ? OR (key LIKE ? AND ? GLOB '[0-9]*'))",
                    (code, code + "%", code),
                )
            )
        sets.append(found)
    if practices:
        from graph.practices import load_scheme

        scheme = load_scheme()
        keys: set[str] = set()
        for p in practices:
            key = code_of(p, _PRACTICE)
            keys.add(key)
            if key in scheme.concepts:  # a discovered theme has no narrower ones
                keys.update(scheme.descendants(key))
        marks = ",".join("?" * len(keys))
        sets.append(
            {
                r[0]
                for r in conn.execute(
                    f"SELECT DISTINCT doc_id FROM mentions WHERE type = 'practice' AND key IN ({marks})",
                    sorted(keys),
                )
            }
        )
    if actors and kg is not None:
        found = set()
        for iri in actors:
            rows = kg.sparql(
                "SELECT DISTINCT ?e ?id WHERE { ?e fn:mentionedIn ?d . ?d dcterms:identifier ?id }",
                {"e": ox.NamedNode(iri)},
            )
            found.update(str(r["id"]) for r in rows)
        sets.append(found)
    if not sets:
        return None
    out = sets[0]
    for s in sets[1:]:
        out &= s
    return out


def linked(kg: Any, iri: str) -> list[tuple[Entity, int]]:
    """Entities tied to ``iri`` by a relation (works on, active in, works with), strongest first.

    Read from the ties the rebuild wrote (:mod:`graph.links`); a generation
    built before that asks the RDF store (seconds for a hub actor at thaigov).
    """
    table = kg.entity_table()
    weights: dict[str, int] = defaultdict(int)
    pairs = kg.links(iri)
    if pairs is None:
        rows = kg.sparql(
            "SELECT ?x ?o ?w WHERE {"
            " { ?r rdf:subject ?x ; rdf:object ?o ; fn:weight ?w }"
            " UNION { ?r rdf:object ?x ; rdf:subject ?o ; fn:weight ?w } }",
            {"x": ox.NamedNode(iri)},
        )
        pairs = [(str(r["o"]), int(r["w"])) for r in rows]
    for other, w in pairs:
        weights[other] += w
    out = [(table[o], w) for o, w in weights.items() if o in table and o != iri]
    return sorted(out, key=lambda ew: (-ew[1], ew[0].label, ew[0].iri))  # a total order: same answer from either source


def area_counts(kg: Any, level: str = "province") -> list[dict[str, object]]:
    """Areas of one level with the number of notes and of actors active there.

    Args:
        level: ``region``, ``province``, ``district`` or ``subdistrict``.

    Returns:
        ``{iri, code, label, label_en, kind, lat, lon, notes, actors, parent}``
        for every area of that level mentioned in the notes, or containing an
        area that is (notes of the areas inside are counted too).
    """
    from graph.area_stats import area_stats

    table: dict[str, Entity] = kg.entity_table()
    areas = {iri: e for iri, e in table.items() if e.type == "area"}
    stats = kg.area_stats()
    if stats is None:  # a graph built before the rebuild counted them
        pairs = kg.sparql("SELECT ?a ?area WHERE { ?a fn:activeIn ?area }")
        stats = area_stats(areas.values(), ((str(r["a"]), str(r["area"])) for r in pairs))
    out = []
    for iri, e in areas.items():
        if e.kind != level:
            continue
        out.append(
            {
                "iri": iri,
                "code": e.code,
                "label": e.label,
                "label_en": e.label_en,
                "kind": e.kind,
                "lat": e.lat,
                "lon": e.lon,
                "notes": stats.get(iri, (0, 0))[0],
                "actors": stats.get(iri, (0, 0))[1],
                "parent": e.parent,
            }
        )
    return sorted(out, key=lambda r: (-int(r["notes"]), str(r["label"])))  # type: ignore[call-overload]


def practice_tree(kg: Any) -> list[dict[str, object]]:
    """The practice scheme as a tree: ``{iri, label, label_en, discovered, count, children}``.

    ``count`` is the number of notes that mention the practice or a narrower one.
    """
    from graph.practices import load_scheme

    scheme = load_scheme()
    table: dict[str, Entity] = kg.entity_table()
    docs = {iri: set(e.docs) for iri, e in table.items() if e.type == "practice"}

    def node(key: str) -> dict[str, object]:
        c = scheme.concept(key)
        children = [node(k) for k in sorted(c.narrower)]
        own = set(docs.get(c.iri, ()))
        for k in scheme.descendants(key):
            own |= docs.get(scheme.concept(k).iri, set())
        return {
            "iri": c.iri,
            "label": c.label,
            "label_en": c.label_en,
            "discovered": False,
            "count": len(own),
            "children": children,
        }

    tree = [node(c.key) for c in scheme.top_concepts()]
    curated = {c.iri for c in scheme.concepts.values()}
    discovered = [
        {"iri": iri, "label": e.label, "label_en": e.label_en, "discovered": True,
         "count": len(e.docs), "children": []}
        for iri, e in table.items()
        if e.type == "practice" and iri not in curated
    ]
    return tree + sorted(discovered, key=lambda d: -int(d["count"]))  # type: ignore[call-overload]



def network_view(
    kg: Any,
    *,
    top_n: int | None = 150,
    types: Sequence[str] = ("actor",),
    practice: str | None = None,
    area: str | None = None,
    community: int | None = None,
) -> dict[str, object]:
    """The partner network, filtered, cut to the ``top_n`` actors by PageRank.

    Without filters the view comes from the one precomputed at rebuild
    (:mod:`graph.network_top`; the same result, without reading the whole
    network); with a filter, a ``top_n`` it does not cover, or an older graph
    generation that has none, from the whole network.

    Args:
        types: actor kinds to keep (``organisation``, ``network``, ``group``,
            ``person``); ``"actor"`` keeps them all.
        practice: keep actors that work on this practice (IRI) or a narrower one.
        area: keep actors active in this area (IRI or DOPA code) or an area inside it.
        community: keep one community (as numbered in the network).
    """
    kinds = {t for t in types if t != "actor"}
    if not kinds and not practice and not area and community is None:
        top = kg.network_top()
        view = top.view(top_n) if top is not None else None
        if view is not None:
            return view
    net = kg.network()
    g = net.graph
    iris = list(g.nodes)
    if kinds:
        iris = [v for v in iris if g.nodes[v].get("kind") in kinds]
    if community is not None:
        iris = [v for v in iris if int(g.nodes[v].get("community", -1)) == community]
    if practice:
        from graph.practices import load_scheme

        scheme = load_scheme()
        key = code_of(practice, _PRACTICE)
        wanted = {practice if practice.startswith(_PRACTICE) else _PRACTICE + key}
        if key in scheme.concepts:
            wanted |= {scheme.concept(k).iri for k in scheme.descendants(key)}
        iris = _keep(iris, kg, "fn:worksOn", wanted)
    if area:
        code = code_of(area, _AREA)
        table: dict[str, Entity] = kg.entity_table()
        inside = {
            iri for iri, e in table.items()
            if e.type == "area" and e.code and (e.code == code or (code.isdigit() and e.code.startswith(code)))
        }
        iris = _keep(iris, kg, "fn:activeIn", inside)
    # PageRank order without serialising 46,000 nodes first (thaigov corpus).
    iris = by_centrality(g.nodes, iris)
    if top_n:
        iris = iris[:top_n]
    nodes = [net.node_json(v) for v in iris]
    return {"nodes": nodes, "edges": strongest_edges(g.adj, set(iris), per_node=EDGES_PER_NODE)}


def _keep(iris: list[str], kg: Any, relation: str, objects: set[str]) -> list[str]:
    """The actors of ``iris`` with ``relation`` to one of ``objects`` (one bound query each)."""
    import pyoxigraph as ox

    found: set[str] = set()
    for obj in objects:
        try:
            node = ox.NamedNode(obj)
        except ValueError:  # not an IRI (e.g. a hand-edited link): nothing has it
            continue
        rows = kg.sparql(f"SELECT ?a ?o WHERE {{ ?a {relation} ?o }}", {"o": node})
        found.update(str(r["a"]) for r in rows)
    return [v for v in iris if v in found]

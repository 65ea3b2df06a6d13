"""The RDF graph with provenance, its store and exports (graph/rdf.py, graph/kg.py)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import networkx as nx
import pyoxigraph as ox
import pytest
import rdflib

from fieldnotes.errors import InputError, StoreError
from graph import queries
from graph.kg import KG, GraphSources, rebuild
from graph.mentions import iter_mentions, put_mentions
from graph.models import Mention
from graph.rdf import literal
from graph.rebuild import _lock
from graph.resolve import ConceptInfo
from graph.vocab import area_iri

sys.path.insert(0, str(Path(__file__).parent / "data"))
from graph_kg_fixtures import area_info, build, make_store, sources  # noqa: E402


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    home = tmp_path_factory.mktemp("kg")
    store = make_store(home)
    discovered = [ConceptInfo("discovered-1", "https://w3id.org/fieldnotes/id/practice/discovered-1",
                              "ภาคีสนับสนุน", None, ("https://w3id.org/fieldnotes/id/practice/km",), True)]
    rebuild(store.conn, home, sources=sources(), discovered=discovered)
    return home, store, KG(home, conn=store.conn)


def test_literal_escaping_round_trips() -> None:
    nasty = 'ชื่อ "ในวงเล็บ" \\ ขึ้นบรรทัด\nใหม่\r'
    line = f"<http://x/s> <http://x/p> {literal(nasty)} .\n"
    (triple,) = list(ox.parse(line.encode("utf-8"), ox.RdfFormat.N_TRIPLES))
    assert triple.object.value == nasty and triple.object.language == "th"
    assert literal(3) == '"3"^^<http://www.w3.org/2001/XMLSchema#integer>'
    assert literal("KM") == '"KM"'


def test_every_mention_keeps_document_offsets_and_passage(built) -> None:
    home, store, kg = built
    rows = kg.sparql("""SELECT ?m ?surface ?s ?e ?doc ?p ?pi ?ps ?pe ?x WHERE {
        ?m a fn:Mention ; fn:surface ?surface ; fn:start ?s ; fn:end ?e ; prov:wasDerivedFrom ?d ;
           dcterms:isPartOf ?p .
        ?d dcterms:identifier ?doc . ?p dcterms:isPartOf ?d ; fn:chunkIndex ?pi ; fn:start ?ps ; fn:end ?pe .
        OPTIONAL { ?m fn:refersTo ?x } }""")
    assert len(rows) == len(list(iter_mentions(store.conn)))
    texts = {d: store.document(d).text for d in store.doc_ids()}
    for r in rows:
        assert texts[r["doc"]][r["s"]:r["e"]] == r["surface"]
        assert r["ps"] <= r["s"] and r["e"] <= r["pe"]
    unresolved = [r for r in rows if r["x"] is None]
    assert [r["surface"] for r in unresolved] == ["ตำบลหนองสาหร่าย"]


def test_relations_are_weighted_with_passages_as_evidence(built) -> None:
    _, _, kg = built
    rows = kg.sparql("""SELECT ?r ?a ?o ?w (COUNT(?p) AS ?n) WHERE {
        ?r a fn:WorksWith ; rdf:subject ?a ; rdf:object ?o ; fn:weight ?w ; prov:wasDerivedFrom ?p .
        ?p a fn:Passage } GROUP BY ?r ?a ?o ?w""")
    assert rows
    for r in rows:
        assert r["w"] == r["n"] >= 1
        # direct triples both ways, for simple queries
        ends = {"a": ox.NamedNode(r["a"]), "o": ox.NamedNode(r["o"])}
        assert kg.sparql("ASK { ?a fn:worksWith ?o . ?o fn:worksWith ?a }", ends)[0]["ask"]
    assert kg.sparql("ASK { ?r a fn:ActiveIn ; fn:weight ?w }")[0]["ask"]
    assert kg.sparql("ASK { ?r a fn:WorksOn ; fn:weight ?w }")[0]["ask"]


def test_areas_carry_chain_code_and_standard_classes(built) -> None:
    _, _, kg = built
    chain = kg.sparql("SELECT ?x ?up ?code WHERE { ?x schema:containedInPlace+ ?up . ?up fn:dopaCode ?code }",
                      {"x": ox.NamedNode(area_iri("900307"))})
    assert {r["code"] for r in chain} == {"9003", "90", "region:south"}
    assert kg.sparql("ASK { ?x a schema:AdministrativeArea ; skos:prefLabel \"น้ำขาว\"@th ;"
                     " skos:prefLabel \"Nam Khao\"@en }", {"x": ox.NamedNode(area_iri("900307"))})[0]["ask"]
    assert kg.sparql("ASK { ?x a org:Organization ; skos:prefLabel \"สถาบันพัฒนาองค์กรชุมชน\"@th }")[0]["ask"]
    assert kg.sparql("ASK { ?x a foaf:Person ; foaf:name \"สุริชาติ สายทอง\"@th }")[0]["ask"]
    assert kg.sparql("ASK { ?x a fn:Network ; skos:prefLabel \"เครือข่ายพระสงฆ์\"@th }")[0]["ask"]


def test_scheme_and_discovered_themes(built) -> None:
    _, _, kg = built
    narrower = kg.sparql("SELECT ?w ?c ?l WHERE { ?w skos:narrower ?c . ?c skos:prefLabel ?l"
                         " FILTER(lang(?l) = 'th') }",
                         {"w": ox.NamedNode("https://w3id.org/fieldnotes/id/practice/welfare")})
    assert "ออมบุญ" in {r["l"] for r in narrower}
    found = kg.sparql("SELECT ?c ?l WHERE { ?c fn:discovered true ; skos:prefLabel ?l ; skos:inScheme ?s }")
    assert [r["l"] for r in found] == ["ภาคีสนับสนุน"]
    # No mention names it, yet the actors of the passages that contain it work on it.
    ranked = queries.who(kg, "ภาคีสนับสนุน")
    assert "สำนักงานพัฒนาชุมชน" in {a.label for a in ranked}
    assert all("ภาคีสนับสนุน" in str(ev["text"]) for a in ranked for ev in a.evidence)
    assert [t.discovered for t in queries.themes_of(kg, "สำนักงานพัฒนาชุมชน")
            if t.label == "ภาคีสนับสนุน"] == [True]


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # inside rdflib's own parsers
def test_exports_parse_back(built, tmp_path: Path) -> None:
    _, _, kg = built
    n = len(kg.store)
    for fmt, rdf_format in (("ttl", "turtle"), ("nq", "nquads"), ("jsonld", "json-ld")):
        out = kg.export(fmt, tmp_path / f"graph.{fmt}")
        g = rdflib.Dataset() if fmt == "nq" else rdflib.Graph()
        g.parse(out, format=rdf_format)
        assert len(g) == n, fmt
    out = kg.export("graphml", tmp_path / "net.graphml")
    g = nx.read_graphml(out)
    assert g.number_of_nodes() == kg.network().graph.number_of_nodes() > 0
    for _, data in g.nodes(data=True):
        assert all(isinstance(v, (str, int, float)) for v in data.values())
        assert {"label", "type", "kind", "degree", "betweenness", "pagerank", "community"} <= set(data)
    for _, _, data in g.edges(data=True):
        assert isinstance(data["weight"], int) and data["evidence_count"] == data["weight"]
    with pytest.raises(InputError, match="not one of"):
        kg.export("csv", tmp_path / "x.csv")


def test_sparql_errors_are_input_errors(built) -> None:
    _, _, kg = built
    with pytest.raises(InputError, match="does not parse"):
        kg.sparql("SELEC ?x WHERE {}")
    with pytest.raises(InputError, match="SELECT clause"):
        kg.sparql("SELECT ?e WHERE { ?e fn:lookupKey ?k }", {"k": "พอช"})
    with pytest.raises(InputError, match="unsupported type"):
        kg.sparql("SELECT * WHERE { ?e fn:lookupKey ?k }", {"k": ["พอช"]})


def test_failed_rebuild_leaves_the_old_graph_in_place(tmp_path: Path) -> None:
    store = make_store(tmp_path, ["003"])
    kg = build(tmp_path, store)
    before = kg.path.name
    bad = tmp_path / "bad.ttl"
    bad.write_text("@prefix p: <http://x/> . p:a p:b", "utf-8")
    with pytest.raises(SyntaxError):
        rebuild(store.conn, tmp_path, sources=GraphSources(areas=area_info, scheme_path=bad))
    after = KG(tmp_path, conn=store.conn)
    assert after.path.name == before and len(after.store) == len(kg.store)
    assert [p.name for p in (tmp_path / "graph").iterdir() if p.name.startswith("gen-")] == [before]


def test_generations_swap_and_old_ones_are_pruned(tmp_path: Path) -> None:
    store = make_store(tmp_path, ["003"])
    first = build(tmp_path, store).path.name
    second = build(tmp_path, store).path.name
    third = build(tmp_path, store).path.name
    gens = sorted(p.name for p in (tmp_path / "graph").iterdir() if p.name.startswith("gen-"))
    assert gens == [second, third] and first not in gens
    assert (tmp_path / "graph" / "CURRENT").read_text() == third


def test_one_rebuild_at_a_time(tmp_path: Path) -> None:
    store = make_store(tmp_path, ["003"])
    (tmp_path / "graph").mkdir()
    with _lock(tmp_path / "graph"), pytest.raises(StoreError, match="another graph rebuild"):
        rebuild(store.conn, tmp_path, sources=sources())


def test_no_graph_yet_and_staleness(tmp_path: Path) -> None:
    store = make_store(tmp_path, ["004"])
    with pytest.raises(StoreError, match="no knowledge graph"):
        KG(tmp_path)
    kg = build(tmp_path, store)
    assert kg.stale() is False
    doc_id = store.doc_ids()[0]
    spans = [(rid, c.start, c.end) for rid, c in store.chunks(doc_id)]
    with store.transaction() as conn:
        put_mentions(conn, doc_id, [Mention(0, 4, "การอ", "practice", "practice", "km")], spans)
    assert kg.stale() is True
    assert json.loads((kg.path / "meta.json").read_text())["mentions"] > 1

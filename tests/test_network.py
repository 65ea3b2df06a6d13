"""The partner network: centralities, communities, paths with evidence (graph/network.py)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from fieldnotes.errors import InputError, NotFoundError
from graph.mentions import iter_mentions, passages
from graph.network import PartnerNetwork
from graph.rdf import cooccurrences
from graph.resolve import resolve

sys.path.insert(0, str(Path(__file__).parent / "data"))
from graph_kg_fixtures import area_info, concept_info, make_store  # noqa: E402


@pytest.fixture(scope="module")
def seeds(tmp_path_factory):
    home = tmp_path_factory.mktemp("net")
    store = make_store(home)
    rows = list(iter_mentions(store.conn))
    res = resolve(rows, areas=area_info, concepts=concept_info())
    rels = cooccurrences(rows, res.mention_entity, {e.iri: e.type for e in res.entities})
    net = PartnerNetwork.build(res.entities, rels)
    net.analyse()
    return store, res, rels, net


def test_nodes_are_actors_and_edges_are_shared_passages(seeds) -> None:
    _, res, rels, net = seeds
    actors = {e.iri for e in res.entities if e.type == "actor" and e.mentions}
    assert set(net.graph.nodes) == actors
    works_with = {(r.subject, r.object): r.weight for r in rels if r.kind == "worksWith"}
    assert net.graph.number_of_edges() == len(works_with)
    for (a, b), w in works_with.items():
        assert net.graph.edges[a, b]["weight"] == w == len(net.graph.edges[a, b]["passages"])  # < 20


def test_centralities_and_communities(seeds) -> None:
    _, _, _, net = seeds
    nodes = net.to_json()["nodes"]
    assert {"iri", "label", "type", "kind", "degree", "betweenness", "pagerank", "community"} <= set(nodes[0])
    assert abs(sum(n["pagerank"] for n in nodes) - 1) < 1e-3
    for n in nodes:
        assert n["degree"] == net.graph.degree(n["iri"])
        assert isinstance(n["community"], int) and n["community"] >= 0
    assert net.graph.graph["betweenness"] == "exact"
    # The list of support units in seed 002 ties พอช. to many partners: it is a hub.
    top = [n["label"] for n in net.top(5, by="degree")]
    assert "สถาบันพัฒนาองค์กรชุมชน" in top
    # Louvain with a fixed seed gives the same partition every time.
    again = PartnerNetwork(net.graph.copy())
    again.analyse()
    assert [again.graph.nodes[v]["community"] for v in again.graph] == \
        [net.graph.nodes[v]["community"] for v in net.graph]


def test_betweenness_is_sampled_above_the_threshold(seeds) -> None:
    _, _, _, net = seeds
    big = PartnerNetwork(net.graph.copy())
    big.analyse(budget=100)
    assert big.graph.graph["betweenness"].startswith("sampled k=")


def test_shortest_path_gives_passages_on_every_hop(seeds) -> None:
    store, _, _, net = seeds
    hops = net.shortest_path("สุริชาติ สายทอง", "มสธ.", passages=lambda refs: passages(store.conn, refs))
    assert len(hops) >= 2
    assert hops[0].source_label == "สุริชาติ สายทอง"
    assert hops[-1].target_label == "มหาวิทยาลัยสุโขทัยธรรมาธิราช"
    for a, b in zip(hops, hops[1:]):
        assert a.target == b.source
    for hop in hops:
        assert hop.evidence and hop.weight >= len(hop.evidence)
        for ev in hop.evidence:
            doc = store.document(str(ev["doc_id"]))
            assert doc.text[int(ev["start"]):int(ev["end"])] == ev["text"]  # type: ignore[arg-type]
    assert hops[0].to_json()["evidence"][0]["source"].startswith("corpus/")


def test_unknown_actor_suggests_close_names(seeds) -> None:
    _, _, _, net = seeds
    with pytest.raises(NotFoundError, match="did you mean .*มหาวิทยาลัยวลัยลักษณ์"):
        net.find("มหาวิทยาลัยวลัยลักษ")
    assert net.find("อ.ประเวศ วะสี") == net.find("ประเวศ วะสี")


def test_unconnected_actors(seeds) -> None:
    _, res, _, net = seeds
    g = net.graph.copy()
    g.add_node("urn:x:alone", label="กลุ่มโดดเดี่ยว", type="actor", kind="group", mentions=1, aliases=[])
    with pytest.raises(NotFoundError, match="not connected"):
        PartnerNetwork(g).shortest_path("พอช.", "กลุ่มโดดเดี่ยว")


def test_neighbourhood_expands_on_demand(seeds) -> None:
    _, _, _, net = seeds
    one = net.neighbourhood("สกว.", 1)
    centre = one["centre"]
    assert {n["iri"] for n in one["nodes"]} == {centre, *net.graph[centre]}
    two = net.neighbourhood("สกว.", 2)
    assert {n["iri"] for n in one["nodes"]} < {n["iri"] for n in two["nodes"]}
    assert all(e["source"] < e["target"] for e in two["edges"])
    with pytest.raises(InputError):
        net.neighbourhood("สกว.", 0)


def test_top_view_and_file_round_trip(seeds, tmp_path: Path) -> None:
    _, res, rels, net = seeds
    view = net.to_json(top=5)
    keep = {n["iri"] for n in view["nodes"]}
    assert len(keep) == 5 and all(e["source"] in keep and e["target"] in keep for e in view["edges"])
    net.save(tmp_path / "n.json")
    back = PartnerNetwork.load(tmp_path / "n.json")
    assert back.to_json() == net.to_json()
    # load() fills networkx's adjacency itself (faster): the same graph, passages included.
    import networkx as nx

    assert nx.utils.graphs_equal(back.graph, net.graph)
    some = next(iter(net.graph.edges(data=True)))
    assert back.graph.edges[some[0], some[1]]["passages"] == some[2]["passages"]
    both = PartnerNetwork.build(res.entities, rels, view="all")
    kinds = {d["type"] for _, d in both.graph.nodes(data=True)}
    assert kinds == {"actor", "area", "practice"}
    same = {frozenset(e) for e in both.graph.subgraph(net.graph.nodes).edges}
    assert same == {frozenset(e) for e in net.graph.edges}
    with pytest.raises(InputError):
        PartnerNetwork.build(res.entities, rels, view="bipartite")

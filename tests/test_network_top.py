"""The partner network's precomputed first view (graph/network_top.py) and its use by the facade.

The view written at rebuild must give exactly what the whole network gives for
the explorer's unfiltered Network page (nodes, their order, the ties drawn, the
path finder's default path with its passages) without reading network.json,
and a generation without the file must still work.
"""

from __future__ import annotations

import gc
import json
import sys
from pathlib import Path

import pytest

from fieldnotes.browse import network_view
from fieldnotes.errors import NotFoundError, StoreError
from graph.kg import KG
from graph.mentions import passages
from graph.network import PartnerNetwork
from graph.network_top import (
    FILE_NAME,
    TOP_MAX,
    TOP_STEP,
    NetworkTop,
    build_top,
    default_pair,
    far_from,
    strongest_edges,
)
from graph.queries import path as full_path
from tests.test_explorer_kit import copy_home, explorer_home, make_kb  # noqa: F401 - fixture

sys.path.insert(0, str(Path(__file__).parent / "data"))
from graph_kg_fixtures import OlderGeneration, build, make_store  # noqa: E402


def _whole_network(kg: KG) -> OlderGeneration:
    """A KG that has no precomputed view: what an old generation gives."""
    return OlderGeneration(kg, "network_top")


@pytest.fixture(scope="module")
def seeds(tmp_path_factory):
    """The seed posts with their hand-marked mentions, rebuilt into a graph generation."""
    home = tmp_path_factory.mktemp("top")
    store = make_store(home)
    return home, store, build(home, store)


def _fresh(home: Path, store) -> KG:  # type: ignore[no-untyped-def]
    return KG(home, conn=store.conn)


def test_rebuild_writes_the_first_view(seeds) -> None:
    home, store, kg = seeds
    data = json.loads((kg.path / FILE_NAME).read_text("utf-8"))
    net = kg.network()
    assert data["total"] == net.graph.number_of_nodes() > 10
    assert [n["iri"] for n in data["nodes"]] == [n["iri"] for n in network_view(_whole_network(kg), top_n=None)["nodes"]]
    assert "network_top" in kg.meta["seconds"]
    # Every tie among the kept actors is there once, with its weight.
    pairs = {frozenset((data["nodes"][i]["iri"], data["nodes"][j]["iri"])): w for i, j, w, _k in data["edges"]}
    assert pairs == {frozenset((a, b)): d["weight"] for a, b, d in net.graph.edges(data=True)}


def test_unfiltered_view_is_the_whole_networks_without_reading_it(seeds) -> None:
    home, store, kg = seeds
    whole = _whole_network(kg)
    quick = _fresh(home, store)
    for top_n in (None, 1, 2, 5, 10, 20, 150, TOP_MAX):
        assert network_view(quick, top_n=top_n) == network_view(whole, top_n=top_n), top_n
    assert quick._network is None, "the first view must not load network.json"
    # The seeds' most central actor, as the whole network ranks it.
    assert network_view(quick, top_n=1)["nodes"][0]["label"] == "สถาบันพัฒนาองค์กรชุมชน"


def test_a_filter_reads_the_whole_network(seeds) -> None:
    home, store, kg = seeds
    quick = _fresh(home, store)
    orgs = network_view(quick, top_n=20, types=("organisation",))
    assert orgs["nodes"] and {n["kind"] for n in orgs["nodes"]} == {"organisation"}
    assert quick._network is not None
    one = network_view(_fresh(home, store), top_n=50, community=0)
    assert {n["community"] for n in one["nodes"]} == {0}


def test_default_paths_are_the_whole_networks_with_their_passages(seeds) -> None:
    home, store, kg = seeds
    quick = _fresh(home, store)
    pairs = {default_pair(network_view(quick, top_n=n)) for n in range(TOP_STEP, TOP_MAX + 1, TOP_STEP)}
    assert pairs and None not in pairs
    for a, b in pairs:  # type: ignore[misc]
        hops = quick.precomputed_path(a, b)
        assert hops is not None and hops[0].source == a and hops[-1].target == b
        assert hops == full_path(kg, a, b)
        for hop in hops:  # real passage text, as the whole network's path gives it
            assert hop.evidence and all(ev["text"] for ev in hop.evidence)
    assert quick._network is None
    a, b = next(iter(pairs))  # type: ignore[misc]
    assert quick.precomputed_path(b, a) is None, "other pairs are left to the whole network"


def test_partial_view_covers_only_its_top(seeds) -> None:
    home, store, kg = seeds
    net = kg.network()
    top = NetworkTop(build_top(net, top=6, step=1))
    whole = _whole_network(kg)
    for n in range(1, 7):
        assert top.view(n) == network_view(whole, top_n=n)
    assert top.view(7) is None and top.view(None) is None and not top.covers(0)
    loader = lambda refs: passages(store.conn, refs)  # noqa: E731
    for n in range(2, 7):
        a, b = default_pair(top.view(n))  # type: ignore[arg-type, misc]
        assert top.path(a, b, passages=loader) == net.shortest_path(a, b, passages=loader, max_evidence=5)


def test_unconnected_default_pair_says_so(seeds) -> None:
    home, store, kg = seeds
    g = kg.network().graph.copy()
    g.add_node("urn:x:alone", label="กลุ่มโดดเดี่ยว", type="actor", kind="group", mentions=1, aliases=[],
               pagerank=1.0, degree=0, strength=0, betweenness=0.0, community=99)
    data = build_top(PartnerNetwork(g), top=3, step=1)
    top = NetworkTop(json.loads(json.dumps(data)))
    a, b = default_pair(top.view(2))  # type: ignore[arg-type, misc]
    assert a == "urn:x:alone"
    with pytest.raises(NotFoundError, match="not connected"):
        top.path(a, b)


def test_old_generation_without_the_file_falls_back(seeds, tmp_path: Path) -> None:
    home, store, kg = seeds
    old = copy_home(home, tmp_path / "old")
    old_kg = KG(old, conn=store.conn)
    (old_kg.path / FILE_NAME).unlink()
    assert old_kg.network_top() is None
    assert network_view(old_kg, top_n=150) == network_view(kg, top_n=150)
    assert old_kg.precomputed_path("a", "b") is None


def test_unreadable_file_is_named(seeds, tmp_path: Path) -> None:
    home, store, kg = seeds
    bad = copy_home(home, tmp_path / "bad")
    bad_kg = KG(bad, conn=store.conn)
    (bad_kg.path / FILE_NAME).write_text('{"format": "fieldnotes-network-top/0"}', "utf-8")
    with pytest.raises(StoreError, match="rebuild the graph"):
        bad_kg.network_top()
    (bad_kg.path / FILE_NAME).write_text("{not json", "utf-8")
    with pytest.raises(StoreError, match=FILE_NAME):
        KG(bad, conn=store.conn).network_top()


def test_strongest_ties_per_node() -> None:
    # Five partners, each pair tied by the passages they share. With one tie per
    # node, each keeps its strongest; A's 5 to B and to E tie, and B (first IRI) wins.
    weights = {("A", "B"): 5, ("A", "C"): 4, ("A", "D"): 1, ("B", "C"): 3, ("B", "D"): 2,
               ("C", "D"): 6, ("A", "E"): 5, ("D", "E"): 7}
    adj: dict[str, dict[str, dict[str, object]]] = {v: {} for v in "ABCDE"}
    for (a, b), w in weights.items():
        adj[a][b] = adj[b][a] = {"weight": w, "kind": "worksWith"}
    got = strongest_edges(adj, set(adj), per_node=1)
    assert [(e["source"], e["target"], e["weight"]) for e in got] == [("D", "E", 7), ("C", "D", 6), ("A", "B", 5)]
    # Only ties among the nodes shown count.
    shown = strongest_edges(adj, {"A", "C", "D"}, per_node=1)
    assert [(e["source"], e["target"]) for e in shown] == [("C", "D"), ("A", "C")]
    assert len(strongest_edges(adj, set(adj), per_node=5)) == len(weights)


def test_far_from_picks_the_first_actor_not_drawn_next_to_the_first() -> None:
    view = {"nodes": [{"iri": x, "type": "actor"} for x in "abcd"],
            "edges": [{"source": "a", "target": "b"}, {"source": "a", "target": "c"}]}
    assert far_from(view, "a", list("abcd")) == 3
    assert default_pair(view) == ("a", "d")
    view["edges"].append({"source": "a", "target": "d"})
    assert default_pair(view) == ("a", "b")  # everyone is a partner: the next one
    assert default_pair({"nodes": [{"iri": "a", "type": "actor"}], "edges": []}) is None


def test_loading_network_and_entities_restores_the_collector(seeds, tmp_path: Path) -> None:
    home, store, kg = seeds
    assert gc.isenabled()
    back = PartnerNetwork.load(kg.path / "network.json")
    assert gc.isenabled() and back.graph.number_of_edges() > 0
    (tmp_path / "n.json").write_text("[", "utf-8")
    with pytest.raises(StoreError):
        PartnerNetwork.load(tmp_path / "n.json")
    assert gc.isenabled()
    table = _fresh(home, store).entity_table()  # paused the same way
    assert gc.isenabled()
    assert any(e.label == "สถาบันพัฒนาองค์กรชุมชน" for e in table.values())


def test_explorer_first_view_and_path_on_the_ingested_seeds(explorer_home: Path) -> None:  # noqa: F811
    """Through the facade, on the seed corpus ingested with the real pipeline."""
    kb = make_kb(explorer_home)
    try:
        view = kb.network(top_n=150)
        a, b = default_pair(view)  # type: ignore[misc]
        hops = kb.path(a, b)
        assert kb.kg._network is None, "the default page must not read network.json"
        assert view == network_view(_whole_network(kb.kg), top_n=150)
        assert hops == full_path(kb.kg, a, b)
    finally:
        kb.close()

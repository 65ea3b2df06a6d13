"""Each entity's ties written at rebuild (graph/links.py): the same as the RDF store says."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from fieldnotes.browse import doc_mentions, linked
from fieldnotes.errors import StoreError
from graph.kg import KG
from graph.links import FILE_NAME, read_links, read_refers, write_links

sys.path.insert(0, str(Path(__file__).parent / "data"))
from graph_kg_fixtures import OlderGeneration, build, make_store  # noqa: E402


@pytest.fixture(scope="module")
def seeds(tmp_path_factory):
    """The seed posts with their hand-marked mentions, rebuilt into a graph generation."""
    home = tmp_path_factory.mktemp("links")
    store = make_store(home)
    build(home, store)
    return home, store


def test_every_entity_has_the_ties_the_rdf_store_gives(seeds) -> None:
    home, store = seeds
    kg = KG(home, conn=store.conn)
    assert (kg.path / FILE_NAME).exists()
    old = OlderGeneration(kg, "links")  # linked() must then ask SPARQL
    checked = 0
    for iri in kg.entity_table():
        fast, slow = linked(kg, iri), linked(old, iri)
        assert [(e.iri, w) for e, w in fast] == [(e.iri, w) for e, w in slow], iri
        checked += bool(fast)
    assert checked >= 10, "the seeds should tie at least ten entities to something"


def test_ties_are_summed_both_ways_and_strongest_first(seeds) -> None:
    home, store = seeds
    kg = KG(home, conn=store.conn)
    hub = max(kg.entity_table(), key=lambda i: len(kg.links(i) or []))
    ties = linked(kg, hub)
    weights = [w for _, w in ties]
    assert weights == sorted(weights, reverse=True) and weights[0] > 0
    for other, _ in ties[:5]:  # a tie is seen from both ends, with the same weight
        back = dict(kg.links(other.iri) or [])
        assert back[hub] == dict(kg.links(hub) or [])[other.iri]


def test_every_mention_names_the_entity_the_rdf_store_gives(seeds) -> None:
    home, store = seeds
    kg = KG(home, conn=store.conn)
    old = OlderGeneration(kg, "refers")  # doc_mentions() must then ask SPARQL
    resolved = 0
    for (doc_id,) in store.conn.execute("SELECT id FROM documents"):
        fast, slow = doc_mentions(store.conn, kg, doc_id), doc_mentions(store.conn, old, doc_id)
        assert fast == slow, doc_id
        resolved += sum(iri is not None for _, iri in fast)
    assert resolved >= 50, "the seeds' mentions should mostly name an entity"
    assert doc_mentions(store.conn, kg, "no-such-note") == []


def test_a_generation_without_the_file_reads_none_and_a_broken_one_is_an_error(tmp_path) -> None:
    assert read_links(tmp_path / FILE_NAME, "x") is None
    assert read_refers(tmp_path / FILE_NAME, "x") is None
    (tmp_path / FILE_NAME).write_bytes(b"not sqlite at all" * 100)
    with pytest.raises(StoreError, match="rebuild the graph"):
        read_links(tmp_path / FILE_NAME, "x")
    with pytest.raises(StoreError, match="rebuild the graph"):
        read_refers(tmp_path / FILE_NAME, "x")


def test_a_links_file_from_before_mentions_were_written_reads_none(tmp_path) -> None:
    path = tmp_path / FILE_NAME
    write_links(path, [])
    import sqlite3

    with sqlite3.connect(path) as conn:
        conn.execute("DROP TABLE refers")  # as a generation built last session has it
    assert read_refers(path, "x") is None and read_links(path, "x") == []

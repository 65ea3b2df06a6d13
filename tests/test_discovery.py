"""graph.discovery: a rebuild adds discovered themes, marked apart from the curated practices."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from graph import discovery
from graph.vocab import SCHEME_DISCOVERED

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"
THAIGOV = next((p for p in (ROOT.parent / "shared/corpora/thaigov-community",
                            Path("/work/shared/corpora/thaigov-community")) if p.is_dir()), None)


def test_too_few_notes_discover_nothing() -> None:
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE TABLE documents(id TEXT PRIMARY KEY, text TEXT)")
    conn.executemany("INSERT INTO documents VALUES (?, ?)",
                     [(p.name, p.read_text("utf-8")) for p in sorted(CORPUS.glob("*.txt"))])
    assert discovery.MIN_DOCUMENTS > 5
    assert discovery.themes_for(conn) == []  # the five seeds alone


@pytest.mark.skipif(THAIGOV is None, reason="thaigov corpus not present")
def test_rebuild_marks_discovered_themes_apart_from_curated_practices(tmp_path: Path) -> None:
    from graph.extract import extract
    from graph.kg import KG, rebuild
    from graph.mentions import install_schema, put_mentions
    from graph.practices import load_scheme
    from ingest.chunk import chunk_document
    from ingest.parse import parse_file
    from ingest.store import Store

    store = Store(tmp_path / "store.sqlite")
    install_schema(store.conn)
    news = sorted(THAIGOV.glob("*.txt"))[::400][:20]
    for path in [*sorted(CORPUS.glob("*.txt")), *news]:
        doc = parse_file(path, str(path), max_bytes=10**7)
        chunks = chunk_document(doc)
        with store.transaction() as conn:
            rowids = store.put_document(doc, chunks)
            put_mentions(conn, doc.id, extract(doc.text, tagger=False),
                         [(r, c.start, c.end) for r, c in zip(rowids, chunks)])
    assert store.count_documents() >= discovery.MIN_DOCUMENTS

    report = rebuild(store.conn, tmp_path)  # discovered themes by default
    assert "themes" in report.seconds
    kg = KG(tmp_path, conn=store.conn)
    found = kg.sparql("SELECT ?c ?l ?s WHERE { ?c fn:discovered true ; skos:prefLabel ?l ; "
                      "skos:inScheme ?s }", {"s": _iri(SCHEME_DISCOVERED)})
    assert 0 < len(found) <= discovery.TOP_N
    discovered = {r["c"] for r in found}

    scheme = load_scheme()
    curated = {c.iri for c in scheme.concepts.values()}
    assert not discovered & curated
    # The curated practices of practices.ttl are in the graph, in their own scheme,
    # and none is marked discovered.
    rows = kg.sparql("SELECT ?c ?s WHERE { ?c a skos:Concept ; skos:inScheme ?s "
                     "FILTER NOT EXISTS { ?c fn:discovered true } }")
    in_graph = {r["c"]: r["s"] for r in rows}
    assert curated <= set(in_graph)
    assert all(in_graph[c] != SCHEME_DISCOVERED for c in curated)
    labels = {form for c in scheme.concepts.values() for form in c.labels}
    assert not {r["l"] for r in found} & labels


def _iri(value: str):  # type: ignore[no-untyped-def]
    import pyoxigraph as ox

    return ox.NamedNode(value)

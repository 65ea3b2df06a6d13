"""Questions to the graph with evidence (graph/queries.py) on the seed posts."""

from __future__ import annotations

import sys
from pathlib import Path

import pyoxigraph as ox
import pytest

from fieldnotes.errors import InputError, NotFoundError
from graph import queries
from graph.names import match_key
from graph.vocab import area_iri

sys.path.insert(0, str(Path(__file__).parent / "data"))
from graph_kg_fixtures import build, make_store, seed_texts  # noqa: E402

_DOC = {p: __import__("hashlib").sha256(t.encode("utf-8")).hexdigest()[:16]
        for p, (_, t) in seed_texts().items()}


@pytest.fixture(scope="module")
def kg(tmp_path_factory):
    home = tmp_path_factory.mktemp("q")
    store = make_store(home)
    return build(home, store)


def _check_evidence(kg, ev: dict) -> None:
    text = kg.conn.execute("SELECT text FROM documents WHERE id = ?", (ev["doc_id"],)).fetchone()[0]
    assert text[ev["start"]:ev["end"]] == ev["text"]
    assert ev["source"].startswith("corpus/")


def test_sparql_binds_a_thai_literal(kg) -> None:
    rows = kg.sparql("SELECT ?e ?k ?label WHERE { ?e fn:lookupKey ?k ; skos:prefLabel ?label }",
                     {"k": match_key("พอช.")})
    assert [r["label"] for r in rows] == ["สถาบันพัฒนาองค์กรชุมชน"]
    tagged = kg.sparql("SELECT ?e ?l WHERE { ?e skos:prefLabel ?l }",
                       {"l": ox.Literal("มหาวิทยาลัยวลัยลักษณ์", language="th")})
    assert len(tagged) == 1
    # A hostile value stays a value: it cannot close the pattern or add a clause.
    evil = '" } ?s ?p ?o . FILTER(true) #'
    assert kg.sparql("SELECT ?e ?k WHERE { ?e fn:lookupKey ?k }", {"k": evil}) == []


def test_entities_listing_shape(kg) -> None:
    areas = queries.entities(kg, "area")
    by_code = {e.code: e for e in areas}
    j = by_code["900307"].to_json()
    assert set(j) == {"iri", "type", "kind", "label", "aliases", "docs", "mentions", "parent", "code"}
    assert j["parent"] == area_iri("9003") and j["docs"] == ["corpus/000_d3db8b877662650d.txt"]
    # ภาคตะวันออก is nowhere in the seeds: it is in the graph (ตราด's region), not in the listing.
    assert "region:east" not in by_code
    assert "region:east" in {e.code for e in queries.entities(kg, "area", mentioned_only=False)}
    assert by_code["23"].parent == area_iri("region:east")
    actors = queries.entities(kg, "actor")
    assert actors[0].label == "สถาบันพัฒนาองค์กรชุมชน"  # most mentioned first
    assert all(e.type == "actor" for e in actors)
    with pytest.raises(InputError, match="not one of"):
        queries.entities(kg, "people")


def test_entity_by_iri_label_alias_and_close_names(kg) -> None:
    wu = queries.entity(kg, "ม.วลัยลักษณ์")
    assert wu.label == "มหาวิทยาลัยวลัยลักษณ์"
    assert queries.entity(kg, wu.iri) == wu
    assert queries.entity(kg, "มหาวิทยาลัย วลัยลักษณ์") == wu
    assert queries.entity(kg, "นาย ภีม ภคเมธาวี").label == "ภีม ภคเมธาวี"
    with pytest.raises(NotFoundError, match="did you mean"):
        queries.entity(kg, "มหาวิทยาลัยวลัยลัก")


def test_who_works_on_village_funds(kg) -> None:
    ranked = queries.who(kg, "กองทุนหมู่บ้าน", k=20)
    labels = [a.label for a in ranked]
    # the village-fund network and the national village-fund office, with passages
    assert "เครือข่ายกองทุนหมู่บ้าน" in labels
    assert "สำนักงานกองทุนหมู่บ้านและชุมชนเมืองแห่งชาติ" in labels
    assert [a.passages for a in ranked] == sorted((a.passages for a in ranked), reverse=True)
    for a in ranked:
        assert a.evidence and len(a.evidence) <= 3
        for ev in a.evidence:
            _check_evidence(kg, ev)
    assert ranked[0].to_json()["evidence"][0]["text"]


def test_who_includes_narrower_themes(kg) -> None:
    ranked = queries.who(kg, "community welfare")  # English prefLabel of สวัสดิการชุมชน
    themes = {t for a in ranked for t in a.themes}
    assert "สัจจะลดรายจ่ายวันละ 1 บาท" in themes  # a narrower concept of สวัสดิการชุมชน
    by_alt = queries.who(kg, "3เหลี่ยมเขยื้อนภูเขา")  # altLabel
    assert by_alt and all(a.themes == ("สามเหลี่ยมเขยื้อนภูเขา",) for a in by_alt)
    with pytest.raises(NotFoundError, match="no theme"):
        queries.who(kg, "การปลูกข้าวบนดาวอังคาร")


def test_themes_areas_and_partners_of_an_actor(kg) -> None:
    themes = queries.themes_of(kg, "พอช.")
    labels = [t.label for t in themes]
    assert "สวัสดิการชุมชน" in labels and "การจัดการความรู้" in labels
    assert [t.weight for t in themes] == sorted((t.weight for t in themes), reverse=True)
    assert all(t.type == "practice" and t.weight > 0 for t in themes)
    areas = queries.areas_of(kg, "มหาวิทยาลัยวลัยลักษณ์")
    assert {"10", "1014"} <= {a.code for a in areas}  # เขตพญาไท กรุงเทพฯ, where it met
    partners = queries.partners_of(kg, "สกว.")
    assert "มหาวิทยาลัยวลัยลักษณ์" in {p.label for p in partners}
    with pytest.raises(NotFoundError):
        queries.themes_of(kg, "องค์กรที่ไม่มีอยู่จริง")


def test_shared_entities_say_why_two_notes_are_alike(kg) -> None:
    shared = {e.label for e in queries.shared_entities(kg, _DOC["003"], _DOC["004"])}
    assert {"มหาวิทยาลัยวลัยลักษณ์", "การจัดการความรู้", "องค์กรการเงินชุมชน"} <= shared
    assert "สถาบันพัฒนาองค์กรชุมชน" not in shared  # only in 003


def test_mentions_of_an_entity_in_place(kg) -> None:
    hits = queries.mentions_of_entity(kg, "สกว.")
    assert {h.surface for h in hits} == {"สกว.", "สำนักงานกองทุนสนับสนุนการวิจัย"}
    for h in hits:
        p = h.passage
        assert p is not None
        assert p["text"][h.start - p["start"]:h.end - p["start"]] == h.surface
    assert hits == sorted(hits, key=lambda h: (h.doc_id, h.start))


def test_path_between_two_actors_with_passages(kg) -> None:
    hops = queries.path(kg, "ภีม ภคเมธาวี", "สมาคมนักพัฒนาหมู่บ้าน")
    assert hops and hops[-1].target_label == "สมาคมนักพัฒนาหมู่บ้านฯ"
    for hop in hops:
        for ev in hop.evidence:
            _check_evidence(kg, ev)


def test_real_extraction_on_the_seeds(tmp_path: Path) -> None:
    """The whole path with the colleagues' parser, chunker and extractor, on the seed posts."""
    extract = pytest.importorskip("graph.extract").extract
    parse_file = pytest.importorskip("ingest.parse").parse_file
    chunk_document = pytest.importorskip("ingest.chunk").chunk_document
    from graph.kg import KG, rebuild
    from graph.mentions import install_schema, put_mentions
    from ingest.store import Store

    store = Store(tmp_path / "store.sqlite")
    install_schema(store.conn)
    corpus = Path(__file__).resolve().parent.parent / "corpus"
    for path in sorted(corpus.glob("*.txt")):
        doc = parse_file(path, f"corpus/{path.name}", max_bytes=10**7)
        chunks = chunk_document(doc)
        with store.transaction() as conn:
            rowids = store.put_document(doc, chunks)
            put_mentions(conn, doc.id, extract(doc.text),
                         [(r, c.start, c.end) for r, c in zip(rowids, chunks)])
    rebuild(store.conn, tmp_path)  # the extraction modules' gazetteer, scheme, acronyms
    kg = KG(tmp_path, conn=store.conn)
    codi = queries.entity(kg, "พอช.")
    assert codi.label == "สถาบันพัฒนาองค์กรชุมชน" and "พอช." in codi.aliases
    assert queries.entity(kg, "ม.วลัยลักษณ์").label == "มหาวิทยาลัยวลัยลักษณ์"
    namkhao = queries.entity(kg, "900307")
    assert namkhao.label == "น้ำขาว" and namkhao.lat is not None
    chain = kg.sparql("SELECT ?x ?up WHERE { ?x schema:containedInPlace+ ?up }",
                      {"x": ox.NamedNode(namkhao.iri)})
    assert {r["up"].rsplit("/", 1)[1] for r in chain} >= {"9003", "90", "region-south"}
    ranked = {a.label: a for a in queries.who(kg, "กองทุนหมู่บ้าน", k=20)}
    assert {"เครือข่ายกองทุนหมู่บ้าน", "สำนักงานกองทุนหมู่บ้านและชุมชนเมืองแห่งชาติ"} <= set(ranked)
    for a in ranked.values():
        for ev in a.evidence:
            _check_evidence(kg, ev)


def test_threads_asking_at_once_read_each_lazy_file_once(tmp_path_factory, monkeypatch) -> None:
    import threading
    import time
    from contextlib import contextmanager

    import graph.kg as kg_mod

    home = tmp_path_factory.mktemp("kg-threads")
    build(home, make_store(home))
    fresh = kg_mod.KG(home)
    reads: list[str] = []

    @contextmanager
    def slow_pause():  # widens the window in which a second thread could start a read
        reads.append(threading.current_thread().name)
        time.sleep(0.2)
        yield

    monkeypatch.setattr(kg_mod, "collector_paused", slow_pause)
    tables: list[object] = []
    threads = [threading.Thread(target=lambda: tables.append(fresh.entity_table()), name=f"t{i}")
               for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert len(reads) == 1, reads
    assert len(tables) == 4 and all(t is tables[0] for t in tables) and tables[0]

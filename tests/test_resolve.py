"""Entity resolution of mentions found in the seed posts (graph/resolve.py, graph/mentions.py)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from fieldnotes.errors import InputError
from graph.mentions import MentionRow, iter_mentions, mentions_of, put_mentions
from graph.models import Mention
from graph.names import match_key, strip_titles
from graph.resolve import resolve
from graph.vocab import actor_iri, area_iri

sys.path.insert(0, str(Path(__file__).parent / "data"))
from graph_kg_fixtures import area_info, concept_info, make_store, seed_mentions, seed_texts  # noqa: E402


def _rows() -> list[MentionRow]:
    """The hand-marked seed mentions as stored rows (one passage per 700 characters)."""
    rows = []
    for prefix, (_source, text) in seed_texts().items():
        for m in seed_mentions(prefix, text):
            rows.append(MentionRow(len(rows) + 1, prefix, None, m.start // 700, m.start, m.end,
                                   m.label, m.type, m.kind, m.key, m.source))
    return rows


@pytest.fixture(scope="module")
def resolved():
    return resolve(_rows(), areas=area_info, concepts=concept_info(),
                   doc_sources={p: s for p, (s, _) in seed_texts().items()})


def _by_label(entities, label):
    hits = [e for e in entities if e.label == label or label in e.aliases]
    assert len(hits) == 1, (label, hits)
    return hits[0]


def test_acronym_and_full_name_are_one_entity(resolved) -> None:
    entities, by_mention = resolved
    codi = _by_label(entities, "พอช.")
    assert codi.label == "สถาบันพัฒนาองค์กรชุมชน"
    assert {"พอช.", "พอช"} <= set(codi.aliases)
    assert codi.docs == ("corpus/001_d423a8a134ab18b4.txt", "corpus/002_f20a06c6ef58db93.txt",
                         "corpus/003_03a2497802332384.txt")
    # Every พอช. mention, in any seed, points at that one IRI.
    rows = _rows()
    codi_rows = [r for r in rows if r.label in ("พอช.", "พอช", "สถาบันพัฒนาองค์กรชุมชน")]
    assert codi_rows and {by_mention[r.id] for r in codi_rows} == {codi.iri}
    assert codi.mentions == len(codi_rows)


def test_university_abbreviation_without_key_joins_full_name(resolved) -> None:
    entities, _ = resolved
    wu = _by_label(entities, "ม.วลัยลักษณ์")  # the fixture gives these mentions no key
    assert wu.label == "มหาวิทยาลัยวลัยลักษณ์"
    assert len(wu.docs) == 4


def test_people_lose_their_titles(resolved) -> None:
    entities, _ = resolved
    assert _by_label(entities, "อ.ประเวศ วะสี").label == "ประเวศ วะสี"
    assert _by_label(entities, "รศ.ดร.ปัทมาวดี โพชนุกูล").label == "ปัทมาวดี โพชนุกูล"
    assert strip_titles("นางสาวสมศรี ใจดี") == "สมศรี ใจดี"  # นางสาว before นาง
    assert strip_titles("นาย") == "นาย"  # nothing left: not a title then


def test_areas_keyed_by_dopa_code_with_parents(resolved) -> None:
    entities, _ = resolved
    by_iri = {e.iri: e for e in entities}
    namkhao = by_iri[area_iri("900307")]
    assert (namkhao.label, namkhao.kind, namkhao.code) == ("น้ำขาว", "subdistrict", "900307")
    assert namkhao.parent == area_iri("9003")
    assert by_iri[area_iri("9003")].parent == area_iri("90")
    karo = by_iri[area_iri("802103")]
    assert {"ต.กะหรอ", "ตำบลกะหรอ"} <= set(karo.aliases)
    assert by_iri[area_iri("2303")].parent == area_iri("23")
    # A parent nobody wrote (ตราด's region) still exists, so the chain is whole.
    east = by_iri[area_iri("region:east")]
    assert by_iri[area_iri("23")].parent == east.iri and east.mentions == 0 and east.docs == ()
    for code in ("800119", "800106", "800114"):
        assert by_iri[area_iri(code)].parent == area_iri("8001")


def test_ambiguous_place_becomes_no_entity(resolved) -> None:
    entities, by_mention = resolved
    assert not [e for e in entities if "หนองสาหร่าย" in e.label]
    unresolved = [r for r in _rows() if r.label == "ตำบลหนองสาหร่าย"]
    assert len(unresolved) == 1 and unresolved[0].id not in by_mention


def test_practices_use_scheme_iris(resolved) -> None:
    entities, _ = resolved
    savings = _by_label(entities, "สัจจะลดรายจ่ายวันละ1บาท")
    assert savings.iri == "https://w3id.org/fieldnotes/id/practice/savings-1baht"
    assert savings.label == "สัจจะลดรายจ่ายวันละ 1 บาท"
    assert savings.parent == "https://w3id.org/fieldnotes/id/practice/welfare"


def test_iris_are_stable_and_independent_of_order() -> None:
    rows = _rows()
    a = resolve(rows, areas=area_info)
    b = resolve(list(reversed(rows)), areas=area_info)
    assert [e.iri for e in a.entities] == [e.iri for e in b.entities]
    assert a.mention_entity == b.mention_entity
    assert actor_iri(match_key("สถาบันพัฒนาองค์กรชุมชน")) in {e.iri for e in a.entities}


def test_alias_pairs_merge_an_acronym_found_without_key() -> None:
    rows = [
        MentionRow(1, "d1", None, 0, 0, 4, "สกว.", "actor", "organisation", None, "tagger"),
        MentionRow(2, "d2", None, 0, 10, 40, "สำนักงานกองทุนสนับสนุนการวิจัย", "actor", "organisation",
                   "สำนักงานกองทุนสนับสนุนการวิจัย", "rules"),
    ]
    apart = resolve(rows)
    assert len(apart.entities) == 2
    together = resolve(rows, alias_pairs=[("สกว.", "สำนักงานกองทุนสนับสนุนการวิจัย")])
    assert len(together.entities) == 1
    assert together.entities[0].aliases == ("สกว.",)


def test_match_key_ignores_spacing_dots_and_thai_digits() -> None:
    assert match_key("ธ.ก.ส.") == match_key("ธกส")
    assert match_key("ชุมนุม สหกรณ์เครดิตยูเนี่ยน") == match_key("ชุมนุมสหกรณ์เครดิตยูเนี่ยน")
    assert match_key("กลุ่มออมทรัพย์หมู่ ๕") == match_key("กลุ่มออมทรัพย์หมู่ 5")
    assert match_key("สมาคมนักพัฒนาหมู่บ้านฯ") == match_key("สมาคมนักพัฒนาหมู่บ้าน")
    assert match_key("ม.ค.") != match_key("มหาวิทยาลัยค")  # a month is not a university


def test_mentions_table_assigns_passages_and_cascades(tmp_path: Path) -> None:
    store = make_store(tmp_path, ["000"])
    doc_id = store.doc_ids()[0]
    text = store.document(doc_id).text
    rows = mentions_of(store.conn, doc_id)
    assert len(rows) == len(seed_mentions("000", text))
    chunks = {idx: c for _, c in store.chunks(doc_id) for idx in [c.index]}
    for r in rows:
        assert text[r.start:r.end] == r.label
        c = chunks[r.chunk_index]
        assert c.start <= r.start and r.end <= c.end
    with store.transaction():
        store.delete_document(doc_id)
    assert list(iter_mentions(store.conn)) == []


def test_put_mentions_replaces_and_checks_input(tmp_path: Path) -> None:
    store = make_store(tmp_path, ["003"])
    doc_id = store.doc_ids()[0]
    spans = [(rid, c.start, c.end) for rid, c in store.chunks(doc_id)]
    with store.transaction() as conn:
        n = put_mentions(conn, doc_id, [Mention(0, 4, "บทบา", "practice", "practice", "x")], spans)
    assert n == 1 and len(mentions_of(store.conn, doc_id)) == 1
    with pytest.raises(InputError, match="type 'place'"):
        put_mentions(store.conn, doc_id, [Mention(0, 4, "x", "place", "province")], spans)
    with pytest.raises(InputError, match="span 5-5"):
        put_mentions(store.conn, doc_id, [Mention(5, 5, "x", "area", "province")], spans)

"""Tests of graph.practices: the SKOS scheme in graph/data/practices.ttl and matching it."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fieldnotes.errors import ConfigError, NotFoundError
from graph.practices import find_practices, load_scheme, match_form

ROOT = Path(__file__).resolve().parents[1]


def _seed(prefix: str) -> str:
    return next((ROOT / "corpus").glob(f"{prefix}_*.txt")).read_text("utf-8")


def _keys(text: str) -> list[tuple[str, str | None]]:
    return [(m.label, m.key) for m in find_practices(text)]


def test_scheme_is_curated_skos() -> None:
    scheme = load_scheme()
    assert 30 <= len(scheme.concepts) <= 60
    assert scheme.iri == "https://w3id.org/fieldnotes/id/scheme/practices"
    for c in scheme.concepts.values():
        assert c.label and c.label_en and c.iri.endswith("/practice/" + c.key)
    welfare = scheme.concept("community-welfare")
    assert welfare.label == "สวัสดิการชุมชน"
    assert {"one-baht-a-day", "merit-savings", "community-welfare-fund"} <= set(welfare.narrower)
    assert scheme.concept("one-baht-a-day").broader == ("community-welfare",)
    assert "วันละ1บาท" in scheme.concept("one-baht-a-day").alt_labels
    assert {c.key for c in scheme.top_concepts()} >= {
        "community-finance", "community-welfare", "knowledge-management", "sufficiency-economy"}
    assert scheme.lookup("สัจจะ วันละ บาท").key == "one-baht-a-day"
    assert scheme.lookup("3 เหลี่ยมเขยื้อนภูเขา").key == "triangle-moves-mountain"
    assert "community-bank" in scheme.descendants("community-finance")
    with pytest.raises(NotFoundError, match="community-welfar"):
        scheme.concept("community-welfar")


def test_seed_practices_are_found() -> None:
    assert ("3เหลี่ยมเขยื้อนภูเขา", "triangle-moves-mountain") in _keys(_seed("002"))
    assert ("สัจจะลดรายจ่ายวันละ1บาท", "one-baht-a-day") in _keys(_seed("002"))
    seed0 = _keys(_seed("000"))
    assert ("สัจจะลดรายจ่ายวันละ 1 บาท", "one-baht-a-day") in seed0
    assert ("สวัสดิการวันละบาท", "one-baht-a-day") in seed0
    assert ("สัจจะสะสมทรัพย์", "sajja-savings") in seed0
    assert ("สหกรณ์เครดิตยูเนี่ยน", "credit-union") in seed0
    seed3 = _keys(_seed("003"))
    assert ("ออมบุญ", "merit-savings") in seed3 and ("วันๆละ1บาท", "one-baht-a-day") in seed3
    assert ("KM", "knowledge-management") in _keys(_seed("004"))
    assert ("สถาบันการเงินชุมชน", "community-financial-institution") in _keys(_seed("004"))


def test_offsets_and_fields_on_every_seed() -> None:
    for path in sorted((ROOT / "corpus").glob("*.txt")):
        text = path.read_text("utf-8")
        mentions = find_practices(text)
        assert mentions
        for a, b in zip(mentions, mentions[1:]):
            assert a.end <= b.start  # never overlapping
        for m in mentions:
            assert text[m.start:m.end] == m.label
            assert (m.type, m.kind, m.source) == ("practice", "practice", "scheme")


def test_spaces_and_thai_digits_are_optional_but_offsets_stay_original() -> None:
    text = "เครือข่ายสัจจะลดรายจ่าย วันละ ๑ บาท ของสงขลา"
    [m] = find_practices(text)
    assert (m.key, m.start, m.end) == ("one-baht-a-day", 9, 35)
    assert m.label == "สัจจะลดรายจ่าย วันละ ๑ บาท"
    assert match_form("สัจจะลดรายจ่ายวันละ ๑ บาท") == match_form("สัจจะลดรายจ่ายวันละ1บาท")


def test_longest_label_wins_and_latin_labels_are_whole_words() -> None:
    assert _keys("จัดตั้งกองทุนสวัสดิการชุมชนตำบล") == [
        ("กองทุนสวัสดิการชุมชนตำบล", "community-welfare-fund")]
    assert _keys("นักศึกษา KMUTT ทำ KM, และ OTOP") == [
        ("KM", "knowledge-management"), ("OTOP", "otop")]


def test_nikhahit_sara_aa_is_read_as_sara_am() -> None:
    text = "โครงการธนาคารน\u0e49\u0e4d\u0e32ใต้ดิน"  # น้ำ typed as น + ้ + ํ + า
    [m] = find_practices(text)
    assert m.key == "groundwater-bank" and m.label == text[7:]


def test_generic_words_are_not_practices() -> None:
    assert _keys("ชุมชน สวัสดิการ การออม เครือข่าย กองทุนสวัสดิการข้าราชการ") == []


def _write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "scheme.ttl"
    path.write_text(
        "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n"
        "@prefix p: <https://w3id.org/fieldnotes/id/practice/> .\n"
        "p:s a skos:ConceptScheme .\n" + body, "utf-8")
    return path


def test_bad_schemes_are_refused_with_the_concept_named(tmp_path: Path) -> None:
    dup = _write(tmp_path, """
p:a a skos:Concept ; skos:notation "a" ; skos:prefLabel "ออมบุญ"@th , "A"@en .
p:b a skos:Concept ; skos:notation "b" ; skos:prefLabel "บี"@th , "B"@en ; skos:altLabel "ออม บุญ"@th .
""")
    with pytest.raises(ConfigError, match="ออม บุญ"):
        load_scheme(dup)
    no_en = _write(tmp_path, 'p:a a skos:Concept ; skos:notation "a" ; skos:prefLabel "เอ"@th .\n')
    with pytest.raises(ConfigError, match="'a' needs one Thai and one English"):
        load_scheme(no_en)
    one_way = _write(tmp_path, """
p:a a skos:Concept ; skos:notation "a" ; skos:prefLabel "เอ"@th , "A"@en .
p:b a skos:Concept ; skos:notation "b" ; skos:prefLabel "บี"@th , "B"@en ; skos:broader p:a .
""")
    with pytest.raises(ConfigError, match="lacks skos:narrower 'b'"):
        load_scheme(one_way)
    with pytest.raises(ConfigError, match="does not exist"):
        load_scheme(tmp_path / "missing.ttl")


def test_a_small_scheme_can_be_given(tmp_path: Path) -> None:
    path = _write(tmp_path, """
p:a a skos:Concept ; skos:notation "a" ; skos:prefLabel "ธนาคารปูม้า"@th , "Crab bank"@en .
""")
    scheme = load_scheme(path)
    assert [m.key for m in find_practices("ชาวประมงตั้งธนาคารปูม้า", scheme)] == ["a"]


def test_speed_per_10k_characters() -> None:
    text = "".join(p.read_text("utf-8") for p in sorted((ROOT / "corpus").glob("*.txt")))[:10_000]
    find_practices(text)
    start = time.perf_counter()
    for _ in range(10):
        find_practices(text)
    per_call = (time.perf_counter() - start) / 10
    assert per_call < 0.05, f"{per_call * 1000:.1f} ms per 10,000 characters"


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(
    ["สัจจะ", "ลดรายจ่าย", "วันละ", " ", "๑", "1", "บาท", "ออมบุญ", "KM", "x", "ํา", "\u200b",
     "น้", "ใต้ดิน", "ธนาคาร", "สวัสดิการ", "ชุมชน", "กองทุน", "\n"]), max_size=30))
def test_any_mix_of_labels_gives_valid_mentions(pieces: list[str]) -> None:
    text = "".join(pieces)
    scheme = load_scheme()
    last_end = 0
    for m in find_practices(text):
        assert text[m.start:m.end] == m.label and m.start >= last_end
        assert scheme.lookup(m.label) is not None and scheme.lookup(m.label).key == m.key
        last_end = m.end

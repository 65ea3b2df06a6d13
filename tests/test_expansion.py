"""Query expansion from the SKOS practice scheme (graph.expansion), on real labels."""

from __future__ import annotations

from graph.expansion import Expansion, expand_query
from graph.practices import load_scheme
from search.bm25 import phrase_terms


def test_english_names_reach_the_thai_labels_and_the_broader_practice():
    e = expand_query("village fund network became a community bank")
    assert e.concepts == ("village-fund", "community-bank")
    # The concept's own Thai labels, prefLabel first ...
    assert e.terms.index("ธนาคารชุมชน") < e.terms.index("ธนาคารหมู่บ้าน")
    assert "กองทุนหมู่บ้าน" in e.terms and "กองทุนเงินล้าน" in e.terms
    # ... and the broader practice's (a community bank is a community
    # financial institution), but not the whole domain above it.
    assert "สถาบันการเงินชุมชน" in e.terms and "สถาบันการเงินตำบล" in e.terms
    assert "การเงินชุมชน" not in e.terms


def test_english_labels_compare_by_stem_and_whole_words():
    scheme = load_scheme()
    assert expand_query("Community Banks", scheme).concepts == ("community-bank",)
    assert expand_query("village funds", scheme).concepts == ("village-fund",)
    assert expand_query("who runs community welfare funds?", scheme).concepts == ("community-welfare-fund",)
    # "community" alone names no practice, and KM inside KMUTT is not KM.
    assert not expand_query("community", scheme).concepts
    assert not expand_query("KMUTT", scheme).concepts
    assert expand_query("KM", scheme).concepts == ("knowledge-management",)


def test_practices_named_in_thai_are_left_as_typed_but_latin_names_inside_thai_count():
    # Thai synonyms moved the first hit of precise Thai queries (tests/test_formats_agree.py).
    assert not expand_query("ใครทำกองทุนเงินล้านบ้าง") and not expand_query("ธนาคารชุมชน")
    e = expand_query("สินค้า OTOP ของตำบลกะหรอ")
    assert e.concepts == ("otop",) and "หนึ่งตำบล หนึ่งผลิตภัณฑ์" in e.terms


def test_a_query_naming_nothing_expands_to_nothing():
    for q in ("ประชุมประจำเดือนที่ศาลาวัด", "weather in Bangkok", "", "   "):
        e = expand_query(q)
        assert e == Expansion() and not e


def test_labels_become_whole_phrases_for_bm25():
    # The tokeniser splits กองทุนเงินล้าน; BM25 must match it whole, not any กองทุน.
    assert phrase_terms(["กองทุนเงินล้าน", "ธนาคารหมู่บ้าน", "", "กองทุนเงินล้าน"]) == [
        "กองทุน เงิน ล้าน",
        "ธนาคารหมู่บ้าน",
    ]

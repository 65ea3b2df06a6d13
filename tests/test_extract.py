"""graph.extract: areas + practices + actors (rules and tagger) merged, one mention per span."""

from __future__ import annotations

import random
import time
from pathlib import Path

from graph.extract import POLICY, extract, merge
from graph.models import Mention

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"


def _seed(name: str) -> str:
    return next(CORPUS.glob(f"{name}_*.txt")).read_text("utf-8")


def _check_well_formed(text: str, ms: list[Mention]) -> None:
    assert ms == sorted(ms, key=lambda m: (m.start, m.end))
    for a, b in zip(ms, ms[1:]):
        assert a.end <= b.start, (a, b)  # one mention per stretch of text
    for m in ms:
        assert text[m.start : m.end] == m.label
        assert m.type in ("actor", "area", "practice")


def test_seed_post_has_actors_areas_and_practices() -> None:
    text = _seed("000")
    ms = extract(text)
    _check_well_formed(text, ms)
    by_label = {(m.label, m.type): m for m in ms}
    # Areas come from the gazetteer with their DOPA codes...
    assert by_label[("ต.กะหรอ", "area")].key == "802103"
    assert by_label[("จ.สงขลา", "area")].key == "90"
    # ...actors from the rules, with acronyms resolved to full names...
    assert by_label[("สกว.", "actor")].key == "สำนักงานกองทุนสนับสนุนการวิจัย"
    assert by_label[("เครือข่ายกองทุนหมู่บ้าน", "actor")].kind == "network"
    assert by_label[("สุริชาติ สายทอง", "actor")].kind == "person"
    # ...and practices from the scheme.
    assert any(m.type == "practice" for m in ms)


def test_longest_mention_wins_an_overlap() -> None:
    text = "-สำนักงานกองทุนหมู่บ้านและชุมชนเมืองแห่งชาติ\n"
    ms = extract(text)
    # กองทุนหมู่บ้านและชุมชนเมือง (a practice) lies inside the office's name.
    assert [(m.label, m.type) for m in ms] == [
        ("สำนักงานกองทุนหมู่บ้านและชุมชนเมืองแห่งชาติ", "actor")
    ]


def test_network_and_its_place_are_two_mentions() -> None:
    text = "4) เครือข่ายกองทุนหมู่บ้านต.กะหรอ กิ่งอ.นบพิตำ จ.นครศรีธรรมราช"
    got = [(m.label, m.type, m.kind, m.key) for m in extract(text)]
    assert got == [
        ("เครือข่ายกองทุนหมู่บ้าน", "actor", "network", "เครือข่ายกองทุนหมู่บ้าน"),
        ("ต.กะหรอ", "area", "subdistrict", "802103"),
        ("กิ่งอ.นบพิตำ", "area", "district", "8021"),
        ("จ.นครศรีธรรมราช", "area", "province", "80"),
    ]


def test_list_of_subdistricts_in_parsed_seed_000_all_resolve() -> None:
    # Issue #4: "1) ตำบลบางจาก 2) ตำบลท่าไร่ 3) ตำบลมะม่วง 2 ต้น อำเภอเมือง
    # จังหวัดนครศรีธรรมราช" in the parsed seed. The tagger read "ตำบลบางจาก 2"
    # (with the next list number) as one unresolved place; the gazetteer's span
    # and code must win, and the district and province apply to every item.
    from ingest.parse import parse_file

    path = next(CORPUS.glob("000_*.txt"))
    text = parse_file(path, str(path), max_bytes=32 << 20).text
    start = text.index("1) ตำบลบางจาก")
    stop = text.index("จังหวัดนครศรีธรรมราช", start) + len("จังหวัดนครศรีธรรมราช")
    got = [(m.label, m.kind, m.key) for m in extract(text) if start <= m.start < stop]
    assert got == [
        ("ตำบลบางจาก", "subdistrict", "800119"),
        ("ตำบลท่าไร่", "subdistrict", "800106"),
        ("ตำบลมะม่วง 2 ต้น", "subdistrict", "800114"),
        ("อำเภอเมือง", "district", "8001"),
        ("จังหวัดนครศรีธรรมราช", "province", "80"),
    ]


def test_a_tagger_place_that_only_adds_a_list_number_gives_way() -> None:
    text = "1) ตำบลบางจาก 2) ตำบลท่าไร่"
    area = Mention(3, 13, "ตำบลบางจาก", "area", "subdistrict", "800119", "gazetteer")
    tagged = Mention(3, 15, "ตำบลบางจาก 2", "area", "place", None, "tagger")
    assert text[tagged.start : tagged.end] == tagged.label
    assert merge([tagged, area]) == [area]


def test_merge_prefers_resolved_sources_on_equal_spans() -> None:
    place = Mention(3, 10, "หนองคาย", "area", "place", None, "tagger")
    province = Mention(3, 10, "หนองคาย", "area", "province", "43", "gazetteer")
    org_tagged = Mention(12, 16, "พอช.", "actor", "organisation", "พอช.", "tagger")
    org_acronym = Mention(12, 16, "พอช.", "actor", "organisation", "สถาบันพัฒนาองค์กรชุมชน", "acronym")
    assert merge([place, org_tagged, province, org_acronym]) == [province, org_acronym]
    assert POLICY["gazetteer"] < POLICY["tagger"] and POLICY["acronym"] < POLICY["tagger"]


def test_tagger_places_against_the_gazetteer() -> None:
    text = "ผู้ว่าราชการจังหวัดตรัง ริมแม่น้ำปราจีนบุรี กิ่งอ.นบพิตำ"
    trang = Mention(19, 23, "ตรัง", "area", "province", "92", "gazetteer")
    tagged_trang = Mention(12, 23, "จังหวัดตรัง", "area", "place", None, "tagger")
    prachin = Mention(33, 43, "ปราจีนบุรี", "area", "province", "25", "gazetteer")
    river = Mention(27, 43, "แม่น้ำปราจีนบุรี", "area", "place", None, "tagger")
    nopphitam = Mention(44, 56, "กิ่งอ.นบพิตำ", "area", "district", "8021", "gazetteer")
    cut = Mention(44, 48, "กิ่ง", "area", "place", None, "tagger")
    for m in (trang, tagged_trang, prachin, river, nopphitam, cut):
        assert text[m.start : m.end] == m.label
    got = merge([trang, tagged_trang, prachin, river, nopphitam, cut])
    assert [(m.label, m.kind, m.key) for m in got] == [
        ("จังหวัดตรัง", "province", "92"),  # the tagger's span, the gazetteer's code
        ("แม่น้ำปราจีนบุรี", "place", None),  # a river around a province's name
        ("กิ่งอ.นบพิตำ", "district", "8021"),  # the tagger cut across the district
    ]


def test_merge_is_deterministic_whatever_the_order() -> None:
    text = _seed("002")
    ms = extract(text)
    again = list(ms)
    random.Random(7).shuffle(again)
    assert merge(again) == ms


def test_without_tagger_no_tagger_mentions() -> None:
    text = _seed("003")
    ms = extract(text, tagger=False)
    _check_well_formed(text, ms)
    assert ms and all(m.source != "tagger" for m in ms)
    assert ("รศ.ดร.ปัทมาวดี โพชนุกูล", "person") in {(m.label, m.kind) for m in ms}


def test_empty_and_blank_text() -> None:
    assert extract("") == []
    assert extract(" \n\t") == []


def test_ten_kilobytes_in_well_under_100_ms_of_cpu() -> None:
    text = (_seed("002") * 2)[:10_240]
    extract(text[:2000] + "ข้อความอุ่นเครื่อง")  # load models and lexicons once
    best = min(_cpu_ms(text + str(n)) for n in range(3))
    assert best < 100, f"extract took {best:.0f} ms of CPU for 10 KB"


def _cpu_ms(text: str) -> float:
    t0 = time.process_time()
    extract(text)
    return (time.process_time() - t0) * 1000


def test_bench_scores_exact_spans_per_type() -> None:
    from bench.ner import score

    gold = {(0, 0, 5, "PERSON"), (0, 7, 12, "ORGANIZATION"), (1, 3, 9, "LOCATION")}
    pred = {(0, 0, 5, "PERSON"), (0, 7, 11, "ORGANIZATION"), (1, 3, 9, "LOCATION"),
            (1, 20, 25, "PERSON")}
    s = score(gold, pred)
    assert s["PERSON"] == {"tp": 1, "fp": 1, "fn": 0, "precision": 0.5, "recall": 1.0,
                           "f1": 0.6667}
    assert s["ORGANIZATION"]["tp"] == 0 and s["ORGANIZATION"]["f1"] == 0.0
    assert s["micro"]["precision"] == 0.5 and s["micro"]["recall"] == 0.6667


def test_bench_runs_the_combined_system_on_thainer_format() -> None:
    from bench.ner import evaluate
    from graph.train_tagger import read_thainer

    sentences = list(read_thainer(ROOT / "tests/data/graph_actors_thainer_mini.txt"))
    result = evaluate(sentences, "combined")
    micro = result["scores"]["micro"]  # type: ignore[index]
    # Titles, heads and the gazetteer find most of these simple sentences.
    assert micro["recall"] >= 0.8 and micro["precision"] >= 0.8


def _parsed(path: Path):  # type: ignore[no-untyped-def]
    from ingest.parse import parse_file

    return parse_file(path, str(path), max_bytes=32 << 20)


def test_extract_document_adds_comment_authors_once() -> None:
    from graph.extract import extract_document

    doc = _parsed(next(CORPUS.glob("000_*.txt")))
    assert [c.author for c in doc.comments] == ["สุริชาติ สายทอง", "ภีม ภคเมธาวี"]
    ms = extract_document(doc)
    _check_well_formed(doc.text, ms)
    # Each author's mention is their name line, just before their comment, and
    # replaces whatever the rules or the tagger found on that span.
    for c in doc.comments:
        byline = [m for m in ms if m.source == "comment" and m.end == c.start - 1]
        assert [(m.label, m.kind) for m in byline] == [(c.author, "person")]
    # สุริชาติ สายทอง also signed the comment: that is a second, ordinary mention.
    signed = [m for m in ms if m.label == "สุริชาติ สายทอง" and m.source != "comment"]
    assert len(signed) == 1 and doc.comments[0].start <= signed[0].start < doc.comments[0].end
    authors = {(m.start, m.end) for m in ms if m.source == "comment"}
    others = [m for m in extract_document(doc, tagger=False) if m.source != "comment"]
    assert others == [
        m for m in extract(doc.text, tagger=False) if not any(m.start < e and s < m.end for s, e in authors)
    ]


def test_extract_document_points_authors_at_their_names() -> None:
    from graph.extract import extract_document

    doc = _parsed(ROOT / "tests/data/ingest_gotoknow_author.txt")
    assert [c.author for c in doc.comments] == ["ปิยะ ใจดี", "ภีม ภคเมธาวี"]
    ms = extract_document(doc)
    _check_well_formed(doc.text, ms)
    authors = [(m.label, m.kind, m.source, m.doc_id) for m in ms if m.source == "comment"]
    assert ("ภีม ภคเมธาวี", "person", "comment", doc.id) in authors
    for name in ("ปิยะ ใจดี", "ภีม ภคเมธาวี"):
        assert [m.label for m in ms].count(name) == 1

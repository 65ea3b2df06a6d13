"""Acronyms: the table, trie matching in raw Thai text, and definitions written in text."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph.acronyms import acronym_table, find_acronym_definitions, find_acronyms, full_names

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
CODI = "สถาบันพัฒนาองค์กรชุมชน"


def _labels(text: str) -> list[tuple[str, str]]:
    return [(m.label, m.key) for m in find_acronyms(text)]


def test_table_has_the_issue_acronyms_with_full_names() -> None:
    table = acronym_table()
    expected = {
        "พอช.": CODI,
        "สกว.": "สำนักงานกองทุนสนับสนุนการวิจัย",
        "พม.": "กระทรวงการพัฒนาสังคมและความมั่นคงของมนุษย์",
        "ม.วลัยลักษณ์": "มหาวิทยาลัยวลัยลักษณ์",
        "สคส.": "สถาบันส่งเสริมการจัดการความรู้เพื่อสังคม",
        "ธกส.": "ธนาคารเพื่อการเกษตรและสหกรณ์การเกษตร",
        "ธ.ก.ส.": "ธนาคารเพื่อการเกษตรและสหกรณ์การเกษตร",
        "มสธ.": "มหาวิทยาลัยสุโขทัยธรรมาธิราช",
        "สรส.": "โครงการเสริมสร้างการเรียนรู้เพื่อชุมชนเป็นสุข",
        "อบต.": "องค์การบริหารส่วนตำบล",
        "อปท.": "องค์กรปกครองส่วนท้องถิ่น",
        "สทบ.": "สำนักงานกองทุนหมู่บ้านและชุมชนเมืองแห่งชาติ",
        "พช.": "กรมการพัฒนาชุมชน",
    }
    for acronym, full in expected.items():
        assert table[acronym].full_name == full
    assert table["อบต."].generic and not table["พอช."].generic
    assert table["พอช."].name_en.startswith("Community Organizations")
    assert full_names()[CODI].acronym == "พอช."


def test_acronyms_glued_to_the_word_before_them() -> None:
    assert _labels("ของพม.และพอช. ที่มสธ.") == [
        ("พม.", "กระทรวงการพัฒนาสังคมและความมั่นคงของมนุษย์"),
        ("พอช.", CODI),
        ("มสธ.", "มหาวิทยาลัยสุโขทัยธรรมาธิราช"),
    ]


def test_offsets_point_at_the_written_form() -> None:
    text = "ผู้บริหารและจนท.พอช.) และธ.ก.ส."
    for m in find_acronyms(text):
        assert text[m.start : m.end] == m.label
    assert [m.label for m in find_acronyms(text)] == ["พอช.", "ธ.ก.ส."]


def test_guards_against_hits_inside_ordinary_words() -> None:
    # "ออก." ends with อก. (กระทรวงอุตสาหกรรม) but is the verb "go out".
    assert _labels("เขาเดินออก. แล้วไป") == []
    # Dotted acronyms need their dot: "พม" alone is not พม.
    assert _labels("คนพมพม่า") == []
    # An undotted form only where a word ends: "พอชนะ" is not พอช.
    assert _labels("ทำได้พอชนะ") == []


def test_undotted_long_acronyms_in_comments() -> None:
    # GotoKnow comments drop the dot: "ที่ พอช ภาคใต้", "ที่พอช กำลัง".
    assert _labels("ในวันที่ 3 เมษายน ที่ พอช ภาคใต้") == [("พอช", CODI)]
    assert _labels("ที่พอช กำลังดำเนินการอยู่") == [("พอช", CODI)]


def test_generic_body_with_its_place_is_one_body() -> None:
    ms = find_acronyms("ประสานกับอบต.กะหรอ และอบต.")
    assert [(m.label, m.key) for m in ms] == [
        ("อบต.กะหรอ", "องค์การบริหารส่วนตำบลกะหรอ"),
        ("อบต.", "องค์การบริหารส่วนตำบล"),
    ]


def test_seed_post_acronyms() -> None:
    text = (CORPUS / "003_03a2497802332384.txt").read_text("utf-8")
    labels = [m.label for m in find_acronyms(text)]
    assert labels == ["อบต.", "พม.", "อปท.", "มสธ.", "พอช.", "ม.วลัยลักษณ์"]
    assert all(m.type == "actor" and m.source == "acronym" for m in find_acronyms(text))


def test_definitions_in_a_seed_post() -> None:
    text = (CORPUS / "002_f20a06c6ef58db93.txt").read_text("utf-8")
    assert find_acronym_definitions(text) == [("สำนักงานกองทุนสนับสนุนการวิจัย", "สกว.")]
    text = (CORPUS / "000_d3db8b877662650d.txt").read_text("utf-8")
    assert find_acronym_definitions(text) == [
        ("โครงการเสริมสร้างการเรียนรู้เพื่อชุมชนเป็นสุข", "สรส.")
    ]


@pytest.mark.parametrize(
    ("text", "pair"),
    [
        # thaigov phrasing: the full name starts at its head, not at "ตามที่".
        ("ตามที่กระทรวงการคลัง (กค.) เสนอ", ("กระทรวงการคลัง", "กค.")),
        ("คณะกรรมการนโยบายพลังงานแห่งชาติ (กพช.) ครั้งที่",
         ("คณะกรรมการนโยบายพลังงานแห่งชาติ", "กพช.")),
        ("กำกับดูแลสำนักงานกองทุนหมู่บ้านและชุมชนเมืองแห่งชาติ (สทบ.) เป็น",
         ("สำนักงานกองทุนหมู่บ้านและชุมชนเมืองแห่งชาติ", "สทบ.")),
        # no head: the words' initials spell the acronym.
        ("ของอาสาสมัครสาธารณสุขประจำหมู่บ้าน (อสม.) ในการ",
         ("อาสาสมัครสาธารณสุขประจำหมู่บ้าน", "อสม.")),
    ],
)
def test_definitions_in_news_phrasing(text: str, pair: tuple[str, str]) -> None:
    assert find_acronym_definitions(text) == [pair]


def test_no_definition_for_an_ordinary_bracket() -> None:
    assert find_acronym_definitions("ผู้เข้าประชุม (ประมาณ 12 คน) จากแกนนำ") == []

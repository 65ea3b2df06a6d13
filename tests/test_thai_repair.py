"""Tests of ingest.thai_repair: each repair on its own, then all of them on real text."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ingest.thai_repair import (
    PUA_TO_THAI,
    join_split_words,
    map_pua,
    repair_thai,
    reorder_marks,
)
from tests.reports_fixtures import seed_texts, to_pua

NIKHAHIT, SARA_AA, SARA_AM = "\u0e4d", "\u0e32", "\u0e33"
MAI_EK, MAI_THO = "\u0e48", "\u0e49"


# --- sara am and mark order -------------------------------------------------


def test_sara_am_from_nikhahit_and_sara_aa() -> None:
    assert reorder_marks("ก" + NIKHAHIT + SARA_AA + "หนด") == "กำหนด"
    assert reorder_marks("ผู้น" + NIKHAHIT + SARA_AA + "ชุมชน") == "ผู้นำชุมชน"


@pytest.mark.parametrize(
    "broken",
    [
        "น" + NIKHAHIT + MAI_THO + SARA_AA,  # nikhahit, tone, sara aa (what shapers output)
        "น" + MAI_THO + NIKHAHIT + SARA_AA,  # tone, nikhahit, sara aa
        "น" + SARA_AM + MAI_THO,  # tone typed after sara am
    ],
)
def test_sara_am_with_tone_mark_in_any_order(broken: str) -> None:
    assert reorder_marks(broken + "ขาว") == "น้ำขาว"


def test_tone_mark_goes_after_above_vowel() -> None:
    assert reorder_marks("ท" + MAI_EK + "\u0e35") == "ที่"
    assert reorder_marks("เพ" + MAI_EK + "\u0e37" + "อน") == "เพื่อน"


def test_tone_mark_goes_after_below_vowel() -> None:
    assert reorder_marks("หม" + MAI_EK + "\u0e39" + "บ้าน") == "หมู่บ้าน"


def test_thanthakhat_goes_after_vowel() -> None:
    assert reorder_marks("สิทธ\u0e4c\u0e34") == "สิทธิ์"


def test_two_sara_e_become_sara_ae() -> None:
    assert reorder_marks("\u0e40\u0e40ละ") == "และ"


def test_reorder_leaves_correct_text_alone() -> None:
    text = "การออมอย่างมีสัจจะ นำสู่การตั้ง \"สถาบันการเงินของชุมชน\" ที่กะหรอ น้ำขาว ฤๅษี"
    assert reorder_marks(text) == text


# --- PUA glyphs ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("pua", "thai"),
    [
        ("\uf700", "ฐ"),  # THO THAN without descender
        ("\uf70f", "ญ"),  # YO YING without descender
        ("\uf701", "\u0e34"),  # SARA I shifted left
        ("\uf704", "\u0e37"),  # SARA UEE shifted left
        ("\uf705", MAI_EK),  # shifted down-left
        ("\uf70a", MAI_EK),  # shifted down
        ("\uf70b", MAI_THO),  # shifted down
        ("\uf70e", "\u0e4c"),  # THANTHAKHAT shifted down
        ("\uf710", "\u0e31"),  # MAI HAN-AKAT shifted left
        ("\uf711", NIKHAHIT),
        ("\uf712", "\u0e47"),  # MAITAIKHU shifted left
        ("\uf717", "\u0e4c"),
        ("\uf718", "\u0e38"),  # SARA U shifted down
        ("\uf71a", "\u0e3a"),  # PHINTHU shifted down
        ("\uf88b", MAI_EK),  # Macintosh range
        ("\uf89a", "ญ"),
        ("\uf89e", "ฐ"),
    ],
)
def test_pua_glyph_maps_to_thai(pua: str, thai: str) -> None:
    assert map_pua(pua) == thai


def test_pua_table_covers_the_windows_range_and_maps_into_thai() -> None:
    windows = {chr(c) for c in range(0xF700, 0xF71B)}
    assert windows <= set(PUA_TO_THAI)
    assert all("\u0e01" <= thai <= "\u0e4e" for thai in PUA_TO_THAI.values())


def test_pua_text_of_a_legacy_font_is_repaired() -> None:
    text = "ผู้ใหญ่บ้านปลูกฝ้ายที่ฐานทัพ ปู่กับย่าไปฟังเทศน์ที่วัด น้ำใจของชุมชน"
    legacy = to_pua(text)
    assert any("\uf700" <= ch <= "\uf71a" for ch in legacy)  # the fixture really uses PUA
    assert repair_thai(legacy) == text


def test_other_private_use_characters_are_kept() -> None:
    assert map_pua("\ue000 \uf0b7 bullet") == "\ue000 \uf0b7 bullet"


# --- spurious spaces ------------------------------------------------------------


@pytest.mark.parametrize(
    ("broken", "fixed"),
    [
        ("การจัดก ารความรู้", "การจัดการความรู้"),  # space before a follow vowel
        ("ก ับ", "กับ"),  # space before an above vowel
        ("ท ี่ประชุม", "ที่ประชุม"),
        ("ผู ้นำ", "ผู้นำ"),  # space before a tone mark
        ("เ ขาสมิง", "เขาสมิง"),  # space after a lead vowel
    ],
)
def test_space_that_cannot_be_real_is_removed(broken: str, fixed: str) -> None:
    assert join_split_words(broken) == fixed


def test_space_inside_a_non_word_is_removed_by_the_dictionary() -> None:
    assert join_split_words("องค์กรการเงินชุ มชน") == "องค์กรการเงินชุมชน"
    assert join_split_words("หน่วยจัดการความรู้ มหาวิทยาลัยวลัยลั กษณ์") == (
        "หน่วยจัดการความรู้ มหาวิทยาลัยวลัยลักษณ์"
    )


def test_shredded_line_is_rejoined_into_words() -> None:
    line = "หน่ วย จัด การ ความ รู้ องค์ กร การ เงิน ชุม ชน"
    fixed = join_split_words(line)
    assert "ความรู้" in fixed and "ชุมชน" in fixed and "จัดการ" in fixed
    assert "หน่วย" in fixed


def test_real_spaces_between_phrases_stay() -> None:
    text = (
        "หน่วยจัดการความรู้องค์กรการเงินชุมชน มหาวิทยาลัยวลัยลักษณ์ได้ประมวลความรู้ "
        "ครอบคลุมปฏิบัติการทั้งหมด ประกอบด้วยสถาบันการศึกษา หน่วยสนับสนุนภาครัฐ"
    )
    assert join_split_words(text) == text


def test_short_list_of_words_is_not_taken_for_a_shredded_line() -> None:
    assert join_split_words("ข้าว ปลา") == "ข้าว ปลา"


def test_spaces_never_join_across_lines() -> None:
    assert join_split_words("องค์กรการเงินชุ\nมชน") == "องค์กรการเงินชุ\nมชน"


# --- all repairs together ---------------------------------------------------------


def test_repair_applies_every_repair() -> None:
    broken = "ผู\uf70bน" + NIKHAHIT + SARA_AA + "ชุ มชนเ\u0e40ละก ารจัดการ"
    assert repair_thai(broken) == "ผู้นำชุมชนและการจัดการ"


def test_repair_can_keep_spaces() -> None:
    assert repair_thai("ชุ มชน", join_words=False) == "ชุ มชน"


@pytest.mark.parametrize("name", sorted(seed_texts()))
def test_seed_posts_are_left_unchanged(name: str) -> None:
    text = unicodedata.normalize("NFC", seed_texts()[name])
    assert repair_thai(text) == text


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(exclude_categories=("Cs",), max_codepoint=0x2FFF).filter(
    lambda ch: not "\u0e00" <= ch <= "\u0e7f")))
def test_text_without_thai_is_only_nfc_normalised(text: str) -> None:
    assert repair_thai(text) == unicodedata.normalize("NFC", text)


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet="กขคงนมยรลวสหอะาำิีึืุู่้๊๋็์ํเแโใไ ", max_size=40))
def test_repair_is_idempotent_on_thai(text: str) -> None:
    once = repair_thai(text)
    assert repair_thai(once) == once

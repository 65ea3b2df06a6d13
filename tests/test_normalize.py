"""ingest.normalize: the canonical form of stored text."""

from __future__ import annotations

import unicodedata

import pytest

from ingest.normalize import normalize_text, thai_digits_to_arabic, tidy_lines


def test_line_endings_become_lf() -> None:
    assert normalize_text("ประชุม\r\nกองทุน\rหมู่บ้าน\n") == "ประชุม\nกองทุน\nหมู่บ้าน\n"


@pytest.mark.parametrize("brk", ["\v", "\f", "\x85", "\u2028", "\u2029"])
def test_other_line_breaks_become_lf(brk: str) -> None:
    assert normalize_text(f"บรรทัดแรก{brk}บรรทัดสอง") == "บรรทัดแรก\nบรรทัดสอง"


def test_seed_no_break_spaces_become_spaces(seed_paths) -> None:
    raw = seed_paths["000"].read_text("utf-8")
    assert "\u00a0" in raw  # the seed really has them
    text = normalize_text(raw)
    assert "\u00a0" not in text
    assert "บันทึกนี้เขียนที่ GotoKnow โดย  ใน สถาบันจัดการความรู้เพื่อชุมชนความเห็น (2)" in text
    # Only the odd spaces changed: same length, same characters elsewhere.
    assert len(text) == len(raw)
    assert text == raw.replace("\u00a0", " ")


@pytest.mark.parametrize("space", ["\u00a0", "\u2002", "\u2003", "\u2009", "\u202f", "\u3000", "\u1680"])
def test_odd_spaces_become_space(space: str) -> None:
    assert normalize_text(f"พอช.{space}สกว.") == "พอช. สกว."


@pytest.mark.parametrize(
    "invisible", ["\u200b", "\u200c", "\u200d", "\ufeff", "\u2060", "\u00ad", "\u200e", "\u202b"]
)
def test_invisible_characters_are_removed(invisible: str) -> None:
    assert normalize_text(f"กองทุน{invisible}หมู่บ้าน") == "กองทุนหมู่บ้าน"


def test_control_characters_removed_but_newline_and_tab_kept() -> None:
    text = "ก\x00ข\x07ค\x1bง\x7fจ\x9fฉ\tช\nซ"
    assert normalize_text(text) == "กขคงจฉ\tช\nซ"


def test_lone_surrogates_are_removed() -> None:
    assert normalize_text("ก\ud800ข") == "กข"
    normalize_text("ก\ud800ข").encode("utf-8")  # always encodable


def test_thai_digits_are_kept() -> None:
    assert normalize_text("ปี ๒๕๕๐ เดือน ๑๒") == "ปี ๒๕๕๐ เดือน ๑๒"


def test_thai_digits_to_arabic() -> None:
    assert thai_digits_to_arabic("พ.ศ. ๒๕๕๐ หมู่ ๑๒") == "พ.ศ. 2550 หมู่ 12"
    assert thai_digits_to_arabic("2007") == "2007"


def test_nfc_composes_decomposed_letters() -> None:
    assert normalize_text("cafe\u0301") == "caf\u00e9"
    # Removing a zero-width space first lets NFC compose what it separated.
    assert normalize_text("cafe\u200b\u0301") == "caf\u00e9"


def test_sara_am_is_not_rewritten() -> None:
    # Repairing decomposed sara am belongs to ingest.thai_repair, not here.
    assert normalize_text("น\u0e4d\u0e32") == "น\u0e4d\u0e32"


def test_idempotent_on_seeds(seed_paths) -> None:
    for path in seed_paths.values():
        once = normalize_text(path.read_text("utf-8"))
        assert normalize_text(once) == once
        assert unicodedata.is_normalized("NFC", once)


def test_tidy_lines_makes_one_blank_line_between_paragraphs() -> None:
    lines = ["", "  ย่อหน้าแรก  ", "ต่อบรรทัด ", "", " ", "", "ย่อหน้าสอง", "", ""]
    assert tidy_lines(lines) == "ย่อหน้าแรก\nต่อบรรทัด\n\nย่อหน้าสอง"
    assert tidy_lines([]) == ""
    assert tidy_lines(["  ", ""]) == ""

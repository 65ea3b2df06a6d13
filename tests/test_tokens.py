"""ingest.tokens: the one Thai tokeniser keeps domain terms whole and its offsets exact."""

from __future__ import annotations

import time

import pytest

from ingest.tokens import Tokenizer, default_tokenizer, normalize_term, terms, tokenize, tokens

DOMAIN_TERMS = [
    "พอช.", "สกว.", "สคส.", "ธกส.", "พม.", "มสธ.", "สรส.", "กอช.",
    "สัจจะลดรายจ่ายวันละ 1 บาท", "กองทุนหมู่บ้าน", "องค์กรการเงินชุมชน",
]


@pytest.mark.parametrize("term", DOMAIN_TERMS)
def test_domain_terms_stay_whole_in_running_text(term: str) -> None:
    # Glued to the words around it, as Thai is written.
    assert term in tokenize(f"เจ้าหน้าที่{term}ลงพื้นที่")
    assert term in tokenize(f"การสนับสนุนของ{term} และภาคี")


def test_acronyms_in_seed_sentences() -> None:
    assert tokenize("ของพม.และพอช. รวมทั้ง") == ["ของ", "พม.", "และ", "พอช.", "รวมทั้ง"]
    assert tokenize("(สรส.)ซึ่งมี") == ["(", "สรส.", ")", "ซึ่ง", "มี"]
    assert tokenize("กองทุนหมู่บ้าน ธกส. สัจจะลดรายจ่ายวันละ1บาท") == [
        "กองทุนหมู่บ้าน", "ธกส.", "สัจจะลดรายจ่ายวันละ1บาท"]


def test_place_names_and_abbreviated_prefixes() -> None:
    toks = tokenize("เครือข่ายกองทุนหมู่บ้านต.กะหรอ กิ่งอ.นบพิตำ จ.นครศรีธรรมราช")
    assert toks == ["เครือข่าย", "กองทุนหมู่บ้าน", "ต.", "กะหรอ", "กิ่ง", "อ.", "นบพิตำ",
                    "จ.", "นครศรีธรรมราช"]


def test_tambon_abbreviation_keeps_its_dot() -> None:
    # The reason the domain list extends PyThaiNLP's words instead of replacing them.
    assert "ต." in tokenize("ต.น้ำขาว")
    only_domain = Tokenizer(extra_words=["พอช."])
    assert "ต." in only_domain.segment("ต.น้ำขาว")


def test_offsets_slice_the_seed_texts(seed_paths) -> None:
    for path in seed_paths.values():
        text = path.read_text("utf-8")
        toks = tokens(text)
        assert len(toks) > 100
        assert all(text[t.start : t.end] == t.text for t in toks)
        assert all(not t.text.isspace() for t in toks)
        assert all(a.end <= b.start for a, b in zip(toks, toks[1:]))


def test_segment_covers_the_text_exactly(seed_paths) -> None:
    text = seed_paths["002"].read_text("utf-8")
    assert "".join(default_tokenizer().segment(text)) == text


@pytest.mark.parametrize(
    "text",
    [
        "การจัดการ" * 300,  # nlpo3's safe mode repeats and drops pieces here
        "ก" * 3000 + " " + "ข" * 10,
        "ab" * 1500,  # one Latin run longer than a window
        "สัจจะลดรายจ่ายวันละ 1 บาท " * 200,
    ],
)
def test_long_text_is_segmented_without_losing_characters(text: str) -> None:
    pieces = default_tokenizer().segment(text)
    assert "".join(pieces) == text


def test_windowed_segmentation_agrees_with_whole_segmentation(seed_paths) -> None:
    import nlpo3

    tk = default_tokenizer()
    text = "".join(p.read_text("utf-8") for p in seed_paths.values())
    assert len(text) > 3 * 2_000  # several windows
    windowed = tk.segment(text)
    whole = nlpo3.segment(text, tk.name, False, False)  # the engine on all of it at once
    assert windowed == whole


def test_a_200000_character_line_is_fast(seed_paths) -> None:
    text = seed_paths["002"].read_text("utf-8").replace("\n", "").replace(" ", "")
    line = (text * 40)[:200_000]
    default_tokenizer()  # built once, not timed
    t0 = time.perf_counter()
    toks = tokens(line)
    elapsed = time.perf_counter() - t0
    assert elapsed < 5.0
    assert toks[-1].end == len(line.rstrip())
    assert "พอช." in {t.text for t in toks}


def test_lone_surrogates_do_not_crash() -> None:
    assert "".join(default_tokenizer().segment("ก\ud800ข")) == "ก\ud800ข"


def test_thai_digits_are_normalised_in_terms() -> None:
    assert "2550" in terms("ปี ๒๕๕๐")
    assert normalize_term("๒๕๕๐") == "2550"
    assert normalize_term("พอช.") == "พอช"
    assert normalize_term("GotoKnow") == "gotoknow"


def test_terms_drop_stopwords_and_punctuation() -> None:
    assert terms("กองทุนหมู่บ้านของตำบลกะหรอ") == ["กองทุนหมู่บ้าน", "ตำบล", "กะหรอ"]
    assert "ของ" in terms("กองทุนหมู่บ้านของตำบลกะหรอ", keep_stopwords=True)
    assert terms("(สรส.)") == ["สรส"]

"""Property tests: for any text, ingest never crashes and every span slices exactly."""

from __future__ import annotations

import hashlib

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ingest.chunk import chunk_document
from ingest.normalize import normalize_text
from ingest.parse import parse
from ingest.tokens import default_tokenizer, tokens

# Pieces that steer generated text into the parsers' interesting branches:
# GotoKnow markers, comment headers and IP lines, thaigov source lines, HTML,
# Markdown headings, odd spaces and invisible characters.
_FRAGMENTS = [
    "บันทึกนี้เขียนที่\u00a0GotoKnow โดย ", " ใน ", "ความเห็น (2)", "ความเห็น (0)", "ไม่มีความเห็น",
    "IP: xxx.1.2.3", "เขียนเมื่อ ", "หมายเลขบันทึก: 71001, เขียน: 05 Jan 2007 @ 11:40",
    "คำสำคัญ (Tags)#กองทุน#", "พบปัญหาการใช้งานกรุณาแจ้ง LINE ID @gotoknow", "ClassStart",
    "ที่มา : https://www.thaigov.go.th/news/contents/details/1", "วันจันทร์ที่ 24 สิงหาคม 2563",
    "<html>", "<script>x()</script>", "<p>", "# ", "---", "\n", "\n\n", "\r\n", "  ", "\t",
    "\u00a0", "\u200b", "\ufeff", "\u0301", "๒๕๕๐", "สัจจะลดรายจ่ายวันละ 1 บาท", "พอช.", "ต.กะหรอ",
    "กองทุนหมู่บ้าน", "ๆ", "ฯ", ".", "…",
]
_THAI = st.characters(min_codepoint=0x0E01, max_codepoint=0x0E5B)
_piece = st.one_of(
    st.sampled_from(_FRAGMENTS),
    st.text(_THAI, min_size=1, max_size=30),
    st.text(min_size=1, max_size=10),  # any Unicode (no surrogates)
)
field_text = st.lists(_piece, max_size=40).map("".join)
any_text = st.one_of(st.text(max_size=300), field_text)

_SETTINGS = settings(max_examples=80, deadline=None,
                     suppress_health_check=[HealthCheck.too_slow])


def setup_module() -> None:
    default_tokenizer()  # build the dictionary once, outside the timed examples


@_SETTINGS
@given(any_text)
def test_normalize_is_idempotent_and_clean(text: str) -> None:
    out = normalize_text(text)
    assert normalize_text(out) == out
    assert "\r" not in out
    for ch in "\u00a0\u200b\u200c\u200d\u2060\ufeff":
        assert ch not in out
    assert all(ch in "\n\t" or not (ord(ch) < 0x20 or 0x7F <= ord(ch) <= 0x9F) for ch in out)
    out.encode("utf-8")


@_SETTINGS
@given(any_text, st.sampled_from([".txt", ".md", ".html"]))
def test_parse_spans_slice_exactly(text: str, suffix: str) -> None:
    doc = parse(text, "generated" + suffix, suffix=suffix)
    assert doc.id == hashlib.sha256(doc.text.encode("utf-8")).hexdigest()[:16]
    assert normalize_text(doc.text) == doc.text
    assert "\n" not in doc.title
    title, body = doc.sections[0], doc.sections[1]
    assert doc.text[title.start : title.end] == doc.title
    assert doc.text[body.start : body.end] == doc.body
    for c in doc.comments:
        assert doc.text[c.start : c.end] == c.text
        assert c.text and c.text == c.text.strip()
    for s in doc.sections:
        assert 0 <= s.start <= s.end <= len(doc.text)


@_SETTINGS
@given(any_text, st.integers(min_value=8, max_value=400), st.integers(min_value=0, max_value=3))
def test_chunks_slice_exactly_and_cover_the_text(text: str, max_tokens: int, overlap: int) -> None:
    doc = parse(text, "generated.txt")
    chunks = chunk_document(doc, max_tokens=max_tokens, overlap_sentences=overlap)
    covered = [False] * len(doc.text)
    for i, c in enumerate(chunks):
        assert c.index == i
        assert 0 <= c.start < c.end <= len(doc.text)
        assert doc.text[c.start : c.end] == c.text
        assert c.text == c.text.strip()
        covered[c.start : c.end] = [True] * (c.end - c.start)
    assert all(cov or ch.isspace() for cov, ch in zip(covered, doc.text))
    assert all(b.end > a.end for a, b in zip(chunks, chunks[1:]))


@_SETTINGS
@given(any_text)
def test_tokens_slice_exactly(text: str) -> None:
    pieces = default_tokenizer().segment(text)
    assert "".join(pieces) == text
    for t in tokens(text):
        assert text[t.start : t.end] == t.text
        assert not t.text.isspace()

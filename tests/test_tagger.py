"""The CRF tagger: tokens, features, the ThaiNER reader, the bundled model on real Thai text."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from fieldnotes.errors import InputError, ModelError
from graph.lexicon import strip_title
from graph.ner_features import rule_hints, sequence_features, spans_from_labels, to_bioes
from graph.ner_tokens import segment
from graph.tagger import Tagger, default_tagger, tag
from graph.train_tagger import bio_sequence, parse_line, read_thainer, train, training_sentences

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"
DATA = ROOT / "tests/data"


def test_segment_splits_punctuation_and_rejoins_abbreviations() -> None:
    text = "(สนช.) พล.อ.ประยุทธ์ ผบ.ตร. “ธนวัฒน์”"
    toks = segment(text)
    assert [t.text for t in toks] == [
        "(", "สนช.", ")", "พล.อ.", "ประยุทธ์", "ผบ.", "ตร.", "“", "ธนวัฒน์", "”",
    ]
    assert all(text[t.start : t.end] == t.text for t in toks)
    # Glued to the word before: the rank is joined, the word is left alone.
    assert [t.text for t in segment("ที่พล.อ.พัลลภ")] == ["ที่", "พล.อ.", "พัลลภ"]
    assert [t.text for t in segment("ท้องถิ่นของรศ.ดร.ปัทมาวดี")][1:3] == ["ของ", "รศ.ดร."]


def test_segment_cuts_compounds_before_entity_words() -> None:
    assert [t.text for t in segment("ผู้ว่าราชการจังหวัดตรัง")] == ["ผู้ว่าราชการ", "จังหวัด", "ตรัง"]
    assert [t.text for t in segment("ในประเทศไทย")] == ["ใน", "ประเทศ", "ไทย"]
    # A head's own compound stays whole.
    assert [t.text for t in segment("กรมการพัฒนาชุมชน")] == ["กรมการพัฒนาชุมชน"]


def test_features_see_lexicons_spaces_and_context() -> None:
    text = "นายสมชาย ใจดี จ.สงขลา"
    toks = segment(text)
    feats = sequence_features(text, toks)
    assert len(feats) == len(toks)
    first = feats[0]
    assert "w=นาย" in first and "title=strong" in first and "-1:edge" in first
    songkhla = feats[[t.text for t in toks].index("สงขลา")]
    assert "area" in songkhla and "-1:placeprefix" in songkhla
    assert "sp<" in feats[[t.text for t in toks].index("ใจดี")]


def test_parse_line_and_bio_labels_cut_tokens_at_entity_edges() -> None:
    line = "[PERSON]นายบุณยฤทธิ์ กัลยาณมิตร[/PERSON] อธิบดี[ORGANIZATION]กรมการค้าภายใน[/ORGANIZATION]กล่าว"
    sent = parse_line(line)
    assert sent.text == "นายบุณยฤทธิ์ กัลยาณมิตร อธิบดีกรมการค้าภายในกล่าว"
    assert [sent.text[s:e] for s, e, _ in sent.spans] == ["นายบุณยฤทธิ์ กัลยาณมิตร", "กรมการค้าภายใน"]
    toks, labels = bio_sequence(sent)
    assert spans_from_labels(toks, labels) == list(sent.spans)
    # "อธิบดีกรมการค้าภายใน" may be one dictionary token: it is cut at the tag.
    assert "กรมการค้าภายใน" in {t.text for t in toks} or labels.count("B-ORGANIZATION") == 1


def test_spans_from_labels_handles_broken_runs() -> None:
    toks = segment("กรม ปศุสัตว์ และ จีน")
    labels = ["B-ORGANIZATION", "I-ORGANIZATION", "O", "I-LOCATION"]
    assert spans_from_labels(toks, labels) == [(0, 12, "ORGANIZATION"), (17, 20, "LOCATION")]


def test_rule_hints_mark_the_rules_findings_per_token() -> None:
    from graph.actors import find_actors

    text = "นายสมชาย ใจดี อธิบดีกรมการพัฒนาชุมชน"
    toks = segment(text)
    hints = rule_hints(toks, find_actors(text))
    words = [t.text for t in toks]
    assert hints[words.index("นาย")] == "B-PER"
    assert hints[words.index("ใจดี")] == "I-PER"
    assert hints[words.index("กรมการพัฒนาชุมชน")] == "B-ORG"
    assert hints[words.index("อธิบดี")] == "O"
    feats = sequence_features(text, toks, hints)
    assert "R=B-PER" in feats[0] and "R+1=I-PER" in feats[0] and "R-1=^" in feats[0]


def test_bioes_round_trip() -> None:
    toks = segment("กรม ปศุสัตว์ และ จีน")
    bio = ["B-ORGANIZATION", "I-ORGANIZATION", "O", "B-LOCATION"]
    assert to_bioes(bio) == ["B-ORGANIZATION", "E-ORGANIZATION", "O", "S-LOCATION"]
    assert spans_from_labels(toks, to_bioes(bio)) == spans_from_labels(toks, bio)


def test_strip_title() -> None:
    assert strip_title("รศ.ดร.ปัทมาวดี โพชนุกูล") == "ปัทมาวดี โพชนุกูล"
    assert strip_title("นางสาวสมศรี ใจดี") == "สมศรี ใจดี"
    assert strip_title("พล.อ.ประยุทธ์ จันทร์โอชา") == "ประยุทธ์ จันทร์โอชา"
    # A name that merely starts like a title keeps its letters.
    assert strip_title("นางนวล ทองดี") == "นางนวล ทองดี"


def test_bundled_model_tags_news_and_field_notes() -> None:
    ms = tag("นายบุณยฤทธิ์ กัลยาณมิตร อธิบดีกรมการค้าภายใน กล่าวที่จังหวัดหนองคาย")
    got = [(m.label, m.type, m.kind) for m in ms]
    assert ("นายบุณยฤทธิ์ กัลยาณมิตร", "actor", "person") in got
    assert ("กรมการค้าภายใน", "actor", "organisation") in got
    assert any(m.type == "area" and m.kind == "place" and m.key is None for m in ms)
    assert all(m.source == "tagger" for m in ms)
    person = next(m for m in ms if m.kind == "person")
    assert person.key == "บุณยฤทธิ์ กัลยาณมิตร"


def test_tagger_on_a_seed_post_offsets_and_kinds() -> None:
    text = (CORPUS / "000_d3db8b877662650d.txt").read_text("utf-8")
    ms = tag(text)
    assert ms, "the tagger finds something in a seed post"
    for m in ms:
        assert text[m.start : m.end] == m.label
        assert (m.type, m.kind) in {("actor", "person"), ("actor", "organisation"),
                                    ("actor", "network"), ("actor", "group"), ("area", "place")}
    labels = {m.label for m in ms}
    assert "กรมการพัฒนาชุมชน" in labels


def test_model_loads_once_and_tags_fast() -> None:
    assert default_tagger() is default_tagger()
    text = (CORPUS / "002_f20a06c6ef58db93.txt").read_text("utf-8")[:10_000]
    tag(text)
    t0 = time.process_time()  # CPU time: the machine may be shared
    tag(text + " ")
    assert time.process_time() - t0 < 0.2


def test_missing_model_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="train_tagger"):
        Tagger(tmp_path / "none.model")
    bad = tmp_path / "bad.model"
    bad.write_bytes(b"not a model")
    with pytest.raises(ModelError, match="retrain"):
        Tagger(bad)


def test_reader_errors_and_exclusion(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not found"):
        list(read_thainer(tmp_path / "missing.txt"))
    train_file = DATA / "graph_actors_thainer_mini.txt"
    val = tmp_path / "val.txt"
    val.write_text(train_file.read_text("utf-8").splitlines()[0] + "\n", encoding="utf-8")
    kept, dropped = training_sentences(train_file, val)
    assert dropped == 1 and len(kept) == len(list(read_thainer(train_file))) - 1


def test_train_a_tiny_model(tmp_path: Path) -> None:
    out = tmp_path / "mini.model"
    result = train(DATA / "graph_actors_thainer_mini.txt", out, max_iterations=30)
    assert out.is_file() and result["sentences"] >= 10
    tagger = Tagger(out)
    spans = tagger.spans("นายสมชาย ใจดี อธิบดีกรมการค้าภายใน")
    assert (0, 13, "PERSON") in spans

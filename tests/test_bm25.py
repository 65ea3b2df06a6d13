"""Thai BM25 over FTS5: tokens kept whole, triggers in step, safe queries, real ranking."""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent / "data"))

from search_kit import add_documents, make_store, seed_documents  # noqa: E402

from fieldnotes.errors import InputError  # noqa: E402
from ingest.tokens import terms  # noqa: E402
from search.bm25 import (  # noqa: E402
    FTS_TOKENIZER,
    bm25_search,
    check_bm25,
    ensure_bm25,
    match_expression,
    query_terms,
    rebuild_bm25,
)


@pytest.fixture()
def seeded(tmp_path):
    store = make_store(tmp_path)
    ensure_bm25(store.conn)
    docs = seed_documents()
    ids = add_documents(store, None, docs)
    yield store, docs, ids
    store.close()


def _doc_of(store, rowid: int) -> str:
    return store.conn.execute("SELECT doc_id FROM chunks WHERE id = ?", (rowid,)).fetchone()[0]


def test_fts_tokenizer_keeps_thai_words_whole():
    # The default unicode61 splits at Thai vowel/tone marks (Mn); ours must not.
    conn = sqlite3.connect(":memory:")
    text = "กองทุนหมู่บ้าน ผู้ใหญ่ ตำบล กะหรอ สัจจะ เด็กๆ พอช. covid-19"
    conn.execute(f"CREATE VIRTUAL TABLE t USING fts5(x, tokenize=\"{FTS_TOKENIZER}\")")
    conn.execute("CREATE VIRTUAL TABLE v USING fts5vocab(t, 'row')")
    conn.execute("INSERT INTO t VALUES (?)", (text,))
    got = {r[0] for r in conn.execute("SELECT term FROM v")}
    assert got == set(text.split())
    conn.execute("CREATE VIRTUAL TABLE d USING fts5(x)")
    conn.execute("CREATE VIRTUAL TABLE dv USING fts5vocab(d, 'row')")
    conn.execute("INSERT INTO d VALUES (?)", (text,))
    default_terms = {r[0] for r in conn.execute("SELECT term FROM dv")}
    assert "กองทุนหมู่บ้าน" not in default_terms  # why the tokenizer option exists


def test_index_terms_equal_the_thai_tokenisers_terms(seeded):
    store, docs, ids = seeded
    store.conn.execute("CREATE VIRTUAL TABLE IF NOT EXISTS fv USING fts5vocab(chunk_fts, 'row')")
    indexed = {r[0] for r in store.conn.execute("SELECT term FROM fv")}
    # A dictionary term may hold a space ("สัจจะลดรายจ่ายวันละ 1 บาท"): stored
    # space-joined, it is indexed as a phrase of its parts, and queried the same way.
    expected = {w for _, chunks in docs for c in chunks for w in " ".join(terms(c.text)).split()}
    assert indexed == expected
    assert {"กองทุนหมู่บ้าน", "กะหรอ", "สถาบันการเงิน"} <= indexed


def test_bm25_finds_the_right_seed_post(seeded):
    store, docs, _ = seeded
    by_name = {d.source: d.id for d, _ in docs}
    hits = bm25_search(store.conn, "เครือข่ายกองทุนหมู่บ้านตำบลกะหรอ จัดตั้งสถาบันการเงิน", 5)
    assert hits, "no hit"
    assert _doc_of(store, hits[0][0]) == by_name["004_83f24860210c5b0e.txt"]
    scores = [s for _, s in hits]
    assert scores == sorted(scores, reverse=True) and scores[0] > 0


def test_query_terms_drop_stopwords_but_never_empty_a_real_query():
    assert query_terms("กองทุนหมู่บ้านของตำบลกะหรอ") == ["กองทุนหมู่บ้าน", "ตำบล", "กะหรอ"]
    assert query_terms("และ ที่ ของ") != []  # only stopwords: kept
    with pytest.raises(InputError):
        query_terms("   ")


def test_user_text_is_quoted_never_fts_syntax(seeded):
    store, _, _ = seeded
    assert match_expression(['a"b', "กองทุน"]) == '"a""b" OR "กองทุน"'
    for nasty in ['กองทุน" OR "x', "NEAR(กองทุน ตำบล)", "กองทุน*", "-กองทุน", "AND OR NOT", '"""', "col:กะหรอ"]:
        bm25_search(store.conn, nasty, 3)  # must not raise an FTS5 syntax error
    assert bm25_search(store.conn, "xyzzy-nothing-like-this", 3) == []


def test_deleting_a_document_removes_its_terms(seeded):
    store, docs, ids = seeded
    target = docs[4][0].id
    assert any(_doc_of(store, r) == target for r, _ in bm25_search(store.conn, "กะหรอ", 20))
    with store.transaction():
        store.delete_document(target)
    assert check_bm25(store.conn)
    assert all(_doc_of(store, r) != target for r, _ in bm25_search(store.conn, "กะหรอ", 20))


def test_replacing_terms_keeps_the_index_exact(seeded):
    store, _, ids = seeded
    rowid = next(iter(ids.values()))[0]
    before = bm25_search(store.conn, "องค์กรการเงินชุมชน", 50)
    assert rowid in [r for r, _ in before]
    with store.transaction():  # INSERT OR REPLACE on tokens
        store.put_terms([(rowid, terms("ดาวเทียมสำรวจมหาสมุทร"))])
    assert check_bm25(store.conn)
    assert [r for r, _ in bm25_search(store.conn, "ดาวเทียมสำรวจมหาสมุทร", 3)] == [rowid]
    assert rowid not in [r for r, _ in bm25_search(store.conn, "องค์กรการเงินชุมชน", 50)]


def test_existing_terms_are_indexed_when_the_table_is_created(tmp_path):
    store = make_store(tmp_path)
    add_documents(store, None, seed_documents()[:2])  # before the FTS table exists
    ensure_bm25(store.conn)
    assert check_bm25(store.conn)
    assert bm25_search(store.conn, "องค์กรการเงินชุมชน", 3)
    rebuild_bm25(store.conn)
    assert check_bm25(store.conn)
    store.close()


def test_empty_query_is_an_input_error(seeded):
    store, _, _ = seeded
    with pytest.raises(InputError, match="empty"):
        bm25_search(store.conn, " \n ", 5)

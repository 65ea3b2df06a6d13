"""The in-memory BM25 snapshot: FTS5's ranking and scores, kept current, never trusted when stale."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent / "data"))

from search_kit import add_documents, make_store, seed_documents  # noqa: E402

from fieldnotes.errors import InputError  # noqa: E402
from ingest.tokens import terms  # noqa: E402
from search.bm25 import bm25_search, ensure_bm25, query_terms  # noqa: E402
from search.bm25_index import BM25Index, ensure_bm25_log, terms_version  # noqa: E402

# What facilitators type: theme names (one with spaces inside, kept whole by
# the tokeniser), places, a long question, an English query with no Thai match.
QUERIES = [
    "กองทุนหมู่บ้าน",
    "สัจจะลดรายจ่ายวันละ 1 บาท",
    "เครือข่ายกองทุนหมู่บ้านตำบลกะหรอ จัดตั้งสถาบันการเงิน",
    "ธนาคารชุมชน กะหรอ นครศรีธรรมราช",
    "สวัสดิการชุมชนดูแลสมาชิกตั้งแต่เกิดจนตาย",
    "หน่วยจัดการความรู้องค์กรการเงินชุมชน",
]


@pytest.fixture()
def seeded(tmp_path):
    store = make_store(tmp_path)
    ensure_bm25(store.conn)
    ensure_bm25_log(store.conn)
    docs = seed_documents()
    ids = add_documents(store, None, docs)
    yield store, docs, ids
    store.close()


def _strong(hits, floor=1e-3):
    # Passages that match only terms found in more than half the store score
    # about 1e-6 in both; their order among themselves is arbitrary.
    return [(r, s) for r, s in hits if s > floor]


@pytest.mark.parametrize("query", QUERIES)
def test_snapshot_ranks_and_scores_as_fts5(seeded, tmp_path, query):
    store, _, _ = seeded
    index = BM25Index(tmp_path)
    assert index.sync(store.conn) == "rebuilt"
    got, want = index.search(store.conn, query, 20), bm25_search(store.conn, query, 20)
    assert index.last_source == "memory"
    assert want, f"FTS5 finds nothing for {query!r}: the comparison would be empty"
    assert [r for r, _ in _strong(got)] == [r for r, _ in _strong(want)]
    if not any(" " in w for w in query_terms(query)):
        # (A name with spaces inside is a phrase in FTS5, with the phrase's own
        # weight; the snapshot sums its words: same passages, other numbers.)
        assert [s for _, s in _strong(got)] == pytest.approx([s for _, s in _strong(want)], rel=1e-5)
    assert {r for r, _ in got} == {r for r, _ in want}  # the weak tail too


def test_a_term_with_spaces_must_match_whole(seeded, tmp_path):
    store, docs, _ = seeded
    index = BM25Index(tmp_path)
    index.sync(store.conn)
    hits = index.search(store.conn, "สัจจะลดรายจ่ายวันละ 1 บาท", 20)
    # "บาท" and "1" alone are everywhere; only passages with the whole name count.
    texts = [store.conn.execute("SELECT text FROM chunks WHERE id = ?", (r,)).fetchone()[0] for r, _ in hits]
    assert texts and all("สัจจะลดรายจ่ายวันละ" in t for t in texts)


def test_sync_saves_and_a_new_process_loads_it(seeded, tmp_path):
    store, _, _ = seeded
    assert BM25Index(tmp_path).sync(store.conn) == "rebuilt"
    assert (tmp_path / "bm25" / "CURRENT").exists()
    other = BM25Index(tmp_path)
    assert other.sync(store.conn) == "loaded"
    assert other.sync(store.conn) == "current"
    assert other.search(store.conn, QUERIES[2], 5) == BM25Index(tmp_path).search(store.conn, QUERIES[2], 5)


def test_a_change_makes_it_stale_and_small_stores_rebuild_in_the_query(seeded, tmp_path):
    store, _, ids = seeded
    index = BM25Index(tmp_path)
    index.sync(store.conn)
    before = terms_version(store.conn)
    rowid = next(iter(ids.values()))[0]
    with store.transaction():  # INSERT OR REPLACE on tokens
        store.put_terms([(rowid, terms("ดาวเทียมสำรวจมหาสมุทร"))])
    assert terms_version(store.conn) > before
    assert [r for r, _ in index.search(store.conn, "ดาวเทียมสำรวจมหาสมุทร", 3)] == [rowid]
    assert index.last_source == "memory"


def test_a_large_stale_store_answers_from_fts5_until_the_next_sync(seeded, tmp_path):
    store, docs, _ = seeded
    index = BM25Index(tmp_path, inline_max=0)  # every store counts as large
    index.sync(store.conn)
    target = docs[4][0].id
    with store.transaction():
        store.delete_document(target)
    hits = index.search(store.conn, "กะหรอ", 20)
    assert index.last_source == "fts5"
    assert hits == bm25_search(store.conn, "กะหรอ", 20)
    assert index.sync(store.conn) == "rebuilt"
    assert index.search(store.conn, "กะหรอ", 20) and index.last_source == "memory"


def test_a_damaged_snapshot_is_rebuilt_not_trusted(seeded, tmp_path, caplog):
    store, _, _ = seeded
    BM25Index(tmp_path).sync(store.conn)
    current = (tmp_path / "bm25" / "CURRENT").read_text("utf-8")
    snap = next(p for p in (tmp_path / "bm25").iterdir() if p.is_dir())
    (snap / "ids.npy").write_bytes(b"not numpy")
    index = BM25Index(tmp_path)
    assert index.sync(store.conn) == "rebuilt"
    assert "ignoring the BM25 snapshot" in caplog.text
    assert (tmp_path / "bm25" / "CURRENT").read_text("utf-8") != current
    assert index.search(store.conn, QUERIES[0], 3)


def test_a_store_without_the_counter_uses_fts5(tmp_path):
    store = make_store(tmp_path)
    ensure_bm25(store.conn)  # an older store: FTS5 but no change counter
    add_documents(store, None, seed_documents()[:2])
    index = BM25Index(tmp_path)
    assert index.sync(store.conn) == "unversioned"
    assert index.search(store.conn, "องค์กรการเงินชุมชน", 3) == bm25_search(store.conn, "องค์กรการเงินชุมชน", 3)
    assert index.last_source == "fts5"
    store.close()


def test_empty_store_and_empty_query(tmp_path):
    store = make_store(tmp_path)
    ensure_bm25(store.conn)
    ensure_bm25_log(store.conn)
    index = BM25Index(None)
    assert index.sync(store.conn) == "rebuilt"
    assert index.search(store.conn, "กองทุนหมู่บ้าน", 5) == []
    with pytest.raises(InputError, match="empty"):
        index.search(store.conn, "  ", 5)
    store.close()


def test_phrases_match_whole_in_both_engines(seeded, tmp_path):
    store, _, _ = seeded
    index = BM25Index(tmp_path)
    index.sync(store.conn)
    # An English query has no Thai terms; the phrases (a practice's Thai labels,
    # split by the tokeniser) are then the whole BM25 query.
    phrases = ["สถาบันการเงินระดับตำบล", "สถาบันการเงินของชุมชน"]
    got = index.search(store.conn, "community bank", 20, phrases=phrases)
    want = bm25_search(store.conn, "community bank", 20, phrases=phrases)
    assert got and {r for r, _ in got} == {r for r, _ in want}
    texts = [store.conn.execute("SELECT text FROM chunks WHERE id = ?", (r,)).fetchone()[0] for r, _ in got]
    # "สถาบันการเงิน ของ ชุมชน": every piece, not any passage with "ชุมชน".
    assert all("สถาบันการเงิน" in t for t in texts)
    assert index.search(store.conn, "community bank", 20) == []

"""The vectors table and its FAISS cache: truth in SQLite, cache loaded/appended/rebuilt."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).parent / "data"))

from search_kit import make_store, seed_documents  # noqa: E402

from fieldnotes.errors import InputError, ModelError  # noqa: E402
from search.vectors import (  # noqa: E402
    VectorIndex,
    ensure_vectors,
    index_model,
    vector_counters,
    write_vectors,
)

DIM = 16


def _vecs(n: int, seed: int) -> np.ndarray:
    x = np.random.default_rng(seed).standard_normal((n, DIM)).astype(np.float32)
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def _add(store, doc, chunks, seed: int, model: str = "test-model") -> list[int]:
    with store.transaction() as conn:
        ids = store.put_document(doc, chunks)
        write_vectors(conn, ids, _vecs(len(ids), seed), model)
    return ids


@pytest.fixture()
def home(tmp_path):
    store = make_store(tmp_path)
    ensure_vectors(store.conn)
    docs = seed_documents()
    yield tmp_path, store, docs
    store.close()


def _brute(store, q: np.ndarray, k: int) -> list[int]:
    rows = store.conn.execute("SELECT chunk_id, vec FROM vectors").fetchall()
    ids = np.array([r[0] for r in rows])
    mat = np.stack([np.frombuffer(r[1], dtype=np.float32) for r in rows])
    return list(ids[np.argsort(-(mat @ q), kind="stable")[:k]])


def test_cache_is_built_saved_loaded_appended_and_rebuilt(home):
    tmp, store, docs = home
    for i, (doc, chunks) in enumerate(docs[:3]):
        _add(store, doc, chunks, seed=i)
    index = VectorIndex(tmp)
    assert index.sync(store.conn) == "rebuilt"
    assert index.sync(store.conn) == "current"
    assert (tmp / "vectors.faiss").exists() and (tmp / "vectors.json").exists()
    manifest = json.loads((tmp / "vectors.json").read_text())
    assert manifest["count"] == index.size == store.count_chunks()
    assert manifest["model"] == "test-model" and manifest["kind"] == "flat"

    # Another process opening the same home loads the saved index.
    again = VectorIndex(tmp)
    assert again.sync(store.conn) == "loaded"
    assert again.size == index.size

    # A new document only adds rows: the cache is extended, not rebuilt.
    new_ids = _add(store, docs[3][0], docs[3][1], seed=3)
    assert again.sync(store.conn) == "appended"
    assert again.size == store.count_chunks()
    q = _vecs(1, 99)[0]
    assert [c for c, _ in again.search(store.conn, q, 5)] == _brute(store, q, 5)

    # Removing a document (cascade from chunks) forces a rebuild without its rows.
    with store.transaction():
        store.delete_document(docs[3][0].id)
    assert again.sync(store.conn) == "rebuilt"
    hits = {c for c, _ in again.search(store.conn, q, 1000)}
    assert hits.isdisjoint(new_ids)
    assert len(hits) == store.count_chunks()
    assert not list(tmp.glob("*.tmp")) and not list(tmp.glob(".vectors.*"))


def test_stale_cache_on_disk_is_not_trusted(home):
    tmp, store, docs = home
    _add(store, docs[0][0], docs[0][1], seed=0)
    VectorIndex(tmp).sync(store.conn)
    with store.transaction():  # a row removed by another writer after the save
        store.delete_document(docs[0][0].id)
    _add(store, docs[1][0], docs[1][1], seed=1)
    fresh = VectorIndex(tmp)
    assert fresh.sync(store.conn) == "rebuilt"
    assert fresh.size == store.count_chunks()
    # A damaged index file is rebuilt, never loaded.
    (tmp / "vectors.faiss").write_bytes(b"garbage")
    assert VectorIndex(tmp).sync(store.conn) == "rebuilt"


def test_rewritten_vector_changes_the_cache(home):
    tmp, store, docs = home
    ids = _add(store, docs[0][0], docs[0][1], seed=0)
    index = VectorIndex(tmp)
    index.sync(store.conn)
    target = _vecs(1, 42)
    with store.transaction() as conn:  # same chunk, new vector (upsert)
        write_vectors(conn, [ids[0]], target, "test-model")
    assert vector_counters(store.conn)[2] == 1
    assert index.sync(store.conn) == "rebuilt"
    assert index.search(store.conn, target[0], 1)[0][0] == ids[0]


def test_hnsw_above_the_exact_size_finds_the_true_neighbours(home):
    tmp, store, docs = home
    for i, (doc, chunks) in enumerate(docs):
        _add(store, doc, chunks, seed=i)
    index = VectorIndex(None, exact_max=10)
    index.sync(store.conn)
    assert index.kind == "hnsw"
    q = _vecs(1, 7)[0]
    got = [c for c, _ in index.search(store.conn, q, 5)]
    assert len(set(got) & set(_brute(store, q, 5))) >= 4
    exact = VectorIndex(None)
    exact.sync(store.conn)
    assert exact.kind == "flat"


def test_bad_writes_are_refused(home):
    _, store, docs = home
    doc, chunks = docs[0]
    with store.transaction() as conn:
        ids = store.put_document(doc, chunks)
        with pytest.raises(InputError, match="one row per chunk"):
            write_vectors(conn, ids, _vecs(len(ids) - 1, 0), "m1")
        write_vectors(conn, ids, _vecs(len(ids), 0), "m1")
    assert index_model(store.conn) == "m1"
    doc2, chunks2 = docs[1]
    with pytest.raises(ModelError, match="m1"):
        with store.transaction() as conn:
            ids2 = store.put_document(doc2, chunks2)
            write_vectors(conn, ids2, _vecs(len(ids2), 1), "m2")
    # The failed transaction left nothing behind.
    assert not store.has_document(doc2.id)


def test_query_of_the_wrong_size_is_a_model_error(home):
    tmp, store, docs = home
    _add(store, docs[0][0], docs[0][1], seed=0)
    index = VectorIndex(tmp)
    with pytest.raises(ModelError, match="dims"):
        index.search(store.conn, np.ones(DIM + 1, dtype=np.float32), 3)


def test_vectors_returns_what_the_table_holds(home):
    tmp, store, docs = home
    _add(store, docs[2][0], docs[2][1], seed=5)
    index = VectorIndex(tmp)
    index.sync(store.conn)
    ids, mat = index.vectors()
    rows = dict(store.conn.execute("SELECT chunk_id, vec FROM vectors").fetchall())
    assert sorted(ids.tolist()) == sorted(rows)
    for cid, vec in zip(ids, mat):
        np.testing.assert_array_equal(vec, np.frombuffer(rows[int(cid)], dtype=np.float32))


def _sparse_rows(n: int, seed: int) -> list[tuple[np.ndarray, np.ndarray]]:
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(n):
        idx = rng.choice(64, size=8, replace=False).astype(np.int32)
        out.append((idx, rng.random(8).astype(np.float32)))
    return out


def test_sparse_index_follows_its_table(home):
    from search.sparse import SparseIndex, ensure_sparse, has_sparse, write_sparse

    tmp, store, docs = home
    ensure_sparse(store.conn)
    assert not has_sparse(store.conn)
    doc, chunks = docs[0]
    rows = _sparse_rows(len(chunks), 0)
    with store.transaction() as conn:
        ids = store.put_document(doc, chunks)
        write_sparse(conn, ids, rows)
        with pytest.raises(InputError, match="one per chunk"):
            write_sparse(conn, ids, rows[:-1])
    index = SparseIndex()
    assert index.sync(store.conn) == "rebuilt" and index.size == len(ids)
    assert index.sync(store.conn) == "current"
    # The query equal to a row finds that row first; scores are exact dot products.
    q_idx, q_val = rows[2]
    got = index.search(store.conn, (q_idx, q_val), 3)
    assert got[0][0] == ids[2]
    assert got[0][1] == pytest.approx(float(q_val @ q_val), rel=1e-5)
    dense = np.zeros((len(rows), 64), np.float32)
    for i, (a, b) in enumerate(rows):
        dense[i, a] = b
    qd = np.zeros(64, np.float32)
    qd[q_idx] = q_val
    want = [ids[i] for i in np.argsort(-(dense @ qd), kind="stable") if (dense @ qd)[i] > 0][:3]
    assert [c for c, _ in got] == want
    # Removing the document empties it; features out of range are ignored.
    with store.transaction():
        store.delete_document(doc.id)
    assert index.search(store.conn, (q_idx, q_val), 3) == []
    assert index.search(store.conn, (np.array([10_000]), np.array([1.0])), 3) == []

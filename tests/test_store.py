"""The SQLite store: round trips, cascades, lookups, read-only opening."""

from __future__ import annotations

import sqlite3
from datetime import datetime
from pathlib import Path

import pytest

from fieldnotes.errors import NotFoundError, StoreError
from ingest.models import Chunk, Comment, Document, Section
from ingest.store import Store

TEXT = "กองทุนหมู่บ้านกะหรอ\n\nเครือข่ายกองทุนหมู่บ้านจัดตั้งสถาบันการเงินชุมชน\n\nดีมากครับ"


def _doc(doc_id: str = "a1b2c3d4e5f60718") -> Document:
    body_start = TEXT.index("เครือข่าย")
    comment_start = TEXT.index("ดีมาก")
    return Document(
        id=doc_id,
        source="notes/กะหรอ.txt",
        kind="gotoknow",
        title="กองทุนหมู่บ้านกะหรอ",
        text=TEXT,
        record_id="39665",
        created=datetime(2006, 7, 19, 17, 35),
        tags=("กองทุนหมู่บ้าน", "องค์กรการเงินชุมชน"),
        comments=(Comment("ภีม ภคเมธาวี", "ดีมากครับ", comment_start, len(TEXT)),),
        sections=(
            Section("title", 0, 19),
            Section("body", body_start, comment_start - 2),
            Section("comment", comment_start, len(TEXT)),
        ),
    )


def test_document_round_trip_and_lookup_by_id_or_source(tmp_path: Path) -> None:
    store = Store(tmp_path / "s.sqlite")
    doc = _doc()
    chunk = Chunk(doc.id, 0, 0, 19, TEXT[:19], "title")
    with store.transaction():
        rowids = store.put_document(doc, [chunk])
        store.put_terms([(rowids[0], ["กองทุนหมู่บ้าน", "กะหรอ"])])
        store.link_source(str(tmp_path / "n.txt"), "notes/กะหรอ.txt", doc.id, doc.id, 10, 1.0)
    assert store.document(doc.id) == doc
    assert store.document("notes/กะหรอ.txt") == doc
    assert store.chunks(doc.id) == [(rowids[0], chunk)]
    assert store.document(doc.id).body == "เครือข่ายกองทุนหมู่บ้านจัดตั้งสถาบันการเงินชุมชน"
    with pytest.raises(NotFoundError, match="fieldnotes docs"):
        store.document("ไม่มี")


def test_delete_cascades_to_chunks_terms_and_sources(tmp_path: Path) -> None:
    store = Store(tmp_path / "s.sqlite")
    doc = _doc()
    with store.transaction():
        ids = store.put_document(doc, [Chunk(doc.id, 0, 0, 5, TEXT[:5])])
        store.put_terms([(ids[0], ["กองทุน"])])
        store.link_source("/x/n.txt", "n.txt", doc.id, doc.id, 1, 1.0)
    with store.transaction():
        assert store.delete_document(doc.id) == ids
    conn = store.conn
    for table in ("documents", "chunks", "tokens", "sources"):
        assert conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == 0


def test_failed_transaction_leaves_nothing(tmp_path: Path) -> None:
    store = Store(tmp_path / "s.sqlite")
    doc = _doc()
    with pytest.raises(sqlite3.IntegrityError):
        with store.transaction():
            store.put_document(doc, [Chunk(doc.id, 0, 0, 5, TEXT[:5])])
            store.put_document(doc, [])  # same id again: the whole transaction rolls back
    assert store.count_documents() == 0 and store.count_chunks() == 0


def test_readonly_store_needs_an_existing_file_and_rejects_garbage(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="fieldnotes ingest"):
        Store(tmp_path / "none.sqlite", readonly=True)
    bad = tmp_path / "bad.sqlite"
    bad.write_bytes(b"this is not a database at all" * 100)
    with pytest.raises(StoreError, match="not a readable fieldnotes store"):
        Store(bad)


def test_opening_for_writing_waits_for_an_ingest_batch_instead_of_failing(tmp_path: Path) -> None:
    import threading
    import time

    path = tmp_path / "store.sqlite"
    writer = Store(path)  # the ingest, in the middle of a batch's transaction
    conn = writer.conn
    conn.execute("BEGIN IMMEDIATE")
    conn.execute("INSERT INTO meta VALUES('batch', 'กำลังเขียน')")
    # sqlite3 connections stay in their thread: commit from this one, a moment
    # after the second opening (the explorer restarting mid-ingest) has begun.
    opened: list[object] = []
    t = threading.Thread(target=lambda: opened.append(Store(path)))
    t.start()
    time.sleep(0.5)
    conn.execute("COMMIT")  # its snapshot, had it begun before this, would now be stale
    t.join(30)
    assert opened and isinstance(opened[0], Store)
    assert opened[0].conn.execute("SELECT value FROM meta WHERE key = 'batch'").fetchone() == ("กำลังเขียน",)

"""The document store: one SQLite database in the home folder.

SQLite is the single source of truth. Documents, their source files, chunks
and chunk terms live here, and so do the tables other rooms add (FTS5 terms and
vectors from ``search``, mentions from ``graph``), so that one transaction adds
or removes a whole document everywhere at once. The FAISS index and the RDF
store are derived from these tables and can always be rebuilt from them.

Schema (owned by this module):
    documents(id, source, kind, title, text, lead, record_id, created, edited,
              tags, blog, url, author, comments, sections, meta, added_at)
    sources(path, given, doc_id, file_hash, size, mtime)  -- every file that
              produced a document; duplicates add a row, not a document
    chunks(id INTEGER PK, doc_id, idx, start, end, text, section, page)
    tokens(chunk_id PK, terms)  -- space-joined index terms of each chunk
    failures(path, given, reason, at)  -- files that could not be ingested
    meta(key, value)
"""

from __future__ import annotations

import json
import sqlite3
import threading
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator, Sequence

from fieldnotes.errors import NotFoundError, StoreError
from ingest.models import Chunk, Comment, Document, Section

__all__ = ["Store", "SCHEMA_VERSION"]

SCHEMA_VERSION = 1

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS documents(
    id TEXT PRIMARY KEY,
    source TEXT NOT NULL,
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    text TEXT NOT NULL,
    lead TEXT,
    record_id TEXT,
    created TEXT,
    edited TEXT,
    tags TEXT NOT NULL DEFAULT '[]',
    blog TEXT,
    url TEXT,
    author TEXT,
    comments TEXT NOT NULL DEFAULT '[]',
    sections TEXT NOT NULL DEFAULT '[]',
    meta TEXT NOT NULL DEFAULT '[]',
    added_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS sources(
    path TEXT PRIMARY KEY,
    given TEXT NOT NULL,
    doc_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    file_hash TEXT NOT NULL,
    size INTEGER NOT NULL,
    mtime REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS sources_doc ON sources(doc_id);
CREATE TABLE IF NOT EXISTS chunks(
    id INTEGER PRIMARY KEY,
    doc_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    idx INTEGER NOT NULL,
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    text TEXT NOT NULL,
    section TEXT NOT NULL,
    page INTEGER,
    UNIQUE(doc_id, idx)
);
CREATE TABLE IF NOT EXISTS tokens(
    chunk_id INTEGER PRIMARY KEY REFERENCES chunks(id) ON DELETE CASCADE,
    terms TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS failures(
    path TEXT PRIMARY KEY,
    given TEXT NOT NULL,
    reason TEXT NOT NULL,
    at TEXT NOT NULL
);
"""


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


class Store:
    """The SQLite store of one home folder.

    Args:
        path: the database file (created with its folder if missing).
        readonly: open without write access (the explorer while an ingest runs).

    Raises:
        StoreError: the file is not a fieldnotes database or cannot be opened.
    """

    def __init__(self, path: Path, *, readonly: bool = False) -> None:
        self.path = Path(path)
        self._local = threading.local()
        self.readonly = readonly
        if not readonly:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        elif not self.path.exists():
            raise StoreError(f"no store at {self.path}: run `fieldnotes ingest PATH` first")
        try:
            conn = self.conn
            if not readonly:
                # executescript commits on its own, so the script is its own transaction.
                conn.executescript(
                    "BEGIN IMMEDIATE;"
                    + _SCHEMA
                    + f"INSERT OR IGNORE INTO meta VALUES('schema_version', '{SCHEMA_VERSION}');"
                    + "COMMIT;"
                )
        except sqlite3.DatabaseError as exc:
            raise StoreError(
                f"{self.path} is not a readable fieldnotes store ({exc}); "
                "move it away and ingest again"
            ) from exc

    # -- connection and transactions -------------------------------------------------

    @property
    def conn(self) -> sqlite3.Connection:
        """This thread's connection (SQLite connections must not cross threads)."""
        conn = getattr(self._local, "conn", None)
        if conn is None:
            if self.readonly:
                uri = f"file:{self.path}?mode=ro"
                conn = sqlite3.connect(uri, uri=True, isolation_level=None, timeout=30)
            else:
                conn = sqlite3.connect(self.path, isolation_level=None, timeout=30)
                # WAL lets the explorer read while an ingest writes; NORMAL sync is
                # still crash-safe in WAL mode (a commit survives a process kill).
                conn.execute("PRAGMA journal_mode=WAL")
                conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute("PRAGMA foreign_keys=ON")
            conn.execute("PRAGMA busy_timeout=30000")
            self._local.conn = conn
        return conn

    @contextmanager
    def snapshot(self) -> Iterator[sqlite3.Connection]:
        """A read transaction: every query inside sees the same committed state.

        In WAL mode a reader's queries each see the latest commit; reads that
        must agree with each other (documents and their passage counts, while
        an ingest commits batches) go inside one snapshot.
        """
        conn = self.conn
        if conn.in_transaction:
            yield conn
            return
        conn.execute("BEGIN")
        try:
            yield conn
        finally:
            conn.execute("COMMIT")

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """A write transaction: everything inside commits together or not at all."""
        conn = self.conn
        if conn.in_transaction:
            yield conn  # nested: the outer transaction decides
            return
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        else:
            conn.execute("COMMIT")

    def close(self) -> None:
        """Close this thread's connection."""
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None

    # -- writing ---------------------------------------------------------------------

    def put_document(self, doc: Document, chunks: Sequence[Chunk]) -> list[int]:
        """Insert a document and its chunks; returns the chunks' row ids.

        Must run inside :meth:`transaction` together with whatever else is
        written for the document (terms, vectors, mentions).
        """
        conn = self.conn
        conn.execute(
            "INSERT INTO documents(id, source, kind, title, text, lead, record_id, created,"
            " edited, tags, blog, url, author, comments, sections, meta, added_at)"
            " VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (
                doc.id,
                doc.source,
                doc.kind,
                doc.title,
                doc.text,
                doc.lead,
                doc.record_id,
                doc.created.isoformat() if doc.created else None,
                doc.edited.isoformat() if doc.edited else None,
                json.dumps(list(doc.tags), ensure_ascii=False),
                doc.blog,
                doc.url,
                doc.author,
                json.dumps(
                    [[c.author, c.text, c.start, c.end] for c in doc.comments],
                    ensure_ascii=False,
                ),
                json.dumps([[s.name, s.start, s.end, s.page] for s in doc.sections]),
                json.dumps([list(kv) for kv in doc.meta], ensure_ascii=False),
                _now(),
            ),
        )
        ids: list[int] = []
        for c in chunks:
            cur = conn.execute(
                'INSERT INTO chunks(doc_id, idx, start, "end", text, section, page)'
                " VALUES(?,?,?,?,?,?,?)",
                (c.doc_id, c.index, c.start, c.end, c.text, c.section, c.page),
            )
            ids.append(int(cur.lastrowid))
        return ids

    def put_terms(self, rows: Sequence[tuple[int, Sequence[str]]]) -> None:
        """Store the index terms of chunks (``(chunk row id, terms)``)."""
        self.conn.executemany(
            "INSERT OR REPLACE INTO tokens(chunk_id, terms) VALUES(?, ?)",
            [(cid, " ".join(ts)) for cid, ts in rows],
        )

    def link_source(
        self, path: str, given: str, doc_id: str, file_hash: str, size: int, mtime: float
    ) -> None:
        """Record that the file at ``path`` (absolute) produced document ``doc_id``."""
        self.conn.execute(
            "INSERT OR REPLACE INTO sources(path, given, doc_id, file_hash, size, mtime)"
            " VALUES(?,?,?,?,?,?)",
            (path, given, doc_id, file_hash, size, mtime),
        )
        self.conn.execute("DELETE FROM failures WHERE path = ?", (path,))

    def delete_document(self, doc_id: str) -> list[int]:
        """Delete a document with its chunks, terms and sources; returns the removed chunk row ids.

        Tables of other rooms that reference ``chunks`` or ``documents`` with
        ``ON DELETE CASCADE`` go with it.
        """
        conn = self.conn
        ids = [r[0] for r in conn.execute("SELECT id FROM chunks WHERE doc_id = ?", (doc_id,))]
        conn.execute("DELETE FROM documents WHERE id = ?", (doc_id,))
        return ids

    def record_failure(self, path: str, given: str, reason: str) -> None:
        """Remember why a file could not be ingested (shown by ``fieldnotes failures``)."""
        self.conn.execute(
            "INSERT OR REPLACE INTO failures(path, given, reason, at) VALUES(?,?,?,?)",
            (path, given, reason, _now()),
        )

    # -- reading ---------------------------------------------------------------------

    def source_row(self, path: str) -> tuple[str, str, int, float] | None:
        """``(doc_id, file_hash, size, mtime)`` of a known source file, else ``None``."""
        row = self.conn.execute(
            "SELECT doc_id, file_hash, size, mtime FROM sources WHERE path = ?", (path,)
        ).fetchone()
        return None if row is None else (row[0], row[1], int(row[2]), float(row[3]))

    def sources_of(self, doc_id: str) -> list[str]:
        """Absolute paths of every file that produced ``doc_id``."""
        return [
            r[0]
            for r in self.conn.execute("SELECT path FROM sources WHERE doc_id = ?", (doc_id,))
        ]

    def has_document(self, doc_id: str) -> bool:
        """True if a document with this id is stored."""
        return (
            self.conn.execute("SELECT 1 FROM documents WHERE id = ?", (doc_id,)).fetchone()
            is not None
        )

    def count_documents(self) -> int:
        """Number of stored documents."""
        return int(self.conn.execute("SELECT count(*) FROM documents").fetchone()[0])

    def count_chunks(self) -> int:
        """Number of stored chunks."""
        return int(self.conn.execute("SELECT count(*) FROM chunks").fetchone()[0])

    def document(self, ref: str) -> Document:
        """A document by id, by source as given, or by the file's path.

        Raises:
            NotFoundError: nothing matches ``ref``.
        """
        conn = self.conn
        row = conn.execute("SELECT * FROM documents WHERE id = ?", (ref,)).fetchone()
        if row is None:
            hit = conn.execute(
                "SELECT doc_id FROM sources WHERE given = ? OR path = ? LIMIT 1",
                (ref, str(Path(ref).resolve()) if ref else ref),
            ).fetchone()
            if hit is None:
                hit = conn.execute(
                    "SELECT id FROM documents WHERE source = ? LIMIT 1", (ref,)
                ).fetchone()
            if hit is not None:
                row = conn.execute("SELECT * FROM documents WHERE id = ?", (hit[0],)).fetchone()
        if row is None:
            raise NotFoundError(
                f"no document {ref!r}: give a document id or a source path "
                "(see `fieldnotes docs`)"
            )
        return _row_to_document(conn, row)

    def documents(self) -> Iterator[Document]:
        """Every stored document, in the order they were added."""
        cur = self.conn.execute("SELECT * FROM documents ORDER BY added_at, rowid")
        for row in cur:
            yield _row_to_document(self.conn, row)

    def doc_ids(self) -> list[str]:
        """Ids of every stored document."""
        return [r[0] for r in self.conn.execute("SELECT id FROM documents ORDER BY rowid")]

    def chunk_counts(self) -> dict[str, int]:
        """Number of chunks of each document."""
        return {
            r[0]: int(r[1])
            for r in self.conn.execute("SELECT doc_id, count(*) FROM chunks GROUP BY doc_id")
        }

    def chunks(self, doc_id: str | None = None) -> list[tuple[int, Chunk]]:
        """``(row id, chunk)`` pairs of one document, or of all documents."""
        sql = 'SELECT id, doc_id, idx, start, "end", text, section, page FROM chunks'
        args: tuple[str, ...] = ()
        if doc_id is not None:
            sql += " WHERE doc_id = ?"
            args = (doc_id,)
        sql += " ORDER BY doc_id, idx"
        return [
            (int(r[0]), Chunk(r[1], int(r[2]), int(r[3]), int(r[4]), r[5], r[6], r[7]))
            for r in self.conn.execute(sql, args)
        ]

    def chunks_by_rowid(self, rowids: Sequence[int]) -> dict[int, Chunk]:
        """Chunks by row id (missing ids are left out)."""
        out: dict[int, Chunk] = {}
        ids = list(rowids)
        for i in range(0, len(ids), 500):
            part = ids[i : i + 500]
            marks = ",".join("?" * len(part))
            for r in self.conn.execute(
                'SELECT id, doc_id, idx, start, "end", text, section, page FROM chunks'
                f" WHERE id IN ({marks})",
                part,
            ):
                out[int(r[0])] = Chunk(r[1], int(r[2]), int(r[3]), int(r[4]), r[5], r[6], r[7])
        return out

    def integrity(self) -> dict[str, int | bool]:
        """Counts of anything that breaks "whole documents only"; all zero when healthy.

        Returns:
            ``{"sqlite_ok", "documents", "docs_without_chunks", "chunks_without_terms",
            "docs_without_source"}``.
        """
        conn = self.conn
        ok = conn.execute("PRAGMA quick_check").fetchone()[0] == "ok"

        def count(sql: str) -> int:
            return int(conn.execute(sql).fetchone()[0])

        return {
            "sqlite_ok": ok,
            "documents": count("SELECT count(*) FROM documents"),
            "docs_without_chunks": count(
                "SELECT count(*) FROM documents d WHERE NOT EXISTS"
                " (SELECT 1 FROM chunks c WHERE c.doc_id = d.id)"
            ),
            "chunks_without_terms": count(
                "SELECT count(*) FROM chunks c WHERE NOT EXISTS"
                " (SELECT 1 FROM tokens t WHERE t.chunk_id = c.id)"
            ),
            "docs_without_source": count(
                "SELECT count(*) FROM documents d WHERE NOT EXISTS"
                " (SELECT 1 FROM sources s WHERE s.doc_id = d.id)"
            ),
        }

    def failures(self) -> list[tuple[str, str]]:
        """``(path as given, reason)`` of every file that could not be ingested."""
        return [
            (r[0], r[1])
            for r in self.conn.execute("SELECT given, reason FROM failures ORDER BY given")
        ]


def _row_to_document(conn: sqlite3.Connection, row: tuple) -> Document:
    cols = [d[0] for d in conn.execute("SELECT * FROM documents LIMIT 0").description]
    r = dict(zip(cols, row))
    return Document(
        id=r["id"],
        source=r["source"],
        kind=r["kind"],
        title=r["title"],
        text=r["text"],
        lead=r["lead"] or "",
        record_id=r["record_id"],
        created=datetime.fromisoformat(r["created"]) if r["created"] else None,
        edited=datetime.fromisoformat(r["edited"]) if r["edited"] else None,
        tags=tuple(json.loads(r["tags"])),
        blog=r["blog"],
        url=r["url"],
        author=r["author"],
        comments=tuple(Comment(a, t, s, e) for a, t, s, e in json.loads(r["comments"])),
        sections=tuple(Section(n, s, e, p) for n, s, e, p in json.loads(r["sections"])),
        meta=tuple(tuple(kv) for kv in json.loads(r["meta"])),  # type: ignore[misc]
    )

"""The ``mentions`` table: what extraction found, kept in the store next to the documents.

SQLite is the single source of truth; the RDF store and the partner network are
derived from this table (plus the curation file, the practice scheme and the
gazetteer). A mention references its document and the passage (chunk) that
holds it, both ``ON DELETE CASCADE``, so removing a document removes its
mentions in the same transaction.

Schema (owned by this module)::

    mentions(id INTEGER PK, doc_id TEXT NOT NULL -> documents(id),
             chunk_id INTEGER -> chunks(id), start, "end", label, type, kind, key, source)

Example:
    >>> install_schema(conn)
    >>> with store.transaction() as conn:
    ...     rowids = store.put_document(doc, chunks)
    ...     put_mentions(conn, doc.id, mentions,
    ...                  [(r, c.start, c.end) for r, c in zip(rowids, chunks)])
"""

from __future__ import annotations

import bisect
import sqlite3
from dataclasses import dataclass
from typing import Iterable, Iterator, Sequence

from fieldnotes.errors import InputError
from graph.models import ENTITY_TYPES, Mention

__all__ = [
    "MentionRow",
    "Passage",
    "install_schema",
    "put_mentions",
    "mentions_of",
    "iter_mentions",
    "count_mentions",
    "passages",
    "doc_sources",
]

_SCHEMA = [
    """CREATE TABLE IF NOT EXISTS mentions(
        id INTEGER PRIMARY KEY,
        doc_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
        chunk_id INTEGER REFERENCES chunks(id) ON DELETE CASCADE,
        start INTEGER NOT NULL,
        "end" INTEGER NOT NULL,
        label TEXT NOT NULL,
        type TEXT NOT NULL,
        kind TEXT NOT NULL,
        key TEXT,
        source TEXT NOT NULL
    )""",
    "CREATE INDEX IF NOT EXISTS mentions_doc ON mentions(doc_id)",
    "CREATE INDEX IF NOT EXISTS mentions_chunk ON mentions(chunk_id)",
    "CREATE INDEX IF NOT EXISTS mentions_key ON mentions(type, key)",
]


@dataclass(frozen=True)
class MentionRow:
    """A stored mention with its place in the store.

    Attributes:
        id: row id in ``mentions``.
        doc_id: the document.
        chunk_id: row id of the passage (chunk) that holds it; ``None`` if no
            passage holds the whole span.
        chunk_index: that passage's position in the document, or ``None``.
        start: offset in the stored document text.
        end: end offset (exclusive).
        label: the surface form, e.g. ``"พอช."``.
        type: ``actor``, ``area`` or ``practice``.
        kind: e.g. ``organisation``, ``subdistrict``.
        key: canonical name, DOPA code or concept id; ``None`` if unresolved.
        source: what found it (``rules``, ``tagger``, ``gazetteer`` …).
    """

    id: int
    doc_id: str
    chunk_id: int | None
    chunk_index: int | None
    start: int
    end: int
    label: str
    type: str
    kind: str
    key: str | None
    source: str


@dataclass(frozen=True)
class Passage:
    """A passage as evidence: where it is and what it says."""

    doc_id: str
    index: int
    source: str
    title: str
    start: int
    end: int
    text: str

    def to_json(self) -> dict[str, object]:
        """The evidence shape: ``{source, text, start, end, doc_id}`` (plus title, index)."""
        return {
            "source": self.source,
            "text": self.text,
            "start": self.start,
            "end": self.end,
            "doc_id": self.doc_id,
            "title": self.title,
            "index": self.index,
        }


def install_schema(conn: sqlite3.Connection) -> None:
    """Create the ``mentions`` table and its indexes if missing (idempotent)."""
    for stmt in _SCHEMA:
        conn.execute(stmt)


def put_mentions(
    conn: sqlite3.Connection,
    doc_id: str,
    mentions: Iterable[Mention],
    chunk_spans: Sequence[tuple[int, int, int]],
) -> int:
    """Replace the mentions of a document, each assigned to the passage that holds it.

    Runs inside the caller's transaction (the facade writes a document, its
    chunks, vectors and mentions in one).

    Args:
        conn: the store's connection.
        doc_id: the document the mentions were found in.
        mentions: spans into the stored document text.
        chunk_spans: ``(chunk row id, start, end)`` of the document's passages.

    Returns:
        The number of mentions written.

    Raises:
        InputError: a mention has an unknown type or an empty or reversed span.
    """
    spans = sorted(chunk_spans, key=lambda s: (s[1], s[2]))
    starts = [s[1] for s in spans]
    rows = []
    for m in mentions:
        if m.type not in ENTITY_TYPES:
            raise InputError(
                f"mention {m.label!r} has type {m.type!r}; use one of {', '.join(ENTITY_TYPES)}"
            )
        if not 0 <= m.start < m.end:
            raise InputError(
                f"mention {m.label!r} has span {m.start}-{m.end}; start must be >= 0 and < end"
            )
        rows.append(
            (doc_id, _chunk_for(spans, starts, m.start, m.end), m.start, m.end,
             m.label, m.type, m.kind, m.key, m.source)
        )
    conn.execute("DELETE FROM mentions WHERE doc_id = ?", (doc_id,))
    conn.executemany(
        'INSERT INTO mentions(doc_id, chunk_id, start, "end", label, type, kind, key, source)'
        " VALUES(?,?,?,?,?,?,?,?,?)",
        rows,
    )
    return len(rows)


def _chunk_for(
    spans: Sequence[tuple[int, int, int]], starts: list[int], start: int, end: int
) -> int | None:
    # Chunks overlap by a sentence, so several may hold the span: take the first
    # that holds it whole; failing that, the one it overlaps most (a mention cut
    # by a chunk boundary still belongs to a passage).
    i = bisect.bisect_right(starts, start)
    best, best_overlap = None, 0
    for j in range(max(0, i - 8), min(len(spans), i + 1)):
        rowid, c_start, c_end = spans[j]
        if c_start <= start and end <= c_end:
            return rowid
        overlap = min(end, c_end) - max(start, c_start)
        if overlap > best_overlap:
            best, best_overlap = rowid, overlap
    return best


_SELECT = (
    'SELECT m.id, m.doc_id, m.chunk_id, c.idx, m.start, m."end", m.label, m.type, m.kind,'
    " m.key, m.source FROM mentions m LEFT JOIN chunks c ON c.id = m.chunk_id"
)


def _row(r: tuple) -> MentionRow:
    return MentionRow(
        int(r[0]), r[1], None if r[2] is None else int(r[2]), None if r[3] is None else int(r[3]),
        int(r[4]), int(r[5]), r[6], r[7], r[8], r[9], r[10],
    )


def mentions_of(conn: sqlite3.Connection, doc_id: str) -> list[MentionRow]:
    """The stored mentions of one document, in text order."""
    cur = conn.execute(_SELECT + ' WHERE m.doc_id = ? ORDER BY m.start, m."end"', (doc_id,))
    return [_row(r) for r in cur]


def iter_mentions(conn: sqlite3.Connection, *, ordered: bool = True) -> Iterator[MentionRow]:
    """Every stored mention; by document and text order unless ``ordered`` is False (faster)."""
    cur = conn.execute(_SELECT + (' ORDER BY m.doc_id, m.start, m."end"' if ordered else ""))
    for r in cur:
        yield _row(r)


def count_mentions(conn: sqlite3.Connection) -> int:
    """Number of stored mentions."""
    return int(conn.execute("SELECT count(*) FROM mentions").fetchone()[0])


def doc_sources(conn: sqlite3.Connection) -> dict[str, tuple[str, str]]:
    """``doc_id -> (source, title)`` for every stored document."""
    return {r[0]: (r[1], r[2]) for r in conn.execute("SELECT id, source, title FROM documents")}


def passages(
    conn: sqlite3.Connection, refs: Iterable[tuple[str, int]]
) -> dict[tuple[str, int], Passage]:
    """Passages by ``(doc_id, chunk index)``, with their document's source and title.

    Refs that no longer exist (a document removed since the graph was built)
    are left out rather than failing the whole answer.
    """
    wanted = sorted(set(refs))
    out: dict[tuple[str, int], Passage] = {}
    for i in range(0, len(wanted), 400):
        part = wanted[i : i + 400]
        where = " OR ".join(["(c.doc_id = ? AND c.idx = ?)"] * len(part))
        args = [x for ref in part for x in ref]
        for r in conn.execute(
            'SELECT c.doc_id, c.idx, d.source, d.title, c.start, c."end", c.text'
            f" FROM chunks c JOIN documents d ON d.id = c.doc_id WHERE {where}",
            args,
        ):
            out[(r[0], int(r[1]))] = Passage(r[0], int(r[1]), r[2], r[3], int(r[4]), int(r[5]), r[6])
    return out

"""Each entity's linked entities and the passages behind each tie, written at rebuild.

The entity page lists what an actor, area or practice is tied to (works on,
active in, works with), strongest first. Asked of the RDF store, that is a
union over reified relations: 2.6 s for the most connected actor of the 7,941
thaigov releases (14,000 ties). The rebuild already holds every relation, so it
writes their weights, summed per pair and both ways, into a small SQLite file
of the generation (``links.sqlite``); one indexed lookup then answers it.

The same file holds which entity each mention of a note names (table
``refers``). Search result cards and the case page show a note's mentions
with links to their entities; asked of the RDF store that is four joined
patterns per mention, 35 ms a note at thaigov, so 0.4 s for a page of results.

Example:
    >>> write_links(gen / FILE_NAME, relations, refers)        # at rebuild
    >>> read_links(gen / FILE_NAME, "https://w3id.org/fieldnotes/id/actor/…")
    [('https://w3id.org/fieldnotes/id/practice/welfare', 12), ...]
    >>> read_refers(gen / FILE_NAME, doc_id)[(120, 135, "actor")]
    'https://w3id.org/fieldnotes/id/actor/…'
"""

from __future__ import annotations

import os
import sqlite3
from collections import defaultdict
from pathlib import Path
from typing import TYPE_CHECKING, Iterable

from fieldnotes.errors import StoreError

if TYPE_CHECKING:
    from graph.rdf import Relation

__all__ = ["FILE_NAME", "Refers", "write_links", "read_links", "read_refers"]

FILE_NAME = "links.sqlite"

#: A mention's entity: ``(doc_id, start, end, mention type, entity IRI)``.
Refers = tuple[str, int, int, str, str]


def write_links(path: Path, relations: Iterable[Relation], refers: Iterable[Refers] = ()) -> int:
    """Write the summed weight of every tied pair, both ways, and the entity of
    every resolved mention; returns the number of pair rows.

    The file is written beside its final name and renamed into place, so a
    reader never opens half of it.
    """
    weights: dict[tuple[str, str], int] = defaultdict(int)
    for r in relations:
        if r.subject != r.object:
            weights[(r.subject, r.object)] += r.weight
            weights[(r.object, r.subject)] += r.weight
    ids: dict[str, int] = {}
    for a, b in weights:
        ids.setdefault(a, len(ids))
        ids.setdefault(b, len(ids))
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.unlink(missing_ok=True)
    conn = sqlite3.connect(tmp)
    try:
        conn.execute("PRAGMA journal_mode = OFF")
        conn.execute("CREATE TABLE iris(id INTEGER PRIMARY KEY, iri TEXT NOT NULL UNIQUE)")
        conn.execute("CREATE TABLE links(a INTEGER NOT NULL, b INTEGER NOT NULL, weight INTEGER NOT NULL)")
        conn.executemany("INSERT INTO iris VALUES (?, ?)", ((i, iri) for iri, i in ids.items()))
        conn.executemany("INSERT INTO links VALUES (?, ?, ?)",
                         ((ids[a], ids[b], w) for (a, b), w in weights.items()))
        conn.execute("CREATE INDEX links_a ON links(a)")
        conn.execute('CREATE TABLE refers(doc TEXT NOT NULL, start INTEGER NOT NULL, "end" INTEGER NOT NULL,'
                     " type TEXT NOT NULL, e INTEGER NOT NULL)")

        known = len(ids)
        rows = []
        for doc, start, end, type_, iri in refers:
            rows.append((doc, int(start), int(end), type_, ids.setdefault(iri, len(ids))))
        conn.executemany("INSERT INTO iris VALUES (?, ?)",
                         ((i, iri) for iri, i in ids.items() if i >= known))
        conn.executemany("INSERT INTO refers VALUES (?, ?, ?, ?, ?)", rows)
        conn.execute("CREATE INDEX refers_doc ON refers(doc)")
        conn.commit()
    finally:
        conn.close()
    os.replace(tmp, path)
    return len(weights)


def read_links(path: Path, iri: str) -> list[tuple[str, int]] | None:
    """``[(IRI, summed weight)]`` of everything tied to ``iri`` (any order), or ``None``
    when the generation has no links file (built before it existed).

    Raises:
        StoreError: the file is there but cannot be read.
    """
    rows = _query(path, "SELECT o.iri, l.weight FROM iris s JOIN links l ON l.a = s.id"
                        " JOIN iris o ON o.id = l.b WHERE s.iri = ?", iri)
    return None if rows is None else [(str(o), int(w)) for o, w in rows]


def read_refers(path: Path, doc_id: str) -> dict[tuple[int, int, str], str] | None:
    """``{(start, end, mention type): entity IRI}`` for the resolved mentions of a note,
    or ``None`` when the generation's file predates the table (or the file).

    Raises:
        StoreError: the file is there but cannot be read.
    """
    rows = _query(path, 'SELECT r.start, r."end", r.type, i.iri FROM refers r'
                        " JOIN iris i ON i.id = r.e WHERE r.doc = ?", doc_id)
    return None if rows is None else {(int(s), int(e), str(t)): str(i) for s, e, t, i in rows}


def _query(path: Path, sql: str, arg: str) -> list[tuple] | None:
    """Rows of one read-only query; ``None`` when the file, or the table asked
    for, is not there (a generation built before it was written)."""
    if not path.exists():
        return None
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            return conn.execute(sql, (arg,)).fetchall()
        finally:
            conn.close()
    except sqlite3.OperationalError as exc:
        if "no such table" in str(exc):
            return None
        raise StoreError(f"cannot read {path} ({exc}); rebuild the graph") from exc
    except sqlite3.Error as exc:
        raise StoreError(f"cannot read {path} ({exc}); rebuild the graph") from exc

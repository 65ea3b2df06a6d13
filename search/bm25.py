"""Thai BM25: SQLite FTS5 over the terms the one Thai tokeniser made.

Chunks are not tokenised again here: the store already holds each chunk's
index terms (``tokens.terms``, space-joined output of :func:`ingest.tokens.terms`:
PyThaiNLP newmm, normalised, stopwords removed). ``chunk_fts`` is an FTS5
*external-content* table over ``tokens``, kept in step by triggers, so a
document's terms enter and leave the index in the document's own transaction.

The FTS5 tokenizer must not split those terms again. SQLite's default
``unicode61`` treats Thai vowel and tone marks (category Mn: ั ิ ่ ้) as
separators and turns ``กองทุนหมู่บ้าน`` into ``กองท|นหม|าน``. Here every
category except spaces and controls is a token character, so a term is
exactly what the Thai tokeniser produced (tested on real Thai).

Example:
    >>> bm25_search(conn, "กองทุนหมู่บ้านตำบลกะหรอ", 5)
    [(12, 7.91), (3, 5.02), ...]
"""

from __future__ import annotations

import sqlite3
from typing import Sequence

from fieldnotes.errors import InputError, StoreError

__all__ = [
    "BM25_SCHEMA",
    "FTS_TOKENIZER",
    "ensure_bm25",
    "query_terms",
    "phrase_terms",
    "lexical_terms",
    "QUESTION_WORDS",
    "match_expression",
    "bm25_search",
    "check_bm25",
    "rebuild_bm25",
]

# Token characters: letters, marks (Thai vowels and tones), numbers, punctuation,
# symbols, format and private-use characters; only spaces (Z*) and controls separate.
FTS_TOKENIZER = "unicode61 remove_diacritics 0 categories 'L* M* N* P* S* Cf Co'"

BM25_SCHEMA = f"""
CREATE VIRTUAL TABLE IF NOT EXISTS chunk_fts USING fts5(
    terms, content='tokens', content_rowid='chunk_id', tokenize="{FTS_TOKENIZER}"
);
CREATE TRIGGER IF NOT EXISTS tokens_fts_bi BEFORE INSERT ON tokens BEGIN
    INSERT INTO chunk_fts(chunk_fts, rowid, terms)
        SELECT 'delete', chunk_id, terms FROM tokens WHERE chunk_id = new.chunk_id;
END;
CREATE TRIGGER IF NOT EXISTS tokens_fts_ai AFTER INSERT ON tokens BEGIN
    INSERT INTO chunk_fts(rowid, terms) VALUES (new.chunk_id, new.terms);
END;
CREATE TRIGGER IF NOT EXISTS tokens_fts_ad AFTER DELETE ON tokens BEGIN
    INSERT INTO chunk_fts(chunk_fts, rowid, terms) VALUES ('delete', old.chunk_id, old.terms);
END;
CREATE TRIGGER IF NOT EXISTS tokens_fts_au AFTER UPDATE ON tokens BEGIN
    INSERT INTO chunk_fts(chunk_fts, rowid, terms) VALUES ('delete', old.chunk_id, old.terms);
    INSERT INTO chunk_fts(rowid, terms) VALUES (new.chunk_id, new.terms);
END;
"""
# Why a BEFORE INSERT trigger: Store.put_terms uses INSERT OR REPLACE, and with
# SQLite's default recursive_triggers=OFF the row a REPLACE removes fires no
# delete trigger; without it the old terms would stay in the index.


def ensure_bm25(conn: sqlite3.Connection) -> None:
    """Create the FTS5 table and its triggers; index terms stored before they existed."""
    from search.vectors import sql_statements

    existed = (
        conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'chunk_fts'").fetchone() is not None
    )
    for stmt in sql_statements(BM25_SCHEMA):
        conn.execute(stmt)
    if not existed:
        # A store made before the search tables: index what is already there.
        conn.execute("INSERT INTO chunk_fts(chunk_fts) VALUES ('rebuild')")


# Question words that PyThaiNLP's stopword list lacks. They say what kind of
# answer is wanted, not what it is about, and being rare in notes they would
# weigh a lot: "ใด" is in a quarter of the XQuAD-th questions and in 11 of its
# 240 passages.
QUESTION_WORDS = frozenset({"ใด", "กี่", "คนใด", "ไหม", "เพราะอะไร", "ไหร่", "มั้ย"})


def query_terms(query: str) -> list[str]:
    """The index terms of a query, each once, in order.

    Stopwords are dropped as at indexing, and so are question words
    (:data:`QUESTION_WORDS`); a query made only of those keeps them (it then
    matches little in BM25, and dense search still answers).

    Example:
        >>> query_terms("กองทุนหมู่บ้านของตำบลกะหรอ")
        ['กองทุนหมู่บ้าน', 'ตำบล', 'กะหรอ']
    """
    from ingest.tokens import terms

    if not isinstance(query, str) or not query.strip():
        raise InputError("the query is empty: type a few words to search for")
    found = [t for t in terms(query) if t not in QUESTION_WORDS]
    found = found or terms(query) or terms(query, keep_stopwords=True)
    return list(dict.fromkeys(found))


def phrase_terms(phrases: Sequence[str]) -> list[str]:
    """Index terms of whole phrases (e.g. a practice's Thai labels), one per phrase.

    A phrase that the tokeniser splits comes back as its terms joined by a
    space, which both BM25 engines match whole: FTS5 as a phrase, the
    in-memory snapshot as "every piece in the passage". Stopwords are dropped
    as at indexing, so the pieces stay adjacent in the index.

    Example:
        >>> phrase_terms(["กองทุนเงินล้าน", "ธนาคารหมู่บ้าน"])
        ['กองทุน เงิน ล้าน', 'ธนาคารหมู่บ้าน']
    """
    from ingest.tokens import terms

    out = (" ".join(terms(p)) for p in phrases if isinstance(p, str) and p.strip())
    return list(dict.fromkeys(w for w in out if w))


def lexical_terms(query: str, phrases: Sequence[str] = ()) -> list[str]:
    """The query's own terms, then those of extra phrases, each once.

    Raises:
        InputError: the query is empty.
    """
    return list(dict.fromkeys([*query_terms(query), *phrase_terms(phrases)]))


def match_expression(words: list[str]) -> str:
    """An FTS5 MATCH expression: every term quoted (so it is never syntax), joined by OR.

    Example:
        >>> match_expression(['กองทุน', 'ab"c'])
        '"กองทุน" OR "ab""c"'
    """
    return " OR ".join('"' + w.replace('"', '""') + '"' for w in words if w)


def bm25_search(
    conn: sqlite3.Connection, query: str, k: int, *, phrases: Sequence[str] = ()
) -> list[tuple[int, float]]:
    """Chunks ranked by BM25 for ``query``: ``(chunk row id, score)``, best first.

    The score is ``-bm25()`` (FTS5 returns lower-is-better); any chunk holding
    at least one query term is a candidate (OR semantics). ``phrases`` are
    searched too, each as a whole (:func:`phrase_terms`).

    Raises:
        InputError: the query is empty.
    """
    words = lexical_terms(query, phrases)
    if not words or k <= 0:
        return []
    expr = match_expression(words)
    try:
        rows = conn.execute(
            "SELECT rowid, bm25(chunk_fts) AS s FROM chunk_fts WHERE chunk_fts MATCH ?"
            " ORDER BY s LIMIT ?",
            (expr, int(k)),
        ).fetchall()
    except sqlite3.OperationalError as exc:
        if "no such table" in str(exc):
            raise StoreError(
                "this store has no BM25 index yet; open it for writing once so the search "
                "tables are created"
            ) from exc
        raise
    return [(int(r[0]), -float(r[1])) for r in rows]


def check_bm25(conn: sqlite3.Connection) -> bool:
    """True if the FTS5 index agrees with the ``tokens`` table."""
    try:
        conn.execute("INSERT INTO chunk_fts(chunk_fts, rank) VALUES ('integrity-check', 1)")
    except sqlite3.DatabaseError:
        return False
    return True


def rebuild_bm25(conn: sqlite3.Connection) -> None:
    """Rebuild the FTS5 index from the ``tokens`` table (repairs any drift)."""
    conn.execute("INSERT INTO chunk_fts(chunk_fts) VALUES ('rebuild')")

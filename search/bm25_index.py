"""An in-memory BM25 snapshot of the FTS5 terms, for fast long queries (bm25s).

FTS5 (:mod:`search.bm25`) is the durable index: it changes in each document's
own transaction, so it is never half-written. But it scores a query by walking
the posting list of every query term, and a 6–12-word query cut from a
passage touches most of a 50,000-passage store: about 40 ms at 58,630
thaigov passages on 2 cores. bm25s keeps the same BM25 as a sparse matrix of
precomputed term weights; a query sums a few columns, about 1 ms at that size
(``bm25_compare`` in ``bench/results/scale.json``, from ``python -m bench.scale``).

:class:`BM25Index` is a cache of the ``tokens`` table, like the FAISS file is a
cache of ``vectors``:

* a trigger counts every change to ``tokens`` (``bm25_log.changes``); the
  snapshot remembers the count it was built at, so telling whether it is
  current costs one tiny query;
* :meth:`BM25Index.sync` rebuilds it (after an ingest) and saves it under
  ``<home>/bm25/`` (a new folder, then the ``CURRENT`` pointer is replaced, so
  a reader never loads half a snapshot);
* a search on a stale snapshot rebuilds it on the spot when the store is
  small (:data:`INLINE_MAX` passages, well under a second), and otherwise
  answers from FTS5 — slower, never wrong — until the next sync.

The scores are FTS5's: Robertson BM25 with ``k1 = 1.2``, ``b = 0.75``, the
``(k1 + 1)`` factor included, so ``bm25`` mode shows the same numbers either
way. (bm25s floors the weight of a term in more than half the passages at 0,
FTS5 at 1e-6; both make such terms count for nothing.)

Example:
    >>> index = BM25Index(Path(".fieldnotes"))
    >>> index.sync(store.conn)
    'rebuilt'
    >>> index.search(store.conn, "เครือข่ายกองทุนหมู่บ้านตั้งสถาบันการเงินชุมชน", 10)
    [(41, 17.3), (12, 11.8), ...]
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import sqlite3
import threading
import time
from pathlib import Path
from typing import Sequence

import numpy as np

from search.bm25 import bm25_search, lexical_terms
from search.vectors import sql_statements

__all__ = ["BM25_LOG_SCHEMA", "ensure_bm25_log", "terms_version", "BM25Index", "INLINE_MAX", "K1", "B"]

log = logging.getLogger("fieldnotes.search")

# FTS5's built-in bm25() constants.
K1 = 1.2
B = 0.75
# A stale snapshot of up to this many passages is rebuilt inside the query
# (about 0.2 ms a passage here); a larger one waits for the next sync.
INLINE_MAX = 5_000

BM25_LOG_SCHEMA = """
CREATE TABLE IF NOT EXISTS bm25_log(key TEXT PRIMARY KEY, value INTEGER NOT NULL);
INSERT OR IGNORE INTO bm25_log VALUES('changes', 0);
CREATE TRIGGER IF NOT EXISTS tokens_log_ai AFTER INSERT ON tokens BEGIN
    UPDATE bm25_log SET value = value + 1 WHERE key = 'changes';
END;
CREATE TRIGGER IF NOT EXISTS tokens_log_ad AFTER DELETE ON tokens BEGIN
    UPDATE bm25_log SET value = value + 1 WHERE key = 'changes';
END;
CREATE TRIGGER IF NOT EXISTS tokens_log_au AFTER UPDATE ON tokens BEGIN
    UPDATE bm25_log SET value = value + 1 WHERE key = 'changes';
END;
"""


def ensure_bm25_log(conn: sqlite3.Connection) -> None:
    """Create the change counter of ``tokens`` and its triggers if missing."""
    for stmt in sql_statements(BM25_LOG_SCHEMA):
        conn.execute(stmt)


def terms_version(conn: sqlite3.Connection) -> int | None:
    """How many times ``tokens`` changed; ``None`` for a store without the counter."""
    try:
        row = conn.execute("SELECT value FROM bm25_log WHERE key = 'changes'").fetchone()
    except sqlite3.OperationalError:
        return None
    return None if row is None else int(row[0])


class BM25Index:
    """BM25 over the stored terms, held in memory by bm25s; FTS5 when it is stale.

    Args:
        home: folder for the saved snapshot (``<home>/bm25/``); ``None`` keeps
            it in memory only.
        inline_max: a stale snapshot of at most this many passages is rebuilt
            inside a search.
    """

    def __init__(self, home: Path | None, *, inline_max: int = INLINE_MAX) -> None:
        self.home = None if home is None else Path(home)
        self.inline_max = int(inline_max)
        self._model = None  # bm25s.BM25
        self._ids = np.empty(0, dtype=np.int64)
        self._version: int | None = None
        self._lock = threading.RLock()
        self.last_source = ""  # "memory" or "fts5": where the last search was answered

    @property
    def folder(self) -> Path | None:
        return None if self.home is None else self.home / "bm25"

    # -- upkeep ----------------------------------------------------------------------

    def sync(self, conn: sqlite3.Connection) -> str:
        """Make the snapshot current (rebuilt and saved if it is not).

        Returns:
            ``"current"``, ``"loaded"`` (from disk), ``"rebuilt"`` or
            ``"unversioned"`` (a store opened read-only before it had the change
            counter: searches use FTS5).
        """
        return self._refresh(conn, rebuild_max=None)

    def _refresh(self, conn: sqlite3.Connection, *, rebuild_max: int | None) -> str:
        """Bring the snapshot in line with ``tokens``: kept, loaded from disk, or
        rebuilt and saved when the store has at most ``rebuild_max`` passages
        (``None``: any size). ``"stale"`` when it was too big to rebuild."""
        with self._lock:
            version = terms_version(conn)
            if version is None:
                return "unversioned"
            if self._version == version:
                return "current"
            if self._load(version):
                return "loaded"
            if rebuild_max is not None and self._count(conn) > rebuild_max:
                return "stale"
            self._rebuild(conn, version)
            self._save()
            return "rebuilt"

    def _rebuild(self, conn: sqlite3.Connection, version: int) -> None:
        bm25s = _bm25s()

        rows = conn.execute("SELECT chunk_id, terms FROM tokens ORDER BY chunk_id").fetchall()
        ids = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
        model = None
        if rows:
            model = bm25s.BM25(k1=K1, b=B, method="robertson")
            # The stored terms are the Thai tokeniser's output, space-joined: split
            # them where FTS5 does (any space), never with bm25s's own English
            # tokeniser.
            model.index([r[1].split() for r in rows], show_progress=False)
        self._model, self._ids, self._version = model, ids, version

    def _load(self, version: int) -> bool:
        folder = self.folder
        if folder is None or not (folder / "CURRENT").exists():
            return False
        try:
            bm25s = _bm25s()
            current = json.loads((folder / "CURRENT").read_text("utf-8"))
            if current.get("version") != version:
                return False
            snap = folder / str(current["dir"])
            ids = np.load(snap / "ids.npy")
            model = bm25s.BM25.load(str(snap), mmap=True) if len(ids) else None
            if model is not None and int(model.scores["num_docs"]) != len(ids):
                raise ValueError("snapshot ids do not match its matrix")
        except Exception as exc:  # noqa: BLE001 - a damaged cache is rebuilt, never trusted
            log.warning("ignoring the BM25 snapshot in %s: %s", folder, exc)
            return False
        self._model, self._ids, self._version = model, ids, version
        return True

    def _save(self) -> None:
        folder = self.folder
        if folder is None or self._version is None:
            return
        version = self._version
        name = f"v{version}-{os.getpid()}-{threading.get_ident()}-{time.time_ns()}"
        try:
            snap = folder / name
            snap.mkdir(parents=True)
            np.save(snap / "ids.npy", self._ids)
            if self._model is not None:
                self._model.save(str(snap))
            if _saved_version(folder) > version:  # another process saved a newer one
                shutil.rmtree(snap, ignore_errors=True)
                return
            tmp = folder / f".{name}.tmp"
            tmp.write_text(json.dumps({"version": version, "dir": name, "count": len(self._ids)}), "utf-8")
            os.replace(tmp, folder / "CURRENT")
        except OSError as exc:  # a read-only home still searches, from memory
            log.info("cannot save the BM25 snapshot in %s: %s", folder, exc)
            return
        for old in folder.iterdir():
            # Only older versions go: another process may be writing the same one.
            # A reader that mapped an old snapshot keeps its pages (POSIX).
            if old.is_dir() and old.name != name and _dir_version(old.name) < version:
                shutil.rmtree(old, ignore_errors=True)

    # -- queries ---------------------------------------------------------------------

    def search(
        self, conn: sqlite3.Connection, query: str, k: int, *, phrases: Sequence[str] = ()
    ) -> list[tuple[int, float]]:
        """Passages ranked by BM25: ``(chunk row id, score)``, best first; like
        :func:`search.bm25.bm25_search` (same ``phrases``), whose scores it reproduces.

        Raises:
            InputError: the query is empty.
        """
        words = lexical_terms(query, phrases)
        if not words or k <= 0:
            return []
        with self._lock:
            if self._refresh(conn, rebuild_max=self.inline_max) in ("stale", "unversioned"):
                self.last_source = "fts5"
                return bm25_search(conn, query, k, phrases=phrases)
            self.last_source = "memory"
            model, ids = self._model, self._ids
        if model is None:
            return []
        scores = _scores(model, words)
        hits = np.flatnonzero(scores > 0)
        if len(hits) > k:
            hits = hits[np.argpartition(-scores[hits], k - 1)[:k]]
        # Best first; equal scores by passage order, as FTS5 returns them.
        order = hits[np.lexsort((ids[hits], -scores[hits]))]
        return [(int(ids[i]), float(scores[i])) for i in order]

    @staticmethod
    def _count(conn: sqlite3.Connection) -> int:
        return int(conn.execute("SELECT count(*) FROM tokens").fetchone()[0])


def _saved_version(folder: Path) -> int:
    try:
        return int(json.loads((folder / "CURRENT").read_text("utf-8"))["version"])
    except (OSError, ValueError, KeyError, TypeError):
        return -1


def _dir_version(name: str) -> int:
    head = name.split("-", 1)[0]
    return int(head[1:]) if head[:1] == "v" and head[1:].isdigit() else -1


def _bm25s():  # type: ignore[no-untyped-def]
    import bm25s

    # bm25s sets its own logger to DEBUG on import; the CLI would print a line
    # for every snapshot it builds.
    logging.getLogger("bm25s").setLevel(logging.WARNING)
    return bm25s


def _scores(model, words: list[str]) -> np.ndarray:  # type: ignore[no-untyped-def]
    """FTS5's BM25 of every passage for the query terms (0 where none occurs)."""
    n = int(model.scores["num_docs"])
    data, indices, indptr = model.scores["data"], model.scores["indices"], model.scores["indptr"]
    total = np.zeros(n, dtype=np.float32)
    for word in words:
        # A term the tokeniser kept whole with spaces inside ("สัจจะลดรายจ่ายวันละ 1 บาท")
        # is stored as its pieces; FTS5 matches it as a phrase. Here a passage
        # must hold every piece, and scores their sum.
        pieces = list(dict.fromkeys(word.split()))
        if not pieces or any(p not in model.vocab_dict for p in pieces):
            continue
        tids = [model.vocab_dict[p] for p in pieces]
        part = model.get_scores(tids) * np.float32(K1 + 1.0)
        held = np.zeros(n, dtype=np.int32)
        for t in tids:
            a, b = int(indptr[t]), int(indptr[t + 1])
            docs = np.asarray(indices[a:b])
            held[docs] += 1
            if b > a and not data[a:b].any():
                # A term in more than half the passages weighs 0 in bm25s and 1e-6
                # in FTS5: its passages still match, last. Keeping them keeps the
                # BM25 list (and so its z-scores in hybrid fusion) as FTS5 has it.
                part[docs] += np.float32(1e-6)
        if len(tids) > 1:
            part[held < len(tids)] = 0
        total += part
    return total

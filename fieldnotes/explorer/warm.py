"""Warm start: load what the first search needs while the first page is being read.

On a large home folder the first search used to pay for loading the embedding
model, the FAISS index, the in-memory BM25 snapshot, the sparse index and the
entity index (the 7,941-note corpus: 4.2 s instead of a fraction of a second
for every later search), and the first case page for the similar-notes vectors.
:func:`start`, called by app.py at the end of every page's run, starts
:func:`warm` once per server process in a background thread, so the page that
was just drawn never waits for it and imports nothing heavy itself
(``tests/test_explorer_startup.py``): the heavy modules are imported inside
the thread.

The warm-up does what a page does, through the same loaders: a real search of
the facade, the cached entity index, a similar-notes lookup. Those loaders
take their own locks (the facade's engine lock, the engine's model lock, the
FAISS, BM25, sparse and document-vector locks, the word segmenter's lock,
Streamlit's per-key cache lock), so a search that starts while the warm-up
runs waits for the one load in progress rather than doing it again.

The warm-up gives way to the pages: app.py runs each page inside
:func:`page_running`, and between its steps the warm-up waits while any page
is running (at most :data:`YIELD_S` seconds), so it never takes a page's CPU
for a step that page may not need; a page that does need something loads it
itself, through the same locks.

A step that fails (e.g. the model cannot load on this CPU) is logged and
skipped; the page that needs it later tries again and reports the error as it
always did. ``Settings.warm_start`` (``FIELDNOTES_WARM_START=0``) turns the
warm-up off.

Example:
    >>> report = warm(kb)           # in the calling thread; start(kb) runs it in the background
    >>> report.failed
    {}
"""

from __future__ import annotations

import logging
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

import streamlit as st

__all__ = ["THREAD_NAME", "WARM_QUERY", "YIELD_S", "Warmup", "page_running", "warm", "start"]

log = logging.getLogger("fieldnotes.explorer")

#: Name of the background thread (tests and the server log can tell it apart).
THREAD_NAME = "fieldnotes-warm"
#: The query the warm-up searches for: Thai, so the word segmenter loads too.
WARM_QUERY = "กองทุนหมู่บ้าน"
#: Longest the warm-up waits, before a step, for the pages that are running to finish.
YIELD_S = 30.0

_pages = threading.Condition()
_running = 0


@dataclass
class Warmup:
    """What a warm-up did.

    Attributes:
        seconds: each step that ran (``open``, ``search``, ``entities``,
            ``similar``; ``search_bm25`` when ``search`` failed) → seconds.
        failed: each step that failed → the error, in words.
        done: set when the warm-up has finished (successfully or not).
        thread: the background thread, when :func:`start` made one.
    """

    seconds: dict[str, float] = field(default_factory=dict)
    failed: dict[str, str] = field(default_factory=dict)
    done: threading.Event = field(default_factory=threading.Event)
    thread: threading.Thread | None = None

    def wait(self, timeout: float | None = None) -> bool:
        """Wait until the warm-up has finished; False if ``timeout`` ran out first."""
        return self.done.wait(timeout)


@contextmanager
def page_running() -> Iterator[None]:
    """Mark a page's run (app.py draws every page inside it): the warm-up waits
    between its steps until no page is running."""
    global _running
    with _pages:
        _running += 1
    try:
        yield
    finally:
        with _pages:
            _running -= 1
            if not _running:
                _pages.notify_all()


def _give_way(timeout: float) -> None:
    with _pages:
        _pages.wait_for(lambda: not _running, timeout)


def _step(report: Warmup, name: str, fn: Any, give_way: float) -> Any:
    _give_way(give_way)  # holds no lock: a page never waits for this
    t = time.perf_counter()
    try:
        out = fn()
    except Exception as exc:  # noqa: BLE001 - a warm-up must never break a page
        report.failed[name] = f"{type(exc).__name__}: {exc}"
        log.warning("warm-up: %s failed (%s: %s); the page that needs it will load it and "
                    "report the error", name, type(exc).__name__, exc, exc_info=True)
        return None
    report.seconds[name] = round(time.perf_counter() - t, 3)
    return out


def warm(kb: Any, report: Warmup | None = None, *, query: str = WARM_QUERY,
         give_way: float = YIELD_S) -> Warmup:
    """Load the search engine's model and indexes, the entity index and the
    document vectors of ``kb``, in the calling thread; never raises.

    Steps, in the order a user meets them: a search in the default mode (model,
    FAISS index, BM25 snapshot, sparse index, word segmenter; when it fails, a
    BM25 search still loads the snapshot), the explorer's cached entity index,
    and the similar notes of the first hit (the document vectors of the case page).

    Before each step it waits, up to ``give_way`` seconds, while a page is
    running (:func:`page_running`). At the end it closes the calling thread's
    database connection (the background thread's own; another thread's next
    read reopens it).

    Returns:
        ``report`` (or a new :class:`Warmup`), with ``done`` set.
    """
    report = report or Warmup()
    try:
        _step(report, "open", lambda: kb.search_engine, give_way)
        hits = _step(report, "search", lambda: kb.search(query, k=1), give_way)
        if hits is None:
            hits = _step(report, "search_bm25", lambda: kb.search(query, k=1, mode="bm25"), give_way)
        from fieldnotes.explorer.data import cached_entity_index

        _step(report, "entities", lambda: cached_entity_index(kb), give_way)
        if hits:
            _step(report, "similar", lambda: kb.similar(hits[0].doc_id, k=1), give_way)
        log.info("warm-up of %s done: %s%s", kb.home,
                 ", ".join(f"{k} {v:.2f} s" for k, v in report.seconds.items()),
                 f"; failed: {', '.join(report.failed)}" if report.failed else "")
    finally:
        close = getattr(kb, "close", None)
        if close is not None:
            try:
                close()  # this thread's SQLite connection only
            except Exception:  # noqa: BLE001
                log.debug("warm-up: closing the connection failed", exc_info=True)
        report.done.set()
    return report


@st.cache_resource(show_spinner=False)
def _started(key: str, _kb: Any) -> Warmup:
    # One per knowledge base and server process: cache_resource is shared by
    # every session, and computes a key once even when two sessions ask at once.
    report = Warmup()
    report.thread = threading.Thread(target=warm, args=(_kb, report), name=THREAD_NAME, daemon=True)
    report.thread.start()
    return report


def start(kb: Any) -> Warmup | None:
    """Start :func:`warm` in a background thread, once per knowledge base and process.

    Cheap to call on every run (app.py calls it after drawing each page).

    Returns:
        The running or finished warm-up; ``None`` when ``Settings.warm_start``
        is off or the home folder holds no note yet.
    """
    if not getattr(getattr(kb, "settings", None), "warm_start", True):
        return None
    try:
        from fieldnotes.explorer.common import is_empty

        if is_empty(kb):
            return None
        return _started(f"{Path(kb.home).resolve()}#{id(kb)}", kb)
    except Exception:  # noqa: BLE001 - a warm-up must never break a page
        log.warning("warm-up could not start", exc_info=True)
        return None

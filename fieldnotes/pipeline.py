"""The ingest pipeline: files → documents → chunks, terms, vectors, mentions, in transactions.

Plain functions under the facade. Work is done in batches: parse a few
documents, embed all their chunks in one call (the model is the slow part),
then write the whole batch in one SQLite transaction. A crash loses at most the
batch in flight and never leaves half a document: the next run picks up where
this one stopped because finished files are recorded in ``sources``.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Sequence

from fieldnotes.errors import FieldnotesError, UnreadableFileError
from fieldnotes.settings import Settings
from ingest.models import Chunk, Document
from ingest.store import Store
from ingest.walk import Candidate

__all__ = ["IngestReport", "Hooks", "ingest_candidates"]

log = logging.getLogger("fieldnotes.ingest")


@dataclass
class IngestReport:
    """What an ingest run did.

    Attributes:
        added: documents new to the store.
        updated: files whose content changed; their old version was replaced.
        unchanged: files already ingested with the same content.
        duplicates: files whose content is already stored under another name
            (``(path as given, id of the stored document)``).
        failed: files that could not be ingested, with the reason.
        seconds: wall time per stage.
    """

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    duplicates: list[tuple[str, str]] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """True when no file failed."""
        return not self.failed

    def to_json(self) -> dict[str, object]:
        """The JSON shape of ``fieldnotes ingest --json``."""
        return {
            "added": len(self.added),
            "updated": len(self.updated),
            "unchanged": len(self.unchanged),
            "duplicates": [{"source": s, "duplicate_of": d} for s, d in self.duplicates],
            "failed": [{"source": s, "reason": r} for s, r in self.failed],
            "seconds": {k: round(v, 3) for k, v in self.seconds.items()},
        }

    def _tick(self, stage: str, since: float) -> float:
        now = time.perf_counter()
        self.seconds[stage] = self.seconds.get(stage, 0.0) + now - since
        return now


@dataclass(frozen=True)
class Hooks:
    """What the other rooms add to a document's transaction.

    Attributes:
        parse: ``(path, source) -> Document``.
        chunk: ``Document -> list[Chunk]``.
        terms: ``text -> list[str]`` index terms (the one Thai tokeniser).
        embed: ``list[str] -> array (n, dim)`` passage vectors, or ``None``.
        write_search: ``(conn, rowids, chunks, terms, vectors)`` inside the transaction.
        extract: ``Document -> list[Mention]``, or ``None``.
        write_graph: ``(conn, doc, mentions, chunk_spans)`` inside the transaction.
    """

    parse: Callable[[Path, str], Document]
    chunk: Callable[[Document], list[Chunk]]
    terms: Callable[[str], list[str]]
    embed: Callable[[list[str]], object] | None = None
    write_search: Callable[..., None] | None = None
    extract: Callable[[Document], list] | None = None
    write_graph: Callable[..., None] | None = None


@dataclass
class _Parsed:
    cand: Candidate
    doc: Document
    stat: tuple[int, float]
    replaces: str | None  # id of this file's previous document, if it changed
    duplicate: bool = False  # same content as a document of the batch in flight


def ingest_candidates(
    store: Store,
    candidates: Sequence[Candidate],
    hooks: Hooks,
    settings: Settings,
    *,
    progress: Callable[[int], None] | None = None,
    batch_chunks: int = 64,
) -> IngestReport:
    """Ingest files into ``store``; one transaction per batch of documents.

    Args:
        store: the open store.
        candidates: files from :func:`ingest.walk.iter_files`.
        hooks: parse/chunk/embed/extract and the writers of the other rooms.
        settings: the settings in force.
        progress: called with the number of files finished since the last call.
        batch_chunks: embed and write once this many chunks are pending.

    Returns:
        The report; a file that fails is listed there, it never stops the run.
    """
    report = IngestReport()
    batch: list[_Parsed] = []
    pending_ids: set[str] = set()
    n_chunks = 0
    for cand in candidates:
        t = time.perf_counter()
        parsed = _parse_one(store, cand, hooks, report, pending_ids)
        t = report._tick("parse", t)
        if parsed is None:
            if progress:
                progress(1)
            continue
        batch.append(parsed)
        if parsed.duplicate:
            continue
        pending_ids.add(parsed.doc.id)
        n_chunks += max(1, len(parsed.doc.text) // 1200)
        if n_chunks >= batch_chunks:
            _write_batch(store, batch, hooks, report)
            if progress:
                progress(len(batch))
            batch, n_chunks = [], 0
            pending_ids.clear()
    if batch:
        _write_batch(store, batch, hooks, report)
        if progress:
            progress(len(batch))
    return report


def _parse_one(
    store: Store, cand: Candidate, hooks: Hooks, report: IngestReport, pending: set[str]
) -> _Parsed | None:
    path = str(cand.path)
    if cand.problem:
        report.failed.append((cand.given, cand.problem))
        store.record_failure(path, cand.given, cand.problem)
        return None
    try:
        st = cand.path.stat()
    except OSError as exc:
        reason = f"cannot read file: {exc.strerror}"
        report.failed.append((cand.given, reason))
        store.record_failure(path, cand.given, reason)
        return None
    known = store.source_row(path)
    if known is not None and known[2] == st.st_size and known[3] == st.st_mtime:
        report.unchanged.append(cand.given)
        return None
    try:
        doc = hooks.parse(cand.path, cand.given)
    except UnreadableFileError as exc:
        report.failed.append((cand.given, exc.reason))
        store.record_failure(path, cand.given, exc.reason)
        return None
    except FieldnotesError as exc:
        report.failed.append((cand.given, str(exc)))
        store.record_failure(path, cand.given, str(exc))
        return None
    except Exception as exc:  # a parser bug must not stop a run of thousands of files
        log.exception("unexpected error parsing %s", cand.given)
        reason = f"internal error while parsing ({type(exc).__name__}: {exc})"
        report.failed.append((cand.given, reason))
        store.record_failure(path, cand.given, reason)
        return None
    stat = (st.st_size, st.st_mtime)
    if known is not None and known[0] == doc.id:
        # Touched but not changed: remember the new stat so the next run skips it fast.
        with store.transaction():
            store.link_source(path, cand.given, doc.id, doc.id, *stat)
        report.unchanged.append(cand.given)
        return None
    if doc.id in pending:
        # Same content as a document not yet written: link it after the batch.
        report.duplicates.append((cand.given, doc.id))
        return _Parsed(cand, doc, stat, known[0] if known is not None else None, duplicate=True)
    if store.has_document(doc.id):
        with store.transaction():
            if known is not None:
                _drop_if_orphan(store, known[0], path)
            store.link_source(path, cand.given, doc.id, doc.id, *stat)
        report.duplicates.append((cand.given, doc.id))
        return None
    return _Parsed(cand, doc, stat, known[0] if known is not None else None)


def _drop_if_orphan(store: Store, doc_id: str, leaving_path: str) -> None:
    others = [p for p in store.sources_of(doc_id) if p != leaving_path]
    if not others:
        store.delete_document(doc_id)


def _write_batch(store: Store, batch: list[_Parsed], hooks: Hooks, report: IngestReport) -> None:
    t = time.perf_counter()
    duplicates = [p for p in batch if p.duplicate]
    batch = [p for p in batch if not p.duplicate]
    chunked = [(p, hooks.chunk(p.doc)) for p in batch]
    t = report._tick("chunk", t)
    terms = [[hooks.terms(c.text) for c in chunks] for _, chunks in chunked]
    t = report._tick("tokenise", t)
    vectors = None
    if hooks.embed is not None:
        texts = [c.text for _, chunks in chunked for c in chunks]
        vectors = hooks.embed(texts) if texts else None
    t = report._tick("embed", t)
    mentions = [hooks.extract(p.doc) if hooks.extract else [] for p in batch]
    t = report._tick("extract", t)
    offset = 0
    with store.transaction() as conn:
        for (p, chunks), doc_terms, doc_mentions in zip(chunked, terms, mentions):
            path = str(p.cand.path)
            if p.replaces is not None:
                _drop_if_orphan(store, p.replaces, path)
            rowids = store.put_document(p.doc, chunks)
            store.put_terms(list(zip(rowids, doc_terms)))
            if hooks.write_search is not None:
                vecs = None if vectors is None else vectors[offset : offset + len(chunks)]
                hooks.write_search(conn, rowids, chunks, doc_terms, vecs)
            offset += len(chunks)
            if hooks.write_graph is not None:
                spans = [(r, c.start, c.end) for r, c in zip(rowids, chunks)]
                hooks.write_graph(conn, p.doc, doc_mentions, spans)
            store.link_source(path, p.cand.given, p.doc.id, p.doc.id, *p.stat)
            (report.updated if p.replaces else report.added).append(p.cand.given)
        for p in duplicates:
            path = str(p.cand.path)
            if p.replaces is not None:
                _drop_if_orphan(store, p.replaces, path)
            store.link_source(path, p.cand.given, p.doc.id, p.doc.id, *p.stat)
    report._tick("write", t)


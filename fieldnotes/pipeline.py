"""The ingest pipeline: files → documents → chunks, terms, vectors, mentions, in transactions.

Plain functions under the facade. Work is done in batches: parse a few
documents, prepare them (passages, index terms, mentions; in worker processes
for big runs, see :mod:`fieldnotes.prepare`), embed all their chunks in one
call, then write the whole batch in one SQLite transaction, in file order. A crash loses at most the
batch in flight and never leaves half a document: the next run picks up where
this one stopped because finished files are recorded in ``sources``.
"""

from __future__ import annotations

import logging
import time
from collections import deque
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Sequence

import numpy as np

from fieldnotes.errors import FieldnotesError, UnreadableFileError
from fieldnotes.prepare import Prepare, Prepared, Preparer, auto_workers
from fieldnotes.settings import Settings
from ingest.models import Document
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
        seconds: wall time per stage of this process (``parse``, ``prepare``,
            ``wait`` for workers, ``embed``, ``write``) and the summed time of
            the workers' stages (``chunk``, ``tokenise``, ``extract`` and
            ``embed_worker`` for static models).
        workers: processes that prepared documents (1 = this one).
    """

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    duplicates: list[tuple[str, str]] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)
    workers: int = 1

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
            "workers": self.workers,
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
        prepare: passages, index terms and mentions of a document
            (:class:`fieldnotes.prepare.Prepare`; picklable, so it can run in
            worker processes).
        embed: ``list[str] -> array (n, dim)`` passage vectors, or ``None``.
        write_search: ``(conn, rowids, chunks, terms, vectors)`` inside the transaction.
        write_graph: ``(conn, doc, mentions, chunk_spans)`` inside the transaction.
    """

    parse: Callable[[Path, str], Document]
    prepare: Prepare
    embed: Callable[[list[str]], object] | None = None
    write_search: Callable[..., None] | None = None
    write_graph: Callable[..., None] | None = None


@dataclass
class _Parsed:
    cand: Candidate
    doc: Document
    stat: tuple[int, float]
    replaces: str | None  # id of this file's previous document, if it changed
    duplicate: bool = False  # same content as a document of a batch in flight


@dataclass
class _Batch:
    items: list[_Parsed]
    prepared: Future  # of list[Prepared], one per non-duplicate item


def ingest_candidates(
    store: Store,
    candidates: Sequence[Candidate],
    hooks: Hooks,
    settings: Settings,
    *,
    progress: Callable[[int], None] | None = None,
) -> IngestReport:
    """Ingest files into ``store``; one transaction per batch of documents.

    Parsing and writing happen here, in order; passages, terms and mentions of
    each batch are prepared by worker processes (``Settings.workers``; all
    cores for runs of 200 files or more) while earlier batches are embedded and
    written, so both cores work on a big corpus.

    Args:
        store: the open store.
        candidates: files from :func:`ingest.walk.iter_files`.
        hooks: parse/prepare/embed and the writers of the other rooms.
        settings: the settings in force.
        progress: called with the number of files finished since the last call.

    Returns:
        The report; a file that fails is listed there, it never stops the run.
    """
    report = IngestReport()
    workers = auto_workers(settings.workers, len(candidates))
    report.workers = workers
    batch: list[_Parsed] = []
    in_flight: deque[_Batch] = deque()
    # Ids of documents parsed but not yet written: a second file with the same
    # text is linked to the first after its batch is written.
    pending_ids: set[str] = set()
    n_chunks = 0

    def flush(limit: int) -> None:
        while len(in_flight) > limit:
            done = in_flight.popleft()
            _write_batch(store, done, hooks, report)
            pending_ids.difference_update(p.doc.id for p in done.items)
            if progress:
                progress(len(done.items))

    with Preparer(hooks.prepare, workers) as preparer:
        def submit() -> None:
            t = time.perf_counter()
            docs = [p.doc for p in batch if not p.duplicate]
            in_flight.append(_Batch(list(batch), preparer.submit(docs)))
            report._tick("prepare", t)
            # Two batches per worker keep the pool busy while this process writes.
            flush(2 * workers if workers > 1 else 0)

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
            if n_chunks >= settings.batch_chunks:
                submit()
                batch, n_chunks = [], 0
        if batch:
            submit()
        flush(0)
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


def _write_batch(store: Store, done: _Batch, hooks: Hooks, report: IngestReport) -> None:
    t = time.perf_counter()
    duplicates = [p for p in done.items if p.duplicate]
    batch = [p for p in done.items if not p.duplicate]
    prepared: list[Prepared] = done.prepared.result()
    t = report._tick("wait", t)
    good = []
    for p, prep in zip(batch, prepared):
        for stage, sec in zip(("chunk", "tokenise", "extract", "embed_worker"), prep.seconds):
            # Summed over workers: CPU seconds, which can exceed the wall time.
            report.seconds[stage] = report.seconds.get(stage, 0.0) + sec
        if prep.error is None:
            good.append((p, prep))
            continue
        report.failed.append((p.cand.given, prep.error))
        store.record_failure(str(p.cand.path), p.cand.given, prep.error)
    vectors = None
    if good and all(prep.vectors is not None or not prep.chunks for _, prep in good):
        vectors = np.concatenate([prep.vectors for _, prep in good if prep.chunks])
    elif hooks.embed is not None:
        texts = [c.text for _, prep in good for c in prep.chunks]
        vectors = hooks.embed(texts) if texts else None
    t = report._tick("embed", t)
    offset = 0
    written = {p.doc.id for p, _ in good}
    with store.transaction() as conn:
        for p, prep in good:
            chunks, doc_terms = list(prep.chunks), [list(x) for x in prep.terms]
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
                hooks.write_graph(conn, p.doc, list(prep.mentions), spans)
            store.link_source(path, p.cand.given, p.doc.id, p.doc.id, *p.stat)
            (report.updated if p.replaces else report.added).append(p.cand.given)
        for p in duplicates:
            path = str(p.cand.path)
            if p.doc.id not in written and not store.has_document(p.doc.id):
                continue  # its original failed; it failed with it (listed there)
            if p.replaces is not None:
                _drop_if_orphan(store, p.replaces, path)
            store.link_source(path, p.cand.given, p.doc.id, p.doc.id, *p.stat)
    report._tick("write", t)

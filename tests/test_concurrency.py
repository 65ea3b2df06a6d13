"""The explorer reading while an ingest writes: no errors, no torn reads (issue #6).

A ``fieldnotes ingest`` subprocess adds 80 thaigov releases to a home folder
that already holds the seed posts. Meanwhile this process reads the same home
the way the explorer does: one :class:`~fieldnotes.kb.KnowledgeBase` opened
once (``app.load_kb`` is an ``st.cache_resource``, opened with the settings of
the environment, not read-only) and shared by the main thread and two more
(Streamlit serves each session from its own thread), calling the explorer's
own page functions (``search_hits``, ``result_cards``, ``similar_cards``) and
the facade (stats, docs listing, passages, who, entities).

Every read checks what a torn read would break: a search hit's text is the
stored document's text at ``[start:end]``, a note's passages are its text at
their offsets and in order, a listed note is stored with its passages, an
evidence passage is the note's text at its offsets, and the number of notes
never goes down. The test also proves it
overlapped with the writing: reads saw a number of notes strictly *between*
the count before the ingest and the count after it, i.e. while some of the
ingest's transactions had committed and others had not.

Three bugs found this way (the explorer not following a rebuilt graph, a pruned
graph generation still in use, a torn docs listing) are pinned by tests at the end.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
import sys
import threading
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest

from fieldnotes.errors import StoreError
from fieldnotes.explorer.case_page import similar_cards
from fieldnotes.explorer.data import entity_index
from fieldnotes.explorer.search_page import result_cards, search_hits
from fieldnotes.kb import KnowledgeBase
from ingest.parse import parse_file
from tests.conftest import CORPUS, fast_model

THAIGOV = Path(__file__).resolve().parents[2] / "shared" / "corpora" / "thaigov-community"

pytestmark = [
    pytest.mark.skipif(not THAIGOV.is_dir(), reason=f"needs the thaigov corpus at {THAIGOV}"),
    # With e5-small only, the ingest takes minutes on 2 cores (see test_crash.py).
    *([] if fast_model() == "static" else [pytest.mark.slow]),
]

# Enough small releases for several write batches (12 passages each here, see
# _ingest_cmd), so that reads land between commits, not only before and after;
# few enough that the ingest takes ~20 s while it is being read.
N_THAIGOV = 80
QUERIES = (
    "กองทุนหมู่บ้าน",
    "ธนาคารชุมชน",
    "สัจจะลดรายจ่ายวันละ 1 บาท",
    "นายกรัฐมนตรีประชุมคณะรัฐมนตรี",
    "เกษตรกรรายย่อย",
)
THEME = "กองทุนหมู่บ้าน"
MODES = ("hybrid", "bm25", "dense")
READ_BUDGET_S = 45.0  # reading stops after this, whatever the writer does
WRITER_GRACE_S = 90.0  # then the writer may take this much longer (a loaded machine)
READER_THREADS = 2
# A session asks, renders, then the user reads: a pause between rounds also
# leaves the writer its share of the two cores (else it takes minutes).
PAUSE_S = 0.5


def _notes(folder: Path) -> list[Path]:
    """The seeds (already stored: they come back as duplicates) and small thaigov releases."""
    folder.mkdir()
    for p in CORPUS.glob("*.txt"):
        shutil.copy(p, folder / p.name)
    small = sorted(p for p in THAIGOV.glob("*.txt") if p.stat().st_size < 9000)
    for p in small[:N_THAIGOV]:
        shutil.copy(p, folder / p.name)
    return sorted(folder.iterdir())


def _doc_id(path: Path) -> str:
    return parse_file(path, str(path), max_bytes=32 << 20).id


def _ingest_cmd(home: Path) -> tuple[list[str], dict[str, str]]:
    # Small write batches: many commits, so reads land between them (with the
    # default 64 passages these releases make two batches, and a read could miss
    # the one state between them: seen once in CI).
    env = dict(os.environ, FIELDNOTES_HOME=str(home), FIELDNOTES_MODEL=fast_model(),
               FIELDNOTES_BATCH_CHUNKS="12")
    return [sys.executable, "-m", "fieldnotes.cli", "ingest", "--json"], env


@dataclass
class _Reader:
    """One explorer session: what it read and what went wrong."""

    name: str
    known_doc: str
    seed: int
    reads: int = 0
    reads_while_writing: int = 0
    counts_while_writing: set[int] = field(default_factory=set)
    last_count: int = 0
    torn_listings: int = 0
    errors: list[str] = field(default_factory=list)
    _index: tuple[int, dict[str, Any]] = (-1, {})

    def entity_index(self, kb: KnowledgeBase, n: int) -> dict[str, Any]:
        """``entity_index(kb.entities())``, rebuilt when the count changes (the explorer caches it)."""
        if self._index[0] != n:
            self._index = (n, entity_index(kb.entities()))
        return self._index[1]

    def read_once(self, kb: KnowledgeBase, rng: random.Random) -> int:
        """One round of what the explorer's pages ask; returns the number of notes seen."""
        n = int(kb.stats()["documents"])
        assert n >= self.last_count, f"documents went down from {self.last_count} to {n}"
        self.last_count = n

        query = rng.choice(QUERIES)
        index = self.entity_index(kb, n)
        mode = MODES[self.reads % len(MODES)]  # one search per page view, modes in turn
        hits = search_hits(kb, query, k=10, mode=mode)
        # BM25 may find nothing for a query whose words are not all stored yet.
        assert hits or mode == "bm25", f"no {mode} hit for {query!r} in {n} notes"
        for h in hits:
            doc = kb.document(h.doc_id)
            assert doc.text[h.start : h.end] == h.text, (
                f"torn read: hit {h.chunk_id} [{h.start}:{h.end}] is not the stored text"
            )
        cards = result_cards(kb, hits, query, index=index)
        assert {c.doc_id for c in cards} == {h.doc_id for h in hits}

        listing = kb.docs_json()
        assert len(listing) >= n, f"listing has {len(listing)} notes, stats said {n} before"
        for d in listing:
            if not d["n_chunks"]:
                # docs_json counts passages and lists notes in two snapshots (a
                # known bug, see test_docs_listing_is_one_snapshot); the note
                # itself must still be whole.
                assert kb.chunks(str(d["id"])), f"note {d['id']} stored without passages"
                self.torn_listings += 1
        pick = rng.choice([d for d in listing if d["n_chunks"]])
        doc = kb.document(str(pick["id"]))
        chunks = kb.chunks(doc.id)
        assert [c.index for c in chunks] == list(range(len(chunks))) == list(range(pick["n_chunks"]))
        for c in chunks:
            assert doc.text[c.start : c.end] == c.text, f"torn read: chunk {doc.id}:{c.index}"

        similar = similar_cards(kb, self.known_doc, k=5, index=index)
        assert similar and self.known_doc not in {s.doc_id for s in similar}
        ranks = kb.who(THEME, k=5)
        assert ranks, f"nobody works on {THEME!r} any more"
        for r in ranks:
            for ev in r.evidence:
                text = kb.document(str(ev["doc_id"])).text
                assert text[int(ev["start"]) : int(ev["end"])] == ev["text"], "torn evidence"
        return n

    def run(
        self, kb: KnowledgeBase, writing: threading.Event, stop: threading.Event,
        also: Callable[[int], None] = lambda n: None,
    ) -> None:
        """Read while the writer runs, until ``stop``; keep the first errors with tracebacks.

        ``also(n)`` runs after each round (the main thread opens fresh knowledge bases there).
        """
        rng = random.Random(self.seed)
        try:
            while writing.is_set() and not stop.is_set() and len(self.errors) < 3:
                try:
                    n = self.read_once(kb, rng)
                    also(n)
                except Exception:  # noqa: BLE001 - collected and reported by the test
                    self.errors.append(traceback.format_exc())
                    continue
                self.reads += 1
                if writing.is_set():  # the round began and ended while the writer ran
                    self.reads_while_writing += 1
                    self.counts_while_writing.add(n)
                stop.wait(PAUSE_S)
        finally:
            kb.close()  # this thread's SQLite connection


@dataclass
class _Run:
    """What the scenario observed, for the tests below."""

    home: Path
    kb: KnowledgeBase
    readers: list[_Reader]
    before: int
    expected: set[str]
    newest: str
    graph_before: Path
    finished: bool
    returncode: int | None
    stdout: str
    stderr: str
    opened_fresh: bool


def _read_during_ingest(
    kb: KnowledgeBase, home: Path, folder: Path, readers: list[_Reader], before: int
) -> tuple[subprocess.Popen[bytes], bool, bool]:
    """Start the ingest, read from the main thread and the reader threads until it ends."""
    cmd, env = _ingest_cmd(home)
    out, err = home.parent / "ingest.json", home.parent / "ingest.err"
    writing, stop = threading.Event(), threading.Event()
    with out.open("w") as fo, err.open("w") as fe:
        proc = subprocess.Popen([*cmd, str(folder)], env=env, stdout=fo, stderr=fe)
    writing.set()

    def watch() -> None:  # clears `writing` the moment the writer exits
        proc.wait()
        writing.clear()

    watcher = threading.Thread(target=watch, name="watcher", daemon=True)
    watcher.start()
    threads = [
        threading.Thread(target=r.run, args=(kb, writing, stop), name=r.name, daemon=True)
        for r in readers[1:]
    ]
    for t in threads:
        t.start()
    opened: list[int] = []

    def open_fresh(n: int) -> None:
        # The explorer (re)started in the middle of an ingest, and the CLI's
        # read-only opening (`fieldnotes search` meanwhile), once.
        if opened or n <= before:
            return
        for readonly in (False, True):
            fresh = KnowledgeBase(str(home), readonly=readonly)
            assert fresh.stats()["documents"] >= n
            assert search_hits(fresh, THEME, mode="hybrid")
            fresh.close()
        opened.append(n)

    timer = threading.Timer(READ_BUDGET_S, stop.set)
    timer.start()
    try:
        readers[0].run(kb, writing, stop, also=open_fresh)
    finally:
        timer.cancel()
        stop.set()
        for t in threads:
            t.join(timeout=30)
        # Reading is over; on a loaded machine the writer may still need a while.
        watcher.join(timeout=WRITER_GRACE_S)
        finished = not watcher.is_alive()
        if not finished:
            proc.kill()
            watcher.join(timeout=30)
    return proc, finished, bool(opened)


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[_Run]:
    """Seed a home, open it as the explorer does, ingest 80 releases while reading it."""
    tmp = tmp_path_factory.mktemp("concurrency")
    home = tmp / "home"
    cmd, env = _ingest_cmd(home)
    seeded = subprocess.run([*cmd, str(CORPUS)], env=env, capture_output=True, text=True, timeout=180)
    assert seeded.returncode == 0, seeded.stderr
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("FIELDNOTES_HOME", str(home))
        mp.setenv("FIELDNOTES_MODEL", fast_model())
        kb = KnowledgeBase(str(home))  # exactly app.load_kb's call
        known = next(d.id for d in kb.documents() if d.title == "ต้นฉบับ KM")
        before = kb.stats()["documents"]
        for mode in MODES:  # load the model and the FAISS index before the writer starts
            search_hits(kb, QUERIES[0], mode=mode)
        graph_before = kb.kg.path
        notes = _notes(tmp / "notes")
        readers = [_Reader(f"reader-{i}", known, seed=i) for i in range(READER_THREADS + 1)]
        proc, finished, opened_fresh = _read_during_ingest(kb, home, tmp / "notes", readers, before)
        yield _Run(
            home=home,
            kb=kb,
            readers=readers,
            before=before,
            expected={_doc_id(p) for p in notes},
            newest=_doc_id(notes[-1]),
            graph_before=graph_before,
            finished=finished,
            returncode=proc.returncode,
            stdout=(tmp / "ingest.json").read_text("utf-8"),
            stderr=(tmp / "ingest.err").read_text("utf-8"),
            opened_fresh=opened_fresh,
        )
        kb.close()


def test_explorer_reads_while_an_ingest_writes(run: _Run) -> None:
    errors = [e for r in run.readers for e in r.errors]
    assert not errors, f"{len(errors)} reader error(s); the first:\n{errors[0]}"
    assert run.finished, f"the ingest did not finish within {READ_BUDGET_S + WRITER_GRACE_S:.0f} s"
    assert run.returncode == 0, run.stderr[-3000:]
    after = json.loads(run.stdout)["store"]["documents"]
    assert after == len(run.expected)

    # The reads really overlapped with the writing: enough of them, in every
    # thread, and some saw a count strictly between before and after.
    during = sum(r.reads_while_writing for r in run.readers)
    seen = set().union(*(r.counts_while_writing for r in run.readers))
    assert during >= 10, f"only {during} reads while the ingest ran"
    assert all(r.reads_while_writing >= len(MODES) for r in run.readers), [
        (r.name, r.reads_while_writing) for r in run.readers]
    assert any(run.before < c < after for c in seen), f"no read between two commits: {sorted(seen)}"
    assert run.opened_fresh, "no knowledge base was opened while the ingest ran"

    # Afterwards the explorer's long-lived object sees everything: every note,
    # the newest in every search mode (FAISS follows the table), its similar cases.
    kb = run.kb
    assert kb.stats()["documents"] == after
    assert {d["id"] for d in kb.docs_json()} == run.expected
    title = kb.document(run.newest).title
    for mode in MODES:
        ids = {h.doc_id for h in search_hits(kb, title, k=10, mode=mode)}
        assert run.newest in ids, f"{mode} search for the newest note's title misses it"
    assert kb.similar(run.newest, k=3)
    assert kb.check()["search"]["ok"]

    # A knowledge base opened now reads the graph the ingest rebuilt.
    fresh = KnowledgeBase(str(run.home))
    try:
        assert fresh.kg.path != run.graph_before
        assert fresh.kg.meta["fingerprint"]["documents"] == after
        assert not fresh.check()["graph"]["stale"]
        assert fresh.who(THEME, k=5)
    finally:
        fresh.close()


# Regression (found by this file): the explorer's graph was opened once and
# never followed a rebuild made by `fieldnotes ingest` in another process.
def test_explorer_follows_the_graph_an_ingest_rebuilt(run: _Run) -> None:
    fresh = KnowledgeBase(str(run.home))
    try:
        assert run.kb.kg.path == fresh.kg.path, "the explorer still reads the old graph"
        assert len(run.kb.entities()) == len(fresh.entities())
    finally:
        fresh.close()


# Regression, same cause: graph.rebuild keeps two generations, so the second
# rebuild by someone else (an ingest, `fieldnotes check --repair`, a curation in
# another session's object) deleted the folder of the graph the explorer still
# used; what it had not loaded yet (network.json, entities.json) was gone.
def test_explorer_network_survives_a_second_rebuild(run: _Run) -> None:
    other = KnowledgeBase(str(run.home))  # the ingest above made the first rebuild
    other.rebuild_graph()
    other.close()
    net = run.kb.network()  # the network page; its file was never loaded by this object
    assert net["nodes"]


# Regression (KnowledgeBase.docs_json): the passage counts and the notes were
# read by two statements, i.e. two snapshots; a batch committed between them was
# listed with 0 passages. Reproduced deterministically: the commit lands between.
def test_docs_listing_is_one_snapshot(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from ingest.models import Chunk
    from ingest.store import Store

    home = tmp_path / "home"
    kb = KnowledgeBase(str(home))
    writer = Store(home / "store.sqlite")  # another connection, as the ingest process has
    seed = sorted(CORPUS.glob("*.txt"))[0]
    doc = parse_file(seed, str(seed), max_bytes=32 << 20)
    counts = kb.store.chunk_counts

    def counts_then_a_commit() -> dict[str, int]:
        out = counts()
        with writer.transaction():
            writer.put_document(doc, [Chunk(doc.id, 0, 0, len(doc.text), doc.text)])
        return out

    monkeypatch.setattr(kb.store, "chunk_counts", counts_then_a_commit)
    listing = kb.docs_json()
    writer.close()
    kb.close()
    assert all(d["n_chunks"] == 1 for d in listing), listing

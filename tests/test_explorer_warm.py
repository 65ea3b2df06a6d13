"""The explorer's warm start (:mod:`fieldnotes.explorer.warm`), on the seed corpus.

After the first page is drawn, app.py loads the search model, the FAISS index,
the BM25 snapshot, the entity index and the document vectors in one background
thread per server process, so the first search or case page does not wait for
them. Checked here: it loads them (directly and through ``app.py`` in AppTest),
a search racing it loads nothing twice, it waits while pages are running, a
failing loader is logged and never shown on a page (the search itself still
reports it), and ``FIELDNOTES_WARM_START=0`` turns it off. That the first page itself stays
light is tests/test_explorer_startup.py.
"""

from __future__ import annotations

import logging
import threading
import time
from pathlib import Path
from typing import Any

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

import ingest.tokens
import search.engine
from fieldnotes.errors import ConfigError, ModelError
from fieldnotes.explorer import data, warm
from fieldnotes.explorer.case_page import similar_cards
from fieldnotes.explorer.search_page import search_hits
from fieldnotes.kb import KnowledgeBase
from fieldnotes.settings import Settings

from tests.test_explorer_kit import ROOT, explorer_home  # noqa: F401 - fixture

APP = str(ROOT / "app.py")
QUERY = "กองทุนหมู่บ้าน"
BROKEN = "the model cannot be loaded on this CPU (test)"


class Loads:
    """Wraps the engine's model loader: counts the loads and names their threads."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, *, delay: float = 0.0, fail: bool = False) -> None:
        self.threads: list[str] = []
        self._lock = threading.Lock()
        real = search.engine.load_embedder

        def load(*args: Any, **kwargs: Any) -> Any:
            with self._lock:
                self.threads.append(threading.current_thread().name)
            time.sleep(delay)
            if fail:
                raise ModelError(BROKEN)
            return real(*args, **kwargs)

        monkeypatch.setattr(search.engine, "load_embedder", load)


class Started:
    """Records the warm-ups that app.py starts (the knowledge base and the report)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.runs: list[tuple[Any, warm.Warmup]] = []
        real = warm.warm

        def record(kb: Any, report: warm.Warmup | None = None, **kw: Any) -> warm.Warmup:
            self.runs.append((kb, report))  # type: ignore[arg-type]
            return real(kb, report, **kw)

        monkeypatch.setattr(warm, "warm", record)

    def one(self) -> tuple[Any, warm.Warmup]:
        assert len(self.runs) == 1, f"{len(self.runs)} warm-ups started"
        kb, report = self.runs[0]
        assert report.wait(120), "the warm-up did not finish"
        return kb, report


@pytest.fixture()
def kb(explorer_home: Path) -> Any:  # noqa: F811
    st.cache_resource.clear()
    st.cache_data.clear()
    k = KnowledgeBase(explorer_home)
    yield k
    k.close()


@pytest.fixture()
def app(monkeypatch: pytest.MonkeyPatch, explorer_home: Path):  # noqa: F811
    """Factory: ``app(warm_start=None, clear=True)`` → the search page after its first run."""
    def make(warm_start: str | None = None, *, clear: bool = True) -> AppTest:
        monkeypatch.setenv("FIELDNOTES_HOME", str(explorer_home))
        if warm_start is None:
            monkeypatch.delenv("FIELDNOTES_WARM_START", raising=False)
        else:
            monkeypatch.setenv("FIELDNOTES_WARM_START", warm_start)
        if clear:
            st.cache_resource.clear()
            st.cache_data.clear()
        return AppTest.from_file(APP, default_timeout=90).run()

    return make


def _loaded(kb: Any) -> None:
    """Everything the first search and the first case page need is in memory."""
    assert kb._search_engine is not None, "the engine was not created"
    engine = kb.search_engine
    assert engine._embedder is not None, "the model was not loaded"
    assert engine.index.size == kb.stats()["chunks"], "the FAISS index was not loaded"
    assert engine.terms.last_source == "memory", "the BM25 snapshot was not loaded"
    assert engine.docs.doc_ids, "the similar-notes vectors were not computed"


def _search(at: AppTest, query: str = QUERY) -> AppTest:
    at.text_input(key="s_query").input(query)
    return at.run()


# -- the setting ---------------------------------------------------------------------


def test_warm_start_setting_is_on_by_default_and_read_from_the_environment() -> None:
    assert Settings().warm_start is True
    assert Settings.from_env({}).warm_start is True
    for off in ("0", "false", "No", "off"):
        assert Settings.from_env({"FIELDNOTES_WARM_START": off}).warm_start is False
    for on in ("1", "true", "yes", "ON"):
        assert Settings.from_env({"FIELDNOTES_WARM_START": on}).warm_start is True
    with pytest.raises(ConfigError, match="FIELDNOTES_WARM_START"):
        Settings.from_env({"FIELDNOTES_WARM_START": "later"})


# -- warm() itself ---------------------------------------------------------------------


def test_warm_loads_the_model_indexes_entities_and_doc_vectors(kb: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    assert kb._search_engine is None
    report = warm.warm(kb)
    assert report.done.is_set()
    assert report.failed == {}
    assert {"open", "search", "entities", "similar"} <= set(report.seconds)
    _loaded(kb)
    # The explorer's entity index is cached for the pages: asking again does not rebuild it.
    monkeypatch.setattr(data, "entity_index", lambda _e: pytest.fail("the entity index was built again"))
    assert data.cached_entity_index(kb)


def test_a_failing_loader_is_logged_not_raised(
    kb: Any, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    Loads(monkeypatch, fail=True)
    with caplog.at_level(logging.WARNING, logger="fieldnotes.explorer"):
        report = warm.warm(kb)  # does not raise
    assert set(report.failed) == {"search"} and BROKEN in report.failed["search"]
    assert any("warm-up: search failed" in r.getMessage() and r.levelno == logging.WARNING
               for r in caplog.records), [r.getMessage() for r in caplog.records]
    # The rest was still warmed: the BM25 snapshot (a BM25 search) and the entity index.
    assert {"search_bm25", "entities"} <= set(report.seconds)
    assert kb.search_engine.terms.last_source == "memory"
    # The search itself reports the error, as it does without a warm-up.
    with pytest.raises(ModelError, match="cannot be loaded"):
        search_hits(kb, QUERY)


def test_a_search_racing_the_warm_up_loads_nothing_twice(kb: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    loads = Loads(monkeypatch, delay=0.5)  # a slow model: the page's search arrives mid-load
    # The word segmenter is made once per process: start from none, count the builds.
    segmenters: list[str] = []

    class Counted(ingest.tokens.Tokenizer):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            segmenters.append(threading.current_thread().name)
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(ingest.tokens, "Tokenizer", Counted)
    ingest.tokens.default_tokenizer.cache_clear()
    report = warm.Warmup()
    thread = threading.Thread(target=warm.warm, args=(kb, report), name=warm.THREAD_NAME)
    engines: list[Any] = []
    errors: list[BaseException] = []

    def page(fn: Any) -> None:
        try:
            fn()
            engines.append(kb.search_engine)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    hits: list[Any] = []
    doc_id = kb.documents()[0].id
    pages = [threading.Thread(target=page, args=(lambda: hits.extend(search_hits(kb, QUERY)),)),
             threading.Thread(target=page, args=(lambda: similar_cards(kb, doc_id),))]
    thread.start()
    for p in pages:
        p.start()
    for t in (thread, *pages):
        t.join(120)
    assert not errors, errors
    assert report.failed == {}
    assert hits
    assert len(loads.threads) == 1, f"the model was loaded {len(loads.threads)} times: {loads.threads}"
    assert len(segmenters) == 1, f"the word segmenter was built {len(segmenters)} times: {segmenters}"
    assert all(e is kb.search_engine for e in engines), "two search engines were built"
    _loaded(kb)


def test_the_warm_up_gives_way_to_running_pages(kb: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    loads = Loads(monkeypatch)
    report = warm.Warmup()
    with warm.page_running():  # a page is being drawn (in any session)
        thread = threading.Thread(target=warm.warm, args=(kb, report), name=warm.THREAD_NAME)
        thread.start()
        time.sleep(0.5)
        assert report.seconds == {} and loads.threads == [], "the warm-up ran while a page was running"
    # The page is done: the warm-up goes on by itself.
    assert report.wait(120)
    thread.join(10)
    assert report.failed == {}
    assert loads.threads == [warm.THREAD_NAME]
    _loaded(kb)
    # A page that outlasts the patience of the warm-up does not stop it for good.
    fresh = KnowledgeBase(kb.home)
    with warm.page_running():
        late = warm.warm(fresh, give_way=0.2)
    assert late.failed == {} and "search" in late.seconds
    fresh.close()


# -- through app.py ---------------------------------------------------------------------


def test_app_warms_after_the_first_page_once_per_process(app, monkeypatch: pytest.MonkeyPatch) -> None:
    loads = Loads(monkeypatch)
    started = Started(monkeypatch)
    at = app()
    assert not at.exception and not at.error
    kb, report = started.one()
    assert report.thread is not None and report.thread.name == warm.THREAD_NAME
    assert report.failed == {}
    _loaded(kb)
    assert loads.threads == [warm.THREAD_NAME]
    # The first search uses what was loaded, and shows its results.
    at = _search(at)
    assert not at.exception and not at.error
    assert any("fn-title" in h.proto.body for h in at.get("html")), "no result card"
    # A second session of the same server process starts no second warm-up.
    other = app(clear=False)
    assert not other.exception and not other.error
    assert len(started.runs) == 1
    assert loads.threads == [warm.THREAD_NAME]


def test_warm_start_off_loads_on_first_use(app, monkeypatch: pytest.MonkeyPatch) -> None:
    loads = Loads(monkeypatch)
    started = Started(monkeypatch)
    at = app("0")
    assert not at.exception and not at.error
    assert started.runs == []
    assert loads.threads == []
    at = _search(at)
    assert not at.exception and not at.error
    assert len(loads.threads) == 1 and loads.threads[0] != warm.THREAD_NAME


def test_a_failing_warm_up_shows_no_error_and_the_search_still_reports_it(
    app, monkeypatch: pytest.MonkeyPatch
) -> None:
    Loads(monkeypatch, fail=True)
    started = Started(monkeypatch)
    at = app()
    _kb, report = started.one()
    assert "search" in report.failed
    at.run()  # a rerun after the failure: still no error on the page
    assert not at.exception and not at.error
    at = _search(at)
    assert not at.exception
    assert any("cannot be loaded" in e.value for e in at.error), [e.value for e in at.error]

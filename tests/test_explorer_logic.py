"""The explorer's page logic as plain functions, on the seed corpus (no browser, no Streamlit run)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from fieldnotes.errors import InputError
from fieldnotes.explorer import areas_page, case_page, entity_page, filters, network_page, search_page
from fieldnotes.explorer import themes_page, upload_page
from fieldnotes.explorer.common import Chip, chips_html, page_href
from fieldnotes.explorer.data import doc_chips, entity_index
from fieldnotes.explorer.highlight import Span, highlight_html, mention_spans, query_spans
from fieldnotes.explorer.labels import bi
from fieldnotes.explorer.mapchart import map_chart, map_points, outline, point_sizes
from graph.models import Mention
from tests.test_explorer_kit import DATA, copy_home, explorer_home, make_kb  # noqa: F401 - fixture

QUERY = "กองทุนหมู่บ้าน"


@pytest.fixture()
def kb(explorer_home: Path):  # noqa: F811 - the fixture imported above
    return make_kb(explorer_home)


@pytest.fixture()
def km_doc(kb):
    """The seed post about Kalo subdistrict's village-fund network (``ต้นฉบับ KM``)."""
    return next(d for d in kb.documents() if d.title == "ต้นฉบับ KM")


# -- highlighting ----------------------------------------------------------------------


def test_query_terms_are_marked_as_whole_thai_words() -> None:
    text = "เครือข่ายกองทุนหมู่บ้านตำบลกะหรอ และกองทุนหมู่บ้านอื่น"
    spans = query_spans(text, QUERY)
    assert [text[s.start : s.end] for s in spans] == [QUERY, QUERY]
    # บาท inside บาทหลวง is not the word บาท: the tokeniser keeps บาทหลวง whole.
    assert query_spans("บาทหลวงมาเยี่ยม", "บาท") == []
    assert [s.start for s in query_spans("ออมวันละ 1 บาท", "บาท")] == [11]


def test_highlight_escapes_html_and_nests_query_inside_entity() -> None:
    text = "<b>กองทุนหมู่บ้าน</b> ที่กะหรอ"
    spans = [
        Span(3, 17, "practice", title="กองทุนหมู่บ้าน · practice", href="./?page=entity&iri=x"),
        *query_spans(text, QUERY),
    ]
    out = highlight_html(text, spans)
    assert out.startswith("&lt;b&gt;")
    assert '<a class="fn-m fn-practice" title="กองทุนหมู่บ้าน · practice"' in out
    assert '<mark class="fn-q">กองทุนหมู่บ้าน</mark></a>' in out
    assert "<b>" not in out


def test_longest_entity_wins_where_mentions_overlap() -> None:
    text = "ตำบลกะหรอ อำเภอนบพิตำ"
    out = highlight_html(text, [Span(0, 9, "area", "ตำบลกะหรอ"), Span(4, 9, "actor", "กะหรอ")])
    assert out.count("fn-area") == 2 and "fn-actor" not in out


def test_mention_spans_shift_and_clip_into_a_passage() -> None:
    ms = [
        (Mention(10, 20, "กะหรอ", "area", "subdistrict"), "iri:a"),
        (Mention(95, 105, "พอช.", "actor", "organisation"), None),
        (Mention(200, 210, "x", "actor", "person"), "iri:b"),
    ]
    spans = mention_spans(ms, offset=5, length=95, labels={"iri:a": "กะหรอ"}, href=lambda i: f"/e/{i}")
    assert [(s.start, s.end, s.kind) for s in spans] == [(5, 15, "area"), (90, 95, "actor")]
    assert spans[0].href == "/e/iri:a" and spans[1].href is None
    assert "unresolved" in spans[1].title


def test_chips_and_links_escape_and_point_at_pages() -> None:
    html = chips_html([Chip("https://w3id.org/x?a=1&b=2", "สถาบัน <พอช.>", "actor", 3)])
    assert "สถาบัน &lt;พอช.&gt;" in html and "&amp;" in html and "fn-actor" in html
    assert page_href("case", doc="ab12") == "./?page=case&doc=ab12"
    assert bi("ค้นหา", "Search") == "ค้นหา · Search"


# -- search ----------------------------------------------------------------------------


def test_filter_options_offer_areas_practices_actors(kb) -> None:
    opts = filters.filter_options(kb)
    provinces = {a.label for a in opts.provinces}
    assert "นครศรีธรรมราช" in provinces
    assert kb.entity(QUERY).iri in {iri for iri, _label in opts.practices}  # found by its alias
    assert "สถาบันพัฒนาองค์กรชุมชน" in {label for _iri, label in opts.actors}
    nakhon = next(a for a in opts.provinces if a.label == "นครศรีธรรมราช")
    districts = filters.area_children(opts.districts, nakhon.iri)
    assert districts and all(d.parent == nakhon.iri for d in districts)
    assert filters.area_filter(nakhon.iri, districts[0].iri, None) == (districts[0].iri,)
    assert filters.area_filter(None) == ()


def test_search_cards_highlight_query_and_entities(kb) -> None:
    hits = search_page.search_hits(kb, QUERY, k=10)
    cards = search_page.result_cards(kb, hits, QUERY)
    assert cards and len({c.doc_id for c in cards}) == len(cards)  # one card per note
    assert any(c.title == "ต้นฉบับ KM" for c in cards)
    km = next(c for c in cards if c.title == "ต้นฉบับ KM")
    assert any(f'<mark class="fn-q">{QUERY}</mark>' in p for p in km.passages)
    assert any("fn-area" in p for p in km.passages)  # กะหรอ / นครศรีธรรมราช in place
    assert {c.type for c in km.chips} >= {"area", "practice"}
    assert km.href.startswith(f"./?page=case&doc={km.doc_id}&at=")
    assert km.where == "ข้อความ (text)" and set(km.pages) == {None}  # a text file has no pages


def test_search_filters_change_results(kb) -> None:
    opts = filters.filter_options(kb)
    everything = {h.doc_id for h in search_page.search_hits(kb, QUERY, k=50)}
    assert len(everything) >= 2
    nakhon = next(a for a in opts.provinces if a.label == "นครศรีธรรมราช")
    in_nakhon = {h.doc_id for h in search_page.search_hits(kb, QUERY, k=50, areas=[nakhon.iri])}
    assert in_nakhon and in_nakhon < everything
    km = next(d.id for d in kb.documents() if d.title == "ต้นฉบับ KM")
    assert km in in_nakhon  # the Kalo post is in Nakhon Si Thammarat
    by_actor = [{h.doc_id for h in search_page.search_hits(kb, QUERY, k=50, actors=[iri])}
                for iri, _label in opts.actors[:10]]
    assert any(s and s < everything for s in by_actor)


def test_search_refuses_empty_and_huge_queries(kb) -> None:
    with pytest.raises(InputError, match="type a query"):
        search_page.search_hits(kb, "   ")
    with pytest.raises(InputError, match="shorten"):
        search_page.search_hits(kb, "ก" * 501)


# -- case ------------------------------------------------------------------------------


def test_note_parts_and_whole_note_highlighting(kb, km_doc) -> None:
    parts = case_page.note_parts(km_doc)
    assert [p[0] for p in parts][:2] == ["title", "body"]
    body = next(p for p in parts if p[0] == "body")
    assert not km_doc.text[body[2]].isspace() and not km_doc.text[body[3] - 1].isspace()
    labels = {e.iri: e.label for e in kb.entities()}
    html = case_page.note_html(km_doc.text, kb.doc_mentions(km_doc.id), body[2], body[3], labels)
    assert "กะหรอ</a>" in html and 'class="fn-m fn-area"' in html
    assert 'class="fn-m fn-practice"' in html
    meta = dict(case_page.doc_meta(km_doc, 3))
    assert meta[bi("วันที่เขียน", "Written")].startswith("2006")


def test_similar_cases_say_why(kb, km_doc) -> None:
    cards = case_page.similar_cards(kb, km_doc.id, k=3)
    assert cards and all(c.doc_id != km_doc.id for c in cards)
    shared_types = {t for c in cards for t, labels in c.shared if labels}
    assert shared_types & {"actor", "area", "practice"}


def test_doc_places_have_coordinates(kb, km_doc) -> None:
    places = case_page.doc_places(kb, kb.doc_mentions(km_doc.id))
    assert "นครศรีธรรมราช" in {p.label for p in places}
    assert all(5 < p.lat < 21 and 97 < p.lon < 106 for p in places)


# -- network ---------------------------------------------------------------------------


def test_node_sizes_scale_by_square_root() -> None:
    assert network_page.node_sizes([0.0, 0.25, 1.0], lo=10, hi=30) == [10.0, 20.0, 30.0]
    assert network_page.node_sizes([0, 0], lo=12) == [12, 12]


def test_network_elements_merge_filter_and_events(kb) -> None:
    net = kb.network(top_n=50)
    assert net["nodes"] and net["edges"]
    # Each shown actor keeps at most its five strongest ties, and keeps one at least
    # if it has any among the shown actors.
    from collections import Counter

    from fieldnotes.browse import EDGES_PER_NODE

    assert len(net["edges"]) <= EDGES_PER_NODE * len(net["nodes"])
    shown = {n["iri"] for n in net["nodes"]}
    sub = kb.kg.network().graph.subgraph(shown)
    ends = Counter(v for e in net["edges"] for v in (e["source"], e["target"]))
    assert all(ends[v] >= 1 for v in sub.nodes if sub.degree(v))
    els = network_page.graph_elements(net, colour_by="community", size_by="betweenness")
    ids = {n["data"]["id"] for n in els["nodes"]}
    assert all(e["data"]["source"] in ids and e["data"]["target"] in ids for e in els["edges"])
    assert all(n["data"]["label"].startswith("community") for n in els["nodes"])
    styles, edge_styles = network_page.graph_styles(els, "community")
    dumped = [s.dump() for s in styles]
    assert any(d["style"].get("width") == "data(size)" for d in dumped)
    first = net["nodes"][0]["iri"]
    grown = network_page.merge_networks(net, kb.neighbourhood(first, depth=1))
    assert len(grown["nodes"]) >= len(net["nodes"])
    only_one = network_page.filter_network(grown, community=net["nodes"][0]["community"])
    assert {n["community"] for n in only_one["nodes"]} == {net["nodes"][0]["community"]}
    ev = {"action": "node_click", "data": {"target_id": first}, "timestamp": 5}
    assert network_page.read_event(ev, None) == ("node_click", [first], 5)
    assert network_page.read_event(ev, 5) is None  # already handled
    assert network_page.read_event(None, None) is None


def test_path_finder_shows_passages_per_hop(kb) -> None:
    net = kb.network(top_n=50)
    a = net["nodes"][0]["iri"]
    near = {e["target"] if e["source"] == a else e["source"] for e in net["edges"] if a in (e["source"], e["target"])}
    far = [n["iri"] for n in net["nodes"] if n["iri"] not in near and n["iri"] != a]
    b = far[0] if far else sorted(near)[0]
    hops = kb.path(a, b)
    assert hops and hops[0].source == a and hops[-1].target == b
    rendered = network_page.path_html(hops)
    assert len(rendered) == len(hops)
    assert all(" — " in title for title, _ in rendered)
    assert any('<mark class="fn-q">' in body for _t, body in rendered)


# -- themes ----------------------------------------------------------------------------


def test_practice_tree_flattens_with_depth_and_links(kb) -> None:
    rows = themes_page.flatten_tree(kb.practice_tree())
    by_iri = {r.iri: r for r in rows}
    fund = by_iri[kb.entity(QUERY).iri]
    assert QUERY in fund.label
    assert any(r.depth >= 1 for r in rows)  # narrower concepts sit under broader ones
    for i, r in enumerate(rows[1:], 1):  # depth-first: a child follows its parent line
        assert r.depth <= rows[i - 1].depth + 1
    html = themes_page.tree_html(rows, fund.iri)
    assert "font-weight:700" in html and "page=themes" in html


def test_who_works_on_a_theme_down_to_passages(kb) -> None:
    fund = kb.entity(QUERY)
    rows = themes_page.who_rows(kb, fund.iri)
    counts = [r.passages for r in rows]
    assert rows and counts == sorted(counts, reverse=True) and counts[0] > 0
    assert [r.iri for r in rows] == [r.iri for r in kb.who(fund.iri, k=30)]
    # The actors' areas come with them: the Kalo fund network works in Nakhon Si Thammarat.
    assert any("นครศรีธรรมราช" in r.areas or "กะหรอ" in r.areas for r in rows)
    html = themes_page.evidence_html(rows[0].evidence, [rows[0].label, QUERY])
    assert "page=case" in html and "&amp;at=" in html and '<mark class="fn-q">' in html


# -- areas and map ---------------------------------------------------------------------


def test_drill_down_state() -> None:
    s = areas_page.drill(areas_page.DrillState(), "province", "p80")
    assert areas_page.current_level(s) == ("district", "p80")
    s = areas_page.drill(s, "district", "d8021")
    assert areas_page.current_level(s) == ("subdistrict", "d8021")
    assert areas_page.drill(s, "province", "p90") == areas_page.DrillState(province="p90")
    assert areas_page.up_to(s, 1) == areas_page.DrillState(province="p80")
    with pytest.raises(ValueError):
        areas_page.drill(s, "village", "x")


def test_area_rows_points_and_notes(kb) -> None:
    provinces = areas_page.level_rows(kb.area_counts(level="province"))
    assert provinces[0]["notes"] >= provinces[-1]["notes"] > 0
    nakhon = next(r for r in provinces if r["label"] == "นครศรีธรรมราช")
    districts = areas_page.level_rows(kb.area_counts(level="district"), parent=nakhon["iri"])
    assert districts and all(d["parent"] == nakhon["iri"] for d in districts)
    notes = areas_page.notes_of_area(kb.entity_mentions(nakhon["iri"]))
    assert "ต้นฉบับ KM" in {n["title"] for n in notes}
    pts = map_points(provinces, by="notes")
    assert pts and pts[0].size >= pts[-1].size > 0


def test_map_is_offline_and_selectable() -> None:
    geo = outline()
    assert any(f["properties"].get("thailand") for f in geo["features"])
    assert point_sizes([1, 4, 0], max_px=400) == [100.0, 400.0, 0.0]
    rows = [
        {"iri": "a", "label": "นครศรีธรรมราช", "lat": 8.3, "lon": 99.9, "notes": 3, "actors": 2},
        {"iri": "b", "label": "ไม่มีพิกัด", "lat": None, "lon": None, "notes": 9, "actors": 1},
        {"iri": "c", "label": "ไม่มีบันทึก", "lat": 7.0, "lon": 100.5, "notes": 0, "actors": 0},
    ]
    pts = map_points(rows)
    assert [p.iri for p in pts] == ["a"]
    spec = map_chart(pts, selectable=True, focus=pts)
    text = json.dumps(spec, ensure_ascii=False)
    assert "http" not in text  # no tile server, no schema fetch, no CDN
    assert spec["layer"][1]["params"][0]["name"] == "picked"
    assert spec["layer"][0]["projection"]["fit"]["geometry"]["type"] == "MultiPoint"


# -- entity and curation ---------------------------------------------------------------


def test_curation_actions_are_checked() -> None:
    assert entity_page.merge_action("ม.วลัยลักษณ์", "มหาวิทยาลัยวลัยลักษณ์", "ชื่อย่อ") == {
        "op": "merge", "source": "ม.วลัยลักษณ์", "target": "มหาวิทยาลัยวลัยลักษณ์", "note": "ชื่อย่อ"}
    with pytest.raises(InputError, match="itself"):
        entity_page.merge_action("x", "x")
    with pytest.raises(InputError, match="new name"):
        entity_page.rename_action("x", "  ")
    assert entity_page.retype_action("x", "actor", "network")["kind"] == "network"
    with pytest.raises(InputError, match="does not fit"):
        entity_page.retype_action("x", "area", "network")


def test_entity_mentions_marked_in_place_and_linked(kb) -> None:
    wu = kb.entity("มหาวิทยาลัยวลัยลักษณ์")
    mentions = kb.entity_mentions(wu.iri, limit=20)
    cards = entity_page.mention_cards(mentions, wu.type)
    assert len(cards) == len(mentions)
    assert all('class="fn-m fn-actor"' in body for _t, _href, body in cards)
    # The mark is on the name as written (ม.วลัยลักษณ์ too), and the link opens the note there.
    marked = [re.search(r'class="fn-m fn-actor"[^>]*>(.*?)</span>', body).group(1) for *_, body in cards]
    assert marked == [m.surface for m in mentions]
    assert "ม.วลัยลักษณ์" in marked
    first = mentions[0]
    assert cards[0][1] == f"./?page=case&doc={first.doc_id}&at={first.start}"
    assert cards[0][0] == first.passage["title"]
    groups = entity_page.linked_chips(kb.linked(wu.iri))
    assert groups.get("area") and groups.get("practice")


def test_rename_is_written_to_the_curation_file(explorer_home: Path, tmp_path: Path) -> None:  # noqa: F811
    kb = make_kb(copy_home(explorer_home, tmp_path / "home"))
    wu = kb.entity("มหาวิทยาลัยวลัยลักษณ์")
    kb.curate(entity_page.rename_action(wu.iri, "มหาวิทยาลัยวลัยลักษณ์ (มวล.)"))
    saved = json.loads((tmp_path / "home" / "curation.json").read_text("utf-8"))
    assert saved["actions"][-1]["label"] == "มหาวิทยาลัยวลัยลักษณ์ (มวล.)"
    assert saved["actions"][-1]["entity"] == wu.iri
    assert kb.entity(wu.iri).label == "มหาวิทยาลัยวลัยลักษณ์ (มวล.)"


# -- upload ----------------------------------------------------------------------------


def test_upload_checks() -> None:
    upload_page.check_upload("บันทึกประชุม.txt", 2048, max_mb=10)
    upload_page.check_upload("../../etc/passwd.md", 10, max_mb=10)  # name is cut to its base
    with pytest.raises(InputError, match="not supported"):
        upload_page.check_upload("virus.exe", 10, max_mb=10)
    with pytest.raises(InputError, match="empty"):
        upload_page.check_upload("ว่าง.txt", 0, max_mb=10)
    with pytest.raises(InputError, match="too large"):
        upload_page.check_upload("ใหญ่.txt", 11 * 1024 * 1024, max_mb=10)
    assert upload_page.overall_progress(1, 4, 1, 2) == pytest.approx(0.375)
    assert upload_page.overall_progress(0, 0, 0, 0) == 1.0


def test_uploaded_note_is_searchable_at_once(explorer_home: Path, tmp_path: Path) -> None:  # noqa: F811
    home = copy_home(explorer_home, tmp_path / "home")
    kb = make_kb(home)
    data = (DATA / "explorer_upload.txt").read_bytes()
    seen: list[float] = []
    lines = upload_page.ingest_files(
        kb,
        [("../../ธนาคารปูม้า.txt", data), ("virus.exe", b"MZ")],
        max_mb=kb.settings.upload_max_mb,
        progress=lambda frac, name: seen.append(frac),
    )
    levels = [level for level, _ in lines]
    assert levels.count("success") == 1 and levels.count("error") == 1
    assert seen and seen[-1] == 1.0 and seen == sorted(seen)
    saved = list((home / "uploads").iterdir())
    assert len(saved) == 1 and saved[0].resolve().is_relative_to(home.resolve())
    hits = kb.search("ธนาคารปูม้า", k=5)
    assert hits and hits[0].title.startswith("เวทีแลกเปลี่ยนเรียนรู้ธนาคารปูม้า")


def test_doc_chips_rank_by_mentions(kb, km_doc) -> None:
    chips = doc_chips(kb.doc_mentions(km_doc.id), entity_index(kb.entities()), per_type=2)
    assert len([c for c in chips if c.type == "practice"]) <= 2
    assert [c.type for c in chips] == sorted((c.type for c in chips), key=["actor", "area", "practice"].index)


def test_area_path_sets_the_drop_downs(kb) -> None:
    opts = filters.filter_options(kb)
    sub = opts.subdistricts[0]
    prov, dist, got = filters.area_path(opts, sub.iri)
    assert got == sub.iri and dist == sub.parent
    assert prov is not None and any(d.iri == dist and d.parent == prov for d in opts.districts)
    assert filters.area_path(opts, "no-such-area") == (None, None, None)


def test_network_logic_stays_fast_at_a_few_hundred_nodes() -> None:
    import random
    import time

    rnd = random.Random(7)
    nodes = [{"iri": f"n{i}", "label": f"เครือข่ายที่ {i}", "type": "actor", "kind": "network",
              "degree": rnd.randint(1, 40), "betweenness": rnd.random(), "pagerank": rnd.random(),
              "community": i % 12} for i in range(400)]
    edges = [{"source": f"n{a}", "target": f"n{b}", "weight": rnd.randint(1, 30), "evidence_count": 3}
             for a, b in {(rnd.randrange(400), rnd.randrange(400)) for _ in range(4000)} if a != b]
    net = {"nodes": nodes, "edges": edges}
    t0 = time.perf_counter()
    grown = network_page.merge_networks(net, {"nodes": nodes[:50], "edges": edges[:500]})
    els = network_page.graph_elements(network_page.filter_network(grown, community=3), colour_by="community")
    network_page.graph_styles(network_page.graph_elements(grown), "type")
    assert time.perf_counter() - t0 < 1.0
    assert len(els["nodes"]) == len([n for n in nodes if n["community"] == 3])
    assert len(grown["edges"]) == len({frozenset((e["source"], e["target"])) for e in edges})


def test_network_kinds_filter_keeps_those_actors(kb) -> None:
    """The page offers actor kinds (the partner network holds actors only)."""
    everyone = kb.network(top_n=None)
    kinds = {n["kind"] for n in everyone["nodes"]}
    assert {n["type"] for n in everyone["nodes"]} == {"actor"} and len(kinds) >= 2
    orgs = network_page._network(kb, "test", 400, ("organisation",), None, None)
    assert orgs["nodes"] and {n["kind"] for n in orgs["nodes"]} == {"organisation"}
    assert len(network_page._network(kb, "test", 400, (), None, None)["nodes"]) == len(everyone["nodes"])
    els = network_page.graph_elements(orgs, colour_by="kind")
    assert {n["data"]["label"] for n in els["nodes"]} == {"organisation"}


def test_themes_of_an_actor_reach_their_passages(kb) -> None:
    wu = kb.entity("มหาวิทยาลัยวลัยลักษณ์")
    themes = themes_page.theme_rows(kb, wu.iri)
    assert [(t.iri, t.passages) for t in themes] == [(t.iri, t.weight) for t in kb.themes_of(wu.iri)]
    assert themes and any(t.evidence for t in themes)
    first = next(t for t in themes if t.evidence)
    html = themes_page.evidence_html(first.evidence, [wu.label, *wu.aliases, first.label])
    assert "page=case" in html and '<mark class="fn-q">' in html


def test_practice_tree_can_hide_unused_concepts(kb) -> None:
    tree = kb.practice_tree()
    full = themes_page.flatten_tree(tree)
    used = themes_page.flatten_tree(themes_page.prune_tree(tree))
    assert 0 < len(used) <= len(full)
    kept = {r.iri for r in used}
    assert all(r.count > 0 or r.children for r in used)
    assert all(r.iri in kept for r in full if r.count > 0)

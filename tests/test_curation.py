"""The curation file and its replay on every rebuild (graph/curation.py, graph/resolve.py)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from graph import queries
from graph.curation import Curation, CurationAction, CurationError
from graph.kg import KG
from graph.mentions import put_mentions

sys.path.insert(0, str(Path(__file__).parent / "data"))
from graph_kg_fixtures import build, make_store, seed_mentions, seed_texts  # noqa: E402


def test_missing_file_is_an_empty_curation(tmp_path: Path) -> None:
    cur = Curation.load(tmp_path / "curation.json")
    assert cur.actions == []


def test_add_save_load_round_trip_keeps_thai_readable(tmp_path: Path) -> None:
    path = tmp_path / "curation.json"
    cur = Curation.load(path)
    cur.add(CurationAction("merge", source="ม.วลัยลักษณ์", target="มหาวิทยาลัยวลัยลักษณ์", note="ชื่อย่อ"))
    cur.add(CurationAction("retype", entity="เครือข่ายพระสงฆ์", type="actor", kind="network"))
    cur.save()
    text = path.read_text("utf-8")
    assert "มหาวิทยาลัยวลัยลักษณ์" in text  # not \\u escapes: a person edits this file
    data = json.loads(text)
    assert data["version"] == 1 and data["actions"][0]["op"] == "merge"
    assert data["actions"][0]["at"]  # stamped when added
    again = Curation.load(path)
    assert again.actions == cur.actions
    assert [p.name for p in tmp_path.iterdir()] == ["curation.json"]  # no temporary file left


@pytest.mark.parametrize(
    ("action", "needle"),
    [
        ({"op": "delete", "entity": "x"}, "unknown op 'delete'"),
        ({"op": "merge", "source": "พอช."}, "needs a non-empty 'target'"),
        ({"op": "rename", "entity": "พอช.", "label": "  "}, "needs a non-empty 'label'"),
        ({"op": "retype", "entity": "พอช.", "type": "actor", "kind": "subdistrict"},
         "kind 'subdistrict' is not valid"),
        ({"op": "retype", "entity": "พอช.", "type": "place", "kind": "province"}, "type 'place'"),
        ({"op": "merge", "source": "พอช.", "target": "พอช."}, "both"),
        ({"op": "split", "entity": "พอช.", "alias": "พอช", "colour": "red"}, "unknown field(s) 'colour'"),
        ({"op": "rename", "entity": "พอช.", "label": 3}, "must be a string"),
    ],
)
def test_malformed_actions_name_the_entry_and_the_fix(tmp_path: Path, action: dict, needle: str) -> None:
    path = tmp_path / "curation.json"
    ok = {"op": "rename", "entity": "สกว.", "label": "สกว"}
    path.write_text(json.dumps({"version": 1, "actions": [ok, action]}, ensure_ascii=False), "utf-8")
    with pytest.raises(CurationError) as err:
        Curation.load(path)
    assert "action 2" in str(err.value) and str(path) in str(err.value)
    assert needle in str(err.value)


def test_add_validates_too() -> None:
    with pytest.raises(CurationError, match="needs a non-empty 'alias'"):
        Curation().add(CurationAction("split", entity="สถาบันพัฒนาองค์กรชุมชน"))


def test_broken_json_and_wrong_version(tmp_path: Path) -> None:
    path = tmp_path / "curation.json"
    path.write_text('{"actions": [', "utf-8")
    with pytest.raises(CurationError, match="not valid UTF-8 JSON"):
        Curation.load(path)
    path.write_text('{"version": 9, "actions": []}', "utf-8")
    with pytest.raises(CurationError, match="version 9"):
        Curation.load(path)


def test_save_needs_a_path() -> None:
    with pytest.raises(CurationError, match="no path"):
        Curation().save()


def _reingest(store, prefix: str) -> None:
    """Remove a seed and put it back, as a re-ingest does (new row ids, same content)."""
    import hashlib

    from ingest.models import Document

    source, text = seed_texts()[prefix]
    doc_id = hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
    old = store.document(doc_id)
    chunks = [c for _, c in store.chunks(doc_id)]
    with store.transaction() as conn:
        store.delete_document(doc_id)
        rowids = store.put_document(Document(doc_id, source, "gotoknow", old.title, text), chunks)
        put_mentions(conn, doc_id, seed_mentions(prefix, text),
                     [(r, c.start, c.end) for r, c in zip(rowids, chunks)])


def test_merge_survives_reingest_and_rebuild(tmp_path: Path) -> None:
    store = make_store(tmp_path)
    kg = build(tmp_path, store)
    office = queries.entity(kg, "สำนักงานพัฒนาชุมชน")
    dept = queries.entity(kg, "กรมการพัฒนาชุมชน")
    assert office.iri != dept.iri
    cur = Curation.load(tmp_path / "curation.json")
    cur.add(CurationAction("merge", source="สำนักงานพัฒนาชุมชน", target="กรมการพัฒนาชุมชน"))
    cur.save()
    _reingest(store, "002")
    kg = build(tmp_path, store)
    merged = queries.entity(kg, "สำนักงานพัฒนาชุมชน")
    assert merged.iri == dept.iri
    assert "สำนักงานพัฒนาชุมชน" in merged.aliases
    assert merged.mentions == dept.mentions + office.mentions
    assert queries.entity(kg, office.iri).iri == dept.iri  # the retired IRI still leads there
    assert not kg.meta["warnings"]


def test_split_rename_retype_replayed(tmp_path: Path) -> None:
    store = make_store(tmp_path)
    (tmp_path / "curation.json").write_text(json.dumps({"version": 1, "actions": [
        {"op": "split", "entity": "สถาบันพัฒนาองค์กรชุมชน", "alias": "พอช"},
        {"op": "rename", "entity": "พอช.", "label": "สถาบันพัฒนาองค์กรชุมชน (องค์การมหาชน)"},
        {"op": "retype", "entity": "เครือข่ายพระสงฆ์", "kind": "group"},
        {"op": "retype", "entity": "กรมการพัฒนาชุมชน", "type": "area", "kind": "place"},
        {"op": "merge", "source": "ไม่มีองค์กรนี้", "target": "พอช."},
    ]}, ensure_ascii=False), "utf-8")
    kg = build(tmp_path, store)
    codi = queries.entity(kg, "พอช.")
    assert codi.label == "สถาบันพัฒนาองค์กรชุมชน (องค์การมหาชน)"
    assert "สถาบันพัฒนาองค์กรชุมชน" in codi.aliases and "พอช" not in codi.aliases
    bare = queries.entity(kg, "พอช")
    assert bare.iri != codi.iri and bare.label == "พอช" and bare.type == "actor"
    assert queries.entity(kg, "เครือข่ายพระสงฆ์").kind == "group"
    moved = queries.entity(kg, "กรมการพัฒนาชุมชน")
    assert (moved.type, moved.kind) == ("area", "place")
    assert "/area/" in moved.iri
    # An action that matches nothing does not stop the rebuild: it is reported.
    assert len(kg.meta["warnings"]) == 1 and "ไม่มีองค์กรนี้" in kg.meta["warnings"][0]


def test_unresolved_place_pinned_to_an_area_code(tmp_path: Path) -> None:
    store = make_store(tmp_path, ["002"])
    kg = build(tmp_path, store)
    assert not [e for e in queries.entities(kg, "area") if "หนองสาหร่าย" in e.label]
    cur = Curation(tmp_path / "curation.json")
    cur.add(CurationAction("merge", source="ตำบลหนองสาหร่าย", target="720602"))
    cur.save()
    kg = build(tmp_path, store)
    place = queries.entity(kg, "720602")
    assert place.label == "หนองสาหร่าย" and place.mentions == 1
    assert place.parent is not None and place.parent.endswith("/area/7206")
    assert isinstance(kg, KG)

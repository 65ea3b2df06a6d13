"""The `fieldnotes` command on the bundled corpus: ingest, docs --json, idempotence, errors."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from fieldnotes.cli import main
from tests.conftest import fast_model

BOILERPLATE = ("พบปัญหาการใช้งาน", "ClassStart", "ความเห็น (", "IP: xxx", "หมายเลขบันทึก")


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.fixture()
def home(tmp_path: Path) -> str:
    return str(tmp_path / "home")


def test_ingest_corpus_then_docs_json(
    capsys: pytest.CaptureFixture[str], home: str, corpus_dir: Path
) -> None:
    code, out, _ = run(capsys, "ingest", str(corpus_dir), "--home", home, "--json")
    assert code == 0
    summary = json.loads(out)
    assert (summary["added"], summary["failed"]) == (5, [])

    code, out, _ = run(capsys, "--home", home, "docs", "--json")
    docs = {d["source"].rsplit("/", 1)[-1][:3]: d for d in json.loads(out)}
    assert sorted(d["record_id"] or "" for d in docs.values()) == [
        "", "39665", "71001", "75701", "85545"
    ]
    assert docs["000"]["record_id"] is None
    assert [c["author"] for c in docs["000"]["comments"]] == ["สุริชาติ สายทอง", "ภีม ภคเมธาวี"]
    assert docs["001"]["created"] == "2007-01-05T11:40:00"
    assert docs["002"]["created"] == "2007-03-22T10:08:00"
    assert docs["003"]["tags"] == ["สถาบันการเงินเพื่อสวัสดิการชุมชน", "องค์กรการเงินชุมชน"]
    assert docs["004"]["title"] == "ต้นฉบับ KM"
    assert docs["001"]["blog"] == "สถาบันจัดการความรู้เพื่อชุมชน"
    for d in docs.values():
        assert set(d) >= {"id", "source", "title", "record_id", "created", "tags", "blog",
                          "comments", "n_chunks"}
        assert d["n_chunks"] >= 1
        assert d["source"].startswith(str(corpus_dir))


def test_ingest_twice_adds_nothing_and_changed_file_replaces(
    capsys: pytest.CaptureFixture[str], home: str, corpus_dir: Path, tmp_path: Path
) -> None:
    notes = tmp_path / "notes"
    shutil.copytree(corpus_dir, notes)
    run(capsys, "ingest", str(notes), "--home", home)
    code, out, _ = run(capsys, "ingest", str(notes), "--home", home, "--json")
    again = json.loads(out)
    assert (again["added"], again["updated"], again["unchanged"]) == (0, 0, 5)
    assert again["store"]["documents"] == 5

    # The same content under a new name is a duplicate, not a new document.
    shutil.copy(notes / "001_d423a8a134ab18b4.txt", notes / "copy-of-001.txt")
    # A changed file replaces its old version.
    seed = notes / "003_03a2497802332384.txt"
    seed.write_text(seed.read_text("utf-8").replace("บทบาทองค์กรการเงินชุมชน", "บทบาทใหม่", 1), "utf-8")
    code, out, _ = run(capsys, "ingest", str(notes), "--home", home, "--json")
    third = json.loads(out)
    assert (third["added"], third["updated"], third["unchanged"]) == (0, 1, 4)
    assert [d["source"].endswith("copy-of-001.txt") for d in third["duplicates"]] == [True]
    assert third["store"]["documents"] == 5
    code, out, _ = run(capsys, "docs", "--json", "--home", home)
    titles = {d["title"] for d in json.loads(out)}
    assert "บทบาทใหม่" in titles and "บทบาทองค์กรการเงินชุมชน" not in titles


def test_bad_files_are_reported_and_the_exit_code_says_some_failed(
    capsys: pytest.CaptureFixture[str], home: str, tmp_path: Path
) -> None:
    notes = tmp_path / "mixed"
    notes.mkdir()
    (notes / "good.txt").write_text("บันทึกดี\n\nกองทุนหมู่บ้านกะหรอ", encoding="utf-8")
    (notes / "empty.txt").write_bytes(b"")
    (notes / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    code, out, _ = run(capsys, "ingest", str(notes), "--home", home)
    assert code == 1
    assert "added 1" in out and "failed 2" in out
    assert "empty.txt: empty file" in out and "binary.txt: binary file" in out
    code, out, _ = run(capsys, "failures", "--home", home, "--json")
    assert {Path(f["source"]).name for f in json.loads(out)} == {"empty.txt", "binary.txt"}


def test_errors_name_the_problem_and_the_fix(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, _, err = run(capsys, "docs", "--home", str(tmp_path / "nothing"))
    assert code == 2 and "fieldnotes ingest" in err
    code, _, err = run(capsys, "ingest", str(tmp_path / "missing"), "--home", str(tmp_path / "h"))
    assert code == 1


def test_search_says_what_the_practice_scheme_added_and_keeps_its_json_shape(
    capsys: pytest.CaptureFixture[str], home: str, corpus_dir: Path
) -> None:
    assert run(capsys, "ingest", str(corpus_dir), "--home", home, "--model", fast_model())[0] == 0
    query = "village fund network became a community bank"
    code, out, _ = run(capsys, "--home", home, "search", query, "--k", "3", "--model", fast_model())
    assert code == 0
    lines = out.splitlines()
    assert "004_83f24860210c5b0e" in lines[0]
    assert lines[-1].startswith("(also searched, from the practice scheme: ") and "สถาบันการเงินชุมชน" in lines[-1]
    code, out, _ = run(capsys, "--home", home, "search", query, "--k", "3", "--json",
                       "--model", fast_model())
    hits = json.loads(out)  # the JSON is unchanged: a list of hits, nothing else
    assert hits and all(set(h) >= {"doc_id", "source", "title", "chunk_id", "start", "end",
                                   "score", "text"} for h in hits)
    assert hits[0]["source"].endswith("004_83f24860210c5b0e.txt")
    code, out, _ = run(capsys, "--home", home, "search", query, "--mode", "dense", "--model", fast_model())
    assert code == 0 and "also searched" not in out

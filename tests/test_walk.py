"""Finding files: recursion, hidden folders, symlink loops, unsupported types."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from ingest.walk import iter_files


def test_walks_corpus_in_sorted_order() -> None:
    found = [c.given for c in iter_files(["corpus"])]
    assert found == sorted(found)
    assert "corpus/000_d3db8b877662650d.txt" in found
    assert len([f for f in found if f.endswith(".txt")]) == 5
    assert "corpus/README.md" not in found  # the folder's own README is not a note


def test_nested_folders_hidden_entries_and_missing_paths(tmp_path: Path) -> None:
    deep = tmp_path / "a" / "b" / "c" / "d"
    deep.mkdir(parents=True)
    (deep / "บันทึก.txt").write_text("กองทุนหมู่บ้าน", encoding="utf-8")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "x.txt").write_text("hidden")
    (tmp_path / "photo.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    found = {c.given: c.problem for c in iter_files([tmp_path, tmp_path / "missing.txt"])}
    assert found[os.path.join(str(tmp_path), "a/b/c/d/บันทึก.txt")] is None
    assert not any(".git" in g for g in found)
    assert "unsupported file type '.png'" in found[os.path.join(str(tmp_path), "photo.png")]
    assert found[str(tmp_path / "missing.txt")] == "no such file or folder"


def test_symlink_loop_does_not_trap_the_walk(tmp_path: Path) -> None:
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "a.txt").write_text("สวัสดิการชุมชน", encoding="utf-8")
    os.symlink(tmp_path, tmp_path / "notes" / "loop")
    os.symlink(tmp_path / "nowhere", tmp_path / "notes" / "dangling.txt")
    found = {c.given: c.problem for c in iter_files([tmp_path])}
    assert found[os.path.join(str(tmp_path), "notes/a.txt")] is None
    assert found[os.path.join(str(tmp_path), "notes/dangling.txt")] == "broken symbolic link"
    assert len(found) == 2


@pytest.mark.skipif(os.geteuid() == 0, reason="root can list any folder")
def test_unlistable_folder_is_reported(tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0)
    try:
        problems = [c.problem for c in iter_files([tmp_path])]
    finally:
        locked.chmod(0o755)
    assert any(p and p.startswith("cannot list folder") for p in problems)

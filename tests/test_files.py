"""The graph's file helpers (graph/files.py): atomic text writes and the paused collector."""

from __future__ import annotations

import gc
import os
import stat
from pathlib import Path

import pytest

from graph.files import collector_paused, write_text_atomic

THAI = "ต.น้ำขาว อ.จะนะ จ.สงขลา: วิสาหกิจชุมชนแปรรูปข้าวสังข์หยด ร่วมกับ พอช. ๒๕๖๗\n"


def _names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_writes_thai_text_as_utf8(tmp_path: Path) -> None:
    target = tmp_path / "entities.json"
    write_text_atomic(target, THAI)
    assert target.read_bytes() == THAI.encode("utf-8")
    assert target.read_text("utf-8") == THAI
    assert _names(tmp_path) == ["entities.json"], "no temporary file may be left behind"
    # mkstemp makes the file private; readers in other processes need it readable.
    assert stat.S_IMODE(target.stat().st_mode) == 0o644


def test_replaces_an_existing_file_and_makes_the_folder(tmp_path: Path) -> None:
    target = tmp_path / "gen-1" / "CURRENT"
    write_text_atomic(target, "gen-20240101T000000000000-1")
    write_text_atomic(target, "gen-20250101T000000000000-2")
    assert target.read_text("utf-8") == "gen-20250101T000000000000-2"
    assert _names(target.parent) == ["CURRENT"]


def test_accepts_a_string_path(tmp_path: Path) -> None:
    write_text_atomic(str(tmp_path / "area_stats.json"), THAI)  # type: ignore[arg-type]
    assert (tmp_path / "area_stats.json").read_text("utf-8") == THAI


def test_the_text_reaches_the_disk_before_the_rename(tmp_path: Path, monkeypatch) -> None:
    calls: list[str] = []
    real_fsync, real_replace = os.fsync, os.replace

    def fsync(fd: int) -> None:
        calls.append("fsync")
        real_fsync(fd)

    def replace(src, dst) -> None:
        calls.append("replace")
        real_replace(src, dst)

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "replace", replace)
    write_text_atomic(tmp_path / "network.json", THAI)
    assert calls == ["fsync", "replace"]


def test_a_failed_rename_leaves_the_old_file_and_no_temporary_file(tmp_path: Path, monkeypatch) -> None:
    target = tmp_path / "CURRENT"
    target.write_text("gen-old", "utf-8")

    def boom(src, dst) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(OSError, match="disk full"):
        write_text_atomic(target, THAI)
    assert target.read_text("utf-8") == "gen-old"
    assert _names(tmp_path) == ["CURRENT"]


@pytest.mark.parametrize("existing", [True, False])
def test_a_failure_while_writing_leaves_the_target_untouched(
    tmp_path: Path, monkeypatch, existing: bool
) -> None:
    target = tmp_path / "network.json"
    if existing:
        target.write_text('{"format":"fieldnotes-network/1"}', "utf-8")

    def boom(fd: int) -> None:
        raise OSError("I/O error")

    monkeypatch.setattr(os, "fsync", boom)
    with pytest.raises(OSError, match="I/O error"):
        write_text_atomic(target, THAI)
    if existing:
        assert target.read_text("utf-8") == '{"format":"fieldnotes-network/1"}'
        assert _names(tmp_path) == ["network.json"]
    else:
        assert _names(tmp_path) == []


def test_an_interrupt_also_removes_the_temporary_file(tmp_path: Path, monkeypatch) -> None:
    def interrupted(src, dst) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_text_atomic(tmp_path / "entities.json", THAI)
    assert _names(tmp_path) == []


def test_collector_is_paused_inside_and_switched_back_on_after() -> None:
    assert gc.isenabled()
    with collector_paused():
        assert not gc.isenabled()
    assert gc.isenabled()
    with pytest.raises(ValueError), collector_paused():
        raise ValueError("bad file")
    assert gc.isenabled(), "an error while loading must not leave the collector off"


def test_collector_left_off_when_it_was_off_before() -> None:
    gc.disable()
    try:
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    finally:
        gc.enable()

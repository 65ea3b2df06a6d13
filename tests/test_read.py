"""ingest.read: encodings detected, bad files refused with a reason.

Every bad file is generated in tmp_path at test time.
"""

from __future__ import annotations

import codecs
import os
from pathlib import Path

import pytest

import ingest.read
from fieldnotes.errors import FieldnotesError, InputError, UnreadableFileError
from ingest.read import decode_bytes, read_text

MB = 1 << 20
THAI = "การออมอย่างมีสัจจะ นำสู่การตั้ง \"สถาบันการเงินของชุมชน\" ที่กะหรอ ปี ๒๕๔๙\n"


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def _reason(path: Path, max_bytes: int = MB) -> str:
    with pytest.raises(UnreadableFileError) as info:
        read_text(path, max_bytes=max_bytes)
    err = info.value
    assert isinstance(err, InputError) and isinstance(err, FieldnotesError)
    assert err.path == str(path)
    assert str(path) in str(err)  # the message names the file
    return err.reason


def test_reads_seed_exactly(seed_paths) -> None:
    path = seed_paths["002"]
    assert read_text(path, max_bytes=MB) == path.read_bytes().decode("utf-8")


def test_utf8_with_bom_drops_the_bom(tmp_path: Path) -> None:
    path = _write(tmp_path, "bom.txt", codecs.BOM_UTF8 + THAI.encode("utf-8"))
    text = read_text(path, max_bytes=MB)
    assert text == THAI
    assert "\ufeff" not in text


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_with_bom(tmp_path: Path, codec: str) -> None:
    data = THAI.encode(codec)
    if codec != "utf-16":  # the plain codec writes its own BOM
        bom = codecs.BOM_UTF16_LE if codec.endswith("le") else codecs.BOM_UTF16_BE
        data = bom + data
    path = _write(tmp_path, "u16.txt", data)
    assert read_text(path, max_bytes=MB) == THAI


def test_utf32_with_bom(tmp_path: Path) -> None:
    path = _write(tmp_path, "u32.txt", THAI.encode("utf-32"))
    assert read_text(path, max_bytes=MB) == THAI


@pytest.mark.parametrize("codec", ["cp874", "tis_620"])
def test_tis620_seed_decodes_back_exactly(tmp_path: Path, seed_paths, codec: str) -> None:
    original = seed_paths["004"].read_text("utf-8")
    if codec == "tis_620":  # TIS-620 proper has no no-break space
        original = original.replace("\u00a0", " ")
    path = _write(tmp_path, "old.txt", original.encode(codec))
    assert read_text(path, max_bytes=MB) == original


def test_cp874_punctuation_is_kept(tmp_path: Path) -> None:
    # cp874 adds curly quotes, dashes and the ellipsis to TIS-620.
    text = "“กองทุนหมู่บ้าน” – สวัสดิการชุมชน…"
    path = _write(tmp_path, "quotes.txt", text.encode("cp874"))
    assert read_text(path, max_bytes=MB) == text


def test_western_single_byte_text_is_not_read_as_thai(tmp_path: Path) -> None:
    # Latin-1 bytes are valid cp874 too (é → a Thai tone mark); the Thai check
    # must refuse that reading and charset-normalizer must find the real one.
    text = "café crème brûlée, naïve façade"
    path = _write(tmp_path, "latin1.txt", text.encode("latin-1"))
    assert read_text(path, max_bytes=MB) == text


def test_empty_file(tmp_path: Path) -> None:
    assert _reason(_write(tmp_path, "empty.txt", b"")) == "empty file"


@pytest.mark.parametrize("data", [b"   \n\t\r\n  ", "\u00a0 \u200b\n".encode("utf-8"),
                                  codecs.BOM_UTF8 + b"\n\n"])
def test_whitespace_only_file(tmp_path: Path, data: bytes) -> None:
    assert _reason(_write(tmp_path, "blank.txt", data)) == "whitespace-only file"


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(20), "PNG image"),
        (b"PK\x03\x04\x14\x00\x06\x00" + b"word/document.xml", "ZIP archive (or DOCX/XLSX/ODT)"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "PDF document"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "JPEG image"),
        (b"\x1f\x8b\x08\x00" + bytes(8), "gzip archive"),
    ],
)
def test_binary_magic_numbers(tmp_path: Path, data: bytes, kind: str) -> None:
    assert _reason(_write(tmp_path, "file.txt", data)) == f"binary file ({kind})"


def test_nul_bytes_are_binary(tmp_path: Path) -> None:
    data = THAI.encode("utf-8") + b"\x00\x00\x01\x02" + THAI.encode("utf-8")
    assert _reason(_write(tmp_path, "nul.txt", data)) == "binary file (NUL bytes)"


def test_text_starting_like_a_short_magic_number_is_text(tmp_path: Path) -> None:
    # "MZ" starts Windows executables, but here it is just a note.
    path = _write(tmp_path, "mz.txt", "MZ รายงานการประชุม".encode("utf-8"))
    assert read_text(path, max_bytes=MB) == "MZ รายงานการประชุม"


def test_corrupt_utf8_is_refused_not_guessed(tmp_path: Path) -> None:
    good = THAI.encode("utf-8")
    data = good[:30] + b"\xff" + good[30:] + good[:-2]  # a stray byte and a cut character
    reason = _reason(_write(tmp_path, "corrupt.txt", data))
    assert reason.startswith("undecodable: invalid UTF-8 at byte 30")
    assert "UTF-8" in reason


def test_undecodable_bytes(tmp_path: Path) -> None:
    # High bytes that are neither UTF-8, nor valid cp874 (0xDB-0xDE, 0xFC-0xFF
    # are undefined there), nor anything charset-normalizer trusts.
    data = bytes([0xDB, 0xFC, 0x81, 0xDE, 0xFD, 0x8E, 0xFE, 0x9D]) * 40
    reason = _reason(_write(tmp_path, "junk.txt", data))
    assert reason.startswith("undecodable")
    assert "UTF-8" in reason  # it says what to do


def test_file_over_max_bytes(tmp_path: Path) -> None:
    path = _write(tmp_path, "big.txt", THAI.encode("utf-8") * 100)
    size = path.stat().st_size
    reason = _reason(path, max_bytes=size - 1)
    assert reason.startswith("file too large")
    assert f"{size:,}" in reason
    assert read_text(path, max_bytes=size) == THAI * 100  # exactly at the limit is fine


def test_missing_file(tmp_path: Path) -> None:
    assert _reason(tmp_path / "nope.txt").startswith("file not found")


def test_directory_is_not_a_regular_file(tmp_path: Path) -> None:
    assert _reason(tmp_path).startswith("not a regular file")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")
def test_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    assert _reason(fifo).startswith("not a regular file")


def test_permission_denied(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _write(tmp_path, "secret.txt", THAI.encode("utf-8"))
    if os.geteuid() != 0:
        path.chmod(0)
        try:
            assert _reason(path).startswith("permission denied")
        finally:
            path.chmod(0o644)
    # As root chmod does not stop a read, so also check the mapping directly.
    def deny(*args: object, **kwargs: object) -> int:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(ingest.read.os, "open", deny)
    assert _reason(path).startswith("permission denied")


def test_file_is_read_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _write(tmp_path, "once.txt", THAI.encode("utf-8"))
    opened: list[object] = []
    real_open = os.open

    def counting_open(*args: object, **kwargs: object) -> int:
        opened.append(args[0])
        return real_open(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(ingest.read.os, "open", counting_open)
    assert read_text(path, max_bytes=MB) == THAI
    assert opened == [path]


def test_decode_bytes_names_the_input() -> None:
    with pytest.raises(UnreadableFileError, match="upload.txt: empty file"):
        decode_bytes(b"", "upload.txt")
    assert decode_bytes("พอช.".encode("utf-8"), "x") == "พอช."

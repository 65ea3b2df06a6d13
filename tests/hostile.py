"""A generator of hostile input: the files a tool trusted with years of notes meets.

``make_hostile_corpus(folder)`` writes the corpus and returns what ingest must
do with each file: ``"ok"`` (indexed) or the start of the reason it must report.
"""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path

__all__ = ["THAI", "make_hostile_corpus"]

THAI = (
    "เครือข่ายสัจจะลดรายจ่ายวันละ 1 บาท จ.สงขลา ลงลึกตำบลน้ำขาว อ.จะนะ "
    "ทำกองทุนสวัสดิการชุมชนร่วมกับพอช. และกองทุนหมู่บ้าน"
)


def make_hostile_corpus(folder: Path, *, big_mb: int = 50) -> dict[str, str]:
    """Write hostile files under ``folder``; return ``{relative path: expectation}``."""
    folder.mkdir(parents=True, exist_ok=True)
    expect: dict[str, str] = {}

    def put(name: str, data: bytes, expectation: str) -> Path:
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        expect[name] = expectation
        return path

    put("empty.txt", b"", "empty file")
    put("whitespace.txt", b" \n\t \r\n   \n", "whitespace-only")
    put("image.png", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, "unsupported file type")
    put("png-named.txt", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, "binary file")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("a.txt", THAI)
    put("archive-named.txt", buf.getvalue(), "binary file")
    put("nul.txt", THAI.encode() + b"\x00\x00\x00" + THAI.encode(), "binary file")
    put("invalid-utf8.txt", THAI.encode()[:40] + b"\xff\xfe\xfa\x80\x81" + THAI.encode(), "undecodable")
    put("tis620.txt", ("บันทึก TIS-620\n\n" + THAI).encode("cp874"), "ok")
    put("utf16.txt", ("บันทึก UTF-16\n\n" + THAI).encode("utf-16"), "ok")
    put("utf8-bom.txt", ("\ufeffบันทึก BOM\n\n" + THAI).encode("utf-8"), "ok")
    html = (
        "<html><head><title>หน้าเว็บ</title><script>alert('ห้ามเห็น')</script>"
        "<style>body{color:red}</style></head><body><nav>เมนู</nav>"
        f"<h1>บันทึก HTML</h1><p>{THAI}</p></body></html>"
    )
    put("page.html", html.encode(), "ok")
    put("long-line.txt", ("บรรทัดยาว\n\n" + (THAI + " ") * (200_000 // len(THAI) + 1)).encode(), "ok")
    put("a/b/c/d/e/f/g/h/deep.txt", ("ลึกมาก\n\n" + THAI).encode(), "ok")
    put("dup-one.txt", ("ซ้ำ\n\n" + THAI).encode(), "ok")
    put("dup-two.txt", ("ซ้ำ\n\n" + THAI).encode(), "duplicate")
    big = folder / "big.txt"
    with big.open("wb") as f:
        line = (THAI + "\n").encode()
        for _ in range(big_mb * 1024 * 1024 // len(line) + 1):
            f.write(line)
    expect["big.txt"] = "file too large"
    loop = folder / "loops"
    loop.mkdir()
    os.symlink(folder, loop / "back-to-top")
    return expect

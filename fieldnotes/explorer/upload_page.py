"""Add-notes page: upload files, ingest them with a progress bar, find them at once.

Files are checked here first (type and size, from ``settings.upload_max_mb``)
so a facilitator gets a plain answer before anything is sent; the facade
checks again and saves under ``<home>/uploads/`` with a sanitised name, so a
name like ``../../etc/passwd.txt`` can never leave the home folder.

Example:
    >>> check_upload("บันทึกประชุม.txt", 2048, max_mb=10)
    >>> check_upload("virus.exe", 10, max_mb=10)
    Traceback (most recent call last):
    InputError: virus.exe: ...
"""

from __future__ import annotations

from pathlib import PurePath
from typing import Any, Callable, Sequence

import streamlit as st

from fieldnotes.errors import FieldnotesError, InputError
from fieldnotes.explorer.common import go, guard, is_empty, page_href
from fieldnotes.explorer.labels import PAGE_TITLES, bi

__all__ = ["ALLOWED", "check_upload", "overall_progress", "report_lines", "ingest_files", "render"]

#: File types the explorer accepts (the facade's list).
ALLOWED = (".txt", ".md", ".html", ".htm", ".pdf", ".docx")


def check_upload(name: str, size: int, *, max_mb: float) -> None:
    """Refuse a file the facade would refuse, with a message that says what to do.

    Raises:
        InputError: no name, a type not in :data:`ALLOWED`, empty, or too large.
    """
    base = PurePath((name or "").replace("\\", "/")).name
    if not base or base in (".", ".."):
        raise InputError(f"{name!r}: ไม่มีชื่อไฟล์ · the file has no name; rename it and upload again")
    suffix = PurePath(base).suffix.lower()
    if suffix not in ALLOWED:
        raise InputError(
            f"{base}: ไม่รองรับไฟล์ชนิด {suffix or '(ไม่มีนามสกุล)'} · type not supported; "
            f"upload {', '.join(ALLOWED)}"
        )
    if size <= 0:
        raise InputError(f"{base}: ไฟล์ว่าง · the file is empty")
    limit = int(max_mb * 1024 * 1024)
    if size > limit:
        raise InputError(
            f"{base}: ขนาด {size / 1048576:.1f} MB เกิน {max_mb:g} MB · too large; "
            f"split it or raise FIELDNOTES_UPLOAD_MAX_MB"
        )


def overall_progress(index: int, n_files: int, done: int, total: int) -> float:
    """Fraction done over all files when file ``index`` (0-based) is ``done/total`` through."""
    if n_files <= 0:
        return 1.0
    inner = (done / total) if total > 0 else 0.0
    return min(1.0, max(0.0, (index + min(inner, 1.0)) / n_files))


def report_lines(name: str, report: Any) -> list[tuple[str, str]]:
    """``(level, message)`` lines for one file's ``IngestReport`` (level: success/info/error)."""
    lines: list[tuple[str, str]] = []
    for _ in getattr(report, "added", []) or []:
        lines.append(("success", f"{name}: " + bi("เพิ่มแล้ว", "added")))
    for _ in getattr(report, "updated", []) or []:
        lines.append(("success", f"{name}: " + bi("ปรับปรุงแล้ว", "updated")))
    for _ in getattr(report, "unchanged", []) or []:
        lines.append(("info", f"{name}: " + bi("มีอยู่แล้ว ไม่เปลี่ยน", "already there, unchanged")))
    for _src, doc_id in getattr(report, "duplicates", []) or []:
        lines.append(("info", f"{name}: " + bi("ซ้ำกับบันทึกที่มีอยู่", "duplicate of a stored note") + f" ({doc_id})"))
    for _src, reason in getattr(report, "failed", []) or []:
        lines.append(("error", f"{name}: " + bi("นำเข้าไม่ได้", "could not ingest") + f" — {reason}"))
    return lines


def ingest_files(
    kb: Any,
    files: Sequence[tuple[str, bytes]],
    *,
    max_mb: float,
    progress: Callable[[float, str], None] | None = None,
) -> list[tuple[str, str]]:
    """Check and ingest ``(name, bytes)`` files one by one; returns report lines.

    A file that fails (type, size, unreadable) is reported and the others go on.
    """
    lines: list[tuple[str, str]] = []
    n = len(files)
    for i, (name, data) in enumerate(files):
        def tick(done: int, total: int, _i: int = i, _name: str = name) -> None:
            if progress:
                progress(overall_progress(_i, n, done, total), _name)

        try:
            check_upload(name, len(data), max_mb=max_mb)
            tick(0, 1)
            report = kb.ingest_upload(name, data, progress=tick)
            lines.extend(report_lines(name, report))
        except FieldnotesError as exc:
            lines.append(("error", str(exc)))
        tick(1, 1)
    return lines


def render(kb: Any) -> None:
    """Draw the Add-notes page."""
    st.title(PAGE_TITLES["upload"])
    # Filled in at the end: an ingest in this run may have just ended the emptiness.
    hint = st.empty()
    max_mb = float(kb.settings.upload_max_mb)
    st.caption(bi("ไฟล์ที่รับ", "Accepted") + f": {', '.join(ALLOWED)} · "
               + bi("ไม่เกิน", "at most") + f" {max_mb:g} MB " + bi("ต่อไฟล์", "per file"))
    st.caption(bi("ไฟล์จะถูกเก็บไว้ที่", "Files are kept in") + f" `{kb.home}/uploads/` · "
               + bi("ค้นหาได้ทันทีหลังนำเข้า", "searchable as soon as they are ingested"))
    uploads = st.file_uploader(
        bi("เลือกไฟล์บันทึก", "Choose note files"),
        type=[s.lstrip(".") for s in ALLOWED],
        accept_multiple_files=True,
        max_upload_size=max(1, int(max_mb)),
        key="u_files",
    )
    if st.button(bi("นำเข้า", "Ingest"), type="primary", disabled=not uploads, key="u_go"):
        bar = st.progress(0.0, text=bi("กำลังนำเข้า…", "Ingesting…"))

        def show(frac: float, name: str) -> None:
            bar.progress(frac, text=f"{bi('กำลังนำเข้า', 'Ingesting')} {name} ({frac:.0%})")

        with guard(bi("นำเข้า", "ingest")):
            lines = ingest_files(kb, [(f.name, f.getvalue()) for f in uploads or []], max_mb=max_mb, progress=show)
            bar.progress(1.0, text=bi("เสร็จแล้ว", "Done"))
            st.cache_data.clear()
            st.session_state["u_lines"] = lines
    for level, msg in st.session_state.get("u_lines", []):
        getattr(st, level)(msg)
    if any(level == "success" for level, _ in st.session_state.get("u_lines", [])):
        st.html(f'<a href="{page_href("search")}" target="_self">'
                f'{bi("ไปค้นหาบันทึกที่เพิ่ม", "Search the new notes")} →</a>')
        if st.button(bi("ไปหน้าค้นหา", "Go to Search"), key="u_search"):
            go("search")
    if is_empty(kb):
        hint.info(bi("คลังยังว่าง เพิ่มบันทึกแรกได้ที่นี่", "The knowledge base is empty: add your first notes here")
                  + " — " + bi("หรือใช้คำสั่ง", "or run") + " `fieldnotes ingest corpus/`")

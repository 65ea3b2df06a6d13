"""Files uploaded through the explorer: checked, named safely and saved atomically."""

from __future__ import annotations

import os
from pathlib import Path

from fieldnotes.errors import InputError
from ingest.walk import SUPPORTED_SUFFIXES

__all__ = ["safe_name", "save_upload"]


def safe_name(name: str) -> str:
    """A file name without folders or control characters, never empty or hidden.

    Example:
        >>> safe_name("../../etc/บันทึก.txt")
        'บันทึก.txt'
    """
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(ch for ch in base if ch.isprintable() and ch not in '<>:"|?*').strip(" .")
    return base or "upload.txt"


def save_upload(folder: Path, name: str, data: bytes, *, max_bytes: int) -> Path:
    """Save an upload as ``folder/<safe name>``; the name can never leave ``folder``.

    Raises:
        InputError: empty, larger than ``max_bytes``, or of a type ingest cannot read.
    """
    safe = safe_name(name)
    suffix = Path(safe).suffix.lower()
    if not suffix or suffix not in SUPPORTED_SUFFIXES:
        raise InputError(f"{name!r}: upload .txt, .md, .html, .pdf or .docx files")
    if not data:
        raise InputError(f"{name!r} is empty")
    if len(data) > max_bytes:
        raise InputError(
            f"{name!r} is {len(data) / 1e6:.1f} MB; uploads are limited to "
            f"{max_bytes / 1e6:.0f} MB (FIELDNOTES_UPLOAD_MAX_MB)"
        )
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / safe
    tmp = folder / f".{safe}.part"
    tmp.write_bytes(data)
    os.replace(tmp, target)  # never a half-written file under the real name
    return target

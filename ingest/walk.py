"""Finding the files to ingest under the paths a user gives.

Folders are walked recursively in sorted order (so runs are reproducible),
hidden entries (``.git``, ``.fieldnotes``) and a folder's own ``README``
(``README``, ``README.md``, ``README.txt``: it describes the folder, it is not a
note) are passed over, symlinked folders
are not followed (a symlink loop cannot trap the walk) and folders that cannot
be listed are reported, not fatal.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

__all__ = ["Candidate", "iter_files", "SUPPORTED_SUFFIXES"]

#: Suffixes ingest knows how to read. Other files found in a folder walk are
#: reported as unsupported rather than silently ignored.
SUPPORTED_SUFFIXES = frozenset(
    {".txt", ".text", ".md", ".markdown", ".html", ".htm", ".pdf", ".docx", ""}
)


_FOLDER_README = frozenset({"readme", "readme.md", "readme.txt"})


@dataclass(frozen=True)
class Candidate:
    """A file to ingest, or a path that could not be walked.

    Attributes:
        path: absolute path.
        given: how the user named it (the path as given, joined with the
            relative path inside a given folder).
        problem: why it cannot be ingested before even opening it, else ``None``.
    """

    path: Path
    given: str
    problem: str | None = None


def iter_files(paths: Iterable[str | os.PathLike[str]]) -> Iterator[Candidate]:
    """Yield every file under ``paths`` (files or folders, recursive).

    Example:
        >>> [c.given for c in iter_files(["corpus"])][:1]
        ['corpus/000_d3db8b877662650d.txt']
    """
    for raw in paths:
        given = os.fspath(raw)
        p = Path(given)
        if not p.exists() and not p.is_symlink():
            yield Candidate(p.absolute(), given, "no such file or folder")
        elif p.is_symlink() and not p.exists():
            yield Candidate(p.absolute(), given, "broken symbolic link")
        elif p.is_dir():
            yield from _walk(p, given)
        else:
            yield _file(p, given)


def _file(p: Path, given: str) -> Candidate:
    absolute = p.absolute()
    if not p.is_file():
        return Candidate(absolute, given, "not a regular file")
    if p.suffix.lower() not in SUPPORTED_SUFFIXES:
        return Candidate(
            absolute, given, f"unsupported file type {p.suffix!r} (use .txt, .md, .html, .pdf, .docx)"
        )
    return Candidate(absolute, given)


def _walk(root: Path, given: str) -> Iterator[Candidate]:
    errors: list[OSError] = []
    # followlinks=False: a symlinked folder (possibly a loop) is never entered.
    for folder, dirs, files in os.walk(root, onerror=errors.append, followlinks=False):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        rel_folder = os.path.relpath(folder, root)
        for name in sorted(files):
            if name.startswith(".") or name.lower() in _FOLDER_README:
                continue
            rel = name if rel_folder == "." else os.path.join(rel_folder, name)
            p = Path(folder) / name
            shown = os.path.join(given, rel)
            if p.is_symlink() and p.is_dir():
                continue
            if p.is_symlink() and not p.exists():
                yield Candidate(p.absolute(), shown, "broken symbolic link")
                continue
            yield _file(p, shown)
        while errors:
            err = errors.pop()
            shown = err.filename or str(root)
            yield Candidate(Path(shown).absolute(), str(shown), f"cannot list folder: {err.strerror}")
    while errors:
        err = errors.pop()
        yield Candidate(root.absolute(), given, f"cannot list folder: {err.strerror}")

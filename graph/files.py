"""Writing and reading the graph's data files: atomic text writes, a paused collector.

A graph generation (:mod:`graph.rebuild`) is a folder of JSON files plus the
``CURRENT`` pointer next to them; readers may open any of them at any time, so
each file is written whole under a temporary name and then renamed over the
real one. Reading a big one back makes millions of small objects, none of them
garbage, so the garbage collector is paused meanwhile.

Example:
    >>> write_text_atomic(gen / "entities.json", json.dumps(rows, ensure_ascii=False))
    >>> with collector_paused():
    ...     rows = json.loads((gen / "entities.json").read_text("utf-8"))
"""

from __future__ import annotations

import gc
import os
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

__all__ = ["write_text_atomic", "collector_paused"]


def write_text_atomic(path: Path, text: str) -> None:
    """Write ``text`` as UTF-8 to ``path`` so that readers see the old file or the new one, whole.

    The text goes to a temporary file in the same folder (``os.replace`` is
    atomic only within one file system), is flushed to disk, then renamed over
    ``path``. The folder is made if missing. If anything fails, the temporary
    file is removed and ``path`` is left as it was.

    Args:
        path: the file to write (created or replaced).
        text: its whole new content.

    Raises:
        OSError: the folder or the file cannot be written; ``path`` is unchanged.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}-", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            # Renamed before its data reaches the disk, a crash could leave an
            # empty file under the real name (CURRENT pointing nowhere).
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)  # mkstemp makes it private; it is a plain data file
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the garbage collector while a big file becomes objects.

    Loading a saved network or entity table makes millions of small lists and
    dicts, none of them garbage; with the collector on, it rescans them again
    and again. It is switched back on after, if it was on before.
    """
    paused = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if paused:
            gc.enable()

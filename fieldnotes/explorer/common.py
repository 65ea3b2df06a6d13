"""What every page shares: navigation between pages, the error guard, chips, CSS.

Pages never show a traceback: :func:`guard` turns a
:class:`~fieldnotes.errors.FieldnotesError` into ``st.error`` with its message
(which names the bad input and the fix), and any other error into a short
sentence plus a log entry.

Links between pages are plain relative URLs (``./?page=case&doc=…``,
``./?page=entity&iri=…``) so they also work inside highlighted HTML and can be
bookmarked; buttons use :func:`go`.
"""

from __future__ import annotations

import html
import logging
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, Iterable, Iterator, Mapping
from urllib.parse import urlencode

import streamlit as st

from fieldnotes.errors import FieldnotesError
from fieldnotes.explorer.labels import INGEST_HINT, bi, type_label

__all__ = [
    "Chip",
    "page_href",
    "entity_href",
    "case_href",
    "register_pages",
    "go",
    "param",
    "guard",
    "chips_html",
    "inject_css",
    "is_empty",
    "show_empty_state",
    "revision",
    "fmt_date",
]

log = logging.getLogger("fieldnotes.explorer")

# The st.Page objects of the running app, set by app.py on every run, so that
# buttons can switch pages (st.switch_page needs the page object).
_PAGES: dict[str, Any] = {}


@dataclass(frozen=True)
class Chip:
    """A small labelled link to an entity.

    Attributes:
        iri: the entity's IRI.
        label: what the chip says.
        type: ``actor``, ``area`` or ``practice`` (the chip's colour).
        count: how often, shown after the label when given.
    """

    iri: str
    label: str
    type: str
    count: int | None = None


def page_href(page: str, **params: str) -> str:
    """A relative link to a page, e.g. ``./?page=case&doc=ab12``.

    The page goes in the query (app.py makes it the landing page) rather than
    the path, so the link works from any page and under any base URL.
    """
    clean = {k: v for k, v in params.items() if v is not None and v != ""}
    return "./?" + urlencode({"page": page, **clean})


def entity_href(iri: str) -> str:
    """Link to an entity's page."""
    return page_href("entity", iri=iri)


def case_href(doc_id: str, at: int | None = None) -> str:
    """Link to a note's case page; ``at`` is the offset of the passage it was found at.

    The case page shows the page of a PDF that ``at`` lies on.
    """
    return page_href("case", doc=doc_id, at=None if at is None else str(int(at)))


def register_pages(pages: Mapping[str, Any]) -> None:
    """Remember the app's ``st.Page`` objects by key (called by app.py)."""
    _PAGES.clear()
    _PAGES.update(pages)


def go(page: str, **params: str) -> None:
    """Switch to another page with query parameters (ends the current run)."""
    target = _PAGES.get(page)
    if target is None:
        # Only when a page is rendered outside app.py (a unit test): stay put.
        st.query_params.update({k: v for k, v in params.items() if v})
        return
    st.switch_page(target, query_params={k: v for k, v in params.items() if v})


def param(name: str) -> str | None:
    """A query parameter of the current URL, or ``None``."""
    value = st.query_params.get(name)
    return value or None


@contextmanager
def guard(what: str = "") -> Iterator[None]:
    """Show errors in words: a FieldnotesError's own message, else a plain sentence.

    Streamlit's own control-flow exceptions (rerun, switch page, stop) pass through.
    """
    try:
        yield
    except FieldnotesError as exc:
        st.error(f"{what}{': ' if what else ''}{exc}")
    except Exception as exc:  # noqa: BLE001 - the page must never show a traceback
        if _is_control_flow(exc):
            raise
        log.exception("explorer error in %s", what or "page")
        st.error(
            f"{what}{': ' if what else ''}เกิดข้อผิดพลาดภายใน · internal error "
            f"({type(exc).__name__}: {exc}). ลองอีกครั้ง หรือแจ้งผู้ดูแล · "
            "Try again or tell the maintainer; details are in the server log."
        )


def _is_control_flow(exc: BaseException) -> bool:
    # RerunException / StopException derive from ScriptControlException.
    from streamlit.runtime.scriptrunner_utils.exceptions import ScriptControlException

    return isinstance(exc, ScriptControlException)


def chips_html(chips: Iterable[Chip]) -> str:
    """A row of entity chips as HTML links (empty string when there are none)."""
    items = []
    for c in chips:
        label = html.escape(c.label)
        count = f' <span class="fn-count">{c.count}</span>' if c.count is not None else ""
        title = html.escape(f"{c.label} · {type_label(c.type)}", quote=True)
        href = html.escape(entity_href(c.iri), quote=True)
        items.append(
            f'<a class="fn-chip fn-{html.escape(c.type, quote=True)}" href="{href}" '
            f'target="_self" title="{title}">{label}{count}</a>'
        )
    return f'<div class="fn-chips">{"".join(items)}</div>' if items else ""


@lru_cache(maxsize=1)
def _css() -> str:
    return resources.files("fieldnotes.explorer").joinpath("static/explorer.css").read_text("utf-8")


def inject_css() -> None:
    """Add the explorer's stylesheet to the page (bundled; nothing is fetched)."""
    st.html(f"<style>{_css()}</style>")


def is_empty(kb: Any) -> bool:
    """True when the knowledge base holds no document yet."""
    return int(kb.stats().get("documents", 0)) == 0


def show_empty_state(kb: Any) -> bool:
    """If the knowledge base is empty, say how to fill it and return True.

    Files that were tried and failed (a scanned PDF, a binary file) are listed
    with the reason, since they are usually why a home is still empty.
    """
    if is_empty(kb):
        st.info(INGEST_HINT)
        failed = kb.failures()
        if failed:
            st.warning(
                bi(f"นำเข้าไม่สำเร็จ {len(failed)} ไฟล์",
                   f"{len(failed)} file{'' if len(failed) == 1 else 's'} could not be ingested") + ":\n\n"
                # A backtick in a file name would end the code span early.
                + "\n".join(f"- `{Path(src).name.replace('`', chr(39))}`: {reason}" for src, reason in failed[:10])
                + ("\n- …" if len(failed) > 10 else "")
            )
        st.caption(bi("โฟลเดอร์คลังความรู้", "home folder") + f": `{Path(kb.home).resolve()}`")
        return True
    return False


def revision(kb: Any) -> str:
    """A key that changes whenever the knowledge base does (ingest or curation).

    Cached page data is keyed on it, so an upload or a merge shows at once.
    """
    stats = kb.stats()
    cur = Path(kb.home) / "curation.json"
    mtime = cur.stat().st_mtime_ns if cur.exists() else 0
    # The home is part of the key: cached data is shared by every session of the
    # server process, and two homes can have the same counts.
    return f"{Path(kb.home).resolve()}:{sorted(stats.items())}:{mtime}"


def fmt_date(value: Any) -> str:
    """A date as ``2007-12-04`` (or ``""``), from a datetime or an ISO string."""
    if value is None:
        return ""
    if hasattr(value, "date"):
        return value.date().isoformat()
    return str(value)[:10]

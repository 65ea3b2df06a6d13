"""fieldnotes explorer: ``streamlit run app.py`` (after ``fieldnotes ingest corpus/``).

Thin on purpose: it opens the knowledge base once (``st.cache_resource``),
lists the pages and hands each one the knowledge base; after the first page
is drawn it loads the search model and indexes in the background
(:mod:`fieldnotes.explorer.warm`; off with ``FIELDNOTES_WARM_START=0``). The
page logic lives in ``fieldnotes/explorer/``. The home folder is
``FIELDNOTES_HOME`` (default ``./.fieldnotes``), or
``streamlit run app.py -- --home PATH``.

A page can also be opened at the root with ``?page=<key>`` (``search``,
``case``, ``network``, ``themes``, ``areas``, ``entity``, ``upload``), which is
how links from outside the app and the tests pick a page.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from typing import Any, Callable

import streamlit as st

from fieldnotes.explorer.common import guard, inject_css, register_pages
from fieldnotes.explorer.labels import PAGE_TITLES, bi
from fieldnotes.explorer.warm import page_running
from fieldnotes.explorer.warm import start as start_warmup

__all__ = ["load_kb", "main"]

# Page modules are imported when their page is first shown, so the first page
# does not wait for the graph component or the map code.
_MODULES: dict[str, str] = {
    "search": "fieldnotes.explorer.search_page",
    "case": "fieldnotes.explorer.case_page",
    "network": "fieldnotes.explorer.network_page",
    "themes": "fieldnotes.explorer.themes_page",
    "areas": "fieldnotes.explorer.areas_page",
    "entity": "fieldnotes.explorer.entity_page",
    "upload": "fieldnotes.explorer.upload_page",
}


def _home_arg() -> str | None:
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--home")
    known, _ = parser.parse_known_args(sys.argv[1:])
    return known.home


@st.cache_resource(show_spinner=bi("กำลังเปิดคลังความรู้…", "Opening the knowledge base…"))
def load_kb(home: str | None) -> Any:
    """Open the knowledge base once per server process (shared by all sessions)."""
    from fieldnotes.kb import KnowledgeBase

    return KnowledgeBase(home)


def _page(key: str) -> Callable[[], None]:
    def run() -> None:
        inject_css()
        kb = None
        with guard(bi("เปิดคลังความรู้", "opening the knowledge base")):
            kb = load_kb(_home_arg())
        if kb is not None:
            with page_running(), guard(PAGE_TITLES[key]):
                importlib.import_module(_MODULES[key]).render(kb)
            # After the page is drawn, never before: the first search's model and
            # indexes load in a background thread while the page is being read.
            start_warmup(kb)

    run.__name__ = f"page_{key}"
    return run


def _skip_repl_check() -> None:
    # Streamlit checks once per process whether it runs in a REPL by walking the
    # whole call stack (inspect.stack, ~0.3-0.7 s on the first page). We know we
    # run under `streamlit run`; the flag is private, so only set it if present.
    from streamlit import delta_generator

    if hasattr(delta_generator, "_use_warning_has_been_displayed"):
        delta_generator._use_warning_has_been_displayed = True


def main() -> None:
    """Configure the page, register the navigation and run the chosen page."""
    _skip_repl_check()
    # No page_icon here and no icons on the pages: Streamlit turns an emoji or
    # Material icon into a favicon fetched from a CDN. Its own favicon is local.
    st.set_page_config(page_title="fieldnotes", layout="wide")
    wanted = st.query_params.get("page")
    default = wanted if wanted in _MODULES else "search"
    pages = {
        key: st.Page(
            _page(key),
            title=PAGE_TITLES[key],
            url_path=key,
            default=(key == default),
        )
        for key in _MODULES
    }
    register_pages(pages)
    st.navigation(list(pages.values())).run()


main()

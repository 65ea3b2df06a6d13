"""The explorer's pages and the plain functions behind them (``streamlit run app.py``).

One module per page (``search_page``, ``case_page``, ``network_page``,
``themes_page``, ``areas_page``, ``entity_page``, ``upload_page``), each with
plain functions that prepare data and a ``render(kb)`` that lays it out; shared
pieces in ``common``, ``highlight``, ``filters``, ``mapchart``, ``labels``,
``data`` and ``browser`` (headless Chromium for tests and screenshots); ``warm``
loads the search model and indexes in the background after the first page.
The pages only call the facade :class:`fieldnotes.kb.KnowledgeBase`.
"""

from __future__ import annotations

__all__ = [
    "areas_page",
    "browser",
    "case_page",
    "common",
    "data",
    "entity_page",
    "filters",
    "highlight",
    "labels",
    "mapchart",
    "network_page",
    "screenshots",
    "search_page",
    "themes_page",
    "upload_page",
    "warm",
]

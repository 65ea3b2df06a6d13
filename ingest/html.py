"""HTML → visible text, with scripts, styles and navigation dropped.

A saved web page (a GotoKnow post saved from the browser, a report exported
as HTML) becomes plain text with one paragraph per block element, so the
parsers and the chunker see the same paragraph structure as in a text file.
Parsing is done by selectolax's lexbor engine (an HTML5 parser); this module
only decides which elements carry text and where the line breaks go.

Example:
    >>> page = html_to_text("<title>บันทึก</title><p>กองทุน<b>หมู่บ้าน</b></p><script>x()</script>")
    >>> page.title, page.text
    ('บันทึก', 'กองทุนหมู่บ้าน')
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Mapping

if TYPE_CHECKING:
    from selectolax.lexbor import LexborNode

__all__ = ["HtmlText", "html_to_text", "looks_like_html", "node_text"]

# Elements whose content is never text a reader sees as part of the note:
# code, styling, embedded media, form controls, and page chrome (menus,
# sidebars, site footers) that repeats on every page of a site.
_SKIP = frozenset({
    "head", "script", "style", "noscript", "template", "svg", "canvas", "iframe",
    "object", "embed", "video", "audio", "map", "button", "select", "textarea",
    "input", "nav", "aside", "footer", "dialog",
})
# Block elements: a paragraph break before and after.
_PARAGRAPH = frozenset({
    "p", "div", "section", "article", "main", "header", "blockquote", "pre",
    "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "dl", "table", "figure",
    "figcaption", "address", "hr", "form", "fieldset", "details", "summary", "body",
})
# Line-level elements: a line break before and after.
_LINE = frozenset({"li", "dt", "dd", "tr", "caption", "legend", "option"})
_CELL = frozenset({"td", "th"})
# HTML collapses ASCII whitespace only; U+00A0 (&nbsp;) is kept here and
# turned into a space later by normalize_text.
_HTML_SPACE = re.compile(r"[ \t\n\r\f]+")
_START = re.compile(r"\s*-?\d{1,6}")
_STARTS_LIKE_HTML = re.compile(
    r"\A(?:\ufeff)?\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*"
    r"<(?:!doctype\s+html|html|head|body|meta|title)\b",
    re.IGNORECASE | re.DOTALL,
)


@dataclass(frozen=True)
class HtmlText:
    """The text of an HTML page.

    Attributes:
        title: the ``<title>``, else the first ``<h1>``, else ``""``.
        text: the visible text; paragraphs separated by blank lines.
    """

    title: str
    text: str


def looks_like_html(text: str) -> bool:
    """True if ``text`` starts like an HTML document (doctype, ``<html>``, ``<head>`` …).

    Example:
        >>> looks_like_html("<!DOCTYPE html><html lang='th'>"), looks_like_html("กองทุน <b>")
        (True, False)
    """
    return _STARTS_LIKE_HTML.match(text[:4096]) is not None


def html_to_text(html: str) -> HtmlText:
    """Extract the title and the visible text of an HTML document.

    Scripts, styles, ``<nav>``, ``<aside>``, ``<footer>``, form controls and
    hidden elements are dropped; block elements become paragraphs; ``<br>``,
    list items and table rows become lines; items of an ordered list keep
    their numbers (``1. `` …, as a browser shows them); table cells are
    separated by a tab; whitespace is collapsed as a browser does, except
    inside ``<pre>``.

    Args:
        html: the document (any HTML, even a fragment or broken markup).

    Returns:
        The page title and text.
    """
    from selectolax.lexbor import LexborHTMLParser

    tree = LexborHTMLParser(html)
    title_node = tree.css_first("title") or tree.css_first("h1")
    title = _HTML_SPACE.sub(" ", title_node.text()).strip() if title_node is not None else ""
    root = tree.body if tree.body is not None else tree.root
    return HtmlText(title=title, text=node_text(root) if root is not None else "")


def node_text(node: LexborNode) -> str:
    """The visible text of one element of a parsed page, laid out as :func:`html_to_text` does.

    Args:
        node: a selectolax (lexbor) element, e.g. ``tree.css_first("div.post-content")``.

    Returns:
        Its text: paragraphs separated by blank lines; scripts, navigation and
        hidden elements left out.

    Example:
        >>> from selectolax.lexbor import LexborHTMLParser
        >>> tree = LexborHTMLParser("<div><p>กองทุน</p><ol><li>ออม</li><li>กู้</li></ol></div>")
        >>> node_text(tree.css_first("div"))
        'กองทุน\\n\\n1. ออม\\n2. กู้'
    """
    writer = _Writer()
    # An explicit stack instead of recursion: pages nested thousands of
    # elements deep (broken markup does that) must not hit the recursion limit.
    stack: list[tuple[LexborNode, bool]] = [(node, False)]
    while stack:
        current, closing = stack.pop()
        tag = current.tag or ""
        if closing:
            writer.close(tag)
            continue
        if tag == "-text":
            writer.text(current.text_content or "")
            continue
        if tag.startswith("-") or tag.startswith("!") or tag in _SKIP or _hidden(current):
            continue
        writer.open(tag, current.attributes)
        stack.append((current, True))
        children = list(current.iter(include_text=True))
        stack.extend((child, False) for child in reversed(children))
    return writer.result()


def _hidden(node: LexborNode) -> bool:
    attrs = node.attributes
    if "hidden" in attrs or attrs.get("aria-hidden") == "true":
        return True
    style = (attrs.get("style") or "").replace(" ", "").lower()
    return "display:none" in style or "visibility:hidden" in style


class _Writer:
    """Collects inline text and turns element boundaries into line breaks."""

    def __init__(self) -> None:
        self._out: list[str] = []
        self._line: list[str] = []
        self._gap = 0  # 0: same line, 1: new line, 2: new paragraph
        self._pre = 0
        # One entry per open list: the last number given in an <ol>, or None
        # in a <ul> (whose bullets carry no meaning in text).
        self._lists: list[int | None] = []
        self._marker = ""  # a list item's number, written before its first text

    def text(self, s: str) -> None:
        if self._marker and s.strip():
            self._line.append(self._marker)
            self._marker = ""
        self._line.append(s if self._pre else _HTML_SPACE.sub(" ", s))

    def open(self, tag: str, attrs: Mapping[str, str | None]) -> None:
        if tag == "br":
            self._break(1, hard=True)
        elif tag in _PARAGRAPH:
            self._break(2)
        elif tag in _LINE:
            self._break(1)
        elif tag in _CELL:
            self._line.append("\t")
        if tag == "pre":
            self._pre += 1
        elif tag == "ol":
            start = _START.match(attrs.get("start") or "")
            self._lists.append(int(start.group()) - 1 if start else 0)
        elif tag == "ul":
            self._lists.append(None)
        elif tag == "li" and self._lists and self._lists[-1] is not None:
            # Numbers matter in Thai notes ("ขั้นตอนที่ 1", agenda items), and the
            # text exports show them; lexbor leaves them to the renderer.
            self._lists[-1] += 1
            self._marker = f"{self._lists[-1]}. "

    def close(self, tag: str) -> None:
        if tag in _PARAGRAPH:
            self._break(2)
        elif tag in _LINE:
            self._break(1)
        if tag == "pre":
            self._pre = max(0, self._pre - 1)
        if tag in ("li", "ol", "ul"):
            self._marker = ""  # an empty item's number must not land on later text
        if tag in ("ol", "ul") and self._lists:
            self._lists.pop()

    def _break(self, level: int, *, hard: bool = False) -> None:
        line = "".join(self._line)
        self._line.clear()
        if self._pre:
            # Keep the indentation of preformatted text, drop trailing blanks.
            parts = [part.rstrip(" \t") for part in line.split("\n")]
        else:
            parts = [part.strip(" \t") for part in line.split("\n")]
        line = "\n".join(parts).strip("\n")
        if line.strip():
            if self._out:
                self._out.append("\n\n" if self._gap >= 2 else "\n")
            self._out.append(line)
            self._gap = level
        elif hard:
            # <br><br> on an empty line: a blank line, i.e. a paragraph break.
            self._gap = min(2, self._gap + 1)
        else:
            self._gap = max(self._gap, level)

    def result(self) -> str:
        self._break(2)
        return "".join(self._out)

"""Saved GotoKnow pages ("Save page as" in the browser) → :class:`~ingest.gotoknow.GotoKnowPost`.

A saved post page holds far more than the post: the site's menu bar, a
sidebar (the author's card, latest posts, a tag cloud, the ClassStart
advert), share buttons, adverts inside the text, related posts, the comment
form, the site footer and dozens of scripts. This module finds the post's own
parts by the page's structure and reads them the way the text export is read
(:mod:`ingest.gotoknow`), so a saved page and the text export of the same
post give the same Document fields:

* **title**: the post's heading (``.post-title``, ``itemprop=headline`` …),
  else ``og:title``, else the first ``<h1>``, else ``<title>`` without the
  site name;
* **body**: the description shown under the title (GotoKnow's lead) and the
  post's text (``.post-content``, ``itemprop=articleBody`` …), without
  scripts, adverts or share buttons, cut at the first metadata line;
* **tags**: the tag links (``rel=tag`` or links to ``/tags/…``) that follow
  the ``คำสำคัญ (Tags)`` label, else any tag link outside the sidebars, else
  the ``คำสำคัญ (Tags)#…`` line;
* **comments**: one per comment element (``.comment``, ``id="comment-…"``,
  ``itemprop=comment``), its writer's name from the comment's author element
  or its ``name / IP: … / เขียนเมื่อ …`` header;
* **record number, dates, blog, author, licence**: from the page's metadata
  lines, parsed by :func:`~ingest.gotoknow.parse_gotoknow` exactly as in the
  text export; the record number falls back to the post's address
  (``og:url``, ``<link rel=canonical>`` or the ``saved from url`` mark a
  browser writes), the dates to ``article:published_time``/``modified_time``.

When the page is from GotoKnow (site name, address or the text's GotoKnow
markers) but its post text cannot be found, the whole visible page (menus and
sidebars dropped) goes through the text-export parser instead. The class names
looked for are those of GotoKnow's Bootstrap templates and the common blog
vocabularies (schema.org microdata, hAtom); none is required.

Example:
    >>> post = parse_gotoknow_html(
    ...     '<html><head><meta property="og:url" content="https://www.gotoknow.org/posts/71001">'
    ...     '</head><body><nav>เข้าสู่ระบบ</nav><h1 class="post-title">ออมบุญวันละบาท</h1>'
    ...     '<div class="post-content"><p>สมาชิกสมทบวันละบาท</p></div>'
    ...     '<p>บันทึกนี้เขียนที่ GotoKnow โดย ภีม ใน ชุมชน</p></body></html>')
    >>> post.title, post.body, post.record_id, post.blog
    ('ออมบุญวันละบาท', 'สมาชิกสมทบวันละบาท', '71001', 'ชุมชน')
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING, Iterable

from ingest.gotoknow import GotoKnowPost, is_gotoknow, parse_comment, parse_gotoknow, post_body
from ingest.html import node_text
from ingest.normalize import normalize_text

if TYPE_CHECKING:
    from selectolax.lexbor import LexborHTMLParser, LexborNode

__all__ = ["parse_gotoknow_html"]

# Tried in order; the first selector that matches anything wins.
_TITLE = ('[itemprop="headline"]', ".post-title", ".entry-title", "#post-title")
_BODY = ('[itemprop="articleBody"]', "#post-content", ".post-content", "#post-body", ".post-body",
         "#post_body", ".post_body", ".entry-content", ".post-entry", ".postbody")
_DESCRIPTION = ('[itemprop="description"]', ".post-description", ".post-summary", ".post-lead",
                ".entry-summary", ".description", ".summary")
_TAG_LINKS = ('a[rel~="tag"], a[href*="/tags/"], a[href*="/tag/"], .post-tags a, '
              '[itemprop="keywords"] a')
_COMMENT = ('[itemprop="comment"], [itemtype*="schema.org/Comment"], .comment, '
            'li[id^="comment-"], div[id^="comment-"], article[id^="comment-"]')
_COMMENT_AUTHOR = ('[itemprop="author"] [itemprop="name"]', '[itemprop="author"]', ".comment-author",
                   ".comment-name", ".commenter", ".author", ".fn", 'a[href*="/user/"]')
_COMMENT_TEXT = ('[itemprop="text"]', ".comment-body", ".comment-content", ".comment-text",
                 ".comment-message")
# Page chrome by class or id: menus, sidebars, breadcrumbs, share buttons,
# adverts (GotoKnow's own ClassStart box among them), related posts, forms.
_CHROME_WORDS = frozenset({
    "nav", "navbar", "menu", "sidebar", "breadcrumb", "breadcrumbs", "share", "sharing", "social",
    "ad", "ads", "advert", "advertisement", "adsbygoogle", "banner", "sponsor", "related",
    "footer", "site-footer", "site-header", "masthead", "toolbar", "pagination", "pager", "modal",
    "cookie", "reply", "fb-root", "new_comment",
})
_CHROME_PREFIXES = ("navbar", "sidebar", "breadcrumb", "share", "social", "advert", "ads-", "ad-",
                    "adsense", "classstart", "fb-", "line-it", "twitter-", "related", "comment-form",
                    "comment-reply", "widget", "menu-")
_CHROME_ROLES = frozenset({"navigation", "banner", "complementary", "contentinfo", "search", "dialog"})
# A <footer> holding these lines is the post's own footer, not the site's.
_POST_META = re.compile(r"หมายเลขบันทึก|บันทึกนี้เขียนที่|คำสำคัญ\s*\(Tags\)")
_SAVED_FROM = re.compile(r"<!--\s*saved from url=\(\d+\)(https?://[^\s>]+?)\s*-->", re.IGNORECASE)
_RECORD_IN_URL = re.compile(r"gotoknow\.org/(?:posts|blog/[^/?#]+)/(\d+)", re.IGNORECASE)
_SITE_SUFFIX = re.compile(r"\s*[-|:–—]\s*GotoKnow\s*$", re.IGNORECASE)
_SPACE = re.compile(r"\s+")
# How many levels above the post's text its heading is looked for, and how
# deep inside a tag link its text may lie.
_TITLE_REACH = 8
_LABEL_REACH = 3
_TAGS_LABEL = re.compile(r"คำสำคัญ\s*\(Tags\)")
_SEPARATORS = re.compile(r"[\s#,;:|/·•]+")


def parse_gotoknow_html(html: str) -> GotoKnowPost | None:
    """Read a saved GotoKnow page into the parts of a post.

    Args:
        html: the saved page (any HTML; normalised text is best).

    Returns:
        The post, with :attr:`GotoKnowPost.url` set where the page names its
        address; ``None`` when the page is not from GotoKnow.
    """
    from selectolax.lexbor import LexborHTMLParser

    tree = LexborHTMLParser(html)
    url = _page_url(tree, html)
    site = _meta(tree, "og:site_name")
    og_title = _clean_line(_meta(tree, "og:title"))
    head = tree.css_first("title")
    head_title = _SITE_SUFFIX.sub("", _clean_line(head.text() if head is not None else ""))
    if tree.body is None:
        return None

    content = _largest(tree.body, _BODY)
    title_node = _title_node(tree.body, content, og_title)
    _unwrap_post_footers(tree.body)
    _drop_chrome(tree.body, keep=[n for n in (tree.body, content, title_node) if n is not None])
    page_text = normalize_text(node_text(tree.body))
    from_site = "gotoknow" in site.lower() or _RECORD_IN_URL.search(url or "") is not None
    if not (from_site or is_gotoknow(page_text)):
        return None

    title = _clean_line(title_node.text()) if title_node is not None else ""
    title = title or og_title or head_title
    # The text-export reading of the whole page: the metadata always comes
    # from it, and everything else too when the post's text is not found.
    base = parse_gotoknow(_from_line(page_text, title))
    labelled, others = _tag_links(tree.body, content)
    # Links under the "คำสำคัญ (Tags)" label are the post's tags; other tag
    # links count only once the page's structure is known (its sidebars,
    # with their tag clouds, then removed).
    tags = labelled or (others if content is not None else ()) or base.tags
    base = replace(
        base,
        url=url,
        record_id=base.record_id or _record_from_url(url),
        tags=tags,
        created=base.created or _iso_date(_meta(tree, "article:published_time")),
        edited=base.edited or _iso_date(_meta(tree, "article:modified_time")),
    )
    if content is None:
        return base

    parts = [node_text(content)]
    description = _description(content, title_node)
    if description is not None:
        lead = node_text(description)
        if lead and not parts[0].lstrip().startswith(lead.strip()):
            parts.insert(0, lead)
    body = post_body("\n\n".join(parts))
    first, _, rest = body.partition("\n\n")
    if title and _clean_line(first) == title:
        body = rest  # the container held the heading too
    comments = _comments(tree.body, content)
    return replace(
        base,
        title=title or base.title,
        body=body,
        lead=body.split("\n\n", 1)[0].strip(),
        comments=base.comments if comments is None else comments,
    )


def _meta(tree: LexborHTMLParser, name: str) -> str:
    node = tree.css_first(f'meta[property="{name}"]') or tree.css_first(f'meta[name="{name}"]')
    return (node.attributes.get("content") or "") if node is not None else ""


def _page_url(tree: LexborHTMLParser, html: str) -> str | None:
    """The page's address: ``og:url``, the canonical link, or the browser's saved-from mark."""
    url = _meta(tree, "og:url").strip()
    if not url:
        link = tree.css_first('link[rel="canonical"]')
        url = ((link.attributes.get("href") or "") if link is not None else "").strip()
    if not url:
        m = _SAVED_FROM.search(html[:4096])
        url = m.group(1) if m else ""
    return url if url.lower().startswith(("http://", "https://")) else None


def _record_from_url(url: str | None) -> str | None:
    m = _RECORD_IN_URL.search(url or "")
    return m.group(1) if m else None


def _iso_date(value: str) -> datetime | None:
    """An ISO 8601 time as the wall-clock time written, like the page's visible dates."""
    try:
        return datetime.fromisoformat(value.strip()).replace(tzinfo=None) if value.strip() else None
    except ValueError:
        return None


def _clean_line(text: str) -> str:
    return _SPACE.sub(" ", normalize_text(text)).strip()


def _first(root: LexborNode, selectors: Iterable[str]) -> LexborNode | None:
    for selector in selectors:
        for node in root.css(selector):
            if node.text().strip():
                return node
    return None


def _largest(root: LexborNode, selectors: Iterable[str]) -> LexborNode | None:
    """Among the matches of the first selector that matches, the one with the most text.

    A sidebar may show other posts' excerpts in the same markup as the post.
    """
    for selector in selectors:
        nodes = [n for n in root.css(selector) if n.text().strip()]
        if nodes:
            return max(nodes, key=lambda n: len(n.text()))
    return None


def _title_node(root: LexborNode, content: LexborNode | None, og_title: str) -> LexborNode | None:
    """The post's heading: the title element nearest the post's text, else the page's first.

    Nearest, because a sidebar lists other posts with the same markup. An
    ``<h1>`` counts when it is not the site's logo; one that carries
    ``og:title`` is preferred.
    """
    if content is not None:
        for scope in [content, *_ancestors(content)][:_TITLE_REACH]:
            found = _first(scope, _TITLE) or _h1(scope, og_title, content)
            if found is not None:
                return found
    return _first(root, _TITLE) or _h1(root, og_title, content)


def _h1(root: LexborNode, og_title: str, content: LexborNode | None) -> LexborNode | None:
    heads = [h for h in root.css("h1")
             if _clean_line(h.text()) and _clean_line(h.text()).lower() != "gotoknow"]
    same = [h for h in heads if og_title and _clean_line(h.text()) == og_title]
    # A heading inside the post's text is the author's section heading,
    # unless it is the page's title.
    outside = [h for h in heads if content is None or not _inside(h, content)]
    return (same or outside or [None])[0]


def _ancestors(node: LexborNode) -> Iterable[LexborNode]:
    parent = node.parent
    while parent is not None:
        yield parent
        parent = parent.parent


def _inside(node: LexborNode, other: LexborNode) -> bool:
    """True when ``node`` is ``other`` or lies inside it."""
    return node.mem_id == other.mem_id or any(a.mem_id == other.mem_id for a in _ancestors(node))


def _outermost(nodes: list[LexborNode]) -> list[LexborNode]:
    """The nodes that lie in no other of them, each once (a selector group may repeat one)."""
    unique = list({n.mem_id: n for n in nodes}.values())
    ids = {n.mem_id for n in unique}
    return [n for n in unique if not any(a.mem_id in ids for a in _ancestors(n))]


def _unwrap_post_footers(root: LexborNode) -> None:
    # The text reader skips <footer> as site chrome; an HTML5 post keeps its
    # tags and record line in one, which must be read.
    for footer in root.css("footer"):
        if _POST_META.search(footer.text()):
            footer.unwrap()


def _is_chrome(node: LexborNode) -> bool:
    # Menus, sidebars and the site footer (a post's own footer was unwrapped
    # before), and forms: the search box, the comment form, the log-in.
    if node.tag in ("nav", "aside", "footer", "form"):
        return True
    attrs = node.attributes
    if (attrs.get("role") or "").lower() in _CHROME_ROLES:
        return True
    words = (attrs.get("class") or "").lower().split() + (attrs.get("id") or "").lower().split()
    return any(w in _CHROME_WORDS or w.startswith(_CHROME_PREFIXES) for w in words)


def _drop_chrome(root: LexborNode, keep: list[LexborNode]) -> None:
    """Remove menus, sidebars, adverts … except what holds the post's title or text."""
    kept = {n.mem_id for k in keep for n in (k, *_ancestors(k))}
    chrome = [n for n in root.traverse() if n.mem_id not in kept and _is_chrome(n)]
    for node in _outermost(chrome):
        node.decompose()


def _from_line(text: str, title: str) -> str:
    """``text`` from the line that is the title on (what comes before is page chrome)."""
    if not title:
        return text
    lines = text.split("\n")
    for i, line in enumerate(lines):
        if _clean_line(line) == title:
            return "\n".join(lines[i:])
    return text


def _description(content: LexborNode, title_node: LexborNode | None) -> LexborNode | None:
    """The post's description (shown under the title), looked for near the post's text."""
    root = content.parent
    if title_node is not None:
        root = next((a for a in _ancestors(content) if _inside(title_node, a)), root)
    if root is None:
        return None
    for selector in _DESCRIPTION:
        for node in root.css(selector):
            if (node.text().strip() and not _inside(node, content) and not _inside(content, node)
                    and (title_node is None or not _inside(title_node, node))):
                return node
    return None


def _tag_links(root: LexborNode, content: LexborNode | None) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The tags of the tag links outside the post's text: those under the label, and the others.

    A link is under the label when, in page order, the last text before it
    that is not a tag link (nor a separator such as ``,`` or ``·``) is the
    ``คำสำคัญ (Tags)`` label. Each list is in page order, each tag once.
    """
    links = [a for a in root.css(_TAG_LINKS) if content is None or not _inside(a, content)]
    ids = {a.mem_id for a in links}
    labelled: list[str] = []
    others: list[str] = []
    under_label = False
    for node in root.traverse(include_text=True):
        if node.mem_id in ids:
            tag = _clean_line(node.text()).lstrip("#").strip()
            out = labelled if under_label else others
            if tag and tag not in out:
                out.append(tag)
        elif node.tag == "-text" and not any(
                a.mem_id in ids for _, a in zip(range(_LABEL_REACH), _ancestors(node))):
            text = node.text_content or ""
            if _TAGS_LABEL.search(text):
                under_label = True
            elif _SEPARATORS.sub("", text):
                under_label = False
    return tuple(labelled), tuple(others)


def _comments(root: LexborNode, content: LexborNode) -> tuple[tuple[str | None, str], ...] | None:
    """``(author, text)`` of each comment element, or None when the page has none."""
    nodes = [n for n in root.css(_COMMENT)
             if not _inside(n, content) and not _inside(content, n) and n.text().strip()]
    if not nodes:
        return None
    out: list[tuple[str | None, str]] = []
    for node in _outermost(nodes):
        name_node = _first(node, _COMMENT_AUTHOR)
        author = _clean_line(name_node.text()) if name_node is not None else ""
        text_node = _first(node, _COMMENT_TEXT)
        header_author, text = parse_comment(node_text(text_node if text_node is not None else node))
        author = author or header_author or ""
        first, _, rest = text.partition("\n")
        if text_node is None and author and _clean_line(first) == author:
            text = rest.strip()  # a name line without the IP line under it
        if text:
            out.append((author or None, text))
    return tuple(out)

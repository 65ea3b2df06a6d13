"""Saved GotoKnow pages ("Save page as") give the same Document as the text export.

The fixtures ``tests/data/gotoknow_saved_*.html`` wrap the seed posts' real
text (``corpus/``) in the page around a GotoKnow post: menu bar, breadcrumb,
sidebar with a tag cloud and the ClassStart advert, share buttons, an advert
inside the text, related posts, the comment form, the site footer, scripts.
``000`` is saved as "HTML only" (no address), ``001`` and ``002`` as "complete"
by Chrome (``saved from url`` mark); ``002`` uses hAtom class names and Thai
dates, ``author`` HTML5 with schema.org microdata (from
``ingest_gotoknow_author.txt``).
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

import pytest

from ingest.gotoknow import parse_comment, parse_gotoknow, post_body
from ingest.gotoknow_html import parse_gotoknow_html
from ingest.html import html_to_text
from ingest.models import Document
from ingest.parse import parse, parse_file
from tests.reports_fixtures import cer

MB = 1 << 20
# Saved page → its text export.
PAIRS = {
    "000": "corpus/000_d3db8b877662650d.txt",
    "001": "corpus/001_d423a8a134ab18b4.txt",
    "002": "corpus/002_f20a06c6ef58db93.txt",
    "author": "tests/data/ingest_gotoknow_author.txt",
}
ROOT = Path(__file__).resolve().parent.parent
# Text of the page around the post, one or more in each fixture: none may
# reach the Document.
CHROME = [
    "เข้าสู่ระบบ", "สมัครสมาชิก", "แพลนเน็ต", "เกี่ยวกับผู้เขียน", "บันทึกล่าสุด", "คำสำคัญยอดนิยม",
    "สวัสดิการชุมชนยอดนิยม", "กล้วย", "ติดตาม GotoKnow บนเฟซบุ๊ก", "แชร์บันทึกนี้", "แชร์บนเฟซบุ๊ก",
    "ส่งต่อทาง LINE", "ทวีต", "ถูกใจ", "โฆษณา", "adsbygoogle", "gtag", "dataLayer", "facebook",
    "กรุณาเข้าสู่ระบบก่อนแสดงความเห็น", "ติดตามการเข้าชม", "เขียนความเห็น", "แสดงความเห็น",
    "ส่งความเห็น", "ตอบกลับ", "แจ้งลบ", "บันทึกที่เกี่ยวข้อง", "พบปัญหาการใช้งาน", "LINE ID",
    "ClassStart", "โครงการหนังสือจากคลาสสตาร์ท", "ระบบจัดการการเรียนการสอนผ่านอินเทอร์เน็ต",
    "หมายเลขบันทึก", "คำสำคัญ (Tags)", "บันทึกนี้เขียนที่", "IP:", "เขียนเมื่อ", "ปีที่แล้ว",
    "สัญญาอนุญาต", "ความเห็น (", "GotoKnow", "<", "&nbsp;", "\u00a0", "{", "function",
]


def _read(key: str) -> tuple[Document, Document]:
    html = ROOT / "tests" / "data" / f"gotoknow_saved_{key}.html"
    text = ROOT / PAIRS[key]
    return (parse_file(html, str(html), max_bytes=MB), parse_file(text, str(text), max_bytes=MB))


@pytest.fixture(scope="module")
def saved() -> dict[str, tuple[Document, Document]]:
    return {key: _read(key) for key in PAIRS}


@pytest.mark.parametrize("key", sorted(PAIRS))
def test_saved_page_gives_the_fields_of_the_text_export(saved, key: str) -> None:
    page, text = saved[key]
    assert page.kind == text.kind == "gotoknow"
    assert ("format", "html") in page.meta
    for name in ("title", "lead", "record_id", "created", "edited", "tags", "blog", "author"):
        assert getattr(page, name) == getattr(text, name), name
    assert [m for m in page.meta if m[0] != "format"] == list(text.meta)
    assert [c.author for c in page.comments] == [c.author for c in text.comments]
    assert cer(text.body, page.body) <= 0.01
    assert cer("".join(c.text for c in text.comments), "".join(c.text for c in page.comments)) <= 0.01


def test_seed_values_as_read_from_the_pages(saved) -> None:
    # The values themselves, so the test above cannot pass on two empty documents.
    p000, p001, p002 = (saved[k][0] for k in ("000", "001", "002"))
    assert p000.title.startswith("รายงาน 1 ปี หน่วยจัดการความรู้องค์กรการเงินชุมชน")
    assert p000.blog == "สถาบันจัดการความรู้เพื่อชุมชน"
    assert [c.author for c in p000.comments] == ["สุริชาติ สายทอง", "ภีม ภคเมธาวี"]
    assert p000.comments[1].text == "รายงานวิจัยได้จัดส่งให้อธิบดีกรมการพัฒนาชุมชนแล้วครับ"
    assert p000.comments[0].text.endswith("สุริชาติ สายทอง\n\nกรมการพัฒนาชุมชน")  # the signature
    assert (p001.record_id, p001.tags) == ("71001", ("องค์กรการเงินชุมชน",))
    assert (p001.created, p001.edited) == (datetime(2007, 1, 5, 11, 40), datetime(2012, 2, 11, 16, 56))
    assert p001.body.endswith("-ได้แนวทางการทำงานในระดับจังหวัด")
    assert p002.created == datetime(2007, 3, 22, 10, 8)  # "22 มีนาคม 2007 10:08 น."
    assert len(p002.comments) == 5  # "ความเห็น (5)"


@pytest.mark.parametrize("key", sorted(PAIRS))
def test_no_page_chrome_reaches_the_document(saved, key: str) -> None:
    page, text = saved[key]
    raw = (ROOT / "tests" / "data" / f"gotoknow_saved_{key}.html").read_text("utf-8")
    present = [junk for junk in CHROME if junk in raw]
    assert len(present) >= 12  # the fixture really carries the chrome
    for junk in present:
        assert junk not in text.text, junk  # …and the post itself does not
        assert junk not in page.text, junk
    # The breadcrumb and the sidebar repeat the title and the blog's name.
    assert page.text.count(page.title) == text.text.count(text.title) == 1
    assert page.text.count("สถาบันจัดการความรู้เพื่อชุมชน") == 0


def test_layout_and_offsets_of_a_saved_page(saved) -> None:
    page, _ = saved["000"]
    assert [s.name for s in page.sections] == ["title", "body", "comment", "comment"]
    assert page.text == page.title + "\n\n" + page.body + "".join(
        "\n\n" + (f"{c.author}\n" if c.author else "") + c.text for c in page.comments
    )
    for c, s in zip(page.comments, page.sections[2:]):
        byline = f"{c.author}\n" if c.author else ""
        assert page.text[c.start : c.end] == c.text
        assert page.text[s.start : s.end] == byline + c.text


def test_the_same_post_saved_as_a_page_and_as_text_is_one_document(saved) -> None:
    page, text = saved["author"]
    assert page.text == text.text
    assert page.id == text.id


def test_ordered_lists_keep_their_numbers(saved) -> None:
    page, text = saved["000"]
    item = "1. เครือข่ายสัจจะลดรายจ่ายวันละ 1 บาท จ.สงขลา ลงลึกตำบลน้ำขาว อ.จะนะ\n2. เครือข่ายสวัสดิการวันละบาท"
    assert item in page.body
    assert item.replace("\n", "\n  ") in text.body  # the export indents the items


def test_comments_are_cut_where_the_markup_cuts_them(saved) -> None:
    page, text = saved["002"]
    # The text export must guess where each unnamed comment ends; the page says.
    second = page.comments[1].text
    assert second.startswith("วันที่3เมษายนพี่มีรายการ")
    assert "คงนำร่องในแต่ละภาคๆละจังหวัด" in second
    assert second.endswith("คงเก็บรายละเอียดเล่าให้ฟังภายหลัง")
    assert not any(c.text.startswith("คงนำร่อง") for c in page.comments)
    assert any(c.text.startswith("คงนำร่อง") for c in text.comments)  # the export's guess
    assert page.comments[4].text.startswith("พี่ซื้อไว้แต่เนิ่นๆ")
    assert all(c.author is None for c in page.comments)


def test_address_and_record_number_from_the_page(saved) -> None:
    assert saved["001"][0].url == "https://www.gotoknow.org/posts/71001"  # og:url
    assert saved["002"][0].url == "https://www.gotoknow.org/posts/85545"  # the "saved from" mark only
    assert saved["000"][0].url is None  # saved as "HTML only": no address
    assert saved["author"][0].url == "https://www.gotoknow.org/posts/90210"  # canonical link
    # The post's number is in its address when the page lacks the record line.
    raw = (ROOT / "tests" / "data" / "gotoknow_saved_000.html").read_text("utf-8")
    linked = raw.replace("</head>", '<link rel="canonical" href="https://www.gotoknow.org/posts/12345"></head>')
    assert parse(linked, "000.html", suffix=".html").record_id == "12345"


def test_dates_from_article_meta_when_the_text_has_none() -> None:
    page = ('<html><head><meta property="og:site_name" content="GotoKnow">'
            '<meta property="article:published_time" content="2007-12-03T09:15:00+07:00">'
            '<meta property="article:modified_time" content="2008-01-05T20:01:00Z"></head><body>'
            '<h1 class="post-title">ออมบุญ</h1><div class="post-content"><p>ออมวันละบาท</p></div>'
            "</body></html>")
    post = parse_gotoknow_html(page)
    assert post is not None
    assert (post.created, post.edited) == (datetime(2007, 12, 3, 9, 15), datetime(2008, 1, 5, 20, 1))
    assert (post.title, post.body) == ("ออมบุญ", "ออมวันละบาท")


@pytest.mark.parametrize("key", ["000", "001"])
def test_unrecognised_structure_falls_back_to_the_text_reader(saved, key: str) -> None:
    raw = (ROOT / "tests" / "data" / f"gotoknow_saved_{key}.html").read_text("utf-8")
    bare = re.sub(r'\s(?:class|id|itemprop|rel|property)="[^"]*"', "", raw)
    assert 'class="' not in bare and "og:" not in bare
    page = parse(bare, f"{key}.html", suffix=".html")
    text = saved[key][1]
    assert page.kind == "gotoknow"
    for name in ("title", "record_id", "created", "edited", "tags", "blog"):
        assert getattr(page, name) == getattr(text, name), name
    # Names still found: the page lays name, IP and date out as blocks.
    assert [c.author for c in page.comments] == [c.author for c in text.comments]
    for junk in ("เข้าสู่ระบบ", "gtag", "กรุณาเข้าสู่ระบบก่อนแสดงความเห็น", "พบปัญหาการใช้งาน"):
        assert junk not in page.text
    # Unmarked share buttons and adverts are not known as such any more.
    assert cer(text.body, page.body) <= 0.02


def test_pages_not_from_gotoknow_are_left_to_the_html_reader(data_dir: Path) -> None:
    html = (data_dir / "ingest_page.html").read_text("utf-8")
    assert parse_gotoknow_html(html) is None
    assert parse(html, "page.html", suffix=".html").kind == "html"
    blog = ('<html><body><h1 class="post-title">บันทึกเวที</h1>'
            '<div class="post-content"><p>กองทุนหมู่บ้าน</p></div></body></html>')
    assert parse_gotoknow_html(blog) is None  # the same class names, another site


def test_tag_links_need_the_label_or_a_known_page() -> None:
    cloud = ("<html><body><p>เนื้อหา</p><p>หมายเลขบันทึก: 7</p>"
             "<div>คำสำคัญยอดนิยม <a href='/tags/a'>#กล้วย</a></div>"
             "<div><b>คำสำคัญ (Tags)</b><ul><li><a href='/tags/b'>ออมบุญ</a></li></ul></div></body></html>")
    post = parse_gotoknow_html(cloud)
    assert post is not None and post.tags == ("ออมบุญ",)


def test_ordered_list_numbers_in_html_text() -> None:
    page = html_to_text("<ol start='3'><li><p>ออม</p></li><li>กู้<ul><li>ย่อย</li></ul></li></ol>"
                        "<ol><li>ใหม่</li></ol><ul><li>จุด</li></ul>")
    assert page.text == "3. ออม\n\n4. กู้\n\nย่อย\n\n1. ใหม่\n\nจุด"


def test_post_body_and_parse_comment() -> None:
    assert post_body("ย่อหน้า\nClassStart\n\nต่อ\nความเห็น (2)\nไม่ใช่เนื้อหา") == "ย่อหน้า\n\nต่อ"
    assert parse_comment("ปิยะ ใจดี\n\nIP: xxx.1.2.3\n\nเขียนเมื่อ ๑๘ ปีที่แล้ว\n\nขอบคุณครับ") == (
        "ปิยะ ใจดี", "ขอบคุณครับ")
    assert parse_comment("IP: xxx.1.2.3\nขอบคุณครับ") == (None, "ขอบคุณครับ")
    assert parse_comment("ขอบคุณครับ\n\nพบปัญหาการใช้งานกรุณาแจ้ง LINE ID @gotoknow") == (None, "ขอบคุณครับ")


def test_text_export_with_blank_lines_in_comment_headers() -> None:
    # A page copied from the browser puts name, IP and date on separate blocks.
    post = parse_gotoknow(
        "หัวเรื่อง\n\nเนื้อหา\n\nหมายเลขบันทึก: 1\n\nความเห็น (2)\n\n"
        "ปิยะ ใจดี\n\nIP: xxx.12.34.56\n\nเขียนเมื่อ\n\nอยากทราบว่าสมาชิกมีกี่คน\n\n"
        "ภีม ภคเมธาวี\n\nIP: xxx.77.1.2\n\nเขียนเมื่อ\n\nราวสามพันคนครับ")
    assert post.comments == (("ปิยะ ใจดี", "อยากทราบว่าสมาชิกมีกี่คน"),
                             ("ภีม ภคเมธาวี", "ราวสามพันคนครับ"))
    # A long paragraph above an IP line is not taken for a name.
    long = "ข้อความยาว" * 20
    post = parse_gotoknow(f"หัวเรื่อง\n\nเนื้อหา\n\nความเห็น (1)\n\n{long}\n\nIP: xxx.1.1.1\n\nต่อ")
    assert all(c[0] is None for c in post.comments)

"""GotoKnow posts: the five seed posts parse to exactly what a reader sees on the page."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from ingest.gotoknow import is_gotoknow, parse_date, parse_gotoknow
from ingest.models import Document
from ingest.parse import parse_file

MB = 1 << 20

# What a reader of each seed page sees (checked by hand against the files).
EXPECTED = {
    "000": dict(
        record_id=None,
        title="รายงาน 1 ปี หน่วยจัดการความรู้องค์กรการเงินชุมชน (ง.ยุทธศาสตร์การจัดการความรู้)",
        lead="กำหนดกรอบในการจัดการความรู้ไว้ 4 ประเด็น ครอบคลุมปฏิบัติการเพื่อสร้างความเปลี่ยนแปลงร่วมกับภาคีที่เกี่ยวข้องทั้งหมด",
        created=None, edited=None, tags=(), blog="สถาบันจัดการความรู้เพื่อชุมชน",
        body_end="สรส. และสคส.โดยนำร่องที่ภาคเหนือ",
    ),
    "001": dict(
        record_id="71001",
        title="การขับเคลื่อนองค์กรการเงินและสวัสดิการชุมชนภาคใต้",
        lead="ใช้วาระแห่งปี จัดงานขับเคลื่อนขบวนองค์กรการเงินและสวัสดิการชุมชนในเดือนธันวาคม 2550 เป็นเครื่องมือเพื่อสร้างการเรียนรู้อย่างมีทิศทางและเป้าหมายตามรายทาง",
        created=datetime(2007, 1, 5, 11, 40), edited=datetime(2012, 2, 11, 16, 56),
        tags=("องค์กรการเงินชุมชน",), blog="สถาบันจัดการความรู้เพื่อชุมชน",
        body_end="-ได้แนวทางการทำงานในระดับจังหวัด",
    ),
    "002": dict(
        record_id="85545",
        title="เสวนาสร้างทีมจัดการความรู้เคลื่อนงานองค์กรการเงินสวัสดิการชุมชน",
        lead="แลกเปลี่ยนความคิดฝันและสร้างทีมทำงานด้วยกัน",
        created=datetime(2007, 3, 22, 10, 8), edited=datetime(2012, 2, 11, 17, 52),
        tags=(), blog=None,
        body_end="เป็นการทำงานร่วมกันของนักปฏิบัติการและนักวิชาการ",
    ),
    "003": dict(
        record_id="75701",
        title="บทบาทองค์กรการเงินชุมชน",
        lead="การจัดการความรู้ จะเข้าไปหนุนเหลี่ยมทั้ง2อย่างไรให้บรรลุเป้าหมายที่ตั้งไว้",
        created=datetime(2007, 2, 1, 11, 0), edited=datetime(2012, 5, 15, 20, 43),
        tags=("สถาบันการเงินเพื่อสวัสดิการชุมชน", "องค์กรการเงินชุมชน"),
        blog="สถาบันจัดการความรู้เพื่อชุมชน",
        body_end="วางแผนการขับเคลื่อนในปีต่อไป",
    ),
    "004": dict(
        record_id="39665",
        title="ต้นฉบับ KM",
        lead="การออมอย่างมีสัจจะ นำสู่การตั้ง \"สถาบันการเงินของชุมชน\" ที่กะหรอ",
        created=datetime(2006, 7, 19, 17, 35), edited=datetime(2012, 3, 22, 19, 20),
        tags=(), blog=None,
        body_end="ใครสนใจติดตามอ่านได้ในหนังสือพิมพ์โพสต์ทูเดย์ค่ะ",
    ),
}

# Site text that must never be part of a body or a comment.
BOILERPLATE = [
    "พบปัญหาการใช้งาน", "LINE ID", "@gotoknow", "ClassStart", "ระบบจัดการการเรียนการสอนผ่านอินเทอร์เน็ต",
    "ทั้งเว็บทั้งแอปใช้งานฟรี", "ClassStart Books", "โครงการหนังสือจากคลาสสตาร์ท", "ความเห็น (",
    "ไม่มีความเห็น", "IP:", "หมายเลขบันทึก", "คำสำคัญ (Tags)", "บันทึกนี้เขียนที่", "สัญญาอนุญาต",
    "แก้ไขเมื่อ", "บันทึกที่เกี่ยวข้อง", "\u00a0",
]


@pytest.fixture(scope="module")
def seeds(seed_paths) -> dict[str, Document]:
    return {k: parse_file(p, str(p), max_bytes=MB) for k, p in seed_paths.items()}


def test_all_five_seeds_are_gotoknow(seeds) -> None:
    assert sorted(seeds) == ["000", "001", "002", "003", "004"]
    assert {d.kind for d in seeds.values()} == {"gotoknow"}


@pytest.mark.parametrize("key", sorted(EXPECTED))
def test_seed_metadata(seeds, key: str) -> None:
    doc, want = seeds[key], EXPECTED[key]
    assert doc.record_id == want["record_id"]
    assert doc.title == want["title"]
    assert doc.lead == want["lead"]
    assert doc.created == want["created"]
    assert doc.edited == want["edited"]
    assert doc.tags == want["tags"]
    assert doc.blog == want["blog"]
    assert doc.author is None  # the seeds leave "โดย" empty
    assert doc.body.startswith(want["lead"])
    assert doc.body.endswith(want["body_end"])


def test_record_ids_as_the_issue_lists_them(seeds) -> None:
    assert {k: d.record_id for k, d in seeds.items()} == {
        "000": None, "001": "71001", "002": "85545", "003": "75701", "004": "39665"}


@pytest.mark.parametrize("key", sorted(EXPECTED))
def test_no_boilerplate_in_body_or_comments(seeds, key: str) -> None:
    doc = seeds[key]
    for part in [doc.title, doc.body, doc.lead] + [c.text for c in doc.comments]:
        for junk in BOILERPLATE:
            assert junk not in part, (key, junk)


def test_seed_000_has_two_named_comments(seeds) -> None:
    doc = seeds["000"]
    assert [c.author for c in doc.comments] == ["สุริชาติ สายทอง", "ภีม ภคเมธาวี"]
    first, second = doc.comments
    assert first.text.startswith("ขอความกรุณาส่งรายงานจัดการความรู้องค์กรการเงินชุมชน")
    assert first.text.endswith("สุริชาติ สายทอง\n\nกรมการพัฒนาชุมชน")  # the signature stays
    assert second.text == "รายงานวิจัยได้จัดส่งให้อธิบดีกรมการพัฒนาชุมชนแล้วครับ"
    assert "เขียนเมื่อ" not in first.text + second.text
    # Comments are not in the body.
    assert "ขอความกรุณา" not in doc.body


def test_seed_002_unnamed_comments_follow_the_header_count(seeds, seed_paths) -> None:
    doc = seeds["002"]
    assert len(doc.comments) == 5  # "ความเห็น (5)"
    assert all(c.author is None for c in doc.comments)
    first = doc.comments[0].text
    assert first.startswith("เป็นโครงการที่น่าสนใจมากค่ะ")
    assert first.endswith("เพราะใกล้กับวันหยุดสงกรานต์จะเดินทางลำบาก")
    # The reply to it ("พี่มีรายการ…" answers "ขอเชิญพี่ภีม…") is another comment.
    assert "วันที่3เมษายนพี่มีรายการ" not in first
    # Indented paragraphs start comments.
    starts = [c.text[:40] for c in doc.comments]
    assert any(s.startswith("ก็ตั้งใจจะเชื่อมโยง") for s in starts)
    assert any(s.startswith("ตั้งใจว่าจะไปร่วมประชุม") for s in starts)
    assert doc.comments[-1].text.endswith("ขากลับมาลงสุราษฎร์ด้วยกันซีครับ")
    # Every paragraph of the comment area is in exactly one comment, in order.
    raw = seed_paths["002"].read_text("utf-8").replace("\u00a0", " ")
    area = raw.split("ความเห็น (5)", 1)[1].split("พบปัญหาการใช้งาน", 1)[0]
    paragraphs = [p.strip() for p in area.replace("\n ", "\n\n ").split("\n\n") if p.strip()]
    assert len(paragraphs) == 14
    joined = "\n\n".join(c.text for c in doc.comments)
    positions = [joined.find(p) for p in paragraphs]
    assert all(pos >= 0 for pos in positions)
    assert positions == sorted(positions)


@pytest.mark.parametrize("key", ["001", "003", "004"])
def test_posts_without_comments(seeds, key: str) -> None:
    assert seeds[key].comments == ()


def test_text_layout_and_offsets(seeds) -> None:
    for doc in seeds.values():
        names = [s.name for s in doc.sections]
        assert names == ["title", "body"] + ["comment"] * len(doc.comments)
        # A signed comment keeps its author's name on a line of its own before it.
        expected = doc.title + "\n\n" + doc.body + "".join(
            "\n\n" + (f"{c.author}\n" if c.author else "") + c.text for c in doc.comments
        )
        assert doc.text == expected
        title, body = doc.sections[0], doc.sections[1]
        assert doc.text[title.start : title.end] == doc.title
        assert doc.text[body.start : body.end] == doc.body
        for c, s in zip(doc.comments, doc.sections[2:]):
            assert doc.text[c.start : c.end] == c.text
            byline = len(c.author) + 1 if c.author else 0
            assert (s.start + byline, s.end) == (c.start, c.end)


def test_seed_json_shape(seeds) -> None:
    out = seeds["001"].to_json(n_chunks=2)
    assert out["record_id"] == "71001"
    assert out["created"] == "2007-01-05T11:40:00"
    assert out["tags"] == ["องค์กรการเงินชุมชน"]
    assert seeds["000"].to_json()["comments"][1] == {
        "author": "ภีม ภคเมธาวี", "text": "รายงานวิจัยได้จัดส่งให้อธิบดีกรมการพัฒนาชุมชนแล้วครับ"}


def test_fixture_with_author_thai_dates_and_named_comments(data_dir: Path) -> None:
    path = data_dir / "ingest_gotoknow_author.txt"
    doc = parse_file(path, str(path), max_bytes=MB)
    assert doc.kind == "gotoknow"
    assert doc.title == "ออมบุญวันละบาทที่ตำบลน้ำขาว"
    assert doc.author == "ภีม ภคเมธาวี"
    assert doc.blog == "สถาบันจัดการความรู้เพื่อชุมชน"
    assert doc.tags == ("ออมบุญ", "สวัสดิการชุมชน", "สงขลา")
    assert doc.record_id == "90210"
    # Thai digits, abbreviated Thai month and a Buddhist-Era year; then a full
    # English month name.
    assert doc.created == datetime(2007, 12, 3, 9, 15)
    assert doc.edited == datetime(2008, 1, 5, 20, 1)
    assert ("license", "ครีเอทีฟคอมมอนส์แบบ แสดงที่มา") in doc.meta
    assert [(c.author, c.text) for c in doc.comments] == [
        ("ปิยะ ใจดี", "ขอบคุณที่เล่าเรื่องกลุ่มออมบุญครับ อยากทราบว่าสมาชิกตอนนี้มีกี่คน"),
        ("ภีม ภคเมธาวี", "ตอนนี้มีสมาชิกราวสามพันคนครับ"),
    ]
    assert doc.body.endswith("ให้สมาชิกทุกคน")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("เขียน: 05 Jan 2007 @ 11:40", datetime(2007, 1, 5, 11, 40)),
        ("เขียนเมื่อ 22 มีนาคม 2007 10:08 น.", datetime(2007, 3, 22, 10, 8)),
        ("เมื่อวันที่19 พ.ย.2549", datetime(2006, 11, 19)),  # BE year, abbreviated month
        ("วันพฤหัสบดีที่ ๒๙ ตุลาคม ๒๕๖๓ เวลา ๑๔.๐๐ นาฬิกา", datetime(2020, 10, 29, 14, 0)),
        ("4 ธค 2550", datetime(2007, 12, 4)),
        ("11 February 2012 @ 16:56", datetime(2012, 2, 11, 16, 56)),
        ("31 กุมภาพันธ์ 2550", None),  # no such day: no date rather than a wrong one
        ("ไม่มีวันที่", None),
    ],
)
def test_parse_date(text: str, expected: datetime | None) -> None:
    assert parse_date(text) == expected


def test_markers(seed_paths, data_dir: Path) -> None:
    assert all(is_gotoknow(p.read_text("utf-8")) for p in seed_paths.values())
    assert not is_gotoknow((data_dir / "ingest_thaigov_035268.txt").read_text("utf-8"))
    assert not is_gotoknow("ประชุมกองทุนหมู่บ้าน\n\nความเห็นของสมาชิก")


def test_comments_header_without_comments() -> None:
    post = parse_gotoknow("หัวเรื่อง\n\nเนื้อหา\n\nหมายเลขบันทึก: 1\n\nความเห็น (0)\n\nไม่มีความเห็น\n")
    assert post.comments == ()
    assert post.body == "เนื้อหา"
    assert post.record_id == "1"

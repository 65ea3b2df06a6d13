"""Words and colours the explorer shows: Thai first, English beside.

Kept in one place so every page names things the same way and a facilitator
sees ``ผู้กระทำ · Actor`` everywhere an actor appears.

Example:
    >>> bi("ค้นหา", "Search")
    'ค้นหา · Search'
    >>> type_label("area")
    'พื้นที่ · Area'
    >>> where_label("pdf", 7)
    'PDF · หน้า 7 (page 7)'
"""

from __future__ import annotations


__all__ = [
    "bi",
    "TYPE_LABELS",
    "KIND_LABELS",
    "TYPE_COLOURS",
    "KIND_COLOURS",
    "COMMUNITY_COLOURS",
    "MODE_LABELS",
    "LEVEL_LABELS",
    "PAGE_TITLES",
    "INGEST_HINT",
    "FILE_TYPES",
    "file_type_label",
    "page_label",
    "where_label",
    "type_label",
    "kind_label",
    "community_colour",
]


def bi(thai: str, english: str) -> str:
    """A bilingual label, Thai first: ``"ค้นหา · Search"``."""
    return f"{thai} · {english}"


#: Entity types as shown to people.
TYPE_LABELS: dict[str, str] = {
    "actor": bi("ผู้กระทำ", "Actor"),
    "area": bi("พื้นที่", "Area"),
    "practice": bi("ประเด็นงาน", "Practice"),
}

#: Entity kinds (see ``graph.models.ENTITY_TYPES``).
KIND_LABELS: dict[str, str] = {
    "organisation": bi("องค์กร", "organisation"),
    "network": bi("เครือข่าย", "network"),
    "group": bi("กลุ่ม", "group"),
    "person": bi("บุคคล", "person"),
    "region": bi("ภาค", "region"),
    "province": bi("จังหวัด", "province"),
    "district": bi("อำเภอ", "district"),
    "subdistrict": bi("ตำบล", "subdistrict"),
    "village": bi("หมู่บ้าน", "village"),
    "place": bi("สถานที่", "place"),
    "practice": bi("ประเด็นงาน", "practice"),
}

#: One colour per entity type; the CSS in ``static/explorer.css`` uses the same ones.
TYPE_COLOURS: dict[str, str] = {
    "actor": "#2563eb",
    "area": "#16a34a",
    "practice": "#c2410c",
}

#: One colour per actor kind, for the partner network (which holds actors only).
KIND_COLOURS: dict[str, str] = {
    "organisation": "#2563eb",
    "network": "#7c3aed",
    "group": "#0891b2",
    "person": "#db2777",
}

#: Colours for communities (cycled); chosen to stay apart for colour-blind readers.
COMMUNITY_COLOURS: tuple[str, ...] = (
    "#0072b2",
    "#e69f00",
    "#009e73",
    "#cc79a7",
    "#56b4e9",
    "#d55e00",
    "#f0e442",
    "#7f7f7f",
    "#8c564b",
    "#17becf",
)

#: Search modes.
MODE_LABELS: dict[str, str] = {
    "hybrid": bi("ผสม", "hybrid"),
    "bm25": bi("คำตรง", "keyword (BM25)"),
    "dense": bi("ความหมาย", "meaning (dense)"),
}

#: Area levels of the drill-down.
LEVEL_LABELS: dict[str, str] = {
    "province": bi("จังหวัด", "Province"),
    "district": bi("อำเภอ", "District"),
    "subdistrict": bi("ตำบล", "Subdistrict"),
}

#: Page titles, in navigation order.
PAGE_TITLES: dict[str, str] = {
    "search": bi("ค้นหา", "Search"),
    "case": bi("บันทึก", "Case"),
    "network": bi("เครือข่ายภาคี", "Network"),
    "themes": bi("ประเด็นงาน", "Themes"),
    "areas": bi("พื้นที่", "Areas"),
    "entity": bi("รายการ", "Entity"),
    "upload": bi("เพิ่มบันทึก", "Add notes"),
}

#: What to tell someone whose knowledge base is empty.
INGEST_HINT = (
    "ยังไม่มีบันทึกในคลัง · The knowledge base is empty.\n\n"
    "นำเข้าบันทึกด้วยคำสั่ง · Ingest notes with:\n\n"
    "```\nfieldnotes ingest corpus/\n```\n\n"
    "หรือเพิ่มไฟล์ที่หน้า **เพิ่มบันทึก · Add notes** · "
    "or upload files on the **Add notes** page."
)


#: File types a note can come from: key → (Thai, English). PDF is PDF in both.
FILE_TYPES: dict[str, tuple[str, str]] = {
    "pdf": ("PDF", "PDF"),
    "docx": ("เวิร์ด", "Word"),
    "html": ("หน้าเว็บ", "HTML"),
    "markdown": ("มาร์กดาวน์", "Markdown"),
    "text": ("ข้อความ", "text"),
}

def file_type_label(key: str) -> str:
    """``"เวิร์ด (Word)"``: Thai first, English in brackets (one word where they are the same)."""
    thai, english = FILE_TYPES.get(key, (key, key))
    return thai if thai == english else f"{thai} ({english})"


def page_label(page: int) -> str:
    """``"หน้า 7 (page 7)"``."""
    return f"หน้า {page} (page {page})"


def where_label(key: str, page: int | None = None) -> str:
    """File type and, for paged sources, the page: ``"PDF · หน้า 7 (page 7)"``."""
    return file_type_label(key) + (f" · {page_label(page)}" if page else "")


def type_label(type_: str) -> str:
    """Bilingual label of an entity type (the raw name if unknown)."""
    return TYPE_LABELS.get(type_, type_)


def kind_label(kind: str) -> str:
    """Bilingual label of an entity kind (the raw name if unknown)."""
    return KIND_LABELS.get(kind, kind)


def community_colour(community: int | None) -> str:
    """The colour of a community number (grey when unknown)."""
    if community is None or community < 0:
        return "#9ca3af"
    return COMMUNITY_COLOURS[community % len(COMMUNITY_COLOURS)]

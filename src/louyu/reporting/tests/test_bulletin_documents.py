"""A bulletin as PDF, DOCX and XLSX: the national bulletin of 32 jurisdictions × 18 metrics
with 4 rankings reads back with its title, number, names, charts and embedded fonts; a
snapshot with holes (no previous bulletin, an empty section, a missing figure) still
renders, with "—"; text never becomes a formula; and a chart is the same bytes every time."""

import copy
import datetime
import io
import logging
import re
import time

import openpyxl
import pytest
from docx import Document as open_docx
from pypdf import PdfReader

from louyu.core.documents import Heading, Image, Paragraph, Table
from louyu.core.tests.files import pdf_fonts
from louyu.reporting import charts
from louyu.reporting.bulletin_documents import (
    ISSUER,
    LIVE_NOTE,
    bulletin_document,
    render_bulletin_docx,
    render_bulletin_pdf,
    render_bulletin_xlsx,
)
from louyu.reporting.tests.bulletin_samples import (
    NUMBER,
    TITLE,
    bulletin,
    jurisdictions,
    snapshot,
)

NAMES = [name for _, name in jurisdictions()]
FIRST_RANKED = snapshot()["rankings"][0]["rows"][0]


def _squeeze(text: str) -> str:
    """Extracted text without the spaces and line breaks that layout puts into it."""
    return re.sub(r"\s+", "", text)


def _cells(document, *, attachment: int) -> list[str]:
    """Every cell (header included) of the tables of one attachment of a `Document`."""
    tables = [b for b in document.attachments[attachment].blocks if isinstance(b, Table)]
    return [cell for table in tables for row in [table.columns, *table.rows] for cell in row]


@pytest.fixture(scope="module")
def national():
    """The full national bulletin rendered to PDF, and how long that took."""
    sample = bulletin()
    started = time.perf_counter()
    pdf = render_bulletin_pdf(sample)
    return sample, pdf, time.perf_counter() - started


@pytest.fixture(scope="module")
def pdf_pages(national) -> list[str]:
    return [_squeeze(page.extract_text()) for page in PdfReader(io.BytesIO(national[1])).pages]


@pytest.fixture(scope="module")
def word():
    return open_docx(io.BytesIO(render_bulletin_docx(bulletin())))


@pytest.fixture(scope="module")
def workbook():
    data = copy.deepcopy(snapshot())
    data["jurisdictions"][0]["name"] = '=HYPERLINK("http://x","北京")'
    return openpyxl.load_workbook(io.BytesIO(render_bulletin_xlsx(bulletin(data=data))))


# --- PDF -------------------------------------------------------------------------------------


def test_pdf_render_time_of_a_national_bulletin_is_printed(national, capsys):
    sample, pdf, seconds = national
    data = sample.snapshot
    workload = (len(data["jurisdictions"]), len(data["metrics"]), len(data["rankings"]))
    assert workload == (32, 18, 4)
    with capsys.disabled():
        pages = len(PdfReader(io.BytesIO(pdf)).pages)
        print(
            f"\nrender_bulletin_pdf, 32 jurisdictions × 18 metrics, 4 rankings: "
            f"{seconds:.2f} s, {pages} pages (target: under 10 s)"
        )


def test_pdf_has_title_number_names_and_the_first_of_a_ranking(pdf_pages):
    text = "".join(pdf_pages)
    assert TITLE in pdf_pages[0]
    assert NUMBER in pdf_pages[0]
    assert all(name in text for name in NAMES)
    ranked = f"1{FIRST_RANKED['name']}{FIRST_RANKED['value']:.1f}"
    assert any("表3-1" in page and ranked in page for page in pdf_pages)


def test_pdf_spans_several_pages_and_signs_after_the_narrative(pdf_pages):
    assert len(pdf_pages) > 1
    signed = [index for index, page in enumerate(pdf_pages) if f"{ISSUER}2026年12月8日" in page]
    assert signed and signed[0] < [i for i, p in enumerate(pdf_pages) if "附件1" in p][-1]


def test_pdf_embeds_every_font(national):
    fonts = pdf_fonts(national[1])
    assert fonts
    assert [font["name"] for font in fonts if font["emb"] != "yes"] == []


def test_pdf_holds_the_ranking_charts(national):
    pages = PdfReader(io.BytesIO(national[1])).pages
    assert len({image.data for page in pages for image in page.images}) == 4


# --- DOCX ------------------------------------------------------------------------------------


def test_docx_has_the_title_the_jurisdiction_table_and_the_charts(word):
    texts = [paragraph.text for paragraph in word.paragraphs]
    assert TITLE in texts
    assert NUMBER in texts
    tables = [table for table in word.tables if table.cell(0, 0).text == "单位"]
    first = tables[0]
    assert len(first.rows) == 32 + 1
    assert [row.cells[0].text.rstrip("＊") for row in first.rows[1:]] == NAMES
    assert len(word.inline_shapes) == 4


# --- XLSX ------------------------------------------------------------------------------------


def test_xlsx_has_a_sheet_per_table(workbook):
    assert workbook.sheetnames == [
        "全国概况",
        "各地情况",
        "整改率排名",
        "两家以上基础运营商覆盖率排名",
        "按时答复率排名",
        "满意率排名",
        "报送情况",
    ]
    rows = list(workbook["各地情况"].iter_rows(values_only=True))
    assert len(rows) == 32 + 1
    assert len(rows[0]) == 3 + 18
    assert rows[0][3] == "登记楼宇（栋）"
    assert isinstance(rows[1][3], int)


def test_xlsx_writes_a_name_starting_with_equals_as_text(workbook):
    cell = workbook["各地情况"]["B2"]
    assert cell.data_type == "s"
    assert cell.value == '\'=HYPERLINK("http://x","北京")'


def test_xlsx_lists_late_and_missing_reports(workbook):
    rows = list(workbook["报送情况"].iter_rows(values_only=True))
    assert [row[1] for row in rows[1:]] == ["大连", "西藏", "新疆"]
    assert rows[1][3] == datetime.datetime(2026, 12, 8, 9, 12)  # local time
    assert [row[3] for row in rows[2:]] == ["未报送", "未报送"]


# --- a snapshot with holes -------------------------------------------------------------------


@pytest.fixture(scope="module")
def holed():
    """Three jurisdictions, no previous bulletin, no 存在问题, and 天津 without a
    rectification rate."""
    data = snapshot(places=jurisdictions()[:3], previous=False)
    del data["jurisdictions"][1]["values"]["rectification_rate"]
    return bulletin(data=data, problems="   \n\n  ")


def test_a_snapshot_with_holes_renders_in_every_format(holed):
    assert render_bulletin_pdf(holed).startswith(b"%PDF-")
    assert len(open_docx(io.BytesIO(render_bulletin_docx(holed))).tables) > 1
    assert openpyxl.load_workbook(io.BytesIO(render_bulletin_xlsx(holed))).sheetnames


def test_holes_read_as_a_dash(holed):
    document = bulletin_document(holed)
    overview = document.attachments[0].blocks[0]
    assert {row[2] for row in overview.rows} == {"—"}  # no previous bulletin
    assert {row[3] for row in overview.rows} == {"—"}
    cases = next(t for t in document.attachments[1].blocks if "整改率（%）" in t.columns)
    tianjin = next(row for row in cases.rows if row[0] == "天津")
    assert tianjin[cases.columns.index("整改率（%）")] == "—"


def test_an_empty_section_is_left_out_and_the_others_renumbered(holed):
    headings = [b.text for b in bulletin_document(holed).blocks if isinstance(b, Heading)]
    assert headings == ["一、总体情况", "二、主要进展", "三、下一步工作要求"]


def test_sections_split_into_paragraphs_on_blank_lines():
    document = bulletin_document(bulletin(summary="第一段\n接续。\n\n  \n第二段。", data={}))
    paragraphs = [b.text for b in document.blocks if isinstance(b, Paragraph)]
    assert paragraphs[:2] == ["第一段接续。", "第二段。"]


def test_live_figures_are_marked_with_a_note():
    document = bulletin_document(bulletin())
    cells = _cells(document, attachment=1)
    assert "西藏＊" in cells and "新疆＊" in cells and "北京" in cells
    notes = [b.text for b in document.attachments[1].blocks if isinstance(b, Paragraph)]
    assert notes == [LIVE_NOTE]


def test_no_live_figures_no_note():
    data = snapshot()
    for row in data["jurisdictions"]:
        row["source"] = "report"
    document = bulletin_document(bulletin(data=data))
    assert not [b for b in document.attachments[1].blocks if isinstance(b, Paragraph)]
    assert not any(cell.endswith("＊") for cell in _cells(document, attachment=1))


@pytest.mark.parametrize(
    ("code", "value", "text"),
    [
        ("buildings_registered", 12345.0, "12,345"),
        ("rectification_rate", 66.66, "66.7"),
        ("median_days_to_reply", 12.0, "12.0"),
        ("satisfaction_rate", None, "—"),
    ],
)
def test_figures_read_as_on_the_dashboard(code, value, text):
    data = snapshot(places=jurisdictions()[:1])
    data["jurisdictions"][0]["values"][code]["value"] = value
    assert text in _cells(bulletin_document(bulletin(data=data)), attachment=1)


def test_the_document_is_dated_by_publication_else_compilation():
    draft = bulletin(data={})
    assert bulletin_document(draft).date == datetime.date(2026, 12, 8)
    draft.published_at = datetime.datetime(2026, 12, 10, 23, 30, tzinfo=datetime.UTC)
    assert bulletin_document(draft).date == datetime.date(2026, 12, 11)  # the local date


def test_every_ranking_has_a_chart_and_a_table():
    blocks = bulletin_document(bulletin()).attachments[2].blocks
    assert len([b for b in blocks if isinstance(b, Image)]) == 4
    captions = [b.caption for b in blocks if isinstance(b, Table)]
    assert captions == [
        "表3-1 整改率排名",
        "表3-2 两家以上基础运营商覆盖率排名",
        "表3-3 按时答复率排名",
        "表3-4 满意率排名",
    ]


# --- charts ----------------------------------------------------------------------------------

ROWS = [("北京", 98.5), ("内蒙古", 61.0), ("大连", None), ("西藏", 0.0)]


def test_a_chart_is_the_same_png_every_time():
    first = charts.ranking_chart("整改率排名（%）", ROWS)
    assert first.startswith(b"\x89PNG\r\n\x1a\n")
    assert charts.ranking_chart("整改率排名（%）", ROWS) == first
    assert charts.ranking_chart("整改率排名（%）", ROWS[:3]) != first
    assert b"matplotlib" not in first  # no Software entry


def test_a_chart_is_drawn_at_150_dpi_and_grows_with_its_rows():
    from PIL import Image as Picture

    short = Picture.open(io.BytesIO(charts.ranking_chart("排名", ROWS)))
    long = Picture.open(io.BytesIO(charts.ranking_chart("排名", [("甲", 1.0)] * 32)))
    assert short.size == (944, 531)  # 160 × 90 mm at 150 dpi, whole pixels
    assert long.size[0] == short.size[0] and long.size[1] > short.size[1]


def test_a_missing_chinese_font_is_logged_not_fatal(monkeypatch, caplog):
    monkeypatch.setattr(charts, "CHINESE_FAMILY", "No Such Font SC")
    charts.chart_family.cache_clear()
    try:
        with caplog.at_level(logging.WARNING, logger="louyu.reporting.charts"):
            png = charts.ranking_chart("Ranking", [("Beijing", 1.0)])
        assert png.startswith(b"\x89PNG")
        assert "No Such Font SC" in caplog.text
    finally:
        charts.chart_family.cache_clear()


def test_the_chinese_font_is_found():
    charts.chart_family.cache_clear()
    assert charts.chart_family() == "Noto Sans CJK SC"

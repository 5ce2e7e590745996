"""Official documents: the model refuses malformed content, the PDF embeds its Chinese fonts
and repeats a long table's header on the next page, rendering never goes to the network, and
the DOCX carries the same content with East Asian fonts and a repeating header row."""

import base64
import dataclasses
import datetime
import io
import re
import socket

import pytest
from django.template.loader import render_to_string
from docx import Document as open_docx
from docx.oxml.ns import qn
from PIL import Image as PillowImage
from PIL import ImageDraw
from pypdf import PdfReader

from louyu.core.documents import (
    Attachment,
    Document,
    Heading,
    Image,
    PageBreak,
    Paragraph,
    Table,
)
from louyu.core.documents import docx as docx_renderer
from louyu.core.documents import pdf as pdf_renderer
from louyu.core.documents.layout import (
    COMPACT_TABLE_PT,
    ISSUER_MAX_PT,
    ISSUER_MIN_PT,
    column_shares,
    issuer_pt,
)
from louyu.core.tests.files import pdf_fonts

ISSUER = "工业和信息化部办公厅"
NUMBER = "工信厅通信函〔2026〕12号"
TITLE = "关于商务楼宇宽带接入市场联合整治工作进展情况的通报"
COLUMNS = ["序号", "楼宇名称", "所在地区", "投诉件数", "整改率"]
ROW_COUNT = 40


def _png(width: int = 90, height: int = 45) -> bytes:
    """A small bar chart, as the charts rendered elsewhere will be."""
    picture = PillowImage.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(picture)
    for index, bar in enumerate((20, 35, 12, 40)):
        draw.rectangle((5 + index * 20, height - bar, 18 + index * 20, height), fill=(200, 0, 0))
    output = io.BytesIO()
    picture.save(output, "PNG")
    return output.getvalue()


def _building(number: int) -> str:
    return f"测试楼宇{number:03d}号"


def _sample(rows: int = ROW_COUNT) -> Document:
    table_rows = [
        [str(n), _building(n), "辽宁省大连市中山区", str(n * 3), f"{n % 10 * 10}%"]
        for n in range(1, rows + 1)
    ]
    return Document(
        issuer=ISSUER,
        number=NUMBER,
        title=TITLE,
        recipients="各省、自治区、直辖市通信管理局：",
        blocks=[
            Heading("一、总体进展", 1),
            Paragraph("截至九月底，各地共登记商务楼宇一万二千栋，整治问题楼宇三百余栋。"),
            Table(COLUMNS, table_rows, caption="表1 问题楼宇整治进展", numeric_columns={0, 3, 4}),
            Heading("（一）典型做法", 2),
            Paragraph("大连市通信管理局会同住建部门推行“一楼一策”，成效明显。"),
            Image(_png(), 60, caption="图1 各季度整改完成情况"),
            PageBreak(),
            Paragraph("各单位要压实责任，确保按期完成整治任务。"),
        ],
        signature=ISSUER,
        date=datetime.date(2026, 10, 15),
        copy_to="国家市场监督管理总局办公厅，住房和城乡建设部办公厅。",
    )


ATTACHMENTS = (
    Attachment(
        "各地整治进展情况",
        [Table(["单位", "整改率"], [["北京", "75.0%"], ["大连", "60.0%"]], compact=True)],
    ),
    Attachment("月度报送情况", [Paragraph("各单位均按时报送月度进展情况。")]),
)


def _with_attachments(count: int = 2) -> Document:
    return dataclasses.replace(_sample(rows=3), attachments=ATTACHMENTS[:count])


def _squeeze(text: str) -> str:
    """Extracted text without the spaces and line breaks that layout puts into it."""
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def sample_pdf() -> bytes:
    return pdf_renderer.render_pdf(_sample())


@pytest.fixture(scope="module")
def sample_pages(sample_pdf) -> list[str]:
    return [_squeeze(page.extract_text()) for page in PdfReader(io.BytesIO(sample_pdf)).pages]


@pytest.fixture(scope="module")
def sample_docx():
    return open_docx(io.BytesIO(docx_renderer.render_docx(_sample())))


# --- model -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: Heading("一、总体进展", 5), "heading level"),
        (lambda: Table([], []), "at least one column"),
        (lambda: Table(["甲", "乙"], [["1", "2"], ["3"]]), "row 2 has 1 cells"),
        (lambda: Table(["甲"], [["1"]], numeric_columns={1}), "not columns"),
        (lambda: Image(b"GIF89a", 50), "PNG"),
        (lambda: Image(_png(), 0), "at most 156 mm"),
        (lambda: Image(_png(), 157), "at most 156 mm"),
    ],
)
def test_model_refuses_malformed_content(make, message):
    with pytest.raises(ValueError, match=message):
        make()


def test_model_stores_sequences_as_tuples():
    table = Table(["甲"], [["1"]], numeric_columns=[0])
    document = Document(ISSUER, TITLE, [table], ISSUER, datetime.date(2026, 1, 1))
    assert table.columns == ("甲",)
    assert table.rows == (("1",),)
    assert table.numeric_columns == frozenset({0})
    assert document.blocks == (table,)


def test_document_refuses_a_foreign_attachment_and_an_attachment_a_foreign_block():
    with pytest.raises(TypeError, match="not an attachment"):
        Document(ISSUER, TITLE, [], ISSUER, datetime.date(2026, 1, 1), attachments=["附件"])
    with pytest.raises(TypeError, match="not a document block"):
        Attachment("附表", ["正文"])


@pytest.mark.parametrize(
    ("count", "labels", "note"),
    [
        (0, [], []),
        (1, ["附件"], ["附件：各地整治进展情况"]),
        (2, ["附件1", "附件2"], ["附件：1. 各地整治进展情况", "2. 月度报送情况"]),
    ],
)
def test_attachments_are_numbered_only_when_there_are_several(count, labels, note):
    document = _with_attachments(count)
    assert document.attachment_labels == labels
    assert document.attachment_note == note


def test_document_refuses_a_foreign_block():
    with pytest.raises(TypeError, match="not a document block"):
        Document(ISSUER, TITLE, ["正文"], ISSUER, datetime.date(2026, 1, 1))


@pytest.mark.parametrize(
    ("date", "text"),
    [
        (datetime.date(2026, 3, 5), "2026年3月5日"),
        (datetime.date(2026, 10, 15), "2026年10月15日"),
        (datetime.date(2027, 1, 1), "2027年1月1日"),
    ],
)
def test_date_is_written_without_leading_zeros(date, text):
    assert Document(ISSUER, TITLE, [], ISSUER, date).date_text == text


@pytest.mark.parametrize(
    ("issuer", "expected"),
    [
        ("工业和信息化部", ISSUER_MAX_PT),
        ("辽宁省通信管理局、辽宁省市场监督管理局、辽宁省住房和城乡建设厅", ISSUER_MIN_PT),
    ],
)
def test_issuer_size_is_bounded(issuer, expected):
    assert issuer_pt(issuer) == expected


def test_a_longer_issuer_name_is_set_smaller():
    assert issuer_pt("工业和信息化部信息通信发展司办公室") < issuer_pt(ISSUER)


@pytest.mark.parametrize(
    ("columns", "rows", "shares"),
    [
        (["甲", "乙"], [["一二三", "四"]], [4 / 6, 2 / 6]),  # longest text plus one
        (["序号", "数"], [["12", "3456"]], [3 / 6, 3 / 6]),  # digits are half as wide
        (["名称", "注"], [["长" * 40, "无"]], [17 / 19, 2 / 19]),  # capped at 16
        (["楼宇名称", "数"], [], [5 / 7, 2 / 7]),  # no rows: the header decides
        # a long header wraps onto three lines, but not below four characters a line
        (["名称", "两家以上基础电信企业在服务的楼宇占比"], [["北京", "55.6"]], [3 / 10, 7 / 10]),
        (["名称", "登记楼宇（栋）"], [["北京", "120"]], [3 / 8, 5 / 8]),
    ],
)
def test_column_shares_follow_the_longest_text(columns, rows, shares):
    assert column_shares(columns, rows) == pytest.approx(shares)


# --- PDF -------------------------------------------------------------------------------------


def test_pdf_has_several_pages(sample_pdf):
    assert sample_pdf.startswith(b"%PDF-")
    assert len(PdfReader(io.BytesIO(sample_pdf)).pages) > 1


def test_pdf_embeds_every_font_and_a_cjk_one(sample_pdf):
    fonts = pdf_fonts(sample_pdf)
    assert fonts
    assert [font["name"] for font in fonts if font["emb"] != "yes"] == []
    assert any("CJK" in font["name"] for font in fonts), fonts
    assert all(font["uni"] == "yes" for font in fonts), "text must be extractable"


def test_pdf_text_can_be_extracted(sample_pages):
    assert TITLE in sample_pages[0]
    assert NUMBER in sample_pages[0]
    assert ISSUER in sample_pages[0]
    assert _building(1) in sample_pages[0]
    assert "2026年10月15日" in sample_pages[-1]
    assert "抄送：国家市场监督管理总局办公厅" in sample_pages[-1]


def test_pdf_table_starts_on_page_one_and_repeats_its_header_on_page_two(sample_pages):
    pages_with_rows = [
        index
        for index, text in enumerate(sample_pages)
        if any(_building(n) in text for n in range(1, ROW_COUNT + 1))
    ]
    assert pages_with_rows[:2] == [0, 1]
    for index in pages_with_rows:
        assert all(column in sample_pages[index] for column in COLUMNS), index
    assert "表1问题楼宇整治进展" not in sample_pages[1], "the caption is not repeated"


def test_pdf_page_numbers_are_set_between_dashes(sample_pages):
    for number, text in enumerate(sample_pages, start=1):
        assert f"—{number}—" in text


def test_pdf_attachments_follow_the_signature_each_on_its_own_pages():
    pdf = pdf_renderer.render_pdf(_with_attachments())
    pages = [_squeeze(page.extract_text()) for page in PdfReader(io.BytesIO(pdf)).pages]
    signed = [index for index, text in enumerate(pages) if "2026年10月15日" in text]
    assert len(signed) == 1
    assert "附件：1.各地整治进展情况2.月度报送情况" in pages[signed[0]]
    first, second = pages[signed[0] + 1 :]
    assert first.startswith("附件1各地整治进展情况单位整改率北京75.0%")
    assert second.startswith("附件2月度报送情况各单位均按时报送")
    assert "抄送：" in second and "抄送：" not in "".join(pages[:-1])


def test_pdf_sets_a_compact_table_smaller():
    html = render_to_string(
        pdf_renderer.TEMPLATE, pdf_renderer.document_context(_with_attachments())
    )
    assert html.count('<table class="compact">') == 1


# --- no network ------------------------------------------------------------------------------


@pytest.fixture
def connections(monkeypatch) -> list:
    """Every attempt to resolve a host name or open a connection, recorded and refused."""
    attempts = []

    def refuse(name):
        def refused(*args, **kwargs):
            attempts.append((name, args))
            raise OSError("network access in a document test")

        return refused

    monkeypatch.setattr(socket, "getaddrinfo", refuse("getaddrinfo"))
    monkeypatch.setattr(socket, "create_connection", refuse("create_connection"))
    monkeypatch.setattr(socket.socket, "connect", refuse("connect"))
    return attempts


def test_remote_resources_are_not_fetched(connections):
    html = (
        '<html><head><link rel="stylesheet" href="https://cdn.example.com/style.css"></head>'
        '<body><p>远程图片</p><img src="http://example.com/chart.png">'
        '<img src="https://203.0.113.9/chart.png"><img src="ftp://example.com/a.png"></body></html>'
    )
    pdf = pdf_renderer.html_to_pdf(html)
    assert pdf.startswith(b"%PDF-")
    assert connections == []
    assert "远程图片" in PdfReader(io.BytesIO(pdf)).pages[0].extract_text()


@pytest.mark.parametrize(
    ("where", "loaded"),
    [
        ("data", True),
        ("project", True),
        ("relative", True),
        ("outside", False),
        ("escape", False),
        ("http", False),
    ],
)
def test_only_data_uris_and_project_files_are_loaded(where, loaded, tmp_path, monkeypatch):
    project = tmp_path / "project"
    (project / "static").mkdir(parents=True)
    (project / "static" / "chart.png").write_bytes(_png())
    (tmp_path / "outside.png").write_bytes(_png())
    monkeypatch.setattr(pdf_renderer, "PROJECT_ROOT", project)
    sources = {
        "data": "data:image/png;base64," + base64.b64encode(_png()).decode(),
        "project": (project / "static" / "chart.png").as_uri(),
        "relative": "static/chart.png",
        "outside": (tmp_path / "outside.png").as_uri(),
        "escape": project.as_uri() + "/../outside.png",
        "http": "http://127.0.0.1:9/chart.png",
    }
    pdf = pdf_renderer.html_to_pdf(f'<p>图</p><img src="{sources[where]}">')
    images = PdfReader(io.BytesIO(pdf)).pages[0].images
    assert len(images) == (1 if loaded else 0)


# --- DOCX ------------------------------------------------------------------------------------


def test_docx_carries_number_title_and_table(sample_docx):
    texts = [paragraph.text for paragraph in sample_docx.paragraphs]
    assert texts[:3] == [ISSUER, NUMBER, TITLE]
    table = sample_docx.tables[0]
    assert [cell.text for cell in table.rows[0].cells] == COLUMNS
    assert table.cell(1, 1).text == _building(1)
    assert len(table.rows) == ROW_COUNT + 1
    assert "2026年10月15日" in texts
    assert len(sample_docx.inline_shapes) == 1


def test_docx_header_row_repeats_and_body_rows_do_not(sample_docx):
    rows = sample_docx.tables[0].rows
    assert rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    assert rows[1]._tr.trPr.find(qn("w:tblHeader")) is None


def test_docx_title_run_names_its_east_asian_font(sample_docx):
    title = sample_docx.paragraphs[2]
    fonts = title.runs[0]._element.rPr.rFonts
    assert fonts.get(qn("w:eastAsia")) == docx_renderer.TITLE_FONT


def test_docx_every_run_names_an_east_asian_font(sample_docx):
    runs = [run for paragraph in sample_docx.paragraphs for run in paragraph.runs]
    runs += [
        run
        for row in sample_docx.tables[0].rows
        for cell in row.cells
        for paragraph in cell.paragraphs
        for run in paragraph.runs
    ]
    missing = [run.text for run in runs if run.text and not _east_asian_font(run)]
    assert missing == []


def _east_asian_font(run) -> str | None:
    rPr = run._element.rPr
    return None if rPr is None or rPr.rFonts is None else rPr.rFonts.get(qn("w:eastAsia"))


def test_docx_red_issuer_and_rule_under_the_number(sample_docx):
    issuer, number = sample_docx.paragraphs[:2]
    assert str(issuer.runs[0].font.color.rgb) == "E60012"
    rule = number._p.pPr.find(qn("w:pBdr")).find(qn("w:bottom"))
    assert rule.get(qn("w:color")) == "E60012"


def test_docx_footers_number_the_pages(sample_docx):
    section = sample_docx.sections[0]
    for footer in (section.footer, section.even_page_footer):
        instructions = footer._element.xpath(".//w:instrText")
        assert [element.text.strip() for element in instructions] == ["PAGE"]


def test_docx_attachments_follow_the_signature_and_precede_the_copy_to_line():
    word = open_docx(io.BytesIO(docx_renderer.render_docx(_with_attachments())))
    texts = [paragraph.text for paragraph in word.paragraphs]
    order = [
        "附件：1. 各地整治进展情况",
        "2. 月度报送情况",
        "2026年10月15日",
        "附件1",
        "各地整治进展情况",
        "附件2",
        "月度报送情况",
        "各单位均按时报送月度进展情况。",
        "抄送：国家市场监督管理总局办公厅，住房和城乡建设部办公厅。",
    ]
    assert [text for text in texts if text in order] == order
    for label in ("附件1", "附件2"):
        before = word.paragraphs[texts.index(label) - 1]
        assert before._p.xpath('.//w:br[@w:type="page"]'), f"{label} starts a new page"


def test_docx_sets_a_compact_table_smaller():
    word = open_docx(io.BytesIO(docx_renderer.render_docx(_with_attachments())))
    normal, compact = word.tables
    assert normal.cell(1, 1).paragraphs[0].runs[0].font.size.pt == 12
    assert compact.cell(1, 0).paragraphs[0].runs[0].font.size.pt == COMPACT_TABLE_PT

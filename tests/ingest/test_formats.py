"""Every format of the real notice reads to the same records as its .txt.

The .html, .docx and .pdf are made in this run from corpus/jinan-edu-2024-work-plan.txt
(`tests/ingest/fixtures.py`); the PDF is printed from the HTML by headless Debian chromium.
"""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from ingest.errors import IngestError
from ingest.formats import normalise, read_text, table_lines
from ingest.parse import parse_file
from tests.conftest import NOTICE, ROOT
from tests.ingest.fixtures import notice_html, notice_parts, print_pdf, write_docx


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    folder = tmp_path_factory.mktemp("formats")
    parts = notice_parts()
    html = folder / "notice.html"
    html.write_text(notice_html(parts), encoding="utf-8")
    return {"html": html, "docx": write_docx(parts, folder / "notice.docx"),
            "pdf": print_pdf(html, folder / "notice.pdf")}


def content(doc):
    """Records without the ids (which carry the file's name)."""
    return [{k: v for k, v in r.to_dict().items() if k not in ("id", "doc_id")} for r in doc.records()]


@pytest.mark.parametrize("fmt", ["html", "docx", "pdf"])
def test_same_records_as_the_txt(made, notice, fmt):
    doc = parse_file(made[fmt])
    assert doc.format == fmt
    assert doc.warnings == ()
    assert (len(doc.sections), len(doc.items), len(doc.schedule)) == \
        (len(notice.sections), len(notice.items), len(notice.schedule))
    assert content(doc) == content(notice)


def test_cli_json_same_items_and_rows(made):
    def run(*paths):
        proc = subprocess.run([sys.executable, "-m", "ingest", "--json", *map(str, paths)], cwd=ROOT,
                              capture_output=True, text=True, check=True)
        return [json.loads(line) for line in proc.stdout.splitlines()]

    [txt] = run(NOTICE)
    for fmt in ("html", "docx", "pdf"):
        [doc] = run(made[fmt])
        assert doc["items"] == txt["items"], fmt
        assert doc["schedule"] == txt["schedule"], fmt
        assert {k: v for k, v in doc.items() if k != "doc_id"} == \
            {k: v for k, v in txt.items() if k != "doc_id"}, fmt


def test_html_site_chrome_is_dropped(made):
    text = read_text(made["html"]).text
    for chrome in ("机构职能", "分享到", "网站标识码", "_hmt", "QQ空间"):
        assert chrome not in text
    # The metadata table's label / value cells read as header lines.
    assert text.splitlines()[0].startswith("索引号: 11370100004188661G/2024-00020 组配分类:")


def test_pdf_running_header_and_footer_are_dropped(made):
    text = read_text(made["pdf"]).text
    assert "file://" not in text and "/9" not in text.splitlines()[-1]


def test_pdf_code_points_are_normalised():
    # ⼯ (Kangxi radical, NFKC) ⺠ ⻔ (CJK radicals supplement, Unicode's equivalence table),
    # ― (the dash GBK and fonts confuse), full-width ASCII.
    assert normalise("⼯⺠⻔ 2024―2026 （１）：") == "工民门 2024—2026 (1):"


def test_utf16_with_bom_reads_like_utf8(tmp_path, notice):
    for encoding, name in (("utf-16-le", "le.txt"), ("utf-16-be", "be.txt")):
        path = tmp_path / name
        bom = "\ufeff".encode(encoding)
        path.write_bytes(bom + NOTICE.read_text(encoding="utf-8").encode(encoding))
        doc = parse_file(path)
        assert doc.encoding == "utf-16"
        assert content(doc) == content(notice)


_SPACED = ("某局2025年工作要点\n一、党的建设\n1.深化理论武装。全年组织集中学习不少于12次。\n附件\n重点任务分解表\n"
           "序号　　重点任务　　　　　　责任单位　　完成时限\n1　　　召开全市教育工作会议　办公室　　　2月\n"
           "2　　　开展教师节表彰活动　　人事科　　　9月\n")


@pytest.mark.parametrize("ending", ["\n", "\r\n", "\r"])
def test_a_table_in_spaced_columns_reads_alike_whatever_the_line_ends(tmp_path, ending):
    """With old Macs' CR-only line ends, the columns of a table aligned by spaces had been cut
    before the line ends were: no row was read."""
    path = tmp_path / "notice.txt"
    path.write_bytes(_SPACED.replace("\n", ending).encode("gb18030"))
    doc = parse_file(path)
    assert [(r.month, r.task, r.offices) for r in doc.schedule] == [
        (2, "召开全市教育工作会议", ("办公室",)), (9, "开展教师节表彰活动", ("人事科",))]


def test_a_cell_wrapped_onto_a_line_of_its_own_joins_its_cell_in_a_spaced_table(tmp_path):
    """A task cell too long for its column goes on below: the table had ended there, every later
    row glued into one task."""
    wrapped = _SPACED.replace("2　　　开展教师节表彰活动　　人事科　　　9月\n",
                              "2　　　开展教师节表彰活动，　人事科　　　9月\n　　　　评选优秀教师\n"
                              "3　　　实施校医提升工程　　　体卫艺科　　10月\n")
    path = tmp_path / "notice.txt"
    path.write_text(wrapped, encoding="utf-8")
    assert [(r.month, r.task, r.offices) for r in parse_file(path).schedule] == [
        (2, "召开全市教育工作会议", ("办公室",)), (9, "开展教师节表彰活动,评选优秀教师", ("人事科",)),
        (10, "实施校医提升工程", ("体卫艺科",))]


def test_table_rows_become_header_lines_or_cells():
    rows = [["索引号：", "X-1", "分类：", "计划"], ["1月", "召开会议\n部署工作", "办公室"],
            [None, "开展检查", ""], ["", "", None]]
    assert table_lines(rows) == ["索引号： X-1 分类： 计划", "1月", "召开会议", "部署工作",
                                 "办公室", "开展检查"]
    # From a page or a .docx, the None under 1月 is that cell spanning down: written again in its row.
    assert table_lines(rows, spans_down=True)[-2:] == ["1月", "开展检查"]


def test_a_cell_spanning_rows_of_a_table_that_is_no_schedule_is_each_row_s():
    """检查分组: the time of the first two groups is one cell spanning both rows; the second group had
    been left with no time at all."""
    rows = [["组别", "检查区域", "检查时间"], ["第一组", "湖塘镇", "7月21日至8月5日"], ["第二组", "嘉泽镇", None]]
    assert table_lines(rows, spans_down=True)[-3:] == ["第二组", "嘉泽镇", "7月21日至8月5日"]


def test_scanned_pdf_is_skipped_clearly_others_still_read(tmp_path):
    from PIL import Image

    scan = tmp_path / "scan.pdf"
    Image.new("RGB", (600, 800), "white").save(scan)   # a page image, no text layer
    with pytest.raises(IngestError, match="no text layer"):
        read_text(scan)
    proc = subprocess.run([sys.executable, "-m", "ingest", str(scan), str(NOTICE)], cwd=ROOT,
                          capture_output=True, text=True)
    assert proc.returncode == 2
    assert "scan.pdf" in proc.stderr and "no text layer" in proc.stderr and "OCR" in proc.stderr
    assert "items: 20" in proc.stdout


def test_pdf_with_one_scanned_page_warns(tmp_path, made, notice):
    import pypdfium2 as pdfium
    from PIL import Image

    Image.new("RGB", (600, 800), "white").save(tmp_path / "scan.pdf")
    merged = pdfium.PdfDocument(made["pdf"])
    pages = len(merged)
    merged.import_pages(pdfium.PdfDocument(tmp_path / "scan.pdf"))
    merged.save(tmp_path / "mixed.pdf")
    doc = parse_file(tmp_path / "mixed.pdf")
    assert doc.warnings == (f"page {pages + 1} has no text layer (a scanned page?); its content "
                            "is missing",)
    assert content(doc) == content(notice)


@pytest.mark.parametrize("name,raw,needle", [
    ("broken.pdf", b"%PDF-1.4\nthis is not a pdf", "not a readable PDF"),
    ("broken.docx", b"PK\x03\x04 not really a zip", "not a readable .docx"),
    ("notice.doc", b"\xd0\xcf\x11\xe0", "unsupported file type"),
])
def test_broken_files_say_what_and_how_to_fix(tmp_path, name, raw, needle):
    path = tmp_path / name
    path.write_bytes(raw)
    with pytest.raises(IngestError, match=needle) as e:
        read_text(path)
    assert name in str(e.value)


def test_html_table_without_cells_is_a_warning(tmp_path):
    page = tmp_path / "p.html"
    page.write_text("<html><body><p>某局工作要点</p><p>一、党建</p><p>1.加强党建。</p>"
                    "<table><tr><td> </td></tr></table></body></html>", encoding="utf-8")
    doc = parse_file(page)
    assert [i.text for i in doc.items] == ["加强党建。"]
    assert any("table 1 has no readable cells" in w for w in doc.warnings)


def test_gbk_html_is_decoded_from_its_meta_charset(tmp_path):
    page = tmp_path / "gbk.htm"
    page.write_bytes("<html><head><meta charset=\"gbk\"></head><body><p>某局工作要点</p>"
                     "<p>一、党建</p><p>1.加强党建。</p></body></html>".encode("gbk"))
    doc = parse_file(page)
    assert doc.format == "html" and doc.encoding in ("gbk", "gb18030", "gb2312")
    assert doc.items[0].title == "加强党建"


def test_docx_text_in_smart_tags_insertions_and_content_controls_is_read(tmp_path):
    """python-docx's Paragraph.text leaves out runs inside w:smartTag (a date Word marked) and
    w:ins (a tracked insertion), and its body iteration skips w:sdt: 于2025年8月31日前 had been
    read 于前. Deleted text stays out."""
    import docx
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    w = nsdecls("w")
    d = docx.Document()
    d.add_paragraph("某区教育局2025年工作要点")
    d.add_paragraph("一、扩大优质教育供给")
    p = d.add_paragraph("1.推进学校建设。实验学校二期于")
    p._p.append(parse_xml(f'<w:smartTag {w} w:element="chsdate"><w:r><w:t>2025年8月31日</w:t></w:r></w:smartTag>'))
    p.add_run("前投入使用。")
    p = d.add_paragraph("2.新增学位")
    p._p.append(parse_xml(f'<w:ins {w} w:id="1" w:author="a"><w:r><w:t>3600</w:t></w:r></w:ins>'))
    p._p.append(parse_xml(f'<w:del {w} w:id="2" w:author="a"><w:r><w:delText>3000</w:delText></w:r></w:del>'))
    p.add_run("个。")
    body = d.element.body
    body.insert(len(body) - 1, parse_xml(f'<w:sdt {w}><w:sdtPr/><w:sdtContent><w:p><w:r>'
                                         '<w:t>3.加强师资建设。全年培训教师4200人次。</w:t></w:r></w:p></w:sdtContent></w:sdt>'))
    path = tmp_path / "hidden.docx"
    d.save(path)
    assert [i.text for i in parse_file(path).items] == [
        "推进学校建设。实验学校二期于2025年8月31日前投入使用。", "新增学位3600个。", "加强师资建设。全年培训教师4200人次。"]


def test_a_pdf_whose_font_pdfminer_cannot_read_is_read_through_pdfium():
    """fpdf2 embeds Noto CJK as a CFF subset: pdfminer reads no character of it, and the notice
    had been skipped as a scan. pdfium reads it."""
    doc = parse_file(ROOT / "tests" / "ingest" / "data" / "cff-font-notice.pdf")
    assert doc.title == "某县教育局2025年工作要点"
    assert [(i.no, i.text) for i in doc.items] == [
        (1, "加强政治建设。全年组织集中学习12次。"), (2, "扩大学前教育资源。新建公办幼儿园5所。")]


def test_a_pdf_schedule_going_on_over_a_page_without_its_header_keeps_its_columns():
    """诸城 .pdf (a reviewer's): the 任务分解表's last row stands alone on the next page, with no
    header. Read without one, its cells came in table order (序号, task, office, time) and the row
    took the month above (10月) instead of its own 12月."""
    doc = parse_file(ROOT / "tests" / "ingest" / "data" / "zhucheng-edu-2025.pdf")
    assert len(doc.schedule) == 18
    last = doc.schedule[-1]
    assert (last.task, last.offices, last.months) == ("开展年度教育工作督导考核", ("督导室",), (12,))

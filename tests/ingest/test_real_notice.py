"""The real 2024 notice. Expected values were read off the notice by hand, not from parser output."""
from __future__ import annotations

import json
import subprocess
import sys

from ingest.offices import OfficeTable
from tests.conftest import NOTICE, ROOT

SECTION_TITLES = {
    "一": "夯实党建基础,加强党对教育工作的全面领导",
    "二": "坚持立德树人,培育拥有“四个自信”的孩子",
    "三": "推进协调发展,建设高质量教育体系",
    "四": "聚焦关键环节,全面深化教育综合改革",
    "五": "强化支撑引领,激发教育发展新动能",
}
ITEM_TITLES = {
    1: "坚持把政治建设摆在首位", 4: "维护教育系统政治安全", 7: "巩固扩大“双减”成果",
    8: "推进学前教育优质普惠发展", 11: "推进高等教育校地融合创新", 16: "深入推进教育数字化战略",
    19: "以教育家精神引领高素质干部教师队伍建设", 20: "厚植高水平教育安全根基",
}
# Rows per month, counted by hand in the 配档表.
ROWS_PER_MONTH = {1: 6, 2: 4, 3: 13, 4: 6, 5: 9, 6: 6, 7: 5, 8: 8, 9: 8, 10: 6, 11: 6, 12: 12}
# A sample of rows with their offices exactly as the table lists them.
SAMPLE_ROWS = [
    (1, "成立济南教育数字资源智作中心", ["市电教馆"]),
    (2, "启动“基层宣传质量提升年”行动及新一期市级教育综合改革项目立项申报", ["政策法规处"]),
    (3, "制定济南教育质量提升三年行动计划(2024—2026年)", ["秘书处", "各处室"]),
    (3, "召开2024年度全市教育工作会议", ["办公室", "秘书处"]),
    (4, "召开学前双普创建工作推进会、督导评估现场推进会", ["学前处", "督导室"]),
    (5, "召开国家级中小学科学教育实验区协作组会议", ["基教处", "市教研院", "市学生发展中心", "市电教馆"]),
    (6, "出台《关于进一步促进学校家庭社会协同育人工作的实施意见》", ["基教处"]),
    (7, "出台《济南市校外培训机构设置标准》", ["民继处"]),
    (8, "举行“泉城发布厅”2024年度“泉城最美教师”暨济南市教书育人楷模发布仪式", ["政法处", "教师处"]),
    (9, "举办市教育局老同志荣退仪式", ["组织人事处", "离退休干部处"]),
    (9, "举行庆祝教师节系列活动", ["教师处", "办公室", "政法处"]),
    (10, "出台市级深化新时代教育评价改革实施方案", ["政法处", "办公室"]),
    (11, "制定寄宿制培训机构管理办法", ["民继处"]),
    (12, "开展“泉·未来”学生节项目", ["市学生发展中心"]),
]


def test_counts(notice):
    assert len(notice.sections) == 5
    assert [i.no for i in notice.items] == list(range(1, 21))
    assert len(notice.schedule) == sum(ROWS_PER_MONTH.values())
    assert notice.encoding == "utf-8"
    assert notice.warnings == ()


def test_section_titles(notice):
    assert {s.no: s.title for s in notice.sections} == SECTION_TITLES


def test_items_titles_sections_and_text(notice):
    items = {i.no: i for i in notice.items}
    for no, title in ITEM_TITLES.items():
        assert items[no].title == title
    assert [items[n].section for n in (1, 4, 5, 7, 8, 11, 12, 17, 18, 20)] == \
        ["一", "一", "二", "二", "三", "三", "四", "四", "五", "五"]
    assert "普惠性幼儿园覆盖率稳定在95%左右" in items[8].text
    assert items[7].text.endswith("守牢安全发展底线。")


def test_title_only_item(notice):
    item4 = next(i for i in notice.items if i.no == 4)
    assert item4.title == "维护教育系统政治安全"
    assert item4.text == "维护教育系统政治安全。"


def test_schedule_months_and_offices(notice):
    per_month: dict[int, int] = {}
    for row in notice.schedule:
        per_month[row.month] = per_month.get(row.month, 0) + 1
    assert per_month == ROWS_PER_MONTH
    rows = {(r.month, r.task): list(r.offices) for r in notice.schedule}
    for month, task, offices in SAMPLE_ROWS:
        assert rows[(month, task)] == offices, (month, task)
    months = [r.month for r in notice.schedule]
    assert months == sorted(months)


def test_header_and_front_matter(notice):
    assert notice.meta == {
        "index_no": "11370100004188661G/2024-00020", "category": "部门计划及总结",
        "written_date": "2024-02-26", "published_date": "2024-02-26", "issuer": "济南市教育局",
        "doc_no": "济教工委办〔2024〕1号"}
    assert notice.meta_title.endswith("2024年工作要点》的通知")
    assert notice.title == "中共济南市委教育工委 济南市教育局2024年工作要点"
    assert notice.preamble.startswith("2024年全市教育工作的总体思路是")
    assert notice.addressees == "各区县教体局,直属各学校(事业单位),机关各处室:"
    assert notice.signature == "中共济南市委教育工作委员会办公室 济南市教育局办公室"
    assert notice.date == "2024年2月26日"


def test_clutter_is_gone(notice):
    blob = json.dumps(notice.summary_json(), ensure_ascii=False) + "".join(notice.paragraphs)
    for junk in ("信息来源", "浏览次数", "分享", "上一篇", "下一篇", "Produced By", "\u00a0"):
        assert junk not in blob


def test_every_office_in_alias_table(notice):
    table = OfficeTable.load()
    missing = [o for o in notice.offices if table.canonical(o) is None]
    assert missing == []
    assert table.canonical("基础教育处") == "基教处"
    assert table.canonical("政策法规处") == table.canonical("政法处") == "政法处"


def test_records_have_stable_unique_ids(notice):
    recs = notice.records()
    ids = [r.id for r in recs]
    assert len(ids) == len(set(ids))
    assert "jinan-edu-2024-work-plan:item:7" in ids
    assert "jinan-edu-2024-work-plan:schedule:07-05" in ids
    assert [r.id for r in notice.records()] == ids


def test_cli_json_contract():
    out = subprocess.run([sys.executable, "-m", "ingest", "--json"], cwd=ROOT,
                         capture_output=True, text=True, check=True).stdout.splitlines()
    assert len(out) == 1
    doc = json.loads(out[0])
    assert set(doc) == {"doc_id", "title", "meta", "preamble", "sections", "items", "schedule"}
    assert set(doc["meta"]) == {"index_no", "category", "written_date", "published_date",
                                "issuer", "doc_no"}
    assert set(doc["items"][0]) == {"no", "section", "subsection", "ref", "title", "text", "offices"}
    assert set(doc["schedule"][0]) == {"month", "months", "when", "task", "offices"}
    assert (doc["items"][0]["subsection"], doc["items"][0]["ref"]) == (None, None)   # two levels, unique numbers
    assert (doc["schedule"][0]["when"], doc["schedule"][0]["months"]) == ("1月", [1])
    assert "基教处" in out[0]  # ensure_ascii=False


def test_cli_summary_and_bad_paths(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_text("  \n", encoding="utf-8")
    binary = tmp_path / "blob.txt"
    binary.write_bytes(b"\x89PNG\x00\x00\x01\x02" * 50)
    proc = subprocess.run([sys.executable, "-m", "ingest", str(NOTICE), str(empty), str(binary),
                           str(tmp_path / "missing.txt")], cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 2
    assert "items: 20" in proc.stdout            # the good file is still processed
    assert "empty.txt" in proc.stderr and "empty" in proc.stderr
    assert "blob.txt" in proc.stderr and "binary" in proc.stderr
    assert "missing.txt" in proc.stderr and "no such file" in proc.stderr


# Every row's offices, month by month in table order, transcribed from the notice by hand
# ("、" joins the offices of one row).
OFFICES_BY_MONTH = {
    1: "机关党委 基教处 基教处 体卫艺处 市电教馆 党建处",
    2: "政策法规处 督导室 安管处 市学生资助中心",
    3: "秘书处、各处室 办公室、秘书处 组织人事处 组织人事处 督导室 基教处 基教处 基教处 职高教处 产业处 "
       "体卫艺处 党建处 市教师发展中心",
    4: "组织人事处 学前处、督导室 基教处 职高教处 市教研院 思政处",
    5: "组织人事处 督导室 产业处 思政处 市教研院 市招考院 基教处、市教研院、市学生发展中心、市电教馆 基教处 学前处",
    6: "职高教处 产业处 安管处 市招考院 市招考院 基教处",
    7: "组织人事处 教师处 职高教处 市招考院 民继处",
    8: "组织人事处 政法处、教师处 教师处 基教处 产业处 基教处 党建处 市教研院",
    9: "组织人事处、离退休干部处 教师处、办公室、政法处 政法处 职高教处 产业处 体卫艺处 思政处 语委办",
    10: "政法处、办公室 教师处 学前处 职高教处 产业处 思政处",
    11: "政法处 督导室 基教处 体卫艺处 民继处 市教研院",
    12: "组织人事处 政法处 规划处 教师处 督导室 职高教处 产业处 市教研院 财审处 国际处 市招考院 市学生发展中心",
}


def test_every_schedule_row_month_and_offices(notice):
    expected = [(m, tuple(row.split("、"))) for m, rows in OFFICES_BY_MONTH.items() for row in rows.split()]
    assert [(r.month, r.offices) for r in notice.schedule] == expected

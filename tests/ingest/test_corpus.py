"""Corpus hygiene and limits: the files a careless or hostile corpus holds (issue 13)."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

from ingest import load_corpus, read_corpus
from ingest.errors import IngestError, LimitError, NoDocumentsError
from ingest.limits import Limits
from tests.conftest import NOTICE, ROOT

SMALL = "某局2023年工作要点\n一、抓党建\n1.加强政治建设。学习。\n2.推进从严治党。\n"


def run_cli(*args, env=None):
    return subprocess.run([sys.executable, "-m", "ingest", *map(str, args)], cwd=ROOT,
                          capture_output=True, text=True, env={**os.environ, **(env or {})})


def test_utf16_only_corpus_is_read(tmp_path):
    (tmp_path / "notice.txt").write_text(NOTICE.read_text(encoding="utf-8"), encoding="utf-16")
    report = read_corpus([tmp_path])
    [f] = report.files
    assert (f.status, f.format, f.encoding, f.sections, f.items, f.rows) == \
        ("read", "txt", "utf-16", 5, 20, 89)
    docs, errors = load_corpus([tmp_path])
    assert len(docs) == 1 and errors == []


def test_file_over_the_size_limit_is_skipped_others_read(tmp_path):
    (tmp_path / "big.txt").write_text(NOTICE.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "small.txt").write_text(SMALL, encoding="utf-8")
    size = (tmp_path / "big.txt").stat().st_size
    report = read_corpus([tmp_path], limits=Limits(max_file_bytes=1000))
    by_name = {f.path.rsplit("/", 1)[-1]: f for f in report.files}
    assert by_name["small.txt"].status == "read"
    big = by_name["big.txt"]
    assert big.status == "skipped"
    assert f"{size:,}" in big.error and "1,000" in big.error
    assert "POLICYQA_MAX_FILE_BYTES" in big.error and "raise it" in big.error
    # The same through the environment and the CLI: exit 2, the small notice still printed.
    proc = run_cli(tmp_path, env={"POLICYQA_MAX_FILE_BYTES": "1000"})
    assert proc.returncode == 2
    assert "big.txt" in proc.stderr and "POLICYQA_MAX_FILE_BYTES" in proc.stderr
    assert "items: 2" in proc.stdout


def test_records_per_document_and_total_limits(tmp_path):
    (tmp_path / "a.txt").write_text(SMALL, encoding="utf-8")
    (tmp_path / "b.txt").write_text(SMALL.replace("2023", "2024"), encoding="utf-8")
    (tmp_path / "notice.txt").write_text(NOTICE.read_text(encoding="utf-8"), encoding="utf-8")
    # Records of one small notice, counted by the reader rather than assumed.
    small = read_corpus([tmp_path / "a.txt"]).files[0].records
    report = read_corpus([tmp_path], limits=Limits(max_records_per_doc=50))
    status = {f.path.rsplit("/", 1)[-1]: f for f in report.files}
    assert status["notice.txt"].status == "skipped"
    assert "POLICYQA_MAX_RECORDS_PER_DOC" in status["notice.txt"].error
    assert "117" in status["notice.txt"].error and "50" in status["notice.txt"].error
    assert status["a.txt"].status == status["b.txt"].status == "read"
    # Total: room for one small notice only; the second is skipped with the total named.
    report = read_corpus([tmp_path / "a.txt", tmp_path / "b.txt"],
                         limits=Limits(max_records=small + 1))
    assert [f.status for f in report.files] == ["read", "skipped"]
    assert "POLICYQA_MAX_RECORDS" in report.files[1].error
    assert f"{2 * small}" in report.files[1].error


@pytest.mark.parametrize("value", ["0", "-5", "lots"])
def test_bad_limit_setting_is_a_clear_error(value):
    with pytest.raises(IngestError, match="POLICYQA_MAX_RECORDS must be a positive integer"):
        Limits.from_env({"POLICYQA_MAX_RECORDS": value})
    proc = run_cli(NOTICE, env={"POLICYQA_MAX_RECORDS": value})
    assert proc.returncode == 2 and "POLICYQA_MAX_RECORDS" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_gbk_copy_beside_utf8_is_read_once_naming_both(tmp_path):
    # GBK has no bullet or no-break space; the parser drops both, so the text is the same.
    text = NOTICE.read_text(encoding="utf-8").replace("•", "").replace("\xa0", " ")
    (tmp_path / "notice.txt").write_text(text, encoding="utf-8")
    (tmp_path / "notice-copy.txt").write_bytes(text.encode("gbk"))
    report = read_corpus([tmp_path])
    assert len(report.documents) == 1
    [dup] = report.duplicates
    assert {f.encoding for f in report.files} == {"utf-8", "gb18030"}
    assert "notice-copy.txt" in dup.warnings[-1] and "notice.txt" in dup.warnings[-1]
    docs, errors = load_corpus([tmp_path])
    assert len(docs) == 1 and len(errors) == 1 and "same content" in str(errors[0])
    proc = run_cli(tmp_path)
    assert proc.returncode == 0 and "same content as" in proc.stdout


def test_md_beside_txt_get_different_doc_ids(tmp_path):
    (tmp_path / "notice.txt").write_text(SMALL, encoding="utf-8")
    (tmp_path / "notice.md").write_text(SMALL.replace("2023", "2022"), encoding="utf-8")
    report = read_corpus([tmp_path])
    ids = {f.path.rsplit("/", 1)[-1]: f.doc_id for f in report.files}
    assert ids == {"notice.txt": "notice", "notice.md": "notice-md"}
    records = [r.id for d in report.documents for r in d.records()]
    assert len(records) == len(set(records))
    # The same text in both: one document, the .txt kept under its plain id.
    (tmp_path / "notice.md").write_text(SMALL, encoding="utf-8")
    report = read_corpus([tmp_path])
    assert [d.doc_id for d in report.documents] == ["notice"]
    assert report.duplicates[0].path.endswith("notice.md")


@pytest.mark.parametrize("name,raw", [
    ("junk.txt", bytes(range(256)) * 40),                  # binary
    ("fake.txt", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n"),  # a PDF saved as .txt
    ("prose.txt", "lorem ipsum dolor sit amet\n".encode() * 30),  # text, but not a notice
])
def test_junk_is_reported_not_indexed(tmp_path, name, raw):
    (tmp_path / name).write_bytes(raw)
    (tmp_path / "notice.txt").write_text(SMALL, encoding="utf-8")
    report = read_corpus([tmp_path])
    assert [d.doc_id for d in report.documents] == ["notice"]
    [skipped] = report.skipped
    assert name in skipped.error
    assert all("%PDF" not in d.title for d in report.documents)
    proc = run_cli(tmp_path)
    assert proc.returncode == 2 and name in proc.stderr and "Traceback" not in proc.stderr


def test_a_notice_numbering_nothing_is_read_as_its_paragraphs(tmp_path):
    """A short 通知 of plain paragraphs had been skipped (nothing to cite); its paragraphs are its text,
    cited 第N段, and the report says no numbered items were found. Its sign-off is no paragraph."""
    (tmp_path / "holiday.txt").write_text(
        "关于放假的通知\n各单位:\n现将放假事项通知如下。\n5月1日至5日放假,共5天。\n某某局\n2025年4月20日\n",
        encoding="utf-8")
    (tmp_path / "notice.txt").write_text(SMALL, encoding="utf-8")
    report = read_corpus([tmp_path])
    assert not report.skipped
    [doc] = [d for d in report.documents if d.doc_id == "holiday"]
    assert doc.title == "关于放假的通知" and doc.signature == "某某局" and doc.addressees == "各单位:"
    assert [(r.id, r.text) for r in doc.records() if r.kind == "paragraph"] == [
        ("holiday:paragraph:1", "现将放假事项通知如下。"), ("holiday:paragraph:2", "5月1日至5日放假,共5天。")]
    assert any("no numbered items" in w for w in next(f for f in report.files if f.doc_id == "holiday").warnings)


def test_zero_readable_documents_is_a_typed_error(tmp_path):
    (tmp_path / "junk.txt").write_bytes(b"\x00\x01" * 100)
    with pytest.raises(NoDocumentsError, match="no readable document") as e:
        load_corpus([tmp_path])
    assert "junk.txt" in str(e.value) and e.value.report.skipped
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(NoDocumentsError, match="no notice files"):
        load_corpus([empty])
    proc = run_cli(tmp_path)
    assert proc.returncode == 2 and "no readable document" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_limit_error_carries_the_setting():
    e = LimitError("x", "max_file_bytes", 5, 1)
    assert (e.setting, e.value, e.limit) == ("max_file_bytes", 5, 1)


def test_a_folder_s_own_office_table_is_used_when_its_notices_are_read(tmp_path):
    """`python -m ingest FOLDER` reads FOLDER/offices.tsv, as the index and the bot do: a body the
    project's table does not know (区青少年宫, not office-shaped) is an office there."""
    (tmp_path / "n.txt").write_text("某区教育局2025年工作要点\n一、甲\n1.乙。\n附件:重点工作配档表\n"
                                    "时间\t工作任务\t责任单位\n3月\t召开会议\t办公室、区青少年宫\n", encoding="utf-8")
    (tmp_path / "offices.tsv").write_text("办公室\t办公室\n区青少年宫\t区青少年活动中心\n", encoding="utf-8")
    for paths in ([tmp_path], [tmp_path / "n.txt"]):
        (doc,) = read_corpus(paths).documents
        assert [r.offices for r in doc.schedule] == [("办公室", "区青少年宫")]

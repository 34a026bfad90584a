"""The document library (文件库): upload checks and their messages, delete to the trash folder, and
the whole loop through the real server's API (gradio_client): upload a hand-made notice, wait for
the rebuilt index, ask about it, delete it, see it gone. The real corpus/ is never touched: the
unit tests work on a copy in tmp, the server runs on its own copy (conftest `library_app`)."""
from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest
from gradio_client import Client, handle_file

import app_library as L
from ingest import Limits, read_corpus
from index.store import corpus_files, corpus_hash
from tests.app.conftest import ROOT, hand_made_notice

REBUILD_WAIT = 600   # seconds for an index rebuild on a busy 2-core machine (a wait, never an assertion)


class RecordingService:
    """The part of app.Service the library calls (its corpus folder, `rebuild`): narrow unit tests only."""

    def __init__(self, corpus: Path):
        self.corpus, self.rebuilds = corpus, 0

    def rebuild(self) -> None:
        self.rebuilds += 1


@pytest.fixture
def corpus(tmp_path) -> Path:
    folder = tmp_path / "corpus"
    shutil.copytree(ROOT / "corpus", folder)
    return folder


@pytest.fixture
def notice(tmp_path) -> Path:
    path = tmp_path / "upload" / "qingdao-2031.txt"
    path.parent.mkdir()
    path.write_text(hand_made_notice("青岛", 2031), encoding="utf-8")
    return path


def listing(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


# --- the checks before saving ------------------------------------------------------------------------

def test_a_valid_notice_is_read_before_it_is_saved(corpus, notice):
    name, info = L.check_upload(notice, notice.name, corpus)
    assert name == "qingdao-2031.txt"
    assert info["status"] == "read" and info["items"] == 2 and info["rows"] == 2
    assert info["title"] == "青岛市教育局2031年工作要点" and info["file"] == name
    assert "qingdao-2031.txt" not in listing(corpus)     # checking saves nothing


@pytest.mark.parametrize("name, message", [
    ("plan.exe", "不支持的文件类型“.exe”(文件“plan.exe”):请上传 .txt / .md / .html / .htm / .docx / .pdf"),
    ("plan", "不支持的文件类型“(无扩展名)”"),
    (".hidden.txt", "以“.”开头(隐藏文件,不会被读取):请改名"),
    ("", "文件名为空"),
    ("x" * 200 + ".txt", "文件名太长:204 个字符,上限 120"),
    ("JINAN-EDU-2024-WORK-PLAN.TXT", "已有同名文件“jinan-edu-2024-work-plan.txt”:如要替换,请先删除它"),
])
def test_bad_names_are_refused_with_what_and_how(corpus, notice, name, message):
    before = listing(corpus)
    with pytest.raises(L.LibraryError) as e:
        L.check_upload(notice, name, corpus)
    assert message in str(e.value)
    assert listing(corpus) == before


def test_a_path_in_the_name_keeps_only_the_file_name(corpus, notice):
    assert L.check_name("../../etc/qingdao.txt", corpus) == "qingdao.txt"
    assert L.check_name("C:\\Users\\me\\qingdao.txt", corpus) == "qingdao.txt"


def test_too_big_says_the_size_the_limit_and_the_setting(corpus, notice):
    size = notice.stat().st_size
    with pytest.raises(L.LibraryError) as e:
        L.check_upload(notice, notice.name, corpus, Limits(max_file_bytes=100))
    assert f"{size:,} 字节,超过上限 100(POLICYQA_MAX_FILE_BYTES)" in str(e.value)


def test_a_file_that_is_not_a_notice_is_refused_with_ingests_reason(corpus, tmp_path):
    junk = tmp_path / "minutes.txt"
    junk.write_text("会议纪要\n今天开会讨论了很多事情,没有编号条目。\n", encoding="utf-8")
    with pytest.raises(L.LibraryError) as e:
        L.check_upload(junk, junk.name, corpus)
    text = str(e.value)
    assert text.startswith("文件“minutes.txt”无法作为通知读取,未保存:")
    assert "no numbered items" in text and str(tmp_path) not in text   # ingest's reason, no temp path
    empty = tmp_path / "empty.pdf"
    empty.write_bytes(b"")
    with pytest.raises(L.LibraryError, match="文件“empty.pdf”是空的"):
        L.check_upload(empty, empty.name, corpus)


def test_a_copy_of_a_notice_already_held_is_refused(corpus, tmp_path):
    copy = tmp_path / "copy-of-plan.txt"
    shutil.copyfile(corpus / "jinan-edu-2024-work-plan.txt", copy)
    with pytest.raises(L.LibraryError) as e:
        L.check_upload(copy, copy.name, corpus)
    assert "与文件库中的“jinan-edu-2024-work-plan.txt”内容相同,未保存" in str(e.value)


def test_add_saves_the_checked_file_and_starts_the_rebuild(corpus, notice):
    service = RecordingService(corpus)
    info = L.add(service, notice, notice.name)
    assert (corpus / notice.name).read_bytes() == notice.read_bytes()
    assert service.rebuilds == 1 and info["items"] == 2
    with pytest.raises(L.LibraryError, match="已有同名文件"):
        L.add(service, notice, notice.name)
    assert service.rebuilds == 1                # a refused upload starts nothing


# --- delete: moved aside, never destroyed -----------------------------------------------------------

def test_delete_moves_the_file_to_the_trash_and_ingest_and_the_index_ignore_it(corpus, notice):
    service = RecordingService(corpus)
    L.add(service, notice, notice.name)
    hash_before, files_before = corpus_hash(corpus), corpus_files(corpus)
    dest = L.remove(service, notice.name)
    assert dest.parent == corpus / L.TRASH and dest.name.endswith("-" + notice.name)
    assert dest.read_bytes() == notice.read_bytes()          # nothing is lost
    assert notice.name not in listing(corpus) and service.rebuilds == 2
    # What the index build and the change detector read: the trash folder is not part of the corpus.
    assert [Path(f.path).name for f in read_corpus([corpus]).files] == ["jinan-edu-2024-work-plan.txt"]
    assert notice.name not in corpus_files(corpus) and corpus_hash(corpus) != hash_before
    shutil.copyfile(corpus / "jinan-edu-2024-work-plan.txt", corpus / L.TRASH / "another.txt")
    assert corpus_files(corpus) == {k: v for k, v in files_before.items() if k != notice.name}
    assert [p.name for p in L.notice_files(corpus)] == ["jinan-edu-2024-work-plan.txt"]


def test_delete_refuses_an_unknown_file_and_the_last_notice(corpus):
    service = RecordingService(corpus)
    with pytest.raises(L.LibraryError) as e:
        L.remove(service, "nope.txt")
    assert "文件库中没有“nope.txt”:可删除的文件有 jinan-edu-2024-work-plan.txt" in str(e.value)
    with pytest.raises(L.LibraryError, match="唯一的通知.*请先上传新的通知再删除它"):
        L.remove(service, "jinan-edu-2024-work-plan.txt")
    with pytest.raises(L.LibraryError, match="文件库中没有“offices.tsv”"):   # the office table is not a notice
        L.remove(service, "offices.tsv")
    assert service.rebuilds == 0 and (corpus / "jinan-edu-2024-work-plan.txt").is_file()


# --- through the real server's API ------------------------------------------------------------------

def wait_for(predicate, what: str, timeout: float = REBUILD_WAIT):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(1)
    raise AssertionError(f"timed out waiting for {what}")


def entry(client: Client, name: str) -> dict | None:
    return next((e for e in client.predict(api_name="/library") if e["file"] == name), None)


@pytest.mark.slow
def test_upload_ask_and_delete_through_the_api(library_app, tmp_path):
    client = Client(library_app.url, verbose=False)
    assert [e["status"] for e in client.predict(api_name="/library")] == ["built"]

    bad = tmp_path / "notes.docx"
    bad.write_bytes(b"not a word file")
    with pytest.raises(Exception, match="文件“notes.docx”无法作为通知读取,未保存"):
        client.predict(handle_file(str(bad)), api_name="/library_upload")
    assert not (library_app.corpus / "notes.docx").exists()
    # A real notice may be far larger than a chat request (POLICYQA_MAX_REQUEST_BYTES): the upload
    # itself gets through, and it is ingest that refuses this one.
    long_junk = tmp_path / "long-minutes.txt"
    long_junk.write_text("会议纪要,没有编号条目。\n" * 30000, encoding="utf-8")
    assert long_junk.stat().st_size > 256 * 1024
    with pytest.raises(Exception, match="文件“long-minutes.txt”无法作为通知读取,未保存"):
        client.predict(handle_file(str(long_junk)), api_name="/library_upload")
    assert not (library_app.corpus / "long-minutes.txt").exists()

    upload = tmp_path / "weihai-2032.txt"
    upload.write_text(hand_made_notice("威海", 2032), encoding="utf-8")
    info = client.predict(handle_file(str(upload)), api_name="/library_upload")
    assert info["file"] == "weihai-2032.txt" and info["items"] == 2 and info["rows"] == 2
    assert (library_app.corpus / "weihai-2032.txt").read_bytes() == upload.read_bytes()
    built = wait_for(lambda: (e := entry(client, "weihai-2032.txt")) and e["status"] == "built" and e,
                     "the uploaded notice to be built")
    assert built["title"] == "威海市教育局2032年工作要点" and built["year"] == 2032
    assert (built["items"], built["rows"]) == (2, 2) and built["label"]

    history = client.predict("2032年工作要点第2条讲什么?", [], api_name="/ask")
    answer = history[1]["content"]
    assert f"〔{built['label']}·第2条〕" in answer and "帆船体验课程" in answer

    gone = client.predict("weihai-2032.txt", api_name="/library_delete")
    assert Path(gone["trash"]).parent == library_app.corpus / ".trash"
    assert Path(gone["trash"]).read_bytes() == upload.read_bytes()
    wait_for(lambda: entry(client, "weihai-2032.txt") is None, "the deleted notice to leave the list")
    after = client.predict("2032年工作要点第2条讲什么?", [], api_name="/ask")[1]["content"]
    assert f"〔{built['label']}·第2条〕" not in after and "帆船体验课程" not in after


# --- the list ----------------------------------------------------------------------------------------

class ListedService(RecordingService):
    """What `entries` reads of app.Service: the bot served, its index manifest and the rebuild state."""

    def __init__(self, corpus: Path, bot, files: dict[str, str], status=("ready", "")):
        super().__init__(corpus)
        self.bot, self.manifest, self.status = bot, {"corpus_files": files}, status


def test_the_list_says_what_the_live_index_holds(corpus, notice):
    from bot.core import Bot
    from index.store import corpus_records
    from ingest import OfficeTable

    bot = Bot(corpus_records(corpus), OfficeTable.for_corpus(corpus))   # records only: no index needed
    files = corpus_files(corpus)
    [held] = L.entries(ListedService(corpus, bot, files))
    doc = bot.corpus.documents[held.doc_id]
    assert (held.file, held.format, held.status, held.title, held.year) == \
        ("jinan-edu-2024-work-plan.txt", "txt", "built", doc.title, doc.year)
    assert held.items == len([r for r in bot.records if r.kind == "item"])
    assert held.rows == len(bot.schedule) and held.to_dict()["status_text"] == "已建索引"

    shutil.copyfile(notice, corpus / notice.name)           # on disk, not yet in the live index
    for state, expected in (("rebuilding", "rebuilding"), ("failed", "failed"), ("updated", "pending")):
        new = L.entries(ListedService(corpus, bot, files, (state, "原因")))[-1]
        assert (new.file, new.status, new.title) == (notice.name, expected, "")
        assert new.note == ("原因" if state == "failed" else "")
    (corpus / notice.name).unlink()

    gone = L.entries(ListedService(corpus, bot, {**files, "old-plan.pdf": "0" * 64}, ("rebuilding", "")))
    assert [(e.file, e.status) for e in gone] == [(held.file, "built"), ("old-plan.pdf", "removing")]
    assert gone[-1].cells()[-1] == "已移到回收站,索引更新中"

    shutil.copyfile(corpus / held.file, corpus / "same-plan.txt")   # read by the index, kept once
    both = L.entries(ListedService(corpus, bot, corpus_files(corpus)))
    assert [(e.file, e.status) for e in both] == [(held.file, "built"), ("same-plan.txt", "not_indexed")]

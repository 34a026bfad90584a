"""The document library (文件库) behind the app's tab and its /library* API: which notices the corpus
folder holds, what the served bot knows of each, and adding or removing one.

An upload is read with the project's own ingest (`ingest.read_corpus`, as `python -m ingest` reads a
file) BEFORE it enters the corpus folder: a file with an unsupported extension, over the size limit,
with a name already taken, that does not parse as a notice, or that repeats a notice already held is
refused with a message saying what was wrong, which value, and how to fix it, and is not saved. A
file that passes is written to a staging folder inside the corpus folder, then renamed into place in
one step, so the corpus watcher never sees half a file.

Delete never destroys a user's file: it is moved to `<corpus>/.trash/<UTC time>-<name>`. Ingest reads
only the files directly inside the corpus folder (`ingest.parse.discover`), and the index's corpus
hash and the app's change detector look at files only, so nothing under `.trash/` or `.incoming/` is
read or indexed (tests/app/test_library.py checks this against ingest and index.store).

Each change starts the index rebuild at once (`Service.rebuild`); the list shows a document as
built when the live index was made from the file as it is now.
"""
from __future__ import annotations

import os
import shutil
import tempfile
import threading
import unicodedata
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path

import gradio as gr
from gradio.data_classes import FileData

from ingest import Limits, OfficeTable, read_corpus
from ingest.corpus import assign_doc_ids, by_format
from ingest.errors import IngestError
from ingest.formats import FORMATS
from ingest.parse import discover, doc_id_for
from index.store import corpus_files

TRASH = ".trash"          # deleted notices, kept: <UTC time>-<name>
INCOMING = ".incoming"    # an upload being moved in (never read: a folder, not a file, of the corpus)
MAX_NAME_CHARS = 120
SUFFIXES: tuple[str, ...] = tuple(FORMATS)   # what ingest reads: .txt .md .html .htm .docx .pdf

# Shown in the list's 索引状态 column.
STATUS_TEXT = {
    "built": "已建索引",
    "rebuilding": "索引更新中",
    "pending": "待建索引",
    "failed": "索引更新失败",
    "not_indexed": "未收录",
    "removing": "已移到回收站,索引更新中",
}
COLUMNS = ["文件", "格式", "标题", "年份", "简称", "条目", "配档表行", "索引状态"]

_lock = threading.Lock()   # one upload or delete at a time: a name check and its save are one step


class LibraryError(ValueError):
    """An upload or delete refused; the message says what, which value, and how to fix it."""


@dataclass(frozen=True)
class Entry:
    """One row of the library: a notice file and what the live bot knows of it."""
    file: str
    format: str
    doc_id: str
    title: str = ""
    year: int | None = None
    label: str = ""         # the document's short name in citations (empty when it is the only one)
    items: int = 0
    rows: int = 0           # schedule rows
    status: str = "pending"  # a key of STATUS_TEXT
    note: str = ""

    def to_dict(self) -> dict:
        return {**asdict(self), "status_text": STATUS_TEXT[self.status]}

    def cells(self) -> list:
        return [self.file, self.format, self.title or "—", self.year or "—", self.label or "—",
                self.items, self.rows, STATUS_TEXT[self.status] + (f"({self.note})" if self.note else "")]


def notice_files(corpus: Path) -> list[Path]:
    """The notice files ingest reads from the corpus folder, in ingest's order."""
    return by_format(discover([corpus])) if corpus.is_dir() else []


def entries(service) -> list[Entry]:
    """Every notice file in the corpus folder, and every file the live index holds that has since
    been moved out, with the live bot's view of it. `service` is the app's `Service`."""
    bot, corpus = service.bot, service.corpus
    indexed = service.manifest.get("corpus_files") or {}
    now = corpus_files(corpus)
    files = notice_files(corpus)
    ids = assign_doc_ids(files)
    docs = bot.corpus.documents
    counts: dict[str, list[int]] = {}
    for r in bot.records:
        c = counts.setdefault(r.doc_id, [0, 0])
        c[0] += r.kind == "item"
        c[1] += r.kind == "schedule"
    state, reason = service.status

    def known(name: str, doc_id: str, status: str, note: str = "") -> Entry:
        doc = docs.get(doc_id)
        fmt = FORMATS.get(Path(name).suffix.lower(), "?")
        if doc is None:
            return Entry(name, fmt, doc_id, status=status, note=note)
        items, rows = counts.get(doc_id, (0, 0))
        return Entry(name, fmt, doc_id, doc.title, doc.year, doc.label, items, rows, status, note)

    out = []
    for p in files:
        fresh = p.name in indexed and indexed[p.name] == now.get(p.name)
        if fresh:
            if ids[p] in docs:
                out.append(known(p.name, ids[p], "built"))
            else:
                out.append(known(p.name, ids[p], "not_indexed",
                                 "与另一文件内容相同或无法读取,详见 python -m ingest " + p.name))
        else:
            status = {"rebuilding": "rebuilding", "failed": "failed"}.get(state, "pending")
            out.append(Entry(p.name, FORMATS.get(p.suffix.lower(), "?"), ids[p], status=status,
                             note=reason if status == "failed" else ""))
    present = {p.name for p in files}
    for name in indexed:
        if name not in present and Path(name).suffix.lower() in SUFFIXES:
            out.append(known(name, doc_id_for(Path(name)), "removing"))
    return out


# --- upload ----------------------------------------------------------------------------------------

def check_name(name: str, corpus: Path) -> str:
    """The file name an upload is saved under, or a LibraryError saying why it cannot be."""
    base = Path(str(name or "").replace("\\", "/")).name.strip()
    if not base:
        raise LibraryError("文件名为空:请给文件一个名字,例如“某市2025年工作要点.docx”。")
    if base.startswith("."):
        raise LibraryError(f"文件名“{base}”以“.”开头(隐藏文件,不会被读取):请改名后再上传。")
    if any(unicodedata.category(ch).startswith("C") for ch in base):
        raise LibraryError(f"文件名“{base!r}”含有控制字符:请改名后再上传。")
    if len(base) > MAX_NAME_CHARS:
        raise LibraryError(f"文件名太长:{len(base)} 个字符,上限 {MAX_NAME_CHARS}:请改短后再上传。")
    suffix = Path(base).suffix.lower()
    if suffix not in SUFFIXES:
        raise LibraryError(f"不支持的文件类型“{suffix or '(无扩展名)'}”(文件“{base}”):"
                           f"请上传 {' / '.join(SUFFIXES)} 格式的通知。")
    taken = {p.name.lower(): p.name for p in corpus.iterdir() if p.is_file()} if corpus.is_dir() else {}
    if base.lower() in taken:
        raise LibraryError(f"文件库中已有同名文件“{taken[base.lower()]}”:如要替换,请先删除它;"
                           "否则请将新文件改名后再上传。")
    return base


def check_upload(src: Path, name: str, corpus: Path, limits: Limits | None = None) -> tuple[str, dict]:
    """Check an uploaded file before it is saved: (the name to save it under, ingest's report of it
    as a dict: title, items, rows …). Raises LibraryError with the reason and the fix."""
    base = check_name(name, corpus)
    limits = limits or Limits.from_env()
    size = Path(src).stat().st_size
    if size > limits.max_file_bytes:
        raise LibraryError(f"文件“{base}”太大:{size:,} 字节,超过上限 {limits.max_file_bytes:,}"
                           f"(POLICYQA_MAX_FILE_BYTES):请上传较小的文件,或由管理员调高该设置后重启应用。")
    if size == 0:
        raise LibraryError(f"文件“{base}”是空的(0 字节):请检查后重新上传。")
    with tempfile.TemporaryDirectory(prefix="policyqa-upload-") as tmp:
        # Read under its own name (the name decides the format and the doc_id), beside the notices
        # already held, exactly as the index build will read the folder.
        staged = Path(tmp) / base
        shutil.copyfile(src, staged)
        try:
            report = read_corpus([*notice_files(corpus), staged], OfficeTable.for_corpus(corpus), limits)
        except IngestError as e:       # a bad limit setting or office table: not the file's fault
            raise LibraryError(f"无法检查文件“{base}”:{e}") from e
        mine = next(f for f in report.files if Path(f.path) == staged)
        if mine.status == "skipped":
            why = (mine.error or "").replace(str(staged), base)
            raise LibraryError(f"文件“{base}”无法作为通知读取,未保存:{why}")
        shadowed = [f for f in report.files if f.status == "duplicate" and f.duplicate_of == str(staged)]
        if mine.status == "duplicate" or shadowed:
            first = Path(mine.duplicate_of or shadowed[0].path).name
            raise LibraryError(f"文件“{base}”与文件库中的“{first}”内容相同,未保存:不必重复上传;"
                               f"如要换成新文件,请先删除“{first}”。")
        info = mine.to_dict()
        del info["path"]       # a temporary path; and a "path" key reads as a file to gradio_client
        info["file"] = base
        info["warnings"] = [w.replace(str(staged), base) for w in mine.warnings]
        return base, info


def add(service, src: Path, name: str, limits: Limits | None = None) -> dict:
    """Check `src` (uploaded as `name`), move it into the corpus folder and start the rebuild;
    returns ingest's report of the file. Nothing is saved when the check fails."""
    corpus = service.corpus
    with _lock:
        base, info = check_upload(Path(src), name, corpus, limits)
        staging = corpus / INCOMING
        staging.mkdir(exist_ok=True)
        part = staging / base
        shutil.copyfile(src, part)
        target = corpus / base
        if target.exists():         # checked above; a file put there by hand meanwhile is never replaced
            part.unlink()
            raise LibraryError(f"文件库中已有同名文件“{base}”:请先删除它或改名后再上传。")
        os.replace(part, target)    # one step: the watcher never sees half a file
    service.rebuild()
    return info


# --- delete ----------------------------------------------------------------------------------------

def remove(service, name: str) -> Path:
    """Move the notice `name` from the corpus folder to its trash folder and start the rebuild;
    returns where it went. The last notice cannot be removed (the index would have nothing)."""
    corpus = service.corpus
    with _lock:
        files = {p.name: p for p in notice_files(corpus)}
        if name not in files:
            listed = "、".join(files) or "(无)"
            raise LibraryError(f"文件库中没有“{name}”:可删除的文件有 {listed}。")
        if len(files) == 1:
            raise LibraryError(f"“{name}”是文件库中唯一的通知,删除后将无可回答的内容:请先上传新的通知再删除它。")
        trash = corpus / TRASH
        trash.mkdir(exist_ok=True)
        stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S.%fZ")
        dest = trash / f"{stamp}-{name}"
        os.replace(files[name], dest)
    service.rebuild()
    return dest


# --- the tab and the API -------------------------------------------------------------------------

def tab(service) -> None:
    """The 文件库 tab's contents and the /library, /library_upload, /library_delete endpoints; call it
    inside `gr.Tab(...)` of the app's Blocks. `service` is the app's `Service`."""

    def library_view() -> tuple[list[list], list[str]]:
        shelf = entries(service)
        return [e.cells() for e in shelf], [e.file for e in shelf if e.status != "removing"]

    def library() -> list[dict]:
        """The document library: one dict per notice file (file, format, doc_id, title, year, label,
        items, rows, status: built | rebuilding | pending | failed | not_indexed | removing, status_text,
        note) as the bot being served knows it."""
        return [e.to_dict() for e in entries(service)]

    def add_file(path: str, name: str) -> dict:
        try:
            return add(service, Path(path), name)
        except LibraryError as e:
            raise gr.Error(str(e), print_exception=False) from None

    def library_upload(file: FileData) -> dict:
        """Add a notice (.txt .md .html .htm .docx .pdf) to the library: it is read as `python -m ingest`
        reads it before it is saved; a file that is refused is not saved and the error says why.
        Returns ingest's report of the file (title, items, rows …); the index rebuild starts at once
        (`/library` says when the document is built)."""
        data = file if isinstance(file, dict) else file.model_dump() if hasattr(file, "model_dump") else {}
        path = data.get("path") or ""
        if not path or not gr.utils.is_in_or_equal(Path(path).resolve(), Path(gr.utils.get_upload_folder()).resolve()):
            raise gr.Error("file must be uploaded with the request (gradio_client.handle_file(path)), "
                           f"got {str(path)[:80]!r}")
        return add_file(path, data.get("orig_name") or Path(path).name)

    def library_delete(name: str) -> dict:
        """Move the notice `name` (a file name from /library) to the trash folder (<corpus>/.trash/)
        and start the index rebuild. Returns {"file", "trash"}."""
        try:
            dest = remove(service, name if isinstance(name, str) else "")
        except LibraryError as e:
            raise gr.Error(str(e), print_exception=False) from None
        return {"file": name, "trash": str(dest)}

    def on_library_upload(path: str | None):
        if not path:
            return gr.skip(), gr.skip(), gr.skip(), gr.skip(), gr.skip()
        name = Path(path).name   # Gradio keeps the uploaded file's own name
        try:
            info = add(service, Path(path), name)
            note = "".join(f"\n- ⚠️ {w}" for w in info.get("warnings", []))
            message = (f"✅ 已加入“{info['file']}”:{info.get('title') or '(无标题)'},"
                       f"{info['items']} 条、配档表 {info['rows']} 项;索引正在重建,完成后即可提问。{note}")
        except LibraryError as e:
            message = f"❌ {e}"
        frame, names = library_view()
        return message, frame, gr.update(choices=names, value=None), {"frame": frame, "names": names}, None

    def refresh_library(shown: dict):
        """Every 2 s: the list and the delete choices, sent only when they changed."""
        frame, names = library_view()
        if shown and shown.get("frame") == frame:
            return gr.skip(), gr.skip(), gr.skip()
        names_changed = not shown or shown.get("names") != names
        return frame, (gr.update(choices=names) if names_changed else gr.skip()), {"frame": frame, "names": names}

    def ask_delete(name: str | None):
        if not name:
            return "请先选择要删除的文件。", gr.update(visible=False), ""
        return "", gr.update(visible=True), f"确定将“{name}”移到回收站并重建索引吗?"

    def do_delete(name: str | None):
        try:
            dest = remove(service, name or "")
            message = f"🗑️ 已将“{name}”移到回收站:{dest.name};索引正在重建。"
        except LibraryError as e:
            message = f"❌ {e}"
        frame, names = library_view()
        return (message, gr.update(visible=False), frame, gr.update(choices=names, value=None),
                {"frame": frame, "names": names})

    gr.Markdown("文件库中的通知(索引状态“已建索引”即可提问)。上传的文件先按通知解析检查,"
                "通过后才存入并重建索引;删除的文件移到回收站(文件库目录下的 .trash/),不会丢失。")
    shelf, shelf_names = library_view()
    library_table = gr.Dataframe(shelf, headers=COLUMNS, interactive=False, wrap=True,
                                 elem_id="library-table")
    upload_box = gr.File(label=f"上传通知({' '.join(SUFFIXES)})",
                             file_types=list(SUFFIXES), type="filepath",
                             elem_id="library-upload")
    library_message = gr.Markdown(elem_id="library-message")
    with gr.Row():
        doomed = gr.Dropdown(shelf_names, value=None, label="要删除的文件",
                             elem_id="library-delete-choice", scale=4)
        delete = gr.Button("删除…", variant="secondary", scale=1, elem_id="library-delete")
    with gr.Row(visible=False, elem_id="library-confirm") as confirm_row:
        confirm_text = gr.Markdown(elem_id="library-confirm-text")
        confirm = gr.Button("确认移到回收站", variant="stop", elem_id="library-confirm-yes")
        cancel = gr.Button("取消", elem_id="library-confirm-no")
    shown_library = gr.State({"frame": shelf, "names": shelf_names})

    upload_box.upload(on_library_upload, upload_box,
                      [library_message, library_table, doomed, shown_library, upload_box],
                      api_visibility="private", concurrency_id="library", concurrency_limit=1)
    delete.click(ask_delete, doomed, [library_message, confirm_row, confirm_text], queue=False,
                 api_visibility="private")
    cancel.click(lambda: gr.update(visible=False), None, confirm_row, queue=False, api_visibility="private")
    confirm.click(do_delete, doomed, [library_message, confirm_row, library_table, doomed, shown_library],
                  api_visibility="private", concurrency_id="library", concurrency_limit=1)
    gr.Timer(2).tick(refresh_library, shown_library, [library_table, doomed, shown_library], queue=False,
                     api_visibility="private")
    gr.api(library, api_name="library", queue=False)
    gr.api(library_upload, api_name="library_upload", concurrency_id="library", concurrency_limit=1)
    gr.api(library_delete, api_name="library_delete", concurrency_id="library", concurrency_limit=1)

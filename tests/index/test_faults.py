"""Fault injection on the index side (issue 13): each case a hostile or careless user hit, and what
happens now. Real notice, real model, real FAISS; the index under test is a copy in a temp folder.

1. a UTF-16-only corpus reads; zero readable documents is a clear error and the last good index
   still answers; 2. a file over the size limit is skipped with a message, the rest indexed;
3. manifests of the wrong shape are treated as missing and rebuilt; an unreadable file names its
   path and the fix; 5. duplicate notices are read once, a `.md` beside a `.txt` gets its own doc_id.
"""
from __future__ import annotations

import builtins
import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bot.core import Bot
from index.store import (CorpusChanges, Index, IndexMismatch, IndexUnreadable, corpus_records, ensure_index,
                         last_good, rebuild)
from ingest import NoDocumentsError
from tests.conftest import NOTICE, ROOT

pytestmark = pytest.mark.slow

BAD_MANIFESTS = {
    "a list": "[]",
    "null": "null",
    "files as a list": None,        # the real manifest with "files": []
    "a missing key": None,          # the real manifest without "corpus_hash"
    "a wrong type": None,           # the real manifest with "record_count": "117"
    "not JSON": "{\"schema_version\": 4,",
}


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture()
def corpus(tmp_path) -> Path:
    """A copy of the real corpus folder (notice + office table)."""
    folder = tmp_path / "corpus"
    shutil.copytree(ROOT / "corpus", folder)
    return folder


@pytest.fixture()
def index_copy(built_index, tmp_path) -> Path:
    """A copy of the real index, built from the real corpus."""
    path = tmp_path / "idx"
    shutil.copytree(built_index.path, path)
    return path


def _bad_manifest(index: Path, shape: str) -> str:
    real = json.loads((index / "manifest.json").read_text(encoding="utf-8"))
    if BAD_MANIFESTS[shape] is not None:
        return BAD_MANIFESTS[shape]
    if shape == "files as a list":
        real["files"] = []
    elif shape == "a missing key":
        del real["corpus_hash"]
    elif shape == "a wrong type":
        real["record_count"] = str(real["record_count"])
    return json.dumps(real)


@pytest.mark.parametrize("shape", list(BAD_MANIFESTS))
def test_malformed_manifest_is_treated_as_missing(index_copy, corpus, shape, capsys):
    (index_copy / "manifest.json").write_text(_bad_manifest(index_copy, shape), encoding="utf-8")
    with pytest.raises(IndexMismatch, match="treated as missing") as err:
        Index.inspect(index_copy, corpus)
    assert "python -m index build" in str(err.value)
    # No usable index: the message is printed and the caller builds one.
    assert last_good(index_copy, corpus) is None
    assert "treated as missing" in capsys.readouterr().err


def test_malformed_manifest_is_rebuilt(index_copy, corpus, capsys):
    (index_copy / "manifest.json").write_text("[]", encoding="utf-8")
    rebuilt = ensure_index(index_copy, corpus, progress=False)
    assert "building the index now" in capsys.readouterr().err
    assert Index.check(index_copy, corpus)["record_count"] == len(rebuilt.records)
    assert any(h.record.item == 18 for h in rebuilt.search("持续增加教育资源供给", k=3, mode="bm25"))


@pytest.mark.parametrize("name", ["manifest.json", "dense.faiss", "bm25/data.csc.index.npy", "records.offsets.npy"])
def test_unreadable_index_file_names_path_and_fix(index_copy, corpus, monkeypatch, name):
    real_open = builtins.open
    target = index_copy / name

    def denying_open(file, *args, **kwargs):
        if Path(str(file)) == target:
            raise PermissionError(13, "Permission denied", str(file))
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", denying_open)
    with pytest.raises(IndexUnreadable) as err:
        Index.load(index_copy, corpus)
    message = str(err.value)
    assert str(target) in message and "Permission denied" in message
    assert f"chmod u+r {target}" in message and "python -m index build" in message


def test_utf16_only_corpus_reads(tmp_path, built_index):
    folder = tmp_path / "utf16"
    folder.mkdir()
    shutil.copy(ROOT / "corpus" / "offices.tsv", folder)
    (folder / NOTICE.name).write_bytes(NOTICE.read_text(encoding="utf-8").encode("utf-16"))
    records = corpus_records(folder)
    assert [r.to_dict() for r in records] == [r.to_dict() for r in corpus_records(ROOT / "corpus")]


def test_file_over_size_limit_is_skipped_and_the_rest_indexed(corpus, monkeypatch, capsys):
    big = corpus / "huge.txt"
    big.write_text("1. 某项工作。\n" * 30000, encoding="utf-8")    # ≈ 450 KB of items
    monkeypatch.setenv("POLICYQA_MAX_FILE_BYTES", "200000")
    records = corpus_records(corpus)
    err = capsys.readouterr().err
    assert "huge.txt" in err and "POLICYQA_MAX_FILE_BYTES" in err and "200,000" in err
    assert {r.doc_id for r in records} == {r.doc_id for r in corpus_records(ROOT / "corpus")}


def test_zero_readable_documents_keeps_and_serves_the_last_good_index(index_copy, corpus, capsys):
    before = {p.name: _sha(p) for p in index_copy.rglob("*") if p.is_file()}
    notice_copy = corpus / NOTICE.name
    notice_copy.write_bytes(b"%PDF-1.4 not really\x00\x01")      # the only notice is now junk
    with pytest.raises(NoDocumentsError, match="no readable document") as err:
        rebuild(index_copy, corpus)
    assert NOTICE.name in str(err.value)
    assert {p.name: _sha(p) for p in index_copy.rglob("*") if p.is_file()} == before   # the old index untouched

    # The bot still answers from it, with a one-line warning saying why it is stale.
    bot = Bot.load(corpus, index_copy)
    warning = capsys.readouterr().err.strip().splitlines()
    assert len(warning) == 1 and warning[0].startswith("warning: answering from the last good index")
    assert f"changed {NOTICE.name}" in warning[0] and "--rebuild" in warning[0]
    assert bot.index_state.changes == CorpusChanges(changed=(NOTICE.name,))
    answer = bot.ask("普惠性幼儿园覆盖率目标是多少?")
    assert answer.found and "95%" in answer.answer


def test_index_build_cli_without_readable_documents_is_one_message(index_copy, corpus):
    (corpus / NOTICE.name).write_text("no items here, just words", encoding="utf-8")
    before = _sha(index_copy / "manifest.json")
    env = {**os.environ, "POLICYQA_INDEX": str(index_copy)}
    proc = subprocess.run([sys.executable, "-m", "index", "build", "--corpus", str(corpus), "--json"], cwd=ROOT,
                          env=env, capture_output=True, text=True)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert "error: no readable document" in proc.stderr and "previous index (if any) is kept" in proc.stderr
    result = json.loads(proc.stdout.splitlines()[-1])
    assert result["ok"] is False and NOTICE.name in result["error"]
    assert _sha(index_copy / "manifest.json") == before


def test_bot_cli_answers_from_a_stale_index_with_one_warning(index_copy):
    # The corpus "changed since the build": the manifest remembers another corpus.
    manifest = json.loads((index_copy / "manifest.json").read_text(encoding="utf-8"))
    manifest["corpus_hash"] = "0" * 64
    manifest["corpus_files"] = {**manifest["corpus_files"], "old-notice.txt": "0" * 64}
    (index_copy / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    env = {**os.environ, "POLICYQA_INDEX": str(index_copy)}
    proc = subprocess.run([sys.executable, "-m", "bot", "ask", "--json", "第18条讲什么?"], cwd=ROOT, env=env,
                          capture_output=True, text=True, check=True)
    warnings = [line for line in proc.stderr.splitlines() if line.startswith("warning:")]
    assert len(warnings) == 1 and "removed old-notice.txt" in warnings[0]
    assert "〔第18条〕" in json.loads(proc.stdout.splitlines()[0])["answer"]


def test_duplicate_notices_are_read_once(corpus, capsys):
    (corpus / "copy-gbk.txt").write_bytes(NOTICE.read_text(encoding="utf-8").encode("gb18030"))
    records = corpus_records(corpus)
    assert len({r.doc_id for r in records}) == 1
    assert len(records) == len(corpus_records(ROOT / "corpus"))
    err = capsys.readouterr().err
    assert "copy-gbk.txt" in err and NOTICE.name in err


def test_md_beside_txt_gets_its_own_doc_id(corpus):
    text = NOTICE.read_text(encoding="utf-8").replace("95%", "96%")    # another notice, same name
    (corpus / NOTICE.with_suffix(".md").name).write_text(text, encoding="utf-8")
    ids = {r.doc_id for r in corpus_records(corpus)}
    assert ids == {NOTICE.stem, NOTICE.stem + "-md"}

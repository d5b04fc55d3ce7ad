"""History survives damage (issue 21): one snapshot that cannot be read is skipped with a warning naming the
file and what is wrong; the build compares with the latest one that reads and says which date is missing.

The project is test_history.py's, by hand: snapshots on 2022-05-03 and 2022-05-10 of the same state (A's
粉刷 todo, B's 保洁 doing, I1 and I2 open), then the build of 2022-05-20 (粉刷 done, 保洁 overdue, I1
resolved, I3 new in C). Compared with either snapshot the change is the same, counted by hand there: items
completed 1, newly overdue 1, issues new 1, resolved 1, gaps opened 1, closed 0. So when 2022-05-10 is
damaged, the change is that one since 2022-05-03.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from docx import Document
from test_history import COMMUNITIES, _issues, _status

from conftest import LEADERS, ROOT, make_project, write_csv, write_geojson
from geo.cli import main
from geo.config import load_config
from geo.history import earlier_snapshots, read_snapshot, snapshots
from geo.pipeline import bulletin, snapshot

DAMAGED = "history/2022-05-10"
CHANGE = {
    "items_completed": 1,
    "items_confirmed": 1,
    "items_newly_overdue": 1,
    "issues_new": 1,
    "issues_resolved": 1,
    "issues_confirmed": 1,
    "gaps_opened": 1,
    "gaps_closed": 0,
}


@pytest.fixture(scope="module")
def kept(tmp_path_factory) -> Path:
    """The project with its two snapshots, and its data as on 2022-05-20. Copy it, do not change it."""
    folder = make_project(
        tmp_path_factory.mktemp("history") / "p",
        communities=COMMUNITIES,
        roads=[],
        leaders=LEADERS,
        assignments=[
            {"leader": "S1", "kind": "community", "target": "A"},
            {"leader": "D1", "kind": "community", "target": "B"},
        ],
        issues=_issues([("I1", "open", 100), ("I2", "open", 700)]),
        status=_status("todo"),
    )
    for day in (date(2022, 5, 3), date(2022, 5, 10)):
        snapshot(folder, load_config(folder).with_today(day))
    write_csv(folder / "status.csv", _status("done"))
    write_geojson(
        folder / "issues.geojson", _issues([("I1", "resolved", 100), ("I2", "open", 700), ("I3", "open", 1200)])
    )
    return folder


@pytest.fixture
def project(kept, tmp_path) -> Path:
    shutil.copytree(kept, tmp_path / "p")
    return tmp_path / "p"


def _write(name: str, data: bytes | str):
    def damage(folder: Path) -> None:
        path = folder / DAMAGED / name
        path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))

    return damage


def _edit_json(name: str, change):
    def damage(folder: Path) -> None:
        path = folder / DAMAGED / name
        data = json.loads(path.read_text(encoding="utf-8"))
        change(data)
        path.write_text(json.dumps(data), encoding="utf-8")

    return damage


def _edit_csv(name: str, change):
    def damage(folder: Path) -> None:
        path = folder / DAMAGED / name
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
        change(frame).to_csv(path, index=False, encoding="utf-8-sig")

    return damage


def _remove(name: str):
    def damage(folder: Path) -> None:
        (folder / DAMAGED / name).unlink()

    return damage


def _a_file_not_a_folder(folder: Path) -> None:
    shutil.rmtree(folder / DAMAGED)
    (folder / DAMAGED).write_text("a file where the snapshot's folder was")


# (what is done to the snapshot of 2022-05-10, the file the warning names, what it says is wrong)
DAMAGE = {
    "gaps garbage": (_write("gaps.csv", b"\x00\xff\xfe\x81 garbage \xc3"), "gaps.csv", "不是 UTF-8 文本"),
    "gaps empty": (_write("gaps.csv", b""), "gaps.csv", "文件是空的"),
    "gaps not a table": (_write("gaps.csv", 'kind,target\n"never closed\n'), "gaps.csv", "不是可读的 CSV"),
    "summary not json": (_write("summary.json", '{"as_of": "2022-05-10", '), "summary.json", "不是可读的 JSON"),
    "summary a list": (_write("summary.json", "[1, 2]"), "summary.json", "内容不是 JSON 对象"),
    "summary without figures": (
        _edit_json("summary.json", lambda d: d.pop("status")),
        "summary.json",
        "缺少数字 status.total、status.by_state",
    ),
    "issue ids twice": (
        _edit_csv("issues.csv", lambda f: pd.concat([f, f.iloc[:1]])),
        "issues.csv，“id”列",
        "问题编号重复：“I1”",
    ),
    "a column missing": (_edit_csv("status.csv", lambda f: f.drop(columns="state")), "status.csv", "缺少列 “state”"),
    "status missing": (_remove("status.csv"), "status.csv", "文件缺失"),
    "snapshot.json missing": (_remove("snapshot.json"), "snapshot.json", "文件缺失"),
    "a later format": (
        _edit_json("snapshot.json", lambda d: d.update(format=99)),
        "snapshot.json",
        "由更新版本的 geo 写成（格式 99；本版本能读到格式 2）",
    ),
    "another date": (
        _edit_json("snapshot.json", lambda d: d.update(as_of="2021-01-01")),
        "snapshot.json",
        "记录的日期“2021-01-01”与文件夹名不符",
    ),
    "not a folder": (_a_file_not_a_folder, "", "不是文件夹"),
}


@pytest.mark.parametrize("kind", DAMAGE)
def test_a_damaged_snapshot_is_skipped_with_a_warning_and_the_build_compares_with_the_one_before(
    project, tmp_path, capsys, kind
):
    damage, name, words = DAMAGE[kind]
    damage(project)
    out = tmp_path / "maps"
    assert main(["build", str(project), "--out", str(out), "--today", "2022-05-20"]) == 0
    err = capsys.readouterr().err
    where = f"{DAMAGED}/{name}" if name else DAMAGED
    assert f"{where}：2022-05-10 的快照无法读取，已跳过，不计入变化与图表：{words}" in err, err
    summary = json.loads((out / "reports" / "summary.json").read_text(encoding="utf-8"))
    assert summary["changes"] == {"since": "2022-05-03", "as_of": "2022-05-20", **CHANGE, "unreadable": ["2022-05-10"]}
    ledger = pd.read_csv(out / "reports" / "ledger.csv", dtype=str, keep_default_na=False, encoding="utf-8-sig")
    assert where.split("，")[0] in set(ledger["file"])
    assert "内部错误" not in err and "--out" not in err


def test_an_intact_history_is_compared_with_its_latest_snapshot(project, tmp_path):
    out = tmp_path / "maps"
    assert main(["build", str(project), "--out", str(out), "--today", "2022-05-20", "-q"]) == 0
    summary = json.loads((out / "reports" / "summary.json").read_text(encoding="utf-8"))
    assert summary["changes"] == {"since": "2022-05-10", "as_of": "2022-05-20", **CHANGE}


def test_with_every_snapshot_damaged_the_build_goes_on_without_a_change(project, tmp_path, capsys):
    for day in ("2022-05-03", "2022-05-10"):
        (project / "history" / day / "gaps.csv").write_bytes(b"")
    out = tmp_path / "maps"
    assert main(["check", str(project), "--out", str(out), "--today", "2022-05-20"]) == 1  # gaps, not a failure
    err = capsys.readouterr().err
    assert "history/2022-05-03/gaps.csv" in err and "history/2022-05-10/gaps.csv" in err
    assert "changes" not in json.loads((out / "reports" / "summary.json").read_text(encoding="utf-8"))


def test_the_bulletin_says_which_date_is_missing_and_charts_the_others(project, tmp_path):
    DAMAGE["summary not json"][0](project)
    written = bulletin(project, tmp_path / "maps", load_config(project).with_today(date(2022, 5, 20)))
    docx, html = written.files
    text = "\n".join(p.text for p in Document(str(docx)).paragraphs)
    assert "2022-05-10 的快照无法读取，未计入比较与图表。" in text
    assert "2022-05-10 的快照无法读取" in html.read_text(encoding="utf-8")
    assert [p.file for p in written.problems if p.file.startswith("history")] == [f"{DAMAGED}/summary.json"]


def test_since_a_date_without_a_snapshot_says_so(project, tmp_path, capsys):
    out = tmp_path / "maps"
    assert main(["bulletin", str(project), "--out", str(out), "--today", "2022-05-20", "--since", "2022-05-04"]) == 2
    err = capsys.readouterr().err
    assert "--since 2022-05-04：没有这一天的快照（已有：2022-05-03、2022-05-10）" in err and "--out 应是" not in err
    DAMAGE["status missing"][0](project)
    assert main(["bulletin", str(project), "--out", str(out), "--today", "2022-05-20", "--since", "2022-05-10"]) == 2
    assert "--since 2022-05-10：history/2022-05-10/status.csv：" in capsys.readouterr().err


def test_only_folders_named_by_a_real_date_are_snapshots(project):
    shutil.copytree(project / "history" / "2022-05-03", project / "history" / "20220504")
    (project / "history" / "2022-02-30").mkdir()
    (project / "history" / "notes").mkdir()
    assert snapshots(project) == [date(2022, 5, 3), date(2022, 5, 10)]


def test_the_demos_history_of_the_first_format_still_reads(tmp_path):
    """The demo's snapshots as the first geo wrote them (no format number): read as they are now,
    but for a gap's leaders, which that format wrote as characters of the ids: unknown."""
    shutil.copytree(ROOT / "layers", tmp_path / "p")
    for path in (tmp_path / "p" / "history").glob("*/snapshot.json"):
        meta = json.loads(path.read_text(encoding="utf-8"))
        del meta["format"]
        path.write_text(json.dumps(meta), encoding="utf-8")
    for day in (date(2022, 4, 30), date(2022, 5, 7)):
        old, now = read_snapshot(tmp_path / "p", day), read_snapshot(ROOT / "layers", day)
        assert old.summary == now.summary and old.as_of == day
        for frame in ("status", "issues"):
            pd.testing.assert_frame_equal(getattr(old, frame), getattr(now, frame))
        pd.testing.assert_frame_equal(old.gaps.drop(columns="leaders"), now.gaps.drop(columns="leaders"))
        assert set(old.gaps["leaders"]) == {""} and set(now.gaps["leaders"]) != {""}
    assert len(read_snapshot(ROOT / "layers", date(2022, 5, 7)).issues) == 51


# ----------------------------------------------------------------------------- written whole
def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_a_snapshot_that_fails_half_way_leaves_the_history_as_it_was(project, monkeypatch):
    import geo.history

    before = _files(project / "history")
    calls = []

    def failing(frame, path):
        calls.append(path.name)
        if len(calls) == 3:  # status.csv and issues.csv written, gaps.csv not
            raise OSError(28, "No space left on device", str(path))
        return write_csv_real(frame, path)

    write_csv_real = geo.history.write_csv
    monkeypatch.setattr(geo.history, "write_csv", failing)
    with pytest.raises(OSError):
        snapshot(project, load_config(project).with_today(date(2022, 5, 10)))
    assert _files(project / "history") == before
    assert sorted(p.name for p in (project / "history").iterdir()) == ["2022-05-03", "2022-05-10"]


def test_a_snapshot_killed_before_its_swap_leaves_the_history_and_the_next_one_cleans_up(project):
    before = _files(project / "history")
    code = (
        "import os, signal, sys\n"
        "import geo.output\n"
        "geo.output.replace_folder = lambda *a: os.kill(os.getpid(), signal.SIGKILL)\n"
        "from geo.cli import main\n"
        "sys.exit(main(sys.argv[1:]))\n"
    )
    process = subprocess.run(
        [sys.executable, "-c", code, "snapshot", str(project), "--today", "2022-05-10", "-q"],
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        timeout=300,
    )
    assert process.returncode == -9, process.stderr.decode()
    assert {k: v for k, v in _files(project / "history").items() if not k.startswith(".")} == before
    left = sorted(p.name for p in (project / "history").iterdir())
    assert any(name.startswith(".2022-05-10.staging-") for name in left), left  # written whole, not swapped in
    assert main(["snapshot", str(project), "--today", "2022-05-10", "-q"]) == 0
    assert sorted(p.name for p in (project / "history").iterdir()) == ["2022-05-03", "2022-05-10"]


def test_a_snapshot_set_aside_by_a_killed_swap_is_put_back_before_it_is_read(project, tmp_path):
    """Killed between the two renames of the swap where the atomic exchange is missing: the day's folder
    is set aside as .<date>.old-*; the next reader puts it back (under the history's lock)."""
    (project / ".history.lock").touch()  # a snapshot of this geo made it
    (project / "history" / "2022-05-10").rename(project / "history" / ".2022-05-10.old-0badc0de")
    kept, problems = earlier_snapshots(project, date(2022, 5, 20), every=False)
    assert [s.as_of for s in kept] == [date(2022, 5, 10)] and problems == []
    assert sorted(p.name for p in (project / "history").iterdir()) == ["2022-05-03", "2022-05-10"]


def test_a_build_waits_for_a_snapshot_being_written_and_says_so_when_it_cannot(project, tmp_path, monkeypatch, capsys):
    """A build reads the history under its lock: while a snapshot writes it, the build waits (LOCK_WAIT);
    a snapshot that holds it longer makes the build stop with exit 4, naming the history, not a path error."""
    from filelock import FileLock

    import geo.history

    out = tmp_path / "maps"
    monkeypatch.setattr(geo.history, "LOCK_WAIT", 0.2)
    with FileLock(project / ".history.lock"):  # a snapshot of this project, writing
        assert main(["build", str(project), "--out", str(out), "--today", "2022-05-20", "-q"]) == 4
    err = capsys.readouterr().err
    assert f"另一个 geo 正在写入 {os.path.realpath(project / 'history')}" in err
    assert not out.exists()
    assert main(["build", str(project), "--out", str(out), "--today", "2022-05-20", "-q"]) == 0

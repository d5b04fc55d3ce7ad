"""Nothing a person or another command made is lost (issue 21): one output folder, several commands, one lock.

The folder is worked as an office works it between two meetings, on the road project of conftest.py
(four leaders; the pages and packs of one leader, D1, to keep it quick): build, bulletin, a hand edit
of the bulletin, print, share, a file of the person's own, a table fixed, build again — and in other
orders. Kills are real SIGKILLs at a chosen line (a subprocess whose `geo.output` function kills it),
so they land where meant on a slow machine too.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import shutil
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest
from docx import Document
from filelock import FileLock

from conftest import ROOT, make_road_project
from geo.cli import EXIT_BUSY, EXIT_INVALID, main
from geo.output import MANIFEST

TODAY = "2022-05-14"
DOCX = f"reports/通报_{TODAY}.docx"
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}

COMMANDS = {  # every command that writes into the output folder, as the office runs it
    "build": ["build"],
    "check": ["check"],
    "bulletin": ["bulletin"],
    "print": ["print", "--leader", "D1"],
    "share": ["share", "--leader", "D1"],
}
EXIT = {"check": 1}  # the road project has a gap: geo check says so


def _run(command: str, project: Path, out: Path, *more: str) -> int:
    return main([*COMMANDS[command], str(project), "--out", str(out), "--today", TODAY, "-q", *more])


def _files(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def _docx_text(path: Path) -> str:
    return "\n".join(p.text for p in Document(str(path)).paragraphs)


def _edit_bulletin(path: Path, words: str = "办公室加的批注：请各街道于周五前反馈。") -> None:
    document = Document(str(path))
    document.add_paragraph(words)
    document.save(str(path))


def _beside(out: Path) -> list[str]:
    """What is in the output folder's parent, but the project."""
    return sorted(p.name for p in out.parent.iterdir() if p.name != "road")


@pytest.fixture(scope="module")
def office(tmp_path_factory) -> Path:
    """A folder as the office left it: built, the bulletin written and edited by hand, D1's page and
    pack, and a note of the person's own in reports/ and a folder of theirs. Copy it, do not change it."""
    root = tmp_path_factory.mktemp("office")
    project, out = make_road_project(root / "road"), root / "maps"
    for command in ("build", "bulletin", "print", "share"):
        assert _run(command, project, out) == EXIT.get(command, 0), command
    _edit_bulletin(out / DOCX)
    (out / "reports" / "my_notes.txt").write_text("周一开会要讲的三件事", encoding="utf-8")
    (out / "照片").mkdir()
    (out / "照片" / "现场.jpg").write_bytes(b"\xff\xd8\xff a photo")
    return root


@pytest.fixture
def day(office, tmp_path) -> tuple[Path, Path]:
    """The office's project and output folder, copied for one test."""
    shutil.copytree(office, tmp_path / "o")
    return tmp_path / "o" / "road", tmp_path / "o" / "maps"


def _made_by_others(files: dict[str, bytes]) -> dict[str, bytes]:
    """What the build does not write: the bulletin, the pages, the packs and the person's files."""
    mine = ("reports/bulletin.html", "reports/my_notes.txt", "照片/", "print/", "share/", DOCX)
    return {name: data for name, data in files.items() if name.startswith(mine)}


# ----------------------------------------------------------------------------- one folder, several commands
def test_a_rebuild_after_a_fixed_table_keeps_the_bulletin_pages_packs_and_the_persons_files(day, capsys):
    project, out = day
    before = _files(out)
    kept = _made_by_others(before)
    assert len(kept) == 7  # docx, html, D1's pdf and png, D1's zip, the note, the photo
    leaders = (project / "leaders.csv").read_text(encoding="utf-8")
    (project / "leaders.csv").write_text(leaders.replace("区长", "区委书记"), encoding="utf-8")  # a table fixed
    for command in ("build", "check", "build"):
        assert _run(command, project, out) == EXIT.get(command, 0)
        after = _files(out)
        assert _made_by_others(after) == kept, command  # byte for byte: the hand edit is there
        assert "办公室加的批注" in _docx_text(out / DOCX)
    assert after["leaders/D1.html"] != before["leaders/D1.html"]  # and the build is the new one
    assert "区委书记".encode() in after["leaders/D1.html"]
    assert _beside(out) == [".maps.lock", "maps"]
    assert capsys.readouterr().err == ""  # nothing to say: nothing was in the way


def test_an_edited_bulletin_is_kept_and_the_new_one_takes_the_next_name(day, capsys):
    project, out = day
    edited = (out / DOCX).read_bytes()
    assert main(["bulletin", str(project), "--out", str(out), "--today", TODAY]) == 0
    said = capsys.readouterr()
    assert (out / DOCX).read_bytes() == edited  # the person's edits, untouched
    second = out / f"reports/通报_{TODAY}_2.docx"
    assert "办公室加的批注" not in _docx_text(second) and "关于创卫工作进展情况的通报" in _docx_text(second)
    assert f"通报_{TODAY}.docx 在 geo 写出后被人修改过" in said.err and f"通报_{TODAY}_2.docx" in said.err
    assert str(second) in said.out  # "已写入通报：…_2.docx"
    # the next bulletin of the day replaces geo's own _2 (not edited), and adds no _3
    assert _run("bulletin", project, out) == 0
    assert sorted(p.name for p in (out / "reports").glob("通报_*")) == [f"通报_{TODAY}.docx", f"通报_{TODAY}_2.docx"]
    # once the person edits _2 too, the next one is _3
    _edit_bulletin(second, "第二次批注")
    assert _run("bulletin", project, out) == 0
    assert "第二次批注" in _docx_text(second) and (out / f"reports/通报_{TODAY}_3.docx").is_file()


def test_an_unedited_bulletin_is_replaced_in_place(tmp_path):
    project, out = make_road_project(tmp_path / "road"), tmp_path / "maps"
    assert _run("bulletin", project, out) == 0
    (project / "geo.toml").write_text('[map]\ntitle = "第二版"\n', encoding="utf-8")
    assert _run("bulletin", project, out) == 0
    assert sorted(p.name for p in (out / "reports").iterdir()) == ["bulletin.html", f"通报_{TODAY}.docx"]


@pytest.mark.parametrize(
    "order",
    [
        ("build", "bulletin", "print", "share"),
        ("share", "print", "bulletin", "build"),
        ("bulletin", "check", "share", "build", "print"),
    ],
    ids=lambda order: "-".join(order),
)
def test_the_order_of_commands_does_not_change_the_outcome(tmp_path, order):
    """Whatever ran first, the folder ends with every command's files; a folder holding only a
    bulletin takes a build (it was refused before), and a build's files are the same bytes."""
    project = make_road_project(tmp_path / "road")
    (project / "reference").mkdir()
    expected = tmp_path / "expected"  # each command into a folder of its own
    for command in order:
        assert _run(command, project, tmp_path / "maps") == EXIT.get(command, 0), command
        if command != "check":
            assert _run(command, project, expected / command) == EXIT.get(command, 0), command
    together = _files(tmp_path / "maps")
    apart = {}
    for command in set(order) - {"check"}:
        apart.update(_files(expected / command))
    assert together.keys() == apart.keys()
    for name in together:
        if name not in (MANIFEST, "reports/run.json") and not name.endswith((".docx", ".zip")):
            assert together[name] == apart[name], name  # the .docx and the zips' XLSX carry the clock
    manifest = json.loads(together[MANIFEST])["files"]
    assert {entry["by"] for entry in manifest.values()} == {"build", "bulletin", "print", "share"}
    assert set(manifest) == set(together) - {MANIFEST}


def test_pages_and_packs_for_every_leader_replace_only_their_own_and_leave_the_persons(day):
    project, out = day
    (out / "print" / "leaders" / "封面.pdf").write_bytes(b"%PDF a cover the person made")
    _as_if_geo_wrote(out, "share/GONE.zip", b"PK a pack of a leader no longer in the data", "share")
    assert main(["print", str(project), "--out", str(out), "--today", TODAY, "-q"]) == 0
    assert main(["share", str(project), "--out", str(out), "--today", TODAY, "-q"]) == 0
    assert sorted(p.name for p in (out / "print" / "leaders").iterdir()) == [
        *(f"{leader}.{kind}" for leader in ("C1", "D1", "D2", "S1") for kind in ("pdf", "png")),
        "封面.pdf",
    ]
    assert sorted(p.name for p in (out / "share").iterdir()) == ["C1.zip", "D1.zip", "D2.zip", "S1.zip"]
    assert (out / "reports" / "my_notes.txt").is_file() and (out / DOCX).is_file()


def _as_if_geo_wrote(out: Path, rel: str, data: bytes, by: str = "build") -> None:
    """Write `rel` into `out` and record it in the manifest, as geo's `by` command would have."""
    path = out / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    manifest = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    manifest["files"][rel] = {"by": by, "size": len(data), "sha256": hashlib.sha256(data).hexdigest()}
    (out / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")


def test_a_build_never_overwrites_a_report_a_person_edited_and_says_which(day, capsys):
    project, out = day
    gaps = out / "reports" / "gaps.csv"
    gaps.write_text(gaps.read_text(encoding="utf-8-sig") + "我的备注\n", encoding="utf-8-sig")  # saved from Excel
    before = _files(out)
    for command in ("build", "check"):
        assert _run(command, project, out) == EXIT_INVALID
        err = capsys.readouterr().err
        assert "reports/gaps.csv 在 geo 写出后被人修改过" in err and "改名或移出" in err, err
        assert _files(out) == before  # not one file changed
        assert _beside(out) == [".maps.lock", "maps"]
    gaps.rename(out / "reports" / "gaps_mine.csv")  # the fix the message gives
    assert _run("build", project, out) == 0
    assert (out / "reports" / "gaps_mine.csv").read_bytes() == before["reports/gaps.csv"]


def test_an_edit_that_keeps_the_size_is_seen_and_a_copy_without_times_is_not_an_edit(day, tmp_path):
    """geo tells its files by size and time, and by hash when the time differs: a folder copied without
    its times (``cp -r``) is still geo's; an edit of the same length is still an edit."""
    project, out = day
    copied = tmp_path / "copied" / "maps"
    shutil.copytree(out, copied, copy_function=shutil.copy)  # new times on every file
    assert _run("build", project, copied) == 0 and _run("bulletin", project, copied) == 0
    assert (copied / f"reports/通报_{TODAY}_2.docx").is_file()  # the hand-edited one is still the person's
    assert len(list((copied / "reports").glob("通报_*"))) == 2
    page = out / "leaders" / "D1.html"
    text = page.read_text(encoding="utf-8")
    page.write_text(text.replace("乙", "丙", 1), encoding="utf-8")  # the same number of bytes
    assert page.stat().st_size == len(text.encode("utf-8"))
    assert _run("build", project, out) == EXIT_INVALID


def test_a_file_geo_no_longer_writes_but_a_person_edited_is_kept_and_said(day, capsys):
    project, out = day
    with open(out / "leaders" / "C1.html", "a", encoding="utf-8") as page:
        page.write("<!-- 已打印，交给了甲 -->")
    edited = (out / "leaders" / "C1.html").read_bytes()
    leaders = (project / "leaders.csv").read_text(encoding="utf-8").splitlines()
    (project / "leaders.csv").write_text("\n".join(x for x in leaders if not x.startswith("C1,")) + "\n")
    assert main(["build", str(project), "--out", str(out), "--today", TODAY]) == 0
    assert (out / "leaders" / "C1.html").read_bytes() == edited
    assert "leaders/C1.html 在 geo 写出后被人修改过" in capsys.readouterr().err
    assert "leaders/C1.html" not in json.loads((out / MANIFEST).read_text(encoding="utf-8"))["files"]


def test_a_person_who_saves_into_the_folder_while_it_is_rewritten_loses_nothing(day, monkeypatch, capsys):
    """Between geo's last look at the folder and the swap, a person saves over a report geo replaces
    and adds a file: both are moved into the new folder (the report under a new name), and said."""
    import geo.output

    project, out = day
    swap = geo.output._swap

    def saved_meanwhile(staging: Path, target: Path):
        (target / "reports" / "roads.csv").write_text("saved from Excel meanwhile", encoding="utf-8")
        (target / "reports" / "new.txt").write_text("written meanwhile", encoding="utf-8")
        return swap(staging, target)

    monkeypatch.setattr(geo.output, "_swap", saved_meanwhile)
    assert main(["build", str(project), "--out", str(out), "--today", TODAY]) == 0
    assert (out / "reports" / "roads_2.csv").read_text(encoding="utf-8") == "saved from Excel meanwhile"
    assert (out / "reports" / "new.txt").read_text(encoding="utf-8") == "written meanwhile"
    assert (out / "reports" / "roads.csv").read_text(encoding="utf-8-sig").startswith("road,")  # the build's
    assert "reports/roads.csv 在运行期间被改动，已保留为 reports/roads_2.csv" in capsys.readouterr().err
    assert _beside(out) == [".maps.lock", "maps"]


def test_a_folder_an_earlier_geo_wrote_is_read_by_its_file_names(day):
    """No manifest (geo before it): its maps and reports are geo's, a Word bulletin and notes the person's."""
    project, out = day
    (out / MANIFEST).unlink()
    (out / "leaders" / "GONE.html").write_text("a leader no longer in the data")
    edited = (out / DOCX).read_bytes()
    assert _run("build", project, out) == 0
    assert not (out / "leaders" / "GONE.html").exists()
    assert (out / "reports" / "my_notes.txt").is_file() and (out / "照片" / "现场.jpg").is_file()
    assert _run("bulletin", project, out) == 0
    assert (out / DOCX).read_bytes() == edited and (out / f"reports/通报_{TODAY}_2.docx").is_file()
    # the earlier geo's page, kept by the build, is still geo's: the next print replaces it in place
    assert json.loads((out / MANIFEST).read_text(encoding="utf-8"))["files"]["print/leaders/D1.pdf"]["by"] == "print"
    assert _run("print", project, out) == 0
    assert sorted(p.name for p in (out / "print" / "leaders").iterdir()) == ["D1.pdf", "D1.png"]


def test_a_damaged_manifest_is_said_and_nothing_is_lost(day, capsys):
    project, out = day
    (out / MANIFEST).write_text("{ not json", encoding="utf-8")
    before = _made_by_others(_files(out))
    assert main(["build", str(project), "--out", str(out), "--today", TODAY]) == 0
    assert f"{MANIFEST} 无法读取" in capsys.readouterr().err
    assert _made_by_others(_files(out)) == {**before, DOCX: before[DOCX]}
    json.loads((out / MANIFEST).read_text(encoding="utf-8"))  # written whole again


def test_a_file_in_the_way_of_a_folder_geo_writes_is_named(tmp_path, capsys):
    project, out = make_road_project(tmp_path / "road"), tmp_path / "maps"
    assert _run("bulletin", project, out) == 0
    (out / "print").write_text("a file the person called print")
    assert _run("print", project, out) == EXIT_INVALID
    assert "print 挡住了 geo 要写的文件" in capsys.readouterr().err
    assert (out / "print").read_text() == "a file the person called print"


def test_a_folder_of_the_persons_own_is_refused_by_every_command_with_a_file_named(tmp_path, capsys):
    project, out = make_road_project(tmp_path / "road"), tmp_path / "Documents"
    out.mkdir()
    (out / "预算.xlsx").write_bytes(b"PK mine")
    for command in COMMANDS:
        assert _run(command, project, out) == EXIT_INVALID, command
        assert "已有其他文件（如 预算.xlsx），且不是 geo 生成的" in capsys.readouterr().err
    assert [p.name for p in out.iterdir()] == ["预算.xlsx"]


# ----------------------------------------------------------------------------- one lock
@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_that_writes_stops_at_once_while_another_holds_the_folder(tmp_path, capsys, command):
    project, out = make_road_project(tmp_path / "road"), tmp_path / "maps"
    with FileLock(tmp_path / ".maps.lock"):  # what any geo command holds while it writes maps/
        started = time.monotonic()
        assert _run(command, project, out) == EXIT_BUSY
        assert time.monotonic() - started < 10
    err = capsys.readouterr().err
    assert "另一个 geo 正在写入" in err and "--out 应是" not in err
    assert not out.exists()


def _hold(script: str, *args: str) -> subprocess.Popen:
    """A geo subprocess whose `geo.output` is changed by `script` before it runs ``geo args``."""
    code = textwrap.dedent(script) + "\nfrom geo.cli import main\nsys.exit(main(sys.argv[1:]))\n"
    return subprocess.Popen(
        [sys.executable, "-c", code, *args], env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )


def _wait_for(condition, process: subprocess.Popen, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert process.poll() is None, process.stderr.read().decode() if process.stderr else ""
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


def test_while_a_build_swaps_the_folder_every_other_command_exits_4_not_a_path_error(day, capsys):
    """The finding: `geo share` during a build's swap failed with “No such file … --out 应是一个可写的文件夹”."""
    project, out = day
    go = out.parent / "go"
    build = _hold(
        f"""
        import os, sys, time
        import geo.output as output
        swap = output._swap
        def waiting(staging, target):  # the build holds the lock, everything written, about to swap
            open({str(out.parent / "ready")!r}, "w").close()
            deadline = time.monotonic() + 120
            while not os.path.exists({str(go)!r}) and time.monotonic() < deadline:
                time.sleep(0.01)
            return swap(staging, target)
        output._swap = waiting
        """,
        "build", str(project), "--out", str(out), "--today", TODAY, "-q",
    )  # fmt: skip
    try:
        _wait_for(lambda: (out.parent / "ready").exists(), build)
        for command in ("share", "print", "bulletin", "check", "build"):
            assert _run(command, project, out) == EXIT_BUSY, command
            err = capsys.readouterr().err
            assert "另一个 geo 正在写入" in err and "No such file" not in err, err
    finally:
        go.touch()
        _, err = build.communicate(timeout=120)
    assert build.returncode == 0, err.decode()
    assert (out / DOCX).is_file() and (out / "share" / "D1.zip").is_file()


def test_a_second_snapshot_waits_for_the_first_and_one_that_cannot_wait_exits_4(tmp_path, monkeypatch, capsys):
    import geo.history
    import geo.output

    project = make_road_project(tmp_path / "road")
    held, asked, released = threading.Event(), threading.Event(), []
    lock = geo.output.output_lock

    def asking(folder, wait=0):
        asked.set()
        return lock(folder, wait)

    def another_snapshot() -> None:  # holds the history's lock until ours asks for it, then a little more
        with FileLock(project / ".history.lock"):
            held.set()
            asked.wait(60)
            time.sleep(0.3)
            released.append(time.monotonic())

    monkeypatch.setattr(geo.output, "output_lock", asking)
    writer = threading.Thread(target=another_snapshot)
    writer.start()
    assert held.wait(10)
    assert main(["snapshot", str(project), "--today", TODAY, "-q"]) == 0
    finished = time.monotonic()
    writer.join(10)
    assert asked.is_set() and released and finished > released[0]  # it waited, then wrote
    monkeypatch.undo()
    assert (project / "history" / TODAY / "snapshot.json").is_file()
    monkeypatch.setattr(geo.history, "LOCK_WAIT", 0.2)
    with FileLock(project / ".history.lock"):
        assert main(["snapshot", str(project), "--today", TODAY, "-q"]) == EXIT_BUSY
    assert "另一个 geo 正在写入" in capsys.readouterr().err


# ----------------------------------------------------------------------------- kills and failures
_KILL = """
import os, signal, sys
import geo.output as output
def killed(*args, **kwargs):
    os.kill(os.getpid(), signal.SIGKILL)
"""


@pytest.mark.parametrize("command", COMMANDS)
def test_a_command_killed_before_its_swap_leaves_the_folder_as_it_was_and_nothing_in_the_temp_folder(
    day, tmp_path, command
):
    """Killed at the last moment before the swap: every file written into staging, the font cut into
    the work folder. The folder is exactly as before; the system's temporary folder got nothing; the
    next run of the command removes what the killed one left beside the folder."""
    project, out = day
    before = _files(out)
    temp = tmp_path / "system-temp"
    temp.mkdir()
    args = [*COMMANDS[command], str(project), "--out", str(out), "--today", TODAY, "-q"]
    code = _KILL + "output._swap = killed\n"
    process = subprocess.run(
        [sys.executable, "-c", code + "from geo.cli import main\nsys.exit(main(sys.argv[1:]))\n", *args],
        env={**ENV, "TMPDIR": str(temp)},
        capture_output=True,
        timeout=300,
    )
    assert process.returncode == -9, process.stderr.decode()
    assert _files(out) == before
    assert list(temp.iterdir()) == []
    left = [name for name in _beside(out) if name not in (".maps.lock", "maps")]
    assert any(".maps.staging-" in name for name in left), left
    if command in ("print", "share"):
        assert any(".maps.work-" in name for name in left), left  # the cut font was there
    assert _run(command, project, out) == EXIT.get(command, 0)
    assert _beside(out) == [".maps.lock", "maps"]


def test_a_command_killed_after_its_swap_leaves_the_new_folder_whole(day):
    project, out = day
    code = _KILL + "output.Transaction._rescue = killed\n"
    args = ["print", str(project), "--out", str(out), "--today", TODAY, "-q"]  # every leader's pages
    process = subprocess.run(
        [sys.executable, "-c", code + "from geo.cli import main\nsys.exit(main(sys.argv[1:]))\n", *args],
        env=ENV,
        capture_output=True,
        timeout=300,
    )
    assert process.returncode == -9, process.stderr.decode()
    assert len(list((out / "print" / "leaders").glob("*.pdf"))) == 4  # the new pages, all of them
    assert (out / DOCX).is_file() and (out / "reports" / "my_notes.txt").is_file()
    manifest = json.loads((out / MANIFEST).read_text(encoding="utf-8"))["files"]
    assert {name for name in _files(out) if name != MANIFEST} == set(manifest) | {
        "reports/my_notes.txt",
        "照片/现场.jpg",
        DOCX,  # edited by hand: the person's now
    }
    assert _run("check", project, out) == 1
    assert _beside(out) == [".maps.lock", "maps"]


@pytest.mark.parametrize("command", ["share", "print", "bulletin"])
def test_a_failed_command_leaves_the_folder_and_the_temp_folder_as_they_were(day, tmp_path, monkeypatch, command):
    import tempfile

    import geo.output

    project, out = day
    before = _files(out)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "system-temp"))
    (tmp_path / "system-temp").mkdir()
    commit = geo.output.Transaction._commit

    def failing(self, *args):
        assert any(self.stage.rglob("*.*")), "the command wrote nothing before failing"
        raise OSError(errno.ENOSPC, "No space left on device", str(self.stage / "x"))

    monkeypatch.setattr(geo.output.Transaction, "_commit", failing)
    assert _run(command, project, out) == EXIT_INVALID
    monkeypatch.setattr(geo.output.Transaction, "_commit", commit)
    assert _files(out) == before
    assert _beside(out) == [".maps.lock", "maps"]
    assert list((tmp_path / "system-temp").iterdir()) == []


# ----------------------------------------------------------------------------- messages about the system
@pytest.mark.parametrize(
    ("code", "path", "said", "not_said"),
    [
        (errno.ENOENT, "history/2022-05-07/status.csv", "不存在，或在运行期间被移走、删除了", "--out"),
        (errno.ENOSPC, "maps/index.html", "磁盘已满", "--out"),
        (errno.EACCES, "maps/index.html", "--out 应是一个你可以写入的文件夹", "磁盘"),
        (errno.EACCES, "road/roads.geojson", "请检查该文件或文件夹的权限", "--out"),
        (errno.EISDIR, "road/roads.geojson", "项目文件夹中的图层应是文件", "磁盘"),
    ],
)
def test_a_system_error_is_said_with_its_real_cause(tmp_path, monkeypatch, capsys, code, path, said, not_said):
    import geo.pipeline

    project = make_road_project(tmp_path / "road")

    def failing(*args, **kwargs):
        raise OSError(code, os.strerror(code), str(tmp_path / path))

    monkeypatch.setattr(geo.pipeline, "load_project", failing)
    assert main(["build", str(project), "--out", str(tmp_path / "maps")]) == EXIT_INVALID
    err = capsys.readouterr().err
    assert said in err and not_said not in err, err

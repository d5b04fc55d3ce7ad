"""The output folder is all one build (geo/output.py): staged, swapped whole, locked, readable by others."""

from __future__ import annotations

import os
import re
import shutil
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
from filelock import FileLock

from conftest import ROOT
from geo.cli import main
from geo.output import staged_folder

# Every kind of file a build writes: the maps, the reports, the GeoPackage GDAL writes.
KINDS = (
    "index.html",
    "overview.html",
    "gaps.html",
    "reports/summary.json",
    "reports/responsibility.gpkg",
    "reports/gaps.csv",
    "reports/ledger.csv",
)


def _modes(out: Path) -> dict[str, int]:
    return {p.relative_to(out).as_posix(): stat.S_IMODE(p.stat().st_mode) for p in out.rglob("*")}


@pytest.mark.parametrize("umask", [0o022, 0o077, 0o002])
def test_every_file_gets_the_permissions_the_umask_gives(road_project, tmp_path, umask):
    out = tmp_path / "o" / "maps"
    old = os.umask(umask)
    try:
        for _ in range(2):  # the first build and a rebuild
            assert main(["build", str(road_project), "--out", str(out), "-q"]) == 0
            modes = _modes(out)
            assert set(KINDS) <= set(modes)
            for name, mode in modes.items():
                expected = (0o777 if (out / name).is_dir() else 0o666) & ~umask
                assert mode == expected, (name, oct(mode), oct(expected))
    finally:
        os.umask(old)


def test_the_output_folder_keeps_its_own_permissions(road_project, tmp_path):
    out = tmp_path / "o" / "maps"
    assert main(["build", str(road_project), "--out", str(out), "-q"]) == 0
    out.chmod(0o2775)
    assert main(["build", str(road_project), "--out", str(out), "-q"]) == 0
    assert stat.S_IMODE(out.stat().st_mode) == 0o2775


def test_a_rebuild_replaces_everything_and_leaves_nothing_beside(road_project, tmp_path):
    out = tmp_path / "o" / "maps"
    assert main(["build", str(road_project), "--out", str(out), "-q"]) == 0
    (out / "leaders" / "GONE.html").write_text("a leader no longer in the table")
    assert main(["build", str(road_project), "--out", str(out), "-q"]) == 0
    assert not (out / "leaders" / "GONE.html").exists()
    assert sorted(p.name for p in out.parent.iterdir()) == [".maps.lock", "maps"]


def test_a_folder_of_the_users_own_files_is_never_replaced(road_project, tmp_path, capsys):
    out = tmp_path / "Documents"
    out.mkdir()
    (out / "my-notes.docx").write_text("mine")
    assert main(["build", str(road_project), "--out", str(out)]) == 2
    assert "不是 geo 生成的" in capsys.readouterr().err
    assert sorted(p.name for p in out.iterdir()) == ["my-notes.docx"]


def test_a_second_run_into_the_same_folder_is_refused_at_once(road_project, tmp_path, capsys):
    out = tmp_path / "o" / "maps"
    out.parent.mkdir()
    with FileLock(out.parent / ".maps.lock"):  # as a build in another process holds it
        started = time.monotonic()
        assert main(["build", str(road_project), "--out", str(out)]) == 4
        assert main(["check", str(road_project), "--out", str(out)]) == 4
        assert time.monotonic() - started < 5
    assert "另一个 geo 正在写入" in capsys.readouterr().err
    assert not out.exists()


def test_leftovers_of_a_killed_run_are_cleaned_and_a_set_aside_output_restored(road_project, tmp_path):
    out = tmp_path / "o" / "maps"
    assert main(["build", str(road_project), "--out", str(out), "-q"]) == 0
    (out.parent / ".maps.staging-dead1").mkdir()
    (out.parent / ".maps.staging-dead1" / "index.html").write_text("half")
    out.rename(out.parent / ".maps.old-dead2")  # killed between the two renames of the fallback swap
    with staged_folder(out) as stage:
        assert out.is_dir() and (out / "index.html").is_file()  # restored before anything else
        assert not (out.parent / ".maps.staging-dead1").exists()
        (stage / "reports").mkdir()
        (stage / "reports" / "run.json").write_text("{}")
    assert sorted(p.name for p in out.parent.iterdir()) == [".maps.lock", "maps"]
    assert [p.name for p in out.iterdir()] == ["reports"]


def test_a_failed_run_leaves_the_output_as_it_was(road_project, tmp_path):
    out = tmp_path / "o" / "maps"
    assert main(["build", str(road_project), "--out", str(out), "-q"]) == 0
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    with pytest.raises(RuntimeError), staged_folder(out) as stage:
        (stage / "index.html").write_text("new, but the run fails")
        raise RuntimeError("a failure half-way")
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before
    assert sorted(p.name for p in out.parent.iterdir()) == [".maps.lock", "maps"]


def test_invalid_input_keeps_the_last_good_output_and_writes_the_problems_beside(road_project, tmp_path, capsys):
    out = tmp_path / "o" / "maps"
    assert main(["build", str(road_project), "--out", str(out), "-q"]) == 0
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    (road_project / "leaders.csv").write_text("id,name,title,level\nD1,乙,区长,星球\n", encoding="utf-8")
    assert main(["build", str(road_project), "--out", str(out)]) == 2
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before
    problems = out.parent / "maps-problems"
    assert sorted(p.name for p in problems.iterdir()) == ["ledger.csv", "ledger_summary.csv"]
    assert "星球" in (problems / "ledger.csv").read_text(encoding="utf-8-sig")
    assert str(problems / "ledger.csv") in capsys.readouterr().err


def test_check_replaces_only_the_reports(road_project, tmp_path):
    out = tmp_path / "o" / "maps"
    assert main(["build", str(road_project), "--out", str(out), "-q"]) == 0
    overview = (out / "overview.html").read_bytes()
    (out / "reports" / "stale.csv").write_text("from before")
    assert main(["check", str(road_project), "--out", str(out), "-q"]) == 1
    assert (out / "overview.html").read_bytes() == overview
    assert not (out / "reports" / "stale.csv").exists() and (out / "reports" / "gaps.csv").is_file()
    assert sorted(p.name for p in out.iterdir()) == ["gaps.html", "index.html", "leaders", "overview.html", "reports"]


def _snapshot_is_one_build(out: Path) -> str | None:
    """Why `out` is not wholly one build, or None when it is (or when there is none yet)."""
    if not out.exists():
        return None
    files = [p for p in out.rglob("*") if p.is_file()]
    if any(p.stat().st_size == 0 for p in files):
        return "a 0-byte file"
    stamps = {tuple(sorted(set(re.findall(r"第\\d+次", p.read_text(encoding="utf-8"))))) for p in out.rglob("*.html")}
    if len(stamps) > 1:
        return f"maps of two builds: {stamps}"
    index = (out / "index.html").read_text(encoding="utf-8")
    for name in (out / "leaders").glob("*.html"):
        if f'href="leaders/{name.name}"' not in index:
            return f"leader map {name.name} not in the index"
    for link in index.split('href="leaders/')[1:]:
        if not (out / "leaders" / link.split('"', 1)[0]).is_file():
            return "a link in index.html to a missing map"
    return None


def test_killing_a_build_at_any_moment_never_leaves_a_mixed_output(tmp_path):
    """Build the demo again and again under two titles, killing it at varied moments (issue 9)."""
    project = tmp_path / "p"
    shutil.copytree(ROOT / "layers", project)
    out = tmp_path / "o" / "maps"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-m", "geo", "build", str(project), "--out", str(out), "-q"]
    delays = [0.4, 1.2, 2.0, 2.8, 3.6]  # loading, analysing, drawing the maps, swapping, done
    for n, delay in enumerate(delays):
        title = f"第{n}次"
        (project / "geo.toml").write_text(f'today = 2022-05-14\n[map]\ntitle = "{title}"\n', encoding="utf-8")
        process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        process.wait()
        assert _snapshot_is_one_build(out) is None, (delay, _snapshot_is_one_build(out))
    assert subprocess.run(command, env=env).returncode == 0  # and the next build cleans up after them
    assert _snapshot_is_one_build(out) is None
    assert sorted(p.name for p in out.parent.iterdir()) == [".maps.lock", "maps"]

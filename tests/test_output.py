"""The output folder is all one build (geo/output.py): staged, swapped whole, locked, readable by others."""

from __future__ import annotations

import hashlib
import json
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

from conftest import ROOT, make_road_project
from geo.cli import main
from geo.output import MANIFEST, staged_folder

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


@pytest.fixture(scope="module")
def road_build(tmp_path_factory) -> Path:
    """`geo build` of the road project (conftest.py), made once for this module: copy it, do not change it."""
    root = tmp_path_factory.mktemp("road_build")
    out = root / "maps"
    assert main(["build", str(make_road_project(root / "road")), "--out", str(out), "-q"]) == 0
    return out


def _built(road_build: Path, out: Path) -> Path:
    """`out` holding a build of the road project, as an earlier `geo build` left it (a copy of `road_build`)."""
    out.parent.mkdir(parents=True)
    shutil.copytree(road_build, out)
    return out


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


def test_the_output_folder_keeps_its_own_permissions(road_build, road_project, tmp_path):
    out = _built(road_build, tmp_path / "o" / "maps")
    out.chmod(0o2775)
    assert main(["build", str(road_project), "--out", str(out), "-q"]) == 0
    assert stat.S_IMODE(out.stat().st_mode) == 0o2775


def test_a_rebuild_replaces_geos_files_keeps_the_persons_and_leaves_nothing_beside(road_build, road_project, tmp_path):
    out = _built(road_build, tmp_path / "o" / "maps")
    assert (out / "leaders" / "C1.html").is_file()
    (out / "leaders" / "mine.html").write_text("a page a person put here")
    leaders = (road_project / "leaders.csv").read_text(encoding="utf-8").splitlines()
    (road_project / "leaders.csv").write_text("\n".join(x for x in leaders if not x.startswith("C1,")) + "\n")
    assert main(["build", str(road_project), "--out", str(out), "-q"]) == 0
    assert not (out / "leaders" / "C1.html").exists()  # a leader no longer in the table: geo's map of them goes
    assert sorted(p.name for p in (out / "leaders").iterdir()) == ["D1.html", "D2.html", "S1.html", "mine.html"]
    assert (out / "leaders" / "mine.html").read_text() == "a page a person put here"
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


def test_leftovers_of_a_killed_run_are_cleaned_and_a_set_aside_output_restored(road_build, tmp_path):
    out = _built(road_build, tmp_path / "o" / "maps")
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


def test_a_failed_run_leaves_the_output_as_it_was(road_build, tmp_path):
    out = _built(road_build, tmp_path / "o" / "maps")
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    with pytest.raises(RuntimeError), staged_folder(out) as stage:
        (stage / "index.html").write_text("new, but the run fails")
        raise RuntimeError("a failure half-way")
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before
    assert sorted(p.name for p in out.parent.iterdir()) == [".maps.lock", "maps"]


def test_invalid_input_keeps_the_last_good_output_and_writes_the_problems_beside(
    road_build, road_project, tmp_path, capsys
):
    out = _built(road_build, tmp_path / "o" / "maps")
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    (road_project / "leaders.csv").write_text("id,name,title,level\nD1,乙,区长,星球\n", encoding="utf-8")
    assert main(["build", str(road_project), "--out", str(out)]) == 2
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before
    problems = out.parent / "maps-problems"
    assert sorted(p.name for p in problems.iterdir()) == ["ledger.csv", "ledger_summary.csv"]
    assert "星球" in (problems / "ledger.csv").read_text(encoding="utf-8-sig")
    assert str(problems / "ledger.csv") in capsys.readouterr().err


def test_check_replaces_only_the_reports(road_build, road_project, tmp_path):
    out = _built(road_build, tmp_path / "o" / "maps")
    overview = (out / "overview.html").read_bytes()
    _as_if_geo_wrote(out, "reports/stale.csv", "a report an earlier build wrote and this one does not")
    (out / "reports" / "notes.csv").write_text("a person's own")
    assert main(["check", str(road_project), "--out", str(out), "-q"]) == 1
    assert (out / "overview.html").read_bytes() == overview
    assert not (out / "reports" / "stale.csv").exists() and (out / "reports" / "gaps.csv").is_file()
    assert (out / "reports" / "notes.csv").read_text() == "a person's own"
    assert sorted(p.name for p in out.iterdir()) == [
        ".geo-manifest.json",
        "gaps.html",
        "index.html",
        "leaders",
        "overview.html",
        "reports",
    ]


def _as_if_geo_wrote(out: Path, rel: str, text: str, by: str = "build") -> None:
    """Write `rel` into `out` and record it in the manifest, as geo's `by` command would have."""
    path = out / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    manifest = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    data = path.read_bytes()
    manifest["files"][rel] = {"by": by, "size": len(data), "sha256": hashlib.sha256(data).hexdigest()}
    (out / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")


def _stamps(out: Path) -> set[tuple[str, ...]]:
    """The build titles (第N次) each map carries, one tuple per map."""
    return {tuple(sorted(set(re.findall(r"第\d+次", p.read_text(encoding="utf-8"))))) for p in out.rglob("*.html")}


def _snapshot_is_one_build(out: Path) -> str | None:
    """Why `out` is not wholly one build, or None when it is (or when there is none yet)."""
    if not out.exists():
        return None
    files = [p for p in out.rglob("*") if p.is_file()]
    if any(p.stat().st_size == 0 for p in files):
        return "a 0-byte file"
    stamps = _stamps(out)
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


def _title(project: Path, title: str) -> str:
    """Give the project's maps this title (geo.toml), which tells one build's maps from another's."""
    (project / "geo.toml").write_text(f'[map]\ntitle = "{title}"\n', encoding="utf-8")
    return title


def _staging_folders(out: Path) -> set[str]:
    return {p.name for p in out.parent.glob(f".{out.name}.staging-*")}


def _inode(path: Path) -> int | None:
    try:
        return path.stat().st_ino
    except FileNotFoundError:
        return None  # between the two renames of the fallback swap


def _kill_when(process: subprocess.Popen, moment) -> None:
    """SIGKILL `process` as soon as `moment()` holds (polled every millisecond), or leave it if it ended first."""
    deadline = time.monotonic() + 120
    while process.poll() is None and time.monotonic() < deadline:
        if moment():
            process.send_signal(signal.SIGKILL)
            break
        time.sleep(0.001)
    process.wait()


def test_killing_a_build_at_any_moment_never_leaves_a_mixed_output(road_build, road_project, tmp_path):
    """Kill `geo build` once in each phase of its life: the output is always wholly one build (issue 9).

    A build goes through four phases, and a kill leaves on disk what the phase had reached:

    1. Python starts and imports: nothing is written yet.
    2. The lock is taken and an empty staging folder made beside the output; the input is loaded
       and analysed. The output is untouched.
    3. Reports and maps are written into the staging folder, file by file. The output is untouched.
    4. The staging folder is swapped in (one ``renameat2`` exchange on Linux; two renames
       elsewhere, with the folder missing between them) and the old build, now under the staging
       name, is removed.

    Within a phase only the staging folder changes, and the output never sees it, so a kill
    anywhere in a phase leaves the same kind of state as a kill at its start. Each kill below is
    timed by what the build has written, not by a clock, so it lands in its phase on a slow or busy
    machine too: 0.2 s in (still importing); as soon as a new staging folder appears; as soon as
    the staging folder holds a map (reports written, maps half drawn); as soon as the output
    folder is another folder than before (just swapped, the old build being removed). An earlier
    build is in place first, so that a mix of two builds would show (each build has its own title),
    and a complete build comes last, which must clean up what the killed ones left.

    The project is the tiny road project (four leader maps): the phases are the same as the
    demo's, only shorter.
    """
    out = _built(road_build, tmp_path / "o" / "maps")  # an earlier build, untitled: its maps carry no 第N次
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-m", "geo", "build", str(road_project), "--out", str(out), "-q"]

    def importing() -> bool:
        return time.monotonic() - started > 0.2

    def loading_and_analysing() -> bool:
        return bool(_staging_folders(out) - staged)

    def drawing_the_maps() -> bool:
        return any((out.parent / name / "overview.html").exists() for name in _staging_folders(out) - staged)

    def swapped_in() -> bool:
        return _inode(out) != inode

    held = ()  # the title the output's maps carry
    for n, moment in enumerate([importing, loading_and_analysing, drawing_the_maps, swapped_in], start=1):
        title = (_title(road_project, f"第{n}次"),)
        staged, inode, started = _staging_folders(out), _inode(out), time.monotonic()
        process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _kill_when(process, moment)
        assert _snapshot_is_one_build(out) is None, (moment.__name__, _snapshot_is_one_build(out))
        assert not out.exists() or _stamps(out) in ({held}, {title}), (moment.__name__, held, _stamps(out))
        held = title if _stamps(out) == {title} else held
    _title(road_project, "第5次")
    assert main(["build", str(road_project), "--out", str(out), "-q"]) == 0  # cleans up after them
    assert _snapshot_is_one_build(out) is None and _stamps(out) == {("第5次",)}
    assert sorted(p.name for p in out.parent.iterdir()) == [".maps.lock", "maps"]

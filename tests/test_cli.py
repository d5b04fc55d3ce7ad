"""The command line as a shell user meets it: Ctrl-C, kill, and a reader that goes away (issue 9)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import ROOT, make_road_project

ENV = {**os.environ, "PYTHONPATH": str(ROOT)}


def _geo(*args, **kwargs) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "geo", *args], env=ENV, **kwargs)


def _until_importing_or_end(process: subprocess.Popen) -> None:
    """Wait until geo is importing its libraries (numpy is loaded: Python itself has started), or has ended.

    A signal before that stops Python's own start-up, which no program can handle. Where there is
    no ``/proc``, wait 0.05 s.
    """
    maps = Path(f"/proc/{process.pid}/maps")
    while process.poll() is None:
        try:
            if "_multiarray_umath" in maps.read_text():
                return
        except FileNotFoundError:
            time.sleep(0.05)
            return
        time.sleep(0.001)


def _until_writing_or_end(folder, process: subprocess.Popen) -> None:
    """Wait until the build is writing its reports into its staging folder in `folder`, or has ended."""
    while process.poll() is None and not any(folder.glob(".maps.staging-*/reports")):
        time.sleep(0.001)


@pytest.mark.parametrize(("sig", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
@pytest.mark.parametrize("moment", ["importing", "writing"])
def test_a_stopped_build_says_so_and_leaves_no_traceback(road_project, tmp_path, sig, code, moment):
    """Stopped while geo imports its libraries, or once the build is writing into its staging folder.

    Both moments are found by watching the process and the folder, not by a clock, so they hold on a
    busy machine too; at the second, the staging folder the stop must remove is really there.
    """
    out = tmp_path / "maps"
    process = _geo(
        "build",
        str(road_project),
        "--out",
        str(out),
        "-q",
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    if moment == "importing":
        _until_importing_or_end(process)
    else:
        _until_writing_or_end(tmp_path, process)
    process.send_signal(sig)
    stdout, stderr = process.communicate(timeout=60)
    if process.returncode == 0:
        pytest.skip("the build finished before the signal")  # a very fast machine
    assert process.returncode == code, stderr
    assert "已中止" in stderr and "Traceback" not in stderr
    assert not out.exists()  # nothing half-written in its place
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".maps.staging")] == []


def _with_closed_stdout(*args) -> tuple[int, str]:
    """Run geo with its standard output closed by the reader before anything is printed (``| head -0``)."""
    process = _geo(*args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    process.stdout.close()
    stderr = process.stderr.read()
    process.stderr.close()
    return process.wait(timeout=120), stderr


def test_a_closed_pipe_keeps_the_exit_code_of_a_valid_project(tmp_path):
    code, stderr = _with_closed_stdout("validate", str(ROOT / "layers"))
    assert code == 0
    assert "Traceback" not in stderr and "BrokenPipe" not in stderr and "Exception ignored" not in stderr


def test_a_closed_pipe_keeps_the_exit_code_of_an_invalid_project(tmp_path):
    folder = tmp_path / "bad"
    folder.mkdir()
    for path in (p for p in (ROOT / "layers").iterdir() if p.is_file()):
        (folder / path.name).write_bytes(path.read_bytes())
    (folder / "leaders.csv").write_text("id,name,title,level\nX1,某,某,星球\n", encoding="utf-8")
    process = _geo("validate", str(folder), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    process.stdout.close()
    process.stderr.close()  # `geo validate 2>&1 | head -0`: no one reads the list of errors either
    assert process.wait(timeout=120) == 2


_WARNING_BUILD = """
import sys, warnings
import geo.render as render
from geo._main import main
render_index = render.render_index
def noisy(*args, **kwargs):
    warnings.warn("x" * 5000, UserWarning, stacklevel=1)  # as folium's warning repeating a whole layer
    return render_index(*args, **kwargs)
render.render_index = noisy  # the build imports it from geo.render when it runs
sys.exit(main(sys.argv[1:]))
"""


WARNING_FLAGS = {"quiet": (["-q"], False), "plain": ([], False), "debug": (["-vv"], True)}  # flags, warning shown


@pytest.fixture(scope="module")
def warning_builds(tmp_path_factory) -> dict[str, subprocess.CompletedProcess]:
    """The build with a library warning, run once under each of `WARNING_FLAGS`, by name.

    Three processes of their own, each with its own output folder and its own stdout and stderr,
    started together so that two cores run them side by side.
    """
    root = tmp_path_factory.mktemp("warning")
    project = make_road_project(root / "road")
    processes = {}
    for name, (flags, _) in WARNING_FLAGS.items():
        command = [sys.executable, "-c", _WARNING_BUILD, "build", str(project), "--out", str(root / name), *flags]
        with open(root / f"{name}.stdout", "wb") as stdout, open(root / f"{name}.stderr", "wb") as stderr:
            processes[name] = subprocess.Popen(command, stdout=stdout, stderr=stderr)
    return {
        name: subprocess.CompletedProcess(
            process.args,
            process.wait(timeout=120),
            (root / f"{name}.stdout").read_text(encoding="utf-8"),
            (root / f"{name}.stderr").read_text(encoding="utf-8"),
        )
        for name, process in processes.items()
    }


@pytest.mark.parametrize("name", WARNING_FLAGS)
def test_a_library_warning_reaches_the_terminal_only_with_vv(warning_builds, name):
    flags, shown = WARNING_FLAGS[name]
    run = warning_builds[name]
    assert run.returncode == 0, run.stderr
    assert ("x" * 1000 in run.stderr) is shown
    if flags == ["-q"]:
        assert run.stderr == "" and run.stdout == ""


@pytest.mark.parametrize("sig, stop", [(signal.SIGINT, KeyboardInterrupt), (signal.SIGTERM, BaseException)])
def test_a_stop_that_surfaces_as_another_exception_is_a_stop_not_a_bug(monkeypatch, sig, stop):
    # A Ctrl-C inside a C extension's import (OpenCC's) comes back as an ImportError: exit 130, not 3.
    import geo._main
    from geo.cli import _Run, _run

    monkeypatch.setattr(geo._main, "_received", [sig])

    def work():
        raise ImportError("opencc_clib not found in Bazel runfiles")

    with pytest.raises(stop) as caught:
        _run(work, _Run())
    assert not isinstance(caught.value, ImportError)
    monkeypatch.setattr(geo._main, "_received", [])
    assert _run(work, _Run()) == 3  # without a stop it is a bug, said as such


def test_every_command_takes_the_shared_options_after_its_own():
    """One decorator declares them all: --lang, --today where overdue is judged, -v and -q, last in --help."""
    import click

    from geo.cli import cli

    dated = {"build", "check", "snapshot", "bulletin", "share", "print"}
    assert set(cli.commands) == dated | {"validate", "init", "import"}
    for name, command in cli.commands.items():
        options = [p.name for p in command.params if isinstance(p, click.Option)]
        shared = ["lang", *(["today"] if name in dated else []), "verbose", "quiet"]
        assert options[-len(shared) :] == shared, name
        assert set(options[: -len(shared)]).isdisjoint(shared), name

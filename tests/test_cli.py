"""The command line as a shell user meets it: Ctrl-C, kill, and a reader that goes away (issue 9)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from conftest import ROOT

ENV = {**os.environ, "PYTHONPATH": str(ROOT)}


def _geo(*args, **kwargs) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "geo", *args], env=ENV, **kwargs)


@pytest.mark.parametrize(("sig", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
@pytest.mark.parametrize("delay", [0.05, 1.5])  # while Python starts and imports; while the build runs
def test_a_stopped_build_says_so_and_leaves_no_traceback(tmp_path, sig, code, delay):
    out = tmp_path / "maps"
    process = _geo(
        "build",
        str(ROOT / "layers"),
        "--out",
        str(out),
        "-q",
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    time.sleep(delay)
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
    for path in (ROOT / "layers").iterdir():
        (folder / path.name).write_bytes(path.read_bytes())
    (folder / "leaders.csv").write_text("id,name,title,level\nX1,某,某,星球\n", encoding="utf-8")
    process = _geo("validate", str(folder), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    process.stdout.close()
    process.stderr.close()  # `geo validate 2>&1 | head -0`: no one reads the list of errors either
    assert process.wait(timeout=120) == 2


_WARNING_BUILD = """
import sys, warnings
import geo.pipeline as pipeline
from geo._main import main
render_index = pipeline.render_index
def noisy(*args, **kwargs):
    warnings.warn("x" * 5000, UserWarning, stacklevel=1)  # as folium's warning repeating a whole layer
    return render_index(*args, **kwargs)
pipeline.render_index = noisy
sys.exit(main(sys.argv[1:]))
"""


@pytest.mark.parametrize("flags, shown", [(["-q"], False), ([], False), (["-vv"], True)])
def test_a_library_warning_reaches_the_terminal_only_with_vv(road_project, tmp_path, flags, shown):
    run = subprocess.run(
        [sys.executable, "-c", _WARNING_BUILD, "build", str(road_project), "--out", str(tmp_path / "out"), *flags],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    assert ("x" * 1000 in run.stderr) is shown
    if flags == ["-q"]:
        assert run.stderr == "" and run.stdout == ""

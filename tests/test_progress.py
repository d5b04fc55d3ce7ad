"""Progress on long work: shown on a terminal, never with -q, never in a pipe."""

from __future__ import annotations

import fcntl
import os
import pty
import struct
import subprocess
import sys
import termios

import pytest

from conftest import ROOT

GEO = [sys.executable, "-m", "geo"]


def _in_a_terminal(args: list[str]) -> str:
    """Run geo with stdout and stderr on a pseudo-terminal 100 columns wide; everything it wrote."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 100, 0, 0))
    process = subprocess.Popen(GEO + args, stdin=slave, stdout=slave, stderr=slave, cwd=ROOT, close_fds=True)
    os.close(slave)
    out = b""
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        out += chunk
    process.wait(timeout=120)
    os.close(master)
    return out.decode("utf-8", errors="replace")


@pytest.mark.skipif(not hasattr(pty, "openpty"), reason="needs a pseudo-terminal (POSIX)")
def test_a_build_in_a_terminal_shows_its_stages_and_counts_the_leader_maps(tmp_path):
    text = _in_a_terminal(["build", "layers", "--out", str(tmp_path / "maps")])
    for step, words in enumerate(["读取文件", "校验数据", "定位路段", "查找空白", "写报表", "画地图"], start=1):
        assert f"检查 {step}/6 {words}" in text
    assert "领导地图 0/67" in text  # the leader maps, counted
    assert "已写入" in text  # and the results, as ever


def test_quiet_or_a_pipe_shows_no_progress(tmp_path):
    quiet = _in_a_terminal(["build", "layers", "--out", str(tmp_path / "a"), "-q"])
    assert "检查" not in quiet and "领导地图" not in quiet and "\r" not in quiet
    piped = subprocess.run(
        GEO + ["build", "layers", "--out", str(tmp_path / "b")], cwd=ROOT, capture_output=True, timeout=120
    )
    assert piped.returncode == 0
    err = piped.stderr.decode("utf-8")
    assert "领导地图" not in err and "检查 1/6" not in err and "\r" not in err

"""scripts/make_demo_layers.py is seeded: it rebuilds the committed layers byte for byte."""

import subprocess
import sys

from conftest import ROOT


def test_generator_reproduces_the_committed_layers(tmp_path):
    out, expected = tmp_path / "layers", tmp_path / "expected.json"
    subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "make_demo_layers.py"), "--out", str(out), "--expected", str(expected)],
        check=True,
        capture_output=True,
    )
    committed = sorted(p.name for p in (ROOT / "layers").iterdir() if p.suffix in (".geojson", ".csv", ".toml"))
    assert sorted(p.name for p in out.iterdir() if p.is_file()) == committed
    for name in committed:
        assert (out / name).read_bytes() == (ROOT / "layers" / name).read_bytes(), name
    assert expected.read_bytes() == (ROOT / "tests" / "data" / "demo_expected.json").read_bytes()
    # the two earlier meetings' snapshots (geo.history), as geo itself took them
    history = sorted(p.relative_to(out) for p in (out / "history").rglob("*") if p.is_file())
    assert history == sorted(
        p.relative_to(ROOT / "layers") for p in (ROOT / "layers" / "history").rglob("*") if p.is_file()
    )
    assert [p.name for p in sorted((out / "history").iterdir())] == ["2022-04-30", "2022-05-07"]
    for path in history:
        assert (out / path).read_bytes() == (ROOT / "layers" / path).read_bytes(), path

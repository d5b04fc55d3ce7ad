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
    assert sorted(p.name for p in out.iterdir()) == committed
    for name in committed:
        assert (out / name).read_bytes() == (ROOT / "layers" / name).read_bytes(), name
    assert expected.read_bytes() == (ROOT / "tests" / "data" / "demo_expected.json").read_bytes()

"""Re-check mutmut's surviving mutants against the current tests, one pytest run per mutant.

`mutmut run` (configured in pyproject.toml) is the reference; a full run over
the three modules takes most of an hour on two cores. After tests are added,
only the mutants that survived can change verdict (a killed mutant stays
killed when tests are only added), so this script re-runs just those:

    .venv/bin/python scripts/mutate.py                 # every survivor in mutants/
    .venv/bin/python scripts/mutate.py geo.roads.x__extend__mutmut_28 ...

It copies the current ``tests/`` into ``mutants/`` (mutmut's copy of the
project), activates each mutant with ``MUTANT_UNDER_TEST`` as mutmut does, runs
the selected tests plus ``tests/test_bite_*.py`` and prints killed/survived per
module, then the names still alive.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tomllib
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MUTANTS = ROOT / "mutants"


def _survivors() -> list[str]:
    names = []
    for meta in sorted(MUTANTS.glob("geo/*.py.meta")):
        codes = json.loads(meta.read_text())["exit_code_by_key"]
        names += [name for name, code in codes.items() if code == 0]
    return names


def _tests() -> list[str]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["mutmut"]
    selected = list(config["pytest_add_cli_args_test_selection"])
    bite = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "tests").glob("test_bite_*.py"))
    return bite + [s for s in selected if s not in bite]  # new tests first: most kills come sooner


def main(names: list[str]) -> int:
    if not MUTANTS.is_dir():
        sys.exit("no mutants/ folder: run `.venv/bin/mutmut run` first")
    shutil.copytree(ROOT / "tests", MUTANTS / "tests", dirs_exist_ok=True)
    names = names or _survivors()
    tests = _tests()
    alive: list[str] = []
    tally: Counter = Counter()
    for name in names:
        env = {**os.environ, "MUTANT_UNDER_TEST": name}
        run = subprocess.run(
            [
                sys.executable,
                "-m",
                "pytest",
                "-x",
                "-q",
                "-n",
                "0",
                "-p",
                "no:cacheprovider",
                "-p",
                "no:randomly",
                *tests,
            ],
            cwd=MUTANTS,
            env=env,
            capture_output=True,
        )
        module = name.rsplit(".", 1)[0]
        verdict = "survived" if run.returncode == 0 else "killed"
        tally[module, verdict] += 1
        if run.returncode == 0:
            alive.append(name)
        print(f"{verdict:8} {name}", flush=True)
    for module in sorted({m for m, _ in tally}):
        print(f"{module}: killed {tally[module, 'killed']}, survived {tally[module, 'survived']}")
    print("\n".join(alive))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

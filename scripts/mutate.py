"""Re-check mutmut's surviving mutants against the current tests, one pytest run per mutant.

`mutmut run` (configured in pyproject.toml) is the reference; a full run over
the five modules takes about an hour and a half on two cores. After tests are added,
only the mutants that survived can change verdict (a killed mutant stays
killed when tests are only added), so this script re-runs just those:

    .venv/bin/python scripts/mutate.py                 # every survivor in mutants/
    .venv/bin/python scripts/mutate.py geo.roads.x__extend__mutmut_28 ...
    .venv/bin/python scripts/mutate.py --jobs 2 --tests tests/test_bite_scope.py -- geo.scope.x__note__mutmut_5 ...

A mutant that survived the whole selection can only be killed by a test added since,
so ``--tests`` may name just those (a survivor runs every test it is given).

It copies the current ``tests/`` into ``mutants/`` (mutmut's copy of the
project), activates each mutant with ``MUTANT_UNDER_TEST`` as mutmut does, runs
the selected tests plus ``tests/test_bite_*.py`` and prints killed/survived per
module, then the names still alive.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tomllib
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
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


def _verdict(name: str, tests: list[str]) -> tuple[str, bool]:
    """Run `tests` with the mutant `name` active; True when it survives them.

    Only a failing test kills: pytest's other exit codes (no test collected, a node id that
    does not exist, an internal error) stop the script rather than count as a kill.
    """
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-x", "-q", "-n", "0", "-p", "no:cacheprovider", "-p", "no:randomly", *tests],
        cwd=MUTANTS,
        env={**os.environ, "MUTANT_UNDER_TEST": name},
        capture_output=True,
        text=True,
    )
    if run.returncode not in (0, 1):
        sys.exit(f"{name}: pytest exited {run.returncode} without a verdict\n{run.stdout[-2000:]}{run.stderr[-2000:]}")
    return name, run.returncode == 0


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("names", nargs="*", help="mutants to re-check (default: every survivor in mutants/)")
    parser.add_argument("--tests", nargs="+", help="only these tests (paths or node ids; default: the selection)")
    parser.add_argument("--jobs", type=int, default=1, help="mutants checked at once (default 1)")
    args = parser.parse_args(argv)
    if not MUTANTS.is_dir():
        sys.exit("no mutants/ folder: run `.venv/bin/mutmut run` first")
    shutil.copytree(ROOT / "tests", MUTANTS / "tests", dirs_exist_ok=True)
    names = args.names or _survivors()
    tests = args.tests or _tests()
    alive: list[str] = []
    tally: Counter = Counter()
    with ThreadPoolExecutor(max_workers=max(args.jobs, 1)) as pool:
        for name, survived in pool.map(lambda n: _verdict(n, tests), names):
            module = name.rsplit(".", 1)[0]
            verdict = "survived" if survived else "killed"
            tally[module, verdict] += 1
            if survived:
                alive.append(name)
            print(f"{verdict:8} {name}", flush=True)
    for module in sorted({m for m, _ in tally}):
        print(f"{module}: killed {tally[module, 'killed']}, survived {tally[module, 'survived']}")
    print("\n".join(alive))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

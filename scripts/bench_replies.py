"""How long replies take: `geo import` of N replies and `geo check` applying them, on a copy of the demo.

    python scripts/bench_replies.py [--replies 200] [--entries 5]

Prints the seconds of each step (the figures in the closing notes of issue 23 come from here).
"""

from __future__ import annotations

import argparse
import json
import shutil
import tempfile
import time
from pathlib import Path

import geo
from geo.replies import import_replies, person_key, project_secret, project_token, sign

ROOT = Path(__file__).resolve().parent.parent
ITEM = "community:421002001001:保洁"  # the demo's 健康巷社区 保洁, held by D01


def reply(secret: bytes, n: int, entries: int) -> dict:
    body = {
        "format": "geo-reply",
        "version": 1,
        "project": project_token(secret),
        "map": "leader",
        "person": "D01",
        "name": "D01",
        "sent": "2022-05-13T18:00:00+08:00",
        "entries": [
            {"n": f"b{n}x{j}", "at": "2022-05-12T09:00:00+08:00", "action": "doing", "item": ITEM, "progress": j}
            for j in range(entries)
        ],
        "photos": {},
    }
    return {**body, "signature": sign(body, person_key(secret, "leader", "D01"))}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replies", type=int, default=200)
    parser.add_argument("--entries", type=int, default=5)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp())
    folder = tmp / "layers"
    shutil.copytree(ROOT / "layers", folder, ignore=shutil.ignore_patterns(".geo-secret", "replies"))
    secret = project_secret(folder, create=True)
    assert secret is not None
    started = time.perf_counter()
    geo.check(folder)
    print(f"check, no replies: {time.perf_counter() - started:.2f} s")
    files = []
    for n in range(args.replies):
        path = tmp / f"r{n}.json"
        path.write_text(json.dumps(reply(secret, n, args.entries)), encoding="utf-8")
        files.append(path)
    started = time.perf_counter()
    kept = import_replies(folder, files)
    print(f"import {args.replies} replies: {time.perf_counter() - started:.2f} s ({len(kept)} files)")
    started = time.perf_counter()
    result = geo.check(folder)
    print(f"check, {len(result.analysis.reply_outcomes):,} marks applied: {time.perf_counter() - started:.2f} s")
    shutil.rmtree(tmp)


if __name__ == "__main__":
    main()

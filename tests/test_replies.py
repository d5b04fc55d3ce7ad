"""Replies from the field (geo.replies, `geo import`): signed, only one's own, applied on every run.

The replies here are made in Python as the page makes them (docs/replies.md); the browser's side is
tests/test_browser_replies.py. Expected figures are counted from the demo's CSV with the csv module,
never by the code under test.
"""

from __future__ import annotations

import base64
import csv
import hashlib
import io
import json
import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from PIL import Image

import geo
from geo.bulletin import make_bulletin
from geo.cli import cli
from geo.replies import (
    LIMITS,
    Limits,
    ReplyError,
    canonical,
    check_reply,
    import_replies,
    person_key,
    project_secret,
    project_token,
    read_reply,
    sign,
)

DEMO = Path(__file__).resolve().parent.parent / "layers"
CLEANING = "community:421002001001:保洁"  # 健康巷社区's 保洁, doing 40, updated 2022-05-10; held by D01 and T01
INSIDE_健康巷 = ("112.261883", "30.315814")  # a point inside 健康巷社区 (421002001001)


@pytest.fixture
def project(tmp_path) -> Path:
    folder = tmp_path / "layers"
    shutil.copytree(DEMO, folder)
    project_secret(folder, create=True)
    return folder


def _photo(size=(800, 600), fmt="JPEG", exif: bool = False) -> tuple[str, str]:
    image = Image.new("RGB", size, (200, 120, 40))
    out = io.BytesIO()
    if exif:
        data = Image.Exif()
        data[0x010F] = "PhoneMaker"  # Make
        image.save(out, fmt, exif=data)
    else:
        image.save(out, fmt)
    raw = out.getvalue()
    kind = {"JPEG": "jpeg", "PNG": "png"}[fmt]
    return hashlib.sha256(raw).hexdigest(), f"data:image/{kind};base64," + base64.b64encode(raw).decode("ascii")


def make_reply(folder: Path, map_kind: str, person: str, entries: list[dict], photos=None, key_of=None) -> dict:
    """A reply as a map signs it; `key_of` signs with another person's key (a forged reply)."""
    secret = project_secret(folder)
    assert secret is not None
    body = {
        "format": "geo-reply",
        "version": 1,
        "project": project_token(secret),
        "map": map_kind,
        "person": person,
        "name": person,
        "built": "2022-05-14",
        "sent": "2022-05-13T18:00:00+08:00",
        "entries": entries,
        "photos": dict(photos or {}),
    }
    key = person_key(secret, *(key_of or (map_kind, person)))
    return {**body, "signature": sign(body, key)}


def entry(n: str, action: str, at: str = "2022-05-12T09:00:00+08:00", **fields) -> dict:
    return {"n": n, "at": at, "action": action, **fields}


def keep(folder: Path, reply: dict, name: str = "reply.json") -> list:
    path = folder.parent / name
    path.write_text(json.dumps(reply, ensure_ascii=False), encoding="utf-8")
    return import_replies(folder, [path])


def demo_done() -> int:
    """The demo's done items, counted from status.csv as the office typed it."""
    with open(DEMO / "status.csv", encoding="utf-8-sig") as f:
        return sum(row["state"] == "done" for row in csv.DictReader(f))


def row_of(analysis, key: str):
    rows = analysis.status[analysis.status["key"] == key]
    assert len(rows) == 1
    return rows.iloc[0]


# ----------------------------------------------------------------------------- the format
def test_canonical_form_is_sorted_compact_ascii():
    # written out by hand from docs/replies.md: keys sorted, no spaces, \uXXXX for non-ASCII (UTF-16 units)
    value = {"b": '中"\\\n', "a": [1, True, None], "c": "😀"}
    assert canonical(value) == b'{"a":[1,true,null],"b":"\\u4e2d\\"\\\\\\n","c":"\\ud83d\\ude00"}'


def test_a_reply_checks_and_any_change_breaks_it(project):
    reply = make_reply(project, "leader", "D01", [entry("a1", "done", item=CLEANING, note="已清理")])
    secret = project_secret(project)
    assert check_reply(reply, secret) == {}
    for field, value in (("note", "已清理！"), ("item", "community:421002001001:五乱")):
        altered = json.loads(json.dumps(reply))
        altered["entries"][0][field] = value
        with pytest.raises(ReplyError) as caught:
            check_reply(altered, secret)
        assert caught.value.message.key == "reply.bad_signature"
    # one character of the signature
    altered = dict(reply, signature=("0" if reply["signature"][0] != "0" else "1") + reply["signature"][1:])
    with pytest.raises(ReplyError, match="签名不符"):
        check_reply(altered, secret)


def test_a_reply_signed_by_another_map_is_refused(project):
    # D03's map signs a reply that claims to be D01's
    forged = make_reply(project, "leader", "D01", [entry("a1", "done", item=CLEANING)], key_of=("leader", "D03"))
    with pytest.raises(ReplyError) as caught:
        check_reply(forged, project_secret(project))
    assert caught.value.message.key == "reply.bad_signature"
    # an inspection group's key does not sign for a leader of the same id either
    forged = make_reply(project, "leader", "D01", [entry("a1", "done", item=CLEANING)], key_of=("inspectors", "D01"))
    with pytest.raises(ReplyError):
        check_reply(forged, project_secret(project))


def test_a_reply_of_another_project_is_refused(project, tmp_path):
    other = tmp_path / "other"
    other.mkdir()
    project_secret(other, create=True)
    reply = make_reply(other, "leader", "D01", [entry("a1", "done", item=CLEANING)])
    with pytest.raises(ReplyError) as caught:
        check_reply(reply, project_secret(project))
    assert caught.value.message.key == "reply.other_project"


def test_a_leader_cannot_send_what_only_inspectors_send(project):
    reply = make_reply(project, "leader", "D01", [entry("a1", "confirm", report="leader/D01/x", item=CLEANING)])
    with pytest.raises(ReplyError, match="action"):
        check_reply(reply, project_secret(project))


def test_pasted_text_around_the_reply_is_read(project):
    reply = make_reply(project, "leader", "D01", [entry("a1", "done", item=CLEANING)])
    chat = "马云 12:01\n" + json.dumps(reply, ensure_ascii=False) + "\n[已发送]"
    assert read_reply(chat.encode("utf-8")) == reply


def test_photos_are_checked(project):
    secret = project_secret(project)
    digest, url = _photo()
    ok = make_reply(project, "leader", "D01", [entry("a1", "done", item=CLEANING, photo=digest)], {digest: url})
    assert list(check_reply(ok, secret)) == [digest]
    # wider than 1600 px: refused, the limit named
    wide, wide_url = _photo((2000, 100))
    reply = make_reply(project, "leader", "D01", [entry("a1", "done", item=CLEANING, photo=wide)], {wide: wide_url})
    with pytest.raises(ReplyError, match="1,600"):
        check_reply(reply, secret)
    # over the byte limit (a limit of 1 KB here; the page keeps photos about 300 KB)
    with pytest.raises(ReplyError) as caught:
        check_reply(ok, secret, Limits(photo_bytes=1024))
    assert caught.value.message.key == "reply.photo_too_large"
    assert "1,024" in str(caught.value.message)
    # text that calls itself a JPEG
    fake = b"<script>alert(1)</script>"
    fake_digest = hashlib.sha256(fake).hexdigest()
    fake_url = "data:image/jpeg;base64," + base64.b64encode(fake).decode()
    reply = make_reply(
        project, "leader", "D01", [entry("a1", "done", item=CLEANING, photo=fake_digest)], {fake_digest: fake_url}
    )
    with pytest.raises(ReplyError) as caught:
        check_reply(reply, secret)
    assert caught.value.message.key == "reply.not_image"


def test_limits_are_named(project):
    entries = [entry(f"e{k}", "done", item=CLEANING) for k in range(3)]
    reply = make_reply(project, "leader", "D01", entries)
    with pytest.raises(ReplyError) as caught:
        check_reply(reply, project_secret(project), Limits(entries=2))
    assert caught.value.message.key == "reply.too_many"
    long_note = make_reply(project, "leader", "D01", [entry("a1", "done", item=CLEANING, note="长" * 2001)])
    with pytest.raises(ReplyError, match="2,000"):
        check_reply(long_note, project_secret(project))
    with pytest.raises(ReplyError, match="上限"):
        read_reply(b"{" + b" " * 100 + b"}", Limits(reply_bytes=50))
    assert LIMITS.photo_pixels == 1600


def test_fractions_have_no_place_in_a_reply():
    with pytest.raises(ReplyError):
        read_reply(b'{"format": "geo-reply", "version": 1.0}')


# ----------------------------------------------------------------------------- the secret
def test_the_secret_is_made_once_and_private(tmp_path):
    old = os.umask(0o022)
    try:
        first = project_secret(tmp_path, create=True)
    finally:
        os.umask(old)
    assert first is not None and len(first) == 32
    assert project_secret(tmp_path, create=True) == first
    assert (tmp_path / ".geo-secret").stat().st_mode & 0o777 == 0o600
    assert project_secret(tmp_path / "nothing") is None


# ----------------------------------------------------------------------------- keeping
def test_import_keeps_a_reply_once_and_never_touches_the_tables(project):
    tables = {p.name: p.read_bytes() for p in project.iterdir() if p.is_file()}
    reply = make_reply(project, "leader", "D01", [entry("a1", "done", item=CLEANING)])
    first = keep(project, reply)
    assert [o.status for o in first] == ["kept"]
    kept = project / first[0].path
    assert kept.read_bytes() == (project.parent / "reply.json").read_bytes()  # as received
    assert kept.name.startswith("回执_D01_20220513_")
    again = keep(project, reply, "copy.json")
    assert [o.status for o in again] == ["already"]
    assert len(list((project / "replies").glob("*.json"))) == 1
    assert {p.name: p.read_bytes() for p in project.iterdir() if p.is_file()} == tables


def test_import_refuses_an_altered_reply_and_keeps_nothing(project):
    reply = make_reply(project, "leader", "D01", [entry("a1", "done", item=CLEANING, note="好")])
    reply["entries"][0]["note"] = "坏"
    outcome = keep(project, reply)
    assert [o.status for o in outcome] == ["refused"]
    assert outcome[0].message.key == "reply.bad_signature"
    assert not (project / "replies").exists() or not list((project / "replies").iterdir())


def test_geo_import_says_what_it_did(project):
    good = project.parent / "good.json"
    good.write_text(json.dumps(make_reply(project, "leader", "D01", [entry("a1", "done", item=CLEANING)])))
    bad = project.parent / "bad.txt"
    bad.write_text("这不是回执", encoding="utf-8")
    result = CliRunner().invoke(cli, ["import", "--project", str(project), str(good), str(bad)], standalone_mode=False)
    assert result.return_value == 2, result.output
    assert "good.json：已收下（D01，1 条）" in result.output
    assert "bad.txt：未收下：文件中没有回执内容" in result.output
    assert "收下 1 份，已有 0 份，拒收 1 份" in result.output
    result = CliRunner().invoke(cli, ["import", "--project", str(project), str(good)], standalone_mode=False)
    assert result.return_value == 0 and "此回执已收过" in result.output


# ----------------------------------------------------------------------------- applying
def test_a_leaders_done_is_reported_until_an_inspection_group_confirms_it(project):
    done = demo_done()
    before = geo.check(project).analysis
    assert row_of(before, CLEANING)["state"] == "doing"
    keep(project, make_reply(project, "leader", "D01", [entry("a1", "done", item=CLEANING, note="已清理")]))
    result = geo.check(project)
    row = row_of(result.analysis, CLEANING)
    assert (row["state"], row["office_state"], row["verification"]) == ("done", "doing", "reported")
    assert row["report"] == "leader/D01/a1" and row["reply_note"] == "已清理"
    figures = geo.report.summary(result.analysis, result.problems, result.ledger)
    assert figures["status"]["done_reported"] == done + 1
    assert figures["status"]["done_confirmed"] == done
    assert figures["status"]["by_state"]["done"] == done + 1
    # the ledger says it was applied, and balances
    notes = [p for p in result.problems if p.file.startswith("replies/")]
    assert [(p.severity, p.row, p.value) for p in notes] == [("note", 1, CLEANING)]
    (line,) = [e for e in result.ledger if e.layer == "replies"]
    assert (line.read, line.used, line.rejected, line.lost) == (1, 1, 0, 0)

    # the bulletin says both ("报完成 12 项，已核实 9 项"): here one more reported than confirmed
    bulletin = make_bulletin(result.analysis, figures, "layers")
    overall = " ".join(" ".join(paragraphs) for _, paragraphs in bulletin.sections)
    assert f"报完成 {done + 1} 项，其中已核实 {done} 项" in overall

    confirm = entry("c1", "confirm", at="2022-05-13T10:00:00+08:00", report="leader/D01/a1", item=CLEANING)
    keep(project, make_reply(project, "inspectors", "DC1", [confirm]), "confirm.json")
    result = geo.check(project)
    assert row_of(result.analysis, CLEANING)["verification"] == "confirmed"
    figures = geo.report.summary(result.analysis, result.problems, result.ledger)
    assert (figures["status"]["done_reported"], figures["status"]["done_confirmed"]) == (done + 1, done + 1)


def test_a_report_sent_back_leaves_the_item_as_the_office_has_it(project):
    keep(project, make_reply(project, "leader", "D01", [entry("a1", "done", item=CLEANING)]))
    back = entry("r1", "return", at="2022-05-13T10:00:00+08:00", report="leader/D01/a1", item=CLEANING, note="未清完")
    keep(project, make_reply(project, "inspectors", "DC2", [back]), "back.json")
    row = row_of(geo.check(project).analysis, CLEANING)
    assert (row["state"], row["progress"], row["verification"], row["reply_note"]) == (
        "doing",
        40.0,
        "returned",
        "未清完",
    )


def test_only_ones_own_items_and_only_existing_ones(project):
    # D03 holds 421002001002 (assignments.csv row 30), not 421002001001
    entries = [
        entry("x1", "done", item=CLEANING),
        entry("x2", "done", item="community:421002001002:不存在的事项"),
        entry("x3", "resolved", issue="NO-SUCH-ISSUE"),
    ]
    keep(project, make_reply(project, "leader", "D03", entries))
    result = geo.check(project)
    assert row_of(result.analysis, CLEANING)["state"] == "doing"
    said = {p.row: p for p in result.problems if p.file.startswith("replies/")}
    assert set(said) == {1, 2, 3}
    assert all(p.severity == "warning" and p.rejected for p in said.values())
    assert "不归“D03”负责" in str(said[1])
    assert "已不存在" in str(said[2]) and "已不存在" in str(said[3])
    (line,) = [e for e in result.ledger if e.layer == "replies"]
    assert (line.read, line.used, line.rejected, line.lost) == (3, 0, 3, 0)


def test_a_leader_resolves_an_issue_they_hold_and_no_other(project):
    # TS2022-038 is held by D08 and T05 (its community's leaders); TS2022-039 by C04, D03 and T21. Both
    # are open and past their due dates (05-05, 05-08) as of 2022-05-14: overdue until resolved.
    entries = [entry("i1", "resolved", issue="TS2022-038", note="已处理"), entry("i2", "resolved", issue="TS2022-039")]
    keep(project, make_reply(project, "leader", "D08", entries))
    result = geo.check(project)
    issues = result.analysis.issues.set_index("id")
    assert issues.loc["TS2022-038", ["state", "verification", "reply_note"]].tolist() == [
        "resolved",
        "reported",
        "已处理",
    ]
    assert issues.loc["TS2022-039", ["state", "verification"]].tolist() == ["open", ""]
    assert issues.loc[["TS2022-038", "TS2022-039"], "overdue"].tolist() == [False, True]  # resolved: not overdue
    said = {p.row: p for p in result.problems if p.file.startswith("replies/")}
    assert said[1].severity == "note" and not said[1].rejected
    assert said[2].rejected and "不归“D08”负责" in str(said[2])


def test_the_office_later_word_wins(project):
    # status.csv has 健康巷社区's 保洁 updated 2022-05-10: a mark of the 9th is older
    early = entry("o1", "done", at="2022-05-09T09:00:00+08:00", item=CLEANING)
    keep(project, make_reply(project, "leader", "D01", [early]))
    result = geo.check(project)
    assert row_of(result.analysis, CLEANING)["state"] == "doing"
    (said,) = [p for p in result.problems if p.file.startswith("replies/")]
    assert "2022-05-10" in str(said)


def test_the_same_entry_in_two_replies_counts_once(project):
    mark = entry("a1", "done", item=CLEANING)
    keep(project, make_reply(project, "leader", "D01", [mark]))
    # saved again a little later: the first mark and a new one
    second = make_reply(project, "leader", "D01", [mark, entry("a2", "doing", item=CLEANING, progress=90)])
    keep(project, second, "second.json")
    result = geo.check(project)
    statuses = sorted(o.status for o in result.analysis.reply_outcomes)
    assert statuses == ["applied", "applied", "repeated"]
    # a1 and a2 were made at the same time: taken in the order of their ids, so a2's progress stands
    assert row_of(result.analysis, CLEANING)["state"] == "doing"


def test_a_pinned_problem_becomes_an_issue_in_its_community(project):
    digest, url = _photo()
    lon, lat = INSIDE_健康巷
    pin = entry("p1", "report", lon=lon, lat=lat, located="tap", category="暴露垃圾", note="桥下堆放", photo=digest)
    outside = entry("p2", "report", lon="100.000000", lat="30.000000", category="暴露垃圾")
    keep(project, make_reply(project, "leader", "D01", [pin, outside], {digest: url}))
    result = geo.check(project)
    issues = result.analysis.issues
    new = issues[issues["id"] == "R-p1"]
    assert len(new) == 1
    issue = new.iloc[0]
    assert issue["community"] == "421002001001"
    assert {"D01", "T01"} <= set(issue["leaders"])  # the community's leaders (assignments.csv rows 26, 101)
    facts = (issue["source"], issue["state"], issue["category"], issue["photo"])
    assert facts == ("leader", "open", "暴露垃圾", digest)
    assert result.analysis.photos[digest] == base64.b64decode(url.split(",", 1)[1])
    assert not (issues["id"] == "R-p2").any()
    refused = [p for p in result.problems if p.file.startswith("replies/") and p.row == 2]
    assert len(refused) == 1 and "辖区之外" in str(refused[0])
    # the issues file's own accounting is untouched by the new row
    (line,) = [e for e in result.ledger if e.layer == "issues"]
    assert line.used == line.read - line.rejected - line.outside


def test_reply_text_is_data(project, tmp_path):
    note = '{{ 7*191 }}{{ "x7z" * 3 }}<script>alert(1)</script>{# '
    keep(project, make_reply(project, "leader", "D01", [entry("a1", "done", item=CLEANING, note=note)]))
    result = geo.check(project)
    assert row_of(result.analysis, CLEANING)["reply_note"] == note
    out = tmp_path / "out"
    geo.build(project, out)
    for path in out.rglob("*"):
        if path.suffix in (".html", ".csv", ".json"):
            text = path.read_text("utf-8", errors="replace")
            assert "x7zx7zx7z" not in text, path  # a template engine would have run it
            if path.suffix == ".html":
                assert "<script>alert(1)" not in text, path
    # the reports keep the note as written (a CSV is data)
    with open(out / "reports" / "status.csv", encoding="utf-8-sig") as f:
        assert note in [row["reply_note"] for row in csv.DictReader(f)]


def test_the_office_confirms_by_its_own_table(project):
    keep(project, make_reply(project, "leader", "D01", [entry("a1", "done", item=CLEANING)]))
    # the office checks and types it done two days later
    path = project / "status.csv"
    with open(path, encoding="utf-8-sig") as f:
        rows = list(csv.DictReader(f))
    for row in rows:
        if (row["kind"], row["target"], row["item"]) == ("community", "421002001001", "保洁"):
            row.update(state="done", progress="100", updated="2022-05-14")
    with open(path, "w", encoding="utf-8-sig", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    result = geo.check(project)
    row = row_of(result.analysis, CLEANING)
    assert (row["state"], row["office_state"], row["verification"]) == ("done", "done", "")
    figures = geo.report.summary(result.analysis, result.problems, result.ledger)
    assert figures["status"]["done_reported"] == figures["status"]["done_confirmed"] == demo_done() + 1
    (said,) = [p for p in result.problems if p.file.startswith("replies/")]
    assert "2022-05-14" in str(said)  # the office's later word stands, said in the ledger


def test_a_group_no_longer_listed_confirms_nothing(project):
    keep(project, make_reply(project, "leader", "D01", [entry("a1", "done", item=CLEANING)]))
    confirm = entry("c1", "confirm", at="2022-05-13T10:00:00+08:00", report="leader/D01/a1", item=CLEANING)
    keep(project, make_reply(project, "inspectors", "DC10", [confirm]), "confirm.json")  # inspectors.csv: DC1–DC9
    result = geo.check(project)
    assert row_of(result.analysis, CLEANING)["verification"] == "reported"
    (said,) = [p for p in result.problems if p.severity == "warning" and p.file.startswith("replies/")]
    assert "DC10" in str(said) and "督查组名单" in str(said)

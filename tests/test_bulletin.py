"""The bulletin (通报) of the demo: a Word document whose figures are summary.json's, naming the lagging units.

The lagging streets are worked out here from the demo's own files, independently of geo: per street,
the community items (status.csv joined to communities.geojson), done or not, overdue when not done and
due before the as-of date (2022-05-14); lagging = streets with overdue items, the lowest share done first.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import unicodedata

import geopandas as gpd
import pandas as pd
import pytest
from docx import Document

from conftest import ROOT
from geo.cli import main
from geo.config import load_config
from geo.pipeline import bulletin

CJK = re.compile("[\u3400-\u9fff\uff00-\uffef\u3000-\u303f]")


@pytest.fixture(scope="module")
def demo_bulletin(tmp_path_factory):
    out = tmp_path_factory.mktemp("bulletin") / "out"
    assert main(["check", str(ROOT / "layers"), "--out", str(out), "-q"]) == 1  # summary.json beside it
    files = bulletin(ROOT / "layers", out, load_config(ROOT / "layers")).files
    return out, files


def _text(path) -> str:
    document = Document(str(path))
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def test_the_bulletin_says_the_figures_of_summary_json(demo_bulletin):
    out, (docx, html) = demo_bulletin
    assert docx.name == "通报_2022-05-14.docx" and html.name == "bulletin.html"
    text = _text(docx)
    s = json.loads((out / "reports" / "summary.json").read_text(encoding="utf-8"))
    c, i, st = s["communities"], s["issues"], s["status"]
    assert "关于创卫工作进展情况的通报" in text and "截至 2022 年 5 月 14 日" in text
    assert f"全区共有社区 {c['total']} 个，其中示范社区 {c['by_tier']['demonstration']} 个" in text
    assert f"共受理投诉与督查问题 {i['total']} 个，已整改 {i['by_state']['resolved']} 个" in text
    assert f"整改事项 {st['total']} 项，已完成 {st['by_state']['done']} 项" in text
    assert f"逾期未完成 {st['overdue']} 项" in text
    ch = s["changes"]  # since the demo's snapshot of 2022-05-07
    assert f"本期进展（{ch['since']} 至 {ch['as_of']}）" in text
    assert f"本期完成整改事项 {ch['items_completed']} 项，新增逾期事项 {ch['items_newly_overdue']} 项" in text
    assert "13900" not in text and "0716-" not in text  # no phone number


def test_the_lagging_streets_are_named_with_a_deadline(demo_bulletin):
    _out, (docx, _html) = demo_bulletin
    layers = ROOT / "layers"
    status = pd.read_csv(layers / "status.csv", dtype=str, keep_default_na=False, encoding="utf-8-sig")
    communities = gpd.read_file(layers / "communities.geojson")[["id", "street"]]
    items = status[status["kind"] == "community"].merge(communities, left_on="target", right_on="id")
    items["done"] = items["state"] == "done"
    items["overdue"] = ~items["done"] & (items["due"] < "2022-05-14")
    per = items.groupby("street").agg(share=("done", "mean"), overdue=("overdue", "sum")).reset_index()
    lagging = per[per["overdue"] > 0].sort_values(["share", "overdue", "street"], ascending=[True, False, True])
    text = _text(docx)
    [named] = [p for p in text.split("\n") if "予以通报" in p]
    assert "2022 年 5 月 28 日" in named  # two weeks after the as-of date
    positions = [named.index(street) for street in lagging["street"].head(3)]
    assert positions == sorted(positions)  # named in order, the one with the lowest share first
    assert per[per["overdue"] == 0]["street"].map(lambda street: street not in named).all()


def test_the_charts_run_over_the_two_snapshots_and_today(demo_bulletin):
    _out, (docx, html) = demo_bulletin
    document = Document(str(docx))
    assert len(document.inline_shapes) == 2  # items done and open issues
    page = html.read_text(encoding="utf-8")
    assert page.count('src="data:image/png;base64,') == 2 and "http" not in page.replace("http-equiv", "")
    from geo.bulletin import make_bulletin
    from geo.history import read_snapshot, snapshots
    from geo.pipeline import check
    from geo.report import summary

    result = check(ROOT / "layers", load_config(ROOT / "layers"))
    figures = summary(result.analysis, result.problems, result.ledger)
    history = [read_snapshot(ROOT / "layers", d).summary for d in snapshots(ROOT / "layers")]
    made = make_bulletin(result.analysis, dict(figures), "layers", "zh", history)
    assert made.chart_dates == ["2022-04-30", "2022-05-07", "2022-05-14"]


def test_an_english_bulletin_has_no_chinese_but_the_data(tmp_path):
    files = bulletin(ROOT / "layers", tmp_path, load_config(ROOT / "layers").with_map(lang="en")).files
    text = _text(files[0])
    data = set()
    for path in (ROOT / "layers").glob("*.csv"):
        data |= set(pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig").to_numpy().ravel())
    for path in (ROOT / "layers").glob("*.geojson"):
        data |= {str(v) for v in gpd.read_file(path).drop(columns="geometry").to_numpy().ravel()}
    data = {unicodedata.normalize("NFKC", v).strip() for v in data}  # as geo reads them
    for value in sorted((v for v in data if CJK.search(v)), key=len, reverse=True):
        text = text.replace(value, "")
    assert CJK.findall(text) == []
    assert "Bulletin on the progress" in text


def test_libreoffice_opens_the_bulletin(demo_bulletin, tmp_path):
    office = shutil.which("soffice") or shutil.which("libreoffice")
    if office is None:
        if os.environ.get("CI"):  # .ci/run installs it: missing there is a broken CI, not a reason to skip
            pytest.fail("LibreOffice is not installed in CI (.ci/run installs libreoffice-writer-nogui)")
        pytest.skip("LibreOffice is not installed (apt-get install libreoffice-writer-nogui): not converted")
    _out, (docx, _html) = demo_bulletin
    subprocess.run(
        [office, "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(docx)], check=True, timeout=120
    )
    assert (tmp_path / docx.with_suffix(".pdf").name).stat().st_size > 10_000
    # and what LibreOffice read is the bulletin: its text, saved as plain text, has the title and the naming
    subprocess.run(
        [office, "--headless", "--convert-to", "txt:Text (encoded):UTF8", "--outdir", str(tmp_path), str(docx)],
        check=True,
        timeout=120,
    )
    text = (tmp_path / docx.with_suffix(".txt").name).read_text(encoding="utf-8-sig")
    assert "关于创卫工作进展情况的通报" in text and "予以通报" in text


def _lagging_sentence(docx) -> str:
    [named] = [p for p in _text(docx).split("\n") if "予以通报" in p]
    return named


def test_the_deadline_and_how_many_are_named_are_settings(tmp_path):
    # [bulletin] deadline_days = 7: 2022-05-14 + 7 days; lagging = 1: the one street with the lowest share.
    folder = tmp_path / "p"
    shutil.copytree(ROOT / "layers", folder)
    with open(folder / "geo.toml", "a", encoding="utf-8") as toml:
        toml.write("\n[bulletin]\ndeadline_days = 7\nlagging = 1\n")
    files = bulletin(folder, tmp_path / "out", load_config(folder)).files
    named = _lagging_sentence(files[0])
    assert "2022 年 5 月 21 日" in named
    assert named.count("、") == 1  # one street and one leader: "…：某街道、某人。"
    # A date given on the command line wins over the setting.
    assert main(["bulletin", str(folder), "--out", str(tmp_path / "o2"), "--deadline", "2022-06-01", "-q"]) == 0
    assert "2022 年 6 月 1 日" in _lagging_sentence(tmp_path / "o2" / "reports" / "通报_2022-05-14.docx")


def test_a_deadline_not_after_the_as_of_date_is_refused_with_the_fix(tmp_path, capsys):
    argv = ["bulletin", str(ROOT / "layers"), "--out", str(tmp_path), "--deadline", "2022-05-14"]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "整改期限 2022-05-14 不在截至日期 2022-05-14 之后" in err and "Traceback" not in err
    assert not (tmp_path / "reports").exists()


@pytest.mark.parametrize(("value", "shown"), [("0", "0"), ('"14"', "'14'"), ("true", "True"), ("2.5", "2.5")])
def test_a_deadline_setting_that_is_not_a_whole_number_of_days_is_named(tmp_path, capsys, value, shown):
    folder = tmp_path / "p"
    shutil.copytree(ROOT / "layers", folder)
    with open(folder / "geo.toml", "a", encoding="utf-8") as toml:
        toml.write(f"\n[bulletin]\ndeadline_days = {value}\n")
    assert main(["bulletin", str(folder), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert f"geo.toml [bulletin].deadline_days：应为不小于 1 的整数，实际是 {shown}" in err


def test_the_same_data_gives_the_same_docx_whatever_the_clock(demo_bulletin, tmp_path, monkeypatch):
    """The zip's entries would carry the local time of the save: two runs a minute apart must not differ."""
    import time

    out, _files = demo_bulletin
    first = next((out / "reports").glob("通报_*.docx")).read_bytes()
    real = time.localtime
    monkeypatch.setattr(time, "localtime", lambda *a: real(time.time() + 3600 if not a else a[0] + 3600))
    again = tmp_path / "again"
    assert main(["bulletin", str(ROOT / "layers"), "--out", str(again), "-q"]) == 0
    assert next((again / "reports").glob("通报_*.docx")).read_bytes() == first

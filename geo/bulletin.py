"""The bulletin (通报): the campaign's figures, what changed, who lags, as Word and as one HTML page.

`make_bulletin` gathers the facts from a check (the figures of
``summary.json``, the changes since a snapshot, the status rows, the
snapshots' figures for the charts); `write_docx` and `write_html` lay them
out. Every sentence comes from the message catalogue (``bulletin.*`` in
`geo.messages`), so the bulletin reads in the run's language and its figures
are those of ``summary.json``.

The document follows the usual form of a government bulletin (GB/T 9704):
A4, a centred title, the date under it, numbered sections (一、二、…) in
paragraphs, tables, and the lagging units named with a deadline. **Lagging**
units are those with overdue items, the lowest share of items done first, at
most ``[bulletin] lagging`` streets (5) and as many leaders; the deadline is
the as-of date plus ``[bulletin] deadline_days`` (14), or the date given
(``geo bulletin --deadline``).
"""

from __future__ import annotations

import base64
import io
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import pandas as pd

from ._labels import labels
from ._ooxml import fixed_times
from .config import BulletinOptions
from .messages import msg, seq

__all__ = ["Bulletin", "make_bulletin", "write_docx", "write_html"]

log = logging.getLogger(__name__)

_FIGURE_COLUMNS = ("bulletin.col.items", "bulletin.col.done", "bulletin.col.share", "bulletin.col.overdue")
_OVERDUE_COLUMNS = ("bulletin.col.item", "bulletin.col.where", "bulletin.col.leader", "bulletin.col.due")


@dataclass
class Bulletin:
    """A bulletin's content, worded: what `write_docx` and `write_html` lay out."""

    lang: str
    title: str
    date_line: str
    opening: str
    sections: list[tuple[str, list[str]]]  # heading, paragraphs
    streets: list[list[str]]  # header row first
    leaders: list[list[str]]
    overdue: list[list[str]]
    charts: list[tuple[str, bytes]] = field(default_factory=list)  # caption, PNG
    chart_dates: list[str] = field(default_factory=list)  # the dates the charts run over (snapshots, then today)
    footer: str = ""
    as_of: date | None = None


def _words(key: str, lang: str, /, **args) -> str:
    return msg(key, **args).text(lang)


def _date(day: date, lang: str) -> str:
    return f"{day.year} 年 {day.month} 月 {day.day} 日" if lang != "en" else day.isoformat()


def _share(done: int, total: int) -> str:
    return f"{100 * done / total:.1f}%" if total else "—"


def _ranking(rows: pd.DataFrame, by: str, lang: str, label: str, most: int) -> tuple[list[list[str]], list[str]]:
    """Units by share of items done (lowest first), with overdue counts; and the lagging ones' names."""
    if rows.empty:
        return [], []
    table = rows.groupby(by).agg(items=("item", "size"), done=("done", "sum"), overdue=("overdue", "sum"))
    table["share"] = table["done"] / table["items"]
    table = table.reset_index().sort_values(["share", "overdue", by], ascending=[True, False, True], kind="stable")
    header = [_words(label, lang)] + [_words(f"bulletin.col.{c}", lang) for c in ("items", "done", "share", "overdue")]
    body = [
        [
            str(r[by]),
            str(int(r["items"])),
            str(int(r["done"])),
            _share(int(r["done"]), int(r["items"])),
            str(int(r["overdue"])),
        ]
        for _, r in table.iterrows()
    ]
    lagging = [str(r[by]) for _, r in table[table["overdue"] > 0].head(most).iterrows()]
    return [header, *body], lagging


def _status_rows(analysis) -> pd.DataFrame:
    """Each community item with its street and its leaders' names (one row per leader for the leaders' table)."""
    status = analysis.status
    mine = status[status["kind"] == "community"].copy()
    communities = analysis.resolved.communities.set_index("id")
    mine["street"] = mine["target"].map(communities["street"]).fillna("").astype(str)
    mine["community"] = mine["target"].map(communities["name"]).fillna(mine["target"]).astype(str)
    mine["done"] = (mine["state"] == "done").astype(int)
    mine["overdue"] = mine["overdue"].astype(int)
    return mine


def make_bulletin(
    analysis,
    figures: dict,
    project_name: str,
    lang: str = "zh",
    history: list[dict] | None = None,
    options: BulletinOptions | None = None,
    deadline: date | None = None,
    *,
    missing: Sequence[str] = (),
):
    """The bulletin of one check.

    Parameters
    ----------
    figures
        The check's ``summary.json``.
    history
        Earlier snapshots' figures, for the charts.
    options
        How many lagging units to name, and the deadline in days (`BulletinOptions`).
    deadline
        The date the lagging units are to finish by; the as-of date plus
        ``options.deadline_days`` when None.
    missing
        The dates of snapshots that could not be read (`geo.history`): the
        change section says they are left out of the comparison and the charts.
    """
    options = options or BulletinOptions()
    as_of = analysis.as_of
    deadline = deadline or as_of + timedelta(days=options.deadline_days)
    c, r, i, s, g = (figures[k] for k in ("communities", "roads", "issues", "status", "gaps"))
    overall = [
        _words(
            "bulletin.communities",
            lang,
            total=c["total"],
            demonstration=c["by_tier"]["demonstration"],
            key=c["by_tier"]["key"],
            general=c["by_tier"]["general"],
            with_leader=c["with_leader"],
        ),
        _words(
            "bulletin.roads",
            lang,
            city=r["city_leader_roads"],
            sections=r["district_sections"],
            coverage="—" if r["coverage_pct"] is None else f"{r['coverage_pct']:.1f}%",
        ),
        _words(
            "bulletin.issues",
            lang,
            total=i["total"],
            resolved=i["by_state"].get("resolved", 0),
            open=i["by_state"].get("open", 0),
            overdue=i["overdue"],
        ),
        *(
            [
                _words(
                    "bulletin.issues_reported",
                    lang,
                    reported=i.get("resolved_reported", 0),
                    confirmed=i.get("resolved_confirmed", 0),
                )
            ]
            if i.get("resolved_reported", 0) != i.get("resolved_confirmed", 0)
            else []
        ),
        # a leader's done counts as reported until an inspection group confirms it (geo.replies)
        _words(
            "bulletin.items_reported",
            lang,
            total=s["total"],
            reported=s.get("done_reported", 0),
            confirmed=s.get("done_confirmed", 0),
            share=_share(s.get("done_confirmed", 0), s["total"]),
            overdue=s["overdue"],
        )
        if s.get("done_reported", 0) != s.get("done_confirmed", 0)
        else _words(
            "bulletin.items",
            lang,
            total=s["total"],
            done=s["by_state"].get("done", 0),
            share=_share(s["by_state"].get("done", 0), s["total"]),
            overdue=s["overdue"],
        ),
        _words("bulletin.gaps", lang, total=g["total"]) if g["total"] else _words("bulletin.no_gaps", lang),
    ]
    changes = figures.get("changes")
    if changes:
        heading = _words("bulletin.h.change", lang, since=changes["since"], date=changes["as_of"])
        change = [
            _words(
                "bulletin.change",
                lang,
                completed=changes["items_completed"],
                overdue=changes["items_newly_overdue"],
                new=changes["issues_new"],
                resolved=changes["issues_resolved"],
                opened=changes["gaps_opened"],
                closed=changes["gaps_closed"],
            )
        ]
        confirmed = (changes.get("items_confirmed", 0), changes.get("issues_confirmed", 0))
        if confirmed != (changes["items_completed"], changes["issues_resolved"]):
            change.append(_words("bulletin.change_confirmed", lang, items=confirmed[0], issues=confirmed[1]))
    else:
        heading, change = _words("bulletin.h.change_none", lang), [_words("bulletin.no_snapshot", lang)]
    if missing:
        change.append(_words("bulletin.history_skipped", lang, dates=seq(list(missing))))
    rows = _status_rows(analysis)
    streets, lagging_streets = _ranking(
        rows[rows["street"] != ""], "street", lang, "bulletin.col.unit", options.lagging
    )
    leaders = analysis.resolved.project.leaders.set_index("id")
    per_leader = (
        rows.assign(leader=rows["target"].map(analysis.community_leaders)).explode("leader").dropna(subset=["leader"])
    )
    w = labels(lang)
    per_leader["leader"] = per_leader["leader"].map(
        lambda lid: (
            f"{leaders.at[lid, 'name']}{w['p.open']}{leaders.at[lid, 'title']}{w['p.close']}"
            if lid in leaders.index and leaders.at[lid, "title"]
            else str(leaders.at[lid, "name"])
            if lid in leaders.index
            else lid
        )
    )
    leader_table, lagging_leaders = _ranking(per_leader, "leader", lang, "bulletin.col.leader", options.lagging)
    lagging = lagging_streets + lagging_leaders
    ranking = [
        _words("bulletin.lagging", lang, deadline=_date(deadline, lang), units=seq(lagging))
        if lagging
        else _words("bulletin.no_lagging", lang)
    ]
    late = rows[rows["overdue"] > 0].sort_values(["due", "street", "community", "item"], key=lambda v: v.astype(str))
    who = {
        cid: w["p.list"].join(str(leaders.at[lid, "name"]) for lid in ids if lid in leaders.index)
        for cid, ids in analysis.community_leaders.items()
    }
    overdue = [
        [_words(key, lang) for key in _OVERDUE_COLUMNS],
        *(
            [str(x.item), f"{x.street} {x.community}".strip(), who.get(x.target, ""), str(x.due)]
            for x in late.itertuples()
        ),
    ]
    sections = [
        (_words("bulletin.h.overall", lang), overall),
        (heading, change),
        (_words("bulletin.h.ranking", lang), ranking),
        (_words("bulletin.h.overdue", lang), [] if len(overdue) > 1 else [_words("bulletin.none_overdue", lang)]),
    ]
    bulletin = Bulletin(
        lang=lang,
        title=_words("bulletin.title", lang),
        date_line=_words("bulletin.as_of", lang, date=_date(as_of, lang)),
        opening=_words("bulletin.opening", lang, date=_date(as_of, lang)),
        sections=sections,
        streets=streets,
        leaders=leader_table,
        overdue=overdue,
        footer=_words("bulletin.footer", lang, project=project_name),
        as_of=as_of,
    )
    series = [*(history or []), figures]
    bulletin.charts = _charts(series, lang)
    bulletin.chart_dates = [str(f["as_of"]) for f in series] if bulletin.charts else []
    return bulletin


def _charts(series: list[dict], lang: str) -> list[tuple[str, bytes]]:
    """Items done (%) and open issues over the snapshots and today, as PNG (none without matplotlib or a CJK font)."""
    if len(series) < 2:
        return []
    try:
        import matplotlib

        matplotlib.use("Agg")
        from matplotlib import font_manager
        from matplotlib import pyplot as plt
    except ImportError:
        log.info("no matplotlib: the bulletin has no charts")
        return []
    from .printable import find_cjk_font

    font = find_cjk_font(lang)  # the same search as the printable pages (GEO_CJK_FONT, then the system's fonts)
    if lang != "en" and font is None:
        log.info("no CJK font: the bulletin has no charts")
        return []
    families = []
    if font is not None:
        font_manager.fontManager.addfont(str(font.path))
        families = [font_manager.FontProperties(fname=str(font.path)).get_name()]
    dates = [s["as_of"] for s in series]
    done = [
        100 * s["status"]["by_state"].get("done", 0) / s["status"]["total"] if s["status"]["total"] else 0
        for s in series
    ]
    open_issues = [s["issues"]["by_state"].get("open", 0) for s in series]
    out = []
    with plt.rc_context({"font.sans-serif": families[:1] + ["DejaVu Sans"], "font.family": "sans-serif"}):
        for key, values in (("bulletin.chart.done", done), ("bulletin.chart.open", open_issues)):
            caption = _words(key, lang)
            figure, axes = plt.subplots(figsize=(6, 2.6), dpi=120)
            axes.plot(dates, values, marker="o", color="#1f3a93")
            for x, y in zip(dates, values):
                axes.annotate(f"{y:.0f}", (x, y), textcoords="offset points", xytext=(0, 6), ha="center", fontsize=8)
            axes.set_title(caption, fontsize=10)
            axes.grid(alpha=0.3)
            axes.spines[["top", "right"]].set_visible(False)
            figure.tight_layout()
            buffer = io.BytesIO()
            figure.savefig(buffer, format="png", metadata={"Software": None})
            plt.close(figure)
            out.append((caption, buffer.getvalue()))
    return out


def write_docx(bulletin: Bulletin, path: Path) -> Path:
    """The bulletin as an A4 Word document in the usual form (title, date, numbered sections, tables)."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)  # A4 (GB/T 9704: margins 3.7 / 3.5 / 2.8 / 2.6 cm)
    section.top_margin, section.bottom_margin, section.left_margin, section.right_margin = (
        Cm(3.7),
        Cm(3.5),
        Cm(2.8),
        Cm(2.6),
    )
    body_font, title_font = (
        ("仿宋_GB2312", "方正小标宋简体") if bulletin.lang != "en" else ("Times New Roman", "Times New Roman")
    )

    def styled(paragraph, size: float, font: str, bold: bool = False):
        for run in paragraph.runs:
            run.font.size, run.font.bold, run.font.name = Pt(size), bold, font
            run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), font)
        return paragraph

    title = styled(document.add_paragraph(bulletin.title), 22, title_font)
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    day = styled(document.add_paragraph(bulletin.date_line), 16, body_font)
    day.alignment = WD_ALIGN_PARAGRAPH.CENTER
    styled(document.add_paragraph(bulletin.opening), 16, body_font).paragraph_format.first_line_indent = Pt(32)
    tables = {2: [bulletin.streets, bulletin.leaders], 3: [bulletin.overdue if len(bulletin.overdue) > 1 else []]}
    for n, (heading, paragraphs) in enumerate(bulletin.sections):
        styled(document.add_paragraph(heading), 16, "黑体" if bulletin.lang != "en" else body_font, bold=True)
        for text in paragraphs:
            styled(document.add_paragraph(text), 16, body_font).paragraph_format.first_line_indent = Pt(32)
        for rows in tables.get(n, []):
            if not rows:
                continue
            table = document.add_table(rows=len(rows), cols=len(rows[0]))
            table.style = "Table Grid"
            for i, row in enumerate(rows):
                for j, value in enumerate(row):
                    cell = table.cell(i, j)
                    cell.text = value
                    styled(cell.paragraphs[0], 12, body_font, bold=i == 0)
            document.add_paragraph()
    if bulletin.charts:
        styled(
            document.add_paragraph(_words("bulletin.h.charts", bulletin.lang)),
            16,
            "黑体" if bulletin.lang != "en" else body_font,
            bold=True,
        )
        for _caption, png in bulletin.charts:
            document.add_picture(io.BytesIO(png), width=Cm(15))
    styled(document.add_paragraph(bulletin.footer), 12, body_font)
    # the same input gives the same document: no author, fixed dates
    core = document.core_properties
    core.author = core.last_modified_by = "geo"
    stamp = pd.Timestamp(bulletin.as_of or date(2000, 1, 1)).to_pydatetime()
    core.created = core.modified = stamp
    core.revision = 1
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.partial")
    saved = io.BytesIO()
    document.save(saved)
    partial.write_bytes(fixed_times(saved.getvalue(), stamp.date(), core=False))  # no clock in the zip's entries
    partial.replace(path)  # a reader never sees half a document
    return path


def write_html(bulletin: Bulletin, path: Path) -> Path:
    """The bulletin as one self-contained page (charts inlined), rendered from an autoescaped template."""
    from .assets import html_lang, render_html

    charts = [
        (caption, "data:image/png;base64," + base64.b64encode(png).decode("ascii")) for caption, png in bulletin.charts
    ]
    page = render_html(
        "bulletin.html",
        b=bulletin,
        lang=html_lang(bulletin.lang),
        tables={2: [bulletin.streets, bulletin.leaders], 3: [bulletin.overdue] if len(bulletin.overdue) > 1 else []},
        charts=charts,
        charts_heading=_words("bulletin.h.charts", bulletin.lang),
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.partial")
    partial.write_text(page, encoding="utf-8")
    partial.replace(path)
    return path

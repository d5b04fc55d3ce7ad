"""The share pack: one zip per leader, holding only that leader's own things, to send by WeChat or e-mail.

``<out>/share/<leader>.zip`` holds the leader's map (the same self-contained
HTML as ``leaders/``), their printable page (PDF, `geo.printable`; a CJK
font is needed, as for ``geo print``) and their task list (XLSX: roads and sections with cross
streets and metres, communities, open issues with due dates). Nothing of
another leader's, and no phone number: the map and the page never carry one,
and the task list is built from the leader's own rows only. The zip's entries
carry the as-of date as their time, so the same data gives the same bytes.
"""

from __future__ import annotations

import io
import logging
import tempfile
import zipfile
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from openpyxl import Workbook

from ._csv import cell_text, text_cells
from ._labels import labels
from ._names import entry_stem
from ._ooxml import fixed_times
from .messages import msg, s2t
from .words import section_label

__all__ = ["task_list", "write_share_pack"]

log = logging.getLogger(__name__)

_SHEETS = {
    "zh": {
        "roads": ("包保道路与路段", ["道路", "范围", "起", "止", "长度（米）"]),
        "communities": ("包保社区", ["社区", "编号", "类别", "街道"]),
        "issues": ("未整改问题", ["编号", "类别", "期限", "逾期", "所在社区"]),
        "yes": "是",
    },
    "en": {
        "roads": ("Roads and sections", ["Road", "Extent", "From", "To", "Length (m)"]),
        "communities": ("Communities", ["Community", "Id", "Tier", "Street"]),
        "issues": ("Open issues", ["Id", "Category", "Due", "Overdue", "Community"]),
        "yes": "yes",
    },
}


def _sheet_words(lang: str) -> dict:
    if lang != "zh-Hant":
        return _SHEETS["en" if lang == "en" else "zh"]
    convert = s2t().convert
    zh = _SHEETS["zh"]
    return {
        key: (convert(value[0]), [convert(h) for h in value[1]]) if isinstance(value, tuple) else convert(value)
        for key, value in zh.items()
    }


def task_list(analysis, leader_id: str, lang: str = "zh") -> bytes:
    """The leader's tasks as an XLSX workbook (three sheets), with no one else's rows and no phone number."""
    words, w = _sheet_words(lang), labels(lang)
    resolved = analysis.resolved
    book = Workbook()
    roads_sheet = book.active
    title, header = words["roads"]
    roads_sheet.title = title
    roads_sheet.append(header)
    mine = resolved.coverage[resolved.coverage["leader"] == leader_id]
    for r in mine.to_dict("records"):
        whole = r["kind"] == "road"
        ends = ("", "") if whole else (cell_text(r["from"]), cell_text(r["to"]))
        label = "" if whole else section_label(r["from"], r["to"], r["start_m"], r["end_m"], lang)
        extent = w["whole_road"].strip("（）() ") if whole else cell_text(label)
        roads_sheet.append([r["road"], extent, *ends, round(float(r["length_m"]))])
    communities_sheet = book.create_sheet(words["communities"][0])
    communities_sheet.append(words["communities"][1])
    held = [cid for cid, ids in analysis.community_leaders.items() if leader_id in ids]
    table = resolved.communities.set_index("id")
    for cid in held:
        tier = w.get(f"tier.{table.at[cid, 'tier']}", table.at[cid, "tier"])
        communities_sheet.append([cell_text(table.at[cid, "name"]), cid, tier, cell_text(table.at[cid, "street"])])
    issues_sheet = book.create_sheet(words["issues"][0])
    issues_sheet.append(words["issues"][1])
    issues = analysis.issues
    open_mine = issues[(issues["state"] == "open") & issues["leaders"].map(lambda ids: leader_id in ids)]
    names = table["name"].to_dict()
    for r in open_mine.sort_values(["due", "id"], key=lambda s: s.astype(str)).itertuples():
        issues_sheet.append(
            [
                r.id,
                cell_text(r.category),
                cell_text(r.due),  # NaN, not None, when the issues have no due column
                words["yes"] if r.overdue else "",
                cell_text(names.get(r.community)),
            ]
        )
    for sheet in book.worksheets:
        for column in sheet.columns:
            width = max(len(str(c.value or "")) for c in column)
            sheet.column_dimensions[column[0].column_letter].width = min(60, 4 + 2 * width)
    text_cells(book)  # a road named =HYPERLINK(…) is a name, not a formula
    fixed = datetime(2000, 1, 1)  # the same rows give the same bytes
    book.properties.created = book.properties.modified = fixed
    book.properties.creator = "geo"
    out = io.BytesIO()
    book.save(out)
    return fixed_times(out.getvalue())  # the same rows give the same bytes


def write_share_pack(
    analysis,
    ctx,
    out_dir: Path,
    leader_ids: list[str],
    lang: str = "zh",
    *,
    font_file: str | Path | None = None,
    project_name: str = "",
) -> list[Path]:
    """One zip per leader under ``<out_dir>/share/``: their map, printable page and task list.

    `font_file` and `project_name` are those of the printable page (`geo.printable.prepare`).
    """
    from .render import leader_filenames, render_leader_map

    share = Path(out_dir) / "share"
    share.mkdir(parents=True, exist_ok=True)
    files = leader_filenames(list(ctx.leaders.index))
    stamp = (analysis.as_of.year, analysis.as_of.month, analysis.as_of.day, 0, 0, 0)
    written = []
    with tempfile.TemporaryDirectory() as scratch:  # the pieces are made apart, only the zips land in share/
        work = Path(scratch)
        pdf_of = _printable(analysis, ctx.options, work, font_file, project_name)
        for leader_id in leader_ids:
            base = files[leader_id][: -len(".html")]
            name = str(ctx.leaders.at[leader_id, "name"])
            entries: list[tuple[str, bytes]] = []
            page = render_leader_map(ctx, leader_id, work / f"{base}.html", others_named=False)
            stem = entry_stem(name, base)  # a plain file name: the pack unzips into its own folder, anywhere
            entries.append((f"{stem}_{msg('share.map').text(lang)}.html", page.path.read_bytes()))
            entries.append((f"{stem}_{msg('share.print').text(lang)}.pdf", pdf_of(leader_id)))
            entries.append((f"{stem}_{msg('share.tasks').text(lang)}.xlsx", task_list(analysis, leader_id, lang)))
            target = share / f"{base}.zip"
            partial = share / f".{base}.zip.partial"
            with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as pack:
                for entry, data in entries:
                    info = zipfile.ZipInfo(entry, date_time=stamp)
                    info.compress_type = zipfile.ZIP_DEFLATED
                    info.external_attr = 0o644 << 16
                    info.flag_bits |= 0x800  # the name is UTF-8 (Chinese names open right in Windows' unzip)
                    pack.writestr(info, data)
            partial.replace(target)
            written.append(target)
    return written


def _printable(analysis, options, work: Path, font_file, project_name: str) -> Callable[[str], bytes]:
    """A leader's printable page as PDF bytes, each drawn from one context prepared here.

    The context (the font found and cut, the layers shaped) is prepared once
    for every pack. Without a CJK font `NoCJKFontError` stops the run before
    any pack is written, saying what to install: a pack is its three files.
    """
    from .printable import leader_pdf, prepare

    ctx = prepare(analysis, options, font_file=font_file, project_name=project_name, folder=work)
    return lambda leader_id: leader_pdf(ctx, leader_id)

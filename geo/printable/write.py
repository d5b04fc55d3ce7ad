"""Writing the pages: ``geo print``'s files, and a leader's page as PDF bytes for ``geo share``.

`render_printable` writes the overview and the leaders' pages under
``print/``; `leader_pdf` draws one leader's page from a `PrintContext`
prepared once for many.
"""

from __future__ import annotations

import contextlib
import io
import logging
import tempfile
from collections.abc import Sequence
from pathlib import Path

from ..analyse import Analysis
from ..config import MapOptions
from ..progress import SILENT, Progress
from ..render import leader_filenames
from .context import PrintContext, prepare
from .pages import leader_page, overview_page
from .sheet import Page

__all__ = ["FORMATS", "leader_pdf", "render_printable"]

log = logging.getLogger(__name__)

FORMATS = ("pdf", "png")


def render_printable(
    analysis: Analysis,
    options: MapOptions,
    out_dir: str | Path,
    leaders: list[str] | None = None,
    formats: Sequence[str] = FORMATS,
    *,
    font_file: str | Path | None = None,
    project_name: str = "",
    dpi: int = 150,
    progress: Progress = SILENT,
    scratch: str | Path | None = None,
) -> list[Path]:
    """Write the printable pages under ``out_dir/print``: ``overview.*`` and ``leaders/<name>.*``.

    Parameters
    ----------
    analysis
        The check's result (`geo.pipeline.check`).
    options
        Title, language and unit word of the maps.
    out_dir
        The output folder (``maps``); pages go into its ``print`` folder.
    leaders
        Ids or names of the leaders to print; None prints the overview and
        every leader (and removes pages of leaders no longer in the data).
    formats
        ``pdf`` and/or ``png``.
    font_file
        A CJK font file to use (``GEO_CJK_FONT``); else one is searched for.
    project_name
        The project folder's name, for the source line.
    dpi
        The PNGs' resolution (150: an A4 page is 1240 × 1754 pixels).
    scratch
        A folder for the font cut to the district's characters (``geo print`` gives one beside the
        output folder, removed with the run or by the next one); a temporary folder when None.

    Returns
    -------
    list of Path
        The files written, overview first, then leaders in table order.

    Raises
    ------
    NoCJKFontError
        When no font can write Chinese.
    UnknownLeaderError
        When a leader asked for is not in the data.

    Notes
    -----
    Nothing here locks `out_dir`: ``geo print`` (`geo.pipeline.print_pages`) writes into a
    staging folder of the output's `geo.output.transaction`, under the lock every command takes.
    """
    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        raise ValueError(f"formats: {', '.join(unknown)} (use {', '.join(FORMATS)})")
    out_dir = Path(out_dir)
    chosen = None if leaders is None else analysis.leader_ids(leaders)
    progress.stage("maps")
    with (
        contextlib.nullcontext(str(scratch))
        if scratch is not None
        else tempfile.TemporaryDirectory(prefix="geo-font-", ignore_cleanup_errors=True)
    ) as folder:
        ctx = prepare(analysis, options, font_file=font_file, project_name=project_name, folder=Path(folder))
        names = leader_filenames([str(i) for i in ctx.leaders.index])
        ids = list(names) if chosen is None else chosen
        pages = out_dir / "print"
        written: list[Path] = []
        if chosen is None:
            written += _save(overview_page(ctx), pages / "overview", formats, dpi)
        for leader_id in progress.counted(ids, len(ids), "progress.leader_maps"):
            stem = pages / "leaders" / Path(names[leader_id]).stem
            written += _save(leader_page(ctx, leader_id), stem, formats, dpi)
        if chosen is None:
            _remove_stale(pages / "leaders", written)
    return written


def leader_pdf(ctx: PrintContext, leader_id: str, dpi: int = 150) -> bytes:
    """One leader's page as PDF bytes, drawn from `ctx`: the bytes `render_printable` writes as their ``.pdf``.

    ``geo share`` prepares the context once (`prepare`: the font found and cut,
    the layers shaped) and draws every leader's page from it.
    """
    page = leader_page(ctx, leader_id)
    pdf = io.BytesIO()
    try:
        page.write(pdf, "pdf", dpi)
    finally:
        page.figure.clear()
    return pdf.getvalue()


def _save(page: Page, stem: Path, formats: Sequence[str], dpi: int) -> list[Path]:
    try:
        return page.save(stem, formats, dpi)
    finally:
        page.figure.clear()


def _remove_stale(folder: Path, written: list[Path]) -> None:
    """Pages of leaders no longer in the data would be handed out by mistake: remove them."""
    keep = {p.resolve() for p in written}
    for path in sorted(folder.glob("*")):
        if path.suffix in (".pdf", ".png") and path.is_file() and path.resolve() not in keep:
            log.info("removing %s: no such leader in the data now", path)
            path.unlink()

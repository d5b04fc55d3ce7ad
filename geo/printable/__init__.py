"""Printable pages: the district and each leader on one A4 sheet, as PDF and PNG (issue 14).

The HTML maps are for screens; a leader is often handed paper at the meeting.
Each page here is drawn with matplotlib (its Agg canvas, no pyplot state) in
the analysis' metric CRS, so the scale bar and the stated scale (1:25,000 …)
are true on the printed sheet. The modules, in the order a page is made:

- `fonts`: the CJK font (`find_cjk_font`), cut to the district's characters;
- `context`: everything the pages draw, prepared once per run (`prepare`);
- `text`: widths, wrapping, where a line may break;
- `frame`, `draw`, `names`: a map at a true scale, its layers, its names,
  scale bar and north arrow;
- `sheet`: the A4 layout (title, map, task list, legend, footer) and `Page`;
- `pages`: a leader's page and the overview (`leader_page`, `overview_page`);
- `write`: the files of ``geo print`` (`render_printable`) and a leader's PDF
  for ``geo share`` (`leader_pdf`).

Chinese needs a CJK font; without one, `NoCJKFontError` says what to
install. Nothing here reads phone numbers, and no local path is written: the
same input gives the same bytes. Messages are `geo.messages`' ``print.*``
keys; the pages' words are `geo._labels`' (``print.*`` among them).
"""

from __future__ import annotations

from ..errors import UnknownLeaderError
from .context import PrintContext, prepare
from .errors import NoCJKFontError, PrintError
from .fonts import CJKFont, find_cjk_font
from .pages import leader_page, overview_page
from .sheet import Page
from .write import FORMATS, leader_pdf, render_printable

__all__ = [
    "FORMATS",
    "CJKFont",
    "NoCJKFontError",
    "Page",
    "PrintContext",
    "PrintError",
    "UnknownLeaderError",
    "find_cjk_font",
    "leader_page",
    "leader_pdf",
    "overview_page",
    "prepare",
    "render_printable",
]

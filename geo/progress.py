"""Progress on long work, on stderr: the stage a run is in, and the leader maps counted.

The CLI (the edge) decides whether a person is watching: a terminal on
stderr and no ``-q``. It passes a `Progress` down; the pipeline only says
where it is (`Progress.stage`), counts (`Progress.counted`) and which
language the run chose (`Progress.speaks`: the line, and the command's own
last words, follow it). `SILENT` does nothing, so library users and tests
see nothing. The display is `tqdm` (MPL-2.0/MIT), which redraws one line
and clears it when done.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from typing import Any, TypeVar

from .messages import msg

__all__ = ["SILENT", "Progress", "TerminalProgress"]

T = TypeVar("T")

STAGES = {  # the stages of a run, in order, and the catalogue key naming each
    "load": "progress.load",
    "validate": "progress.validate",
    "resolve": "progress.resolve",
    "analyse": "progress.analyse",
    "reports": "progress.reports",
    "maps": "progress.maps",
}


class Progress:
    """Where a run is. This base class shows nothing."""

    def stage(self, name: str) -> None:
        """The run has reached stage `name` (one of `STAGES`)."""

    def counted(self, items: Iterable[T], total: int, what: str) -> Iterator[T]:
        """`items`, counted as they are used (`what`: a catalogue key naming them, e.g. ``progress.leader_maps``)."""
        yield from items

    def speaks(self, lang: str) -> None:
        """The run speaks `lang` from now on: the language chosen for its outputs (`geo.pipeline.check`)."""

    def close(self) -> None:
        """The run is over: clear the display."""


SILENT = Progress()


class TerminalProgress(Progress):
    """One line on stderr: ``检查 3/6 定位路段``, then ``领导地图 412/1000``; cleared at the end."""

    def __init__(self, lang: str = "zh", stream=None):
        from tqdm import tqdm

        self._tqdm = tqdm
        self.lang = lang
        self.stream = stream or sys.stderr
        self._bar: Any = None

    def _words(self, key: str) -> str:
        return msg(key).text(self.lang)

    def stage(self, name: str) -> None:
        if self._bar is None:
            self._bar = self._tqdm(
                total=len(STAGES), file=self.stream, leave=False, bar_format="{desc}", dynamic_ncols=True
            )
        step = list(STAGES).index(name) + 1
        self._bar.n = step
        self._bar.set_description_str(f"{self._words('progress.run')} {step}/{len(STAGES)} {self._words(STAGES[name])}")

    def speaks(self, lang: str) -> None:
        self.lang = lang

    def counted(self, items: Iterable[T], total: int, what: str) -> Iterator[T]:
        bar = self._tqdm(
            items,
            total=total,
            desc=self._words(what),
            file=self.stream,
            leave=False,
            unit="",
            bar_format="{desc} {n_fmt}/{total_fmt} {bar} {elapsed}<{remaining}",
            dynamic_ncols=True,
            mininterval=0.2,
        )
        try:
            yield from bar
        finally:
            bar.close()

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None

"""The ``geo`` command's entry point: quick to start, and Ctrl-C at any moment is a clean stop.

The command line proper (`geo.cli`) imports geopandas and friends, which takes
a second; a Ctrl-C or a ``kill`` during that second, or at any later moment,
prints 已中止 and exits 130 (143 for ``kill``), never a traceback. Whatever a
stopped build had written is in its staging folder, removed on the way out or
by the next build (`geo.output`).
"""

from __future__ import annotations

import signal
import sys

EXIT_INTERRUPTED, EXIT_TERMINATED = 130, 143


class _Terminated(BaseException):
    """SIGTERM, raised in the main thread so that ``finally`` blocks clean up."""


def _on_sigterm(signum, frame):
    raise _Terminated


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return its exit code."""
    if signal.getsignal(signal.SIGTERM) is signal.SIG_DFL:
        signal.signal(signal.SIGTERM, _on_sigterm)
    try:
        from .cli import main as cli_main

        return cli_main(argv)
    except KeyboardInterrupt:
        _stopped()
        return EXIT_INTERRUPTED
    except _Terminated:
        _stopped()
        return EXIT_TERMINATED


def _stopped() -> None:
    try:
        sys.stderr.write("\n已中止\n")
        sys.stderr.flush()
    except (OSError, ValueError):
        pass

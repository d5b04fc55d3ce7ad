"""The ``geo`` command's entry point: quick to start, and Ctrl-C at any moment is a clean stop.

The command line proper (`geo.cli`) imports geopandas and friends, which takes
a second; a Ctrl-C or a ``kill`` during that second, or at any later moment,
prints 已中止 (Stopped with ``--lang en``) and exits 130 (143 for ``kill``), never a traceback. Whatever a
stopped build had written is in its staging folder, removed on the way out or
by the next build (`geo.output`).
"""

from __future__ import annotations

import signal
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # annotations only: nothing more is imported before the command line's own modules
    from types import FrameType
    from typing import NoReturn

EXIT_INTERRUPTED, EXIT_TERMINATED = 130, 143


class _Terminated(BaseException):
    """SIGTERM, raised in the main thread so that ``finally`` blocks clean up."""


_received: list[int] = []  # the signals that asked this run to stop


def stop_requested() -> int | None:
    """The signal that asked this run to stop, if one did.

    A stop can surface as another exception: a Ctrl-C inside a C extension's
    import (OpenCC's) comes back as an ImportError. With a stop requested,
    that is a stop, not a bug (`geo.cli` asks before calling anything internal).
    """
    return _received[-1] if _received else None


def _on_sigint(signum: int, frame: FrameType | None) -> NoReturn:
    _received.append(signum)
    raise KeyboardInterrupt


def _on_sigterm(signum: int, frame: FrameType | None) -> NoReturn:
    _received.append(signum)
    raise _Terminated


def raise_stop() -> NoReturn:
    """Raise the exception of the stop that was requested (see `stop_requested`)."""
    raise _Terminated if stop_requested() == signal.SIGTERM else KeyboardInterrupt


def language_in(argv: list[str]) -> str:
    """The language the command line asks for (``--lang en``, ``--lang=en``), else ``zh``.

    For the few words said before (or without) reading ``geo.toml``: a stop.
    """
    from .messages import LANGUAGES

    for n, arg in enumerate(argv):
        if arg == "--lang" and n + 1 < len(argv):
            value = argv[n + 1]
        elif arg.startswith("--lang="):
            value = arg.partition("=")[2]
        else:
            continue
        if value in LANGUAGES:
            return value
    return "zh"


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return its exit code."""
    if signal.getsignal(signal.SIGTERM) is signal.SIG_DFL:
        signal.signal(signal.SIGTERM, _on_sigterm)
    if signal.getsignal(signal.SIGINT) is signal.default_int_handler:
        signal.signal(signal.SIGINT, _on_sigint)
    try:
        from .cli import main as cli_main

        return cli_main(argv)
    except KeyboardInterrupt:
        _stopped(argv)
        return EXIT_INTERRUPTED
    except _Terminated:
        _stopped(argv)
        return EXIT_TERMINATED
    except Exception:
        if stop_requested() is None:
            raise
        _stopped(argv)
        return EXIT_TERMINATED if stop_requested() == signal.SIGTERM else EXIT_INTERRUPTED


def _stopped(argv: list[str] | None) -> None:
    try:
        from .messages import msg

        words = msg("cli.stopped").text(language_in(sys.argv[1:] if argv is None else argv))
    except BaseException:  # a second Ctrl-C, or OpenCC not loadable while stopping: say it in the default words
        words = "已中止"
    try:
        sys.stderr.write(f"\n{words}\n")
        sys.stderr.flush()
    except (OSError, ValueError):
        pass

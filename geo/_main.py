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


_received: list[int] = []  # the signals that asked this run to stop


def stop_requested() -> int | None:
    """The signal that asked this run to stop, if one did.

    A stop can surface as another exception: a Ctrl-C inside a C extension's
    import (OpenCC's) comes back as an ImportError. With a stop requested,
    that is a stop, not a bug (`geo.cli` asks before calling anything internal).
    """
    return _received[-1] if _received else None


def _on_sigint(signum, frame):
    _received.append(signum)
    raise KeyboardInterrupt


def _on_sigterm(signum, frame):
    _received.append(signum)
    raise _Terminated


def raise_stop() -> None:
    """Raise the exception of the stop that was requested (see `stop_requested`)."""
    raise _Terminated if stop_requested() == signal.SIGTERM else KeyboardInterrupt


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
        _stopped()
        return EXIT_INTERRUPTED
    except _Terminated:
        _stopped()
        return EXIT_TERMINATED
    except Exception:
        if stop_requested() is None:
            raise
        _stopped()
        return EXIT_TERMINATED if stop_requested() == signal.SIGTERM else EXIT_INTERRUPTED


def _stopped() -> None:
    try:
        sys.stderr.write("\n已中止\n")
        sys.stderr.flush()
    except (OSError, ValueError):
        pass

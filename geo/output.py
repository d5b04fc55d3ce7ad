"""The output folder is all one build: staged beside ``--out``, swapped in whole.

A build writes everything into a fresh staging folder next to the output
folder (same parent, so the same file system), and only when every file is
written does the staging folder take the output folder's place:

- on Linux, in one atomic step (``renameat2(RENAME_EXCHANGE)``): a reader sees
  the old build or the new one, never a mix and never no folder;
- elsewhere, or on a file system without that call, by two renames (old
  aside, new in): for that instant the folder is missing, never mixed.

A build that is killed leaves the previous output exactly as it was; its
staging folder is removed by the next build. A lock file beside the output
folder (``.<name>.lock``, via the `filelock` package) makes a second build
into the same folder stop at once with a message instead of mixing two
projects. Files are written with ordinary permissions (0666 less the umask),
and the output folder keeps the permissions it had.

An existing output folder is replaced only when it is empty or was written
by geo (it has ``reports/run.json``): a folder of the user's own files is
never swapped away. When the input is invalid the output folder is left as
it was and the problem list goes beside it, into ``<out>-problems/``.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import logging
import os
import secrets
import shutil
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout

from .errors import GeoError
from .messages import msg

__all__ = [
    "OutputBusyError",
    "OutputError",
    "output_lock",
    "problems_folder",
    "remove_problems_folder",
    "staged_folder",
]

log = logging.getLogger(__name__)

MARKER = Path("reports") / "run.json"  # every build and check writes it: the folder is geo's


class OutputError(GeoError, OSError):
    """The output folder cannot be used (it holds the user's own files)."""


class OutputBusyError(GeoError, RuntimeError):
    """Another geo run is writing the same output folder."""


PROBLEM_FILES = ("ledger.csv", "ledger_summary.csv")


def problems_folder(out_dir: str | Path) -> Path:
    """Where the problem list goes when the input is invalid: beside the output, which stays as it was."""
    out_dir = Path(os.path.realpath(out_dir))  # "." has no name of its own
    return out_dir.with_name(f"{out_dir.name}-problems")


def remove_problems_folder(out_dir: str | Path) -> None:
    """After a good build, an old problem list would mislead: remove it (only if it holds nothing else)."""
    folder = problems_folder(out_dir)
    if folder.is_dir() and {p.name for p in folder.iterdir()} <= set(PROBLEM_FILES):
        shutil.rmtree(folder, ignore_errors=True)


# What geo's other commands put in an output folder of their own (`geo print`, `geo share`): a folder
# holding only these is still geo's, and a build may replace it. Nothing else is assumed to be geo's.
SIDE_OUTPUTS = ("print", "share")


def _is_geo_output(folder: Path, marker: Path) -> bool:
    if not folder.exists():
        return True
    if not folder.is_dir():
        return False
    if (folder / marker).is_file():
        return True
    return all(entry.name in SIDE_OUTPUTS and entry.is_dir() for entry in folder.iterdir())


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically (Linux ``renameat2`` with ``RENAME_EXCHANGE``); False where unsupported."""
    if not hasattr(os, "uname") or os.uname().sysname != "Linux":
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    if renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP, errno.EPERM):
        log.debug("renameat2 exchange not supported here (%s); using two renames", os.strerror(code))
        return False
    raise OSError(code, os.strerror(code), str(b))


def _leftovers(parent: Path, name: str) -> list[Path]:
    return sorted([*parent.glob(f".{name}.staging-*"), *parent.glob(f".{name}.old-*")])


def _recover(target: Path) -> None:
    """Undo what a killed run left: restore an output set aside, remove staging folders."""
    parent, name = target.parent, target.name
    for path in _leftovers(parent, name):
        if path.name.startswith(f".{name}.old-") and not target.exists():
            log.info("restoring %s, set aside by a run that was stopped", target)
            os.rename(path, target)
        else:
            log.debug("removing %s, left by a run that was stopped", path)
            shutil.rmtree(path, ignore_errors=True)


def _umask() -> int:
    """The process's umask (read without changing it where the system allows)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except OSError:
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _ordinary_permissions(folder: Path) -> None:
    """Files 0666 and folders 0777, less the umask, whatever wrote them (SQLite makes a GeoPackage 0644)."""
    mask = _umask()
    for root, dirs, files in os.walk(folder):
        for name in dirs:
            os.chmod(os.path.join(root, name), 0o777 & ~mask)
        for name in files:
            os.chmod(os.path.join(root, name), 0o666 & ~mask)


def _swap_in(staging: Path, target: Path) -> None:
    """Put `staging` in `target`'s place; the old output, if any, is removed."""
    _ordinary_permissions(staging)
    if not target.exists():
        os.rename(staging, target)
        return
    os.chmod(staging, stat.S_IMODE(target.stat().st_mode))  # keep the folder's own permissions
    if _exchange(staging, target):
        shutil.rmtree(staging, ignore_errors=True)  # now holds the old output
        return
    old = target.with_name(f".{target.name}.old-{secrets.token_hex(4)}")
    os.rename(target, old)
    os.rename(staging, target)
    shutil.rmtree(old, ignore_errors=True)


@contextmanager
def output_lock(folder: str | Path) -> Iterator[None]:
    """Hold `folder`'s lock (``.<name>.lock`` beside it): one geo run writes an output folder at a time.

    Raises
    ------
    OutputBusyError
        When another run holds it.
    """
    locked = Path(os.path.realpath(folder))
    locked.parent.mkdir(parents=True, exist_ok=True)
    lock_file = FileLock(locked.parent / f".{locked.name}.lock", timeout=0)
    try:
        lock_file.acquire()
    except Timeout:
        raise OutputBusyError(msg("output.busy", folder=str(locked))) from None
    try:
        yield
    finally:
        lock_file.release()


@contextmanager
def staged_folder(target: str | Path, *, lock: str | Path | None = None, marker: Path = MARKER) -> Iterator[Path]:
    """Yield a new empty folder to write into; on success it replaces `target` whole.

    Parameters
    ----------
    target
        The folder to replace (``--out``, or ``--out/reports`` for ``geo check``).
    lock
        The folder whose lock to hold (default `target`): ``geo check`` locks
        the whole output folder though it replaces only ``reports/``.
    marker
        A file, relative to `target`, that shows an existing folder was written by geo.

    Raises
    ------
    OutputBusyError
        When another run holds the lock.
    OutputError
        When `target` exists and holds files that geo did not write.
    """
    target = Path(os.path.realpath(target))  # a symlinked output folder is replaced where it really is
    with output_lock(lock if lock is not None else target):
        target.parent.mkdir(parents=True, exist_ok=True)
        _recover(target)
        if not _is_geo_output(target, marker):
            raise OutputError(msg("output.not_ours", folder=str(target)))
        staging = target.with_name(f".{target.name}.staging-{secrets.token_hex(4)}")
        os.mkdir(staging)  # 0777 less the umask, as any folder the user makes
        try:
            yield staging
            _swap_in(staging, target)
        finally:
            if staging.exists():
                shutil.rmtree(staging, ignore_errors=True)

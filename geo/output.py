"""The output folder: staged beside ``--out``, swapped in whole, locked; nothing a person put there is lost.

Every command that writes into an output folder (``geo build``, ``geo check``,
``geo bulletin``, ``geo print``, ``geo share``) does so as one `transaction`:

1. it takes the folder's lock (``.<name>.lock`` beside it, via the `filelock`
   package): a second run into the same folder stops at once (`OutputBusyError`);
2. it writes its own files into a fresh staging folder beside the output
   (``.<name>.staging-*``; temporary files go into ``.<name>.work-*`` beside
   it, never the system's temporary folder);
3. when every file is written, it carries into the staging folder everything
   of the current output it does not replace — the other commands' files and
   every file geo did not write — as hard links (a copy where the file system
   has none), records what geo wrote in the manifest (``.geo-manifest.json``:
   each file's command, size, time and SHA-256), and swaps the staging folder in:

   - on Linux, in one atomic step (``renameat2(RENAME_EXCHANGE)``): a reader
     sees the old folder or the new one, never a mix and never no folder;
   - elsewhere, or on a file system without that call, by two renames (old
     aside, new in): for that instant the folder is missing, never mixed.

A run that is killed leaves the previous output exactly as it was; what it
left beside (staging, work folders, an output set aside) is removed or put
back by the next run. A file that changed in the output while the run went
on is moved into the new folder, never lost.

What a command replaces: its own files of the same name, and — for a
command's whole run — the files it wrote last time and no longer writes (a
build the previous build's maps and reports, ``geo check`` the previous
reports, ``geo print`` and ``geo share`` for every leader the previous pages
and packs). It never replaces a file geo did not write, nor one a person
changed after geo wrote it (the manifest's hash says so): a build refuses,
naming the file (`OutputError`); a bulletin, a page or a pack is written
under the next free name instead (``通报_<date>_2.docx``) and the run says so.

A folder that holds files and was never written by geo (no manifest, no
``reports/run.json``) is never used. Files are written with ordinary
permissions (0666 less the umask); the output folder keeps its own, and a
file carried keeps its own. When the input is invalid the output folder is
left as it was and the problem list goes beside it, into ``<out>-problems/``
(`staged_folder`: a folder that is wholly geo's).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import json
import logging
import os
import re
import secrets
import shutil
import stat
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from filelock import FileLock, Timeout

from .errors import GeoError
from .messages import Msg, msg, seq

__all__ = [
    "MANIFEST",
    "OutputBusyError",
    "OutputError",
    "Transaction",
    "output_lock",
    "problems_folder",
    "remove_problems_folder",
    "replace_folder",
    "staged_folder",
    "transaction",
]

log = logging.getLogger(__name__)

MARKER = Path("reports") / "run.json"  # every build and check writes it: a folder of an earlier geo is geo's
MANIFEST = ".geo-manifest.json"  # what geo wrote in the output folder: each file's command, size and hash
MANIFEST_FORMAT = 1


class OutputError(GeoError, OSError):
    """The output folder cannot be used as asked (it holds the user's own files in the way)."""


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
# holding only these is still geo's (an earlier geo wrote no manifest).
SIDE_OUTPUTS = ("print", "share")

# The files an earlier geo (before the manifest) wrote, by command: a folder it left is read as if it
# had a manifest of these (with no hash: taken as geo's as they are). A bulletin's Word file is not
# among them: a person may have edited it, and nothing tells, so it is kept as theirs.
_EARLIER = (
    (re.compile(r"(index|overview|gaps|changes)\.html|(leaders|inspectors)/[^/]+\.html"), "build"),
    (
        re.compile(
            r"reports/(summary\.json|run\.json|changes\.csv|gaps\.csv|gaps\.geojson|roads\.csv|sections\.csv"
            r"|leaders\.csv|communities\.csv|issues\.csv|status\.csv|ledger\.csv|ledger_summary\.csv"
            r"|responsibility\.gpkg|photos/[0-9a-f]{16}\.(jpg|png|webp))"
        ),
        "build",
    ),
    (re.compile(r"reports/bulletin\.html"), "bulletin"),
    (re.compile(r"print/(overview|leaders/[^/]+)\.(pdf|png)"), "print"),
    (re.compile(r"share/[^/]+\.zip"), "share"),
)


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


_LEFT = re.compile(r"\.(?P<name>.+)\.(?P<kind>staging|old|work)-[0-9a-f]+")


def _recover(parent: Path, name: str | None) -> None:
    """Undo what killed runs left in `parent`: put back a folder set aside, remove staging and work folders.

    Only those of the folder `name`; of every folder in `parent` when None (the caller holds a lock
    over all of them: a project's history).
    """
    for path in sorted(parent.iterdir()) if parent.is_dir() else []:
        found = _LEFT.fullmatch(path.name)
        if found is None or (name is not None and found["name"] != name):
            continue
        home = parent / found["name"]
        if found["kind"] == "old" and not os.path.lexists(home):
            log.info("restoring %s, set aside by a run that was stopped", home)
            os.rename(path, home)
        else:
            log.debug("removing %s, left by a run that was stopped", path)
            _remove(path)


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


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


def _swap(staging: Path, target: Path) -> Path | None:
    """Put `staging` in `target`'s place; return where the old `target` now is (for the caller to remove)."""
    if not os.path.lexists(target):
        os.rename(staging, target)
        return None
    if _exchange(staging, target):
        return staging  # now holds the old one
    old = target.with_name(f".{target.name}.old-{secrets.token_hex(4)}")
    os.rename(target, old)
    os.rename(staging, target)
    return old


def replace_folder(staging: str | Path, target: str | Path) -> None:
    """Put the folder `staging` in `target`'s place, in one step where the system allows (`_swap`).

    A run killed half-way leaves `target` as it was, or set aside as ``.<name>.old-*``, which
    `recover_beside` puts back. The caller holds a lock over `target`.
    """
    old = _swap(Path(staging), Path(target))
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def recover_beside(folder: str | Path) -> None:
    """Put back what killed `replace_folder` calls set aside in `folder`, and remove their staging folders.

    For a folder whose every entry the caller's lock covers (a project's ``history/``).
    """
    _recover(Path(folder), None)


@contextmanager
def output_lock(folder: str | Path, wait: float = 0) -> Iterator[None]:
    """Hold `folder`'s lock (``.<name>.lock`` beside it): one geo run writes a folder at a time.

    `wait` is how many seconds to wait for another run to let go (0: not at all).

    Raises
    ------
    OutputBusyError
        When another run holds it (still, after `wait`).
    """
    locked = Path(os.path.realpath(folder))
    locked.parent.mkdir(parents=True, exist_ok=True)
    lock_file = FileLock(locked.parent / f".{locked.name}.lock", timeout=wait)
    try:
        lock_file.acquire()
    except Timeout:
        raise OutputBusyError(msg("output.busy", folder=str(locked))) from None
    try:
        yield
    finally:
        lock_file.release()


def _is_geo_output(folder: Path, marker: Path) -> bool:
    if not folder.exists():
        return True
    if not folder.is_dir():
        return False
    if (folder / marker).is_file():
        return True
    return all(entry.name in SIDE_OUTPUTS and entry.is_dir() for entry in folder.iterdir())


@contextmanager
def staged_folder(target: str | Path, *, lock: str | Path | None = None, marker: Path = MARKER) -> Iterator[Path]:
    """Yield a new empty folder to write into; on success it replaces `target` whole (nothing carried).

    For a folder that is wholly geo's (``<out>-problems/``, ``geo validate --out``); an output
    folder that other commands and people share is written by `transaction`.

    Parameters
    ----------
    target
        The folder to replace.
    lock
        The folder whose lock to hold (default `target`).
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
        _recover(target.parent, target.name)
        if not _is_geo_output(target, marker):
            raise OutputError(msg("output.not_ours", folder=str(target), file=_first_file(target)))
        staging = target.with_name(f".{target.name}.staging-{secrets.token_hex(4)}")
        os.mkdir(staging)  # 0777 less the umask, as any folder the user makes
        try:
            yield staging
            _ordinary_permissions(staging)
            if target.exists():
                os.chmod(staging, stat.S_IMODE(target.stat().st_mode))  # keep the folder's own permissions
            replace_folder(staging, target)
        finally:
            if staging.exists():
                shutil.rmtree(staging, ignore_errors=True)


def _first_file(folder: Path) -> str:
    """A file of `folder`, named as the user sees it inside (the first in order), or the folder itself."""
    if not folder.is_dir():
        return folder.name
    for root, dirs, files in os.walk(folder):
        dirs.sort()
        for name in sorted(files):
            return Path(os.path.relpath(os.path.join(root, name), folder)).as_posix()
    entries = sorted(p.name for p in folder.iterdir())
    return entries[0] if entries else folder.name


# ----------------------------------------------------------------------------- the manifest
@dataclass(frozen=True)
class Entry:
    """A file geo wrote: the command (``build``, ``bulletin``, ``print``, ``share``), its size, time and SHA-256.

    An earlier geo's file (no manifest) has none of them: it is taken as geo's as it is.
    """

    by: str
    size: int | None = None
    sha256: str | None = None
    mtime_ns: int | None = None  # the file's time when geo wrote it: the same time and size, the same file


def _sha256(path: Path) -> str:
    import hashlib  # (imported by the commands that write, not by geo --help)

    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _hashes(paths: list[Path]) -> list[str]:
    """The SHA-256 of each file, several at a time (hashlib lets go of the interpreter while it hashes)."""
    if len(paths) < 8:
        return [_sha256(p) for p in paths]
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=min(4, os.cpu_count() or 1)) as pool:
        return list(pool.map(_sha256, paths))


def _read_manifest(folder: Path) -> dict[str, Entry] | None:
    """The manifest's entries, or None when it is missing or cannot be read."""
    path = folder / MANIFEST
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        files = data["files"]
        entries = {
            str(rel): Entry(str(e["by"]), int(e["size"]), str(e["sha256"]), _whole(e.get("mtime_ns")))
            for rel, e in files.items()
            if isinstance(e, dict)
        }
    except FileNotFoundError:
        return None
    except (OSError, ValueError, TypeError, KeyError, AttributeError, RecursionError):
        log.warning("%s cannot be read: the files geo wrote are told by their names", path)
        return None
    if not isinstance(data.get("format"), int) or data["format"] > MANIFEST_FORMAT:
        log.warning("%s was written by a newer geo: the files geo wrote are told by their names", path)
        return None
    return entries


def _whole(value) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _write_manifest(path: Path, entries: dict[str, Entry]) -> None:
    files = {
        rel: {"by": e.by, "size": e.size, "sha256": e.sha256, "mtime_ns": e.mtime_ns}
        for rel, e in sorted(entries.items())
        if e.size is not None and e.sha256 is not None
    }
    text = json.dumps({"format": MANIFEST_FORMAT, "files": files}, ensure_ascii=False, indent=1)
    path.write_text(text + "\n", encoding="utf-8")


def _scan(folder: Path) -> dict[str, os.stat_result]:
    """Every entry under `folder` (not following links), by its path inside as ``a/b.txt``, with its lstat."""
    found: dict[str, os.stat_result] = {}

    def walk(here: Path, prefix: str) -> None:
        try:
            entries = sorted(os.scandir(here), key=lambda e: e.name)
        except FileNotFoundError:
            return
        for entry in entries:
            rel = f"{prefix}{entry.name}"
            try:
                info = entry.stat(follow_symlinks=False)
            except FileNotFoundError:
                continue
            found[rel] = info
            if stat.S_ISDIR(info.st_mode):
                walk(Path(entry.path), f"{rel}/")

    walk(folder, "")
    return found


def _earlier_geo(found: dict[str, os.stat_result]) -> dict[str, Entry]:
    """What an earlier geo (no manifest) wrote among `found` (`_scan`), told by the file names it used."""
    entries = {}
    for rel, info in found.items():
        if stat.S_ISREG(info.st_mode):
            for pattern, by in _EARLIER:
                if pattern.fullmatch(rel):
                    entries[rel] = Entry(by)
                    break
    return entries


def _state(folder: Path, notices: list[Msg]) -> dict[str, Entry]:
    """What of `folder` geo wrote (by the manifest, or by name for an earlier geo).

    Raises
    ------
    OutputError
        When `folder` is not a folder, or holds files and was never written by geo.
    """
    if not os.path.lexists(folder):
        return {}
    if not folder.is_dir():
        raise OutputError(msg("output.not_a_folder", folder=str(folder)))
    entries = _read_manifest(folder)
    if entries is not None:
        return entries
    found = _scan(folder)
    if (folder / MANIFEST).exists():
        notices.append(msg("output.manifest_unreadable", file=MANIFEST))
        return _earlier_geo(found)
    if not found or (folder / MARKER).is_file() or all(rel.split("/")[0] in SIDE_OUTPUTS for rel in found):
        return _earlier_geo(found)
    raise OutputError(msg("output.not_ours", folder=str(folder), file=_first_file(folder)))


def _unchanged(path: Path, info: os.stat_result, entry: Entry) -> bool:
    """Whether the file at `path` is as geo wrote it: the same size and time, else the same hash.

    The time spares reading every file a rebuild replaces; the hash still knows a folder copied
    without its times (``cp -r``) or a file saved again unchanged.
    """
    if not stat.S_ISREG(info.st_mode):
        return False
    if entry.size is None or entry.sha256 is None:
        return True  # an earlier geo's file, known by its name only
    if info.st_size != entry.size:
        return False
    if entry.mtime_ns is not None and info.st_mtime_ns == entry.mtime_ns:
        return True
    try:
        return _sha256(path) == entry.sha256
    except FileNotFoundError:
        return False


def _same_file(a: os.stat_result, b: os.stat_result) -> bool:
    """Whether two stats show the same unchanged file (same inode, size and time)."""
    return (a.st_dev, a.st_ino, a.st_size, a.st_mtime_ns) == (b.st_dev, b.st_ino, b.st_size, b.st_mtime_ns)


def _parents(rel: str) -> list[str]:
    parts = rel.split("/")
    return ["/".join(parts[:n]) for n in range(1, len(parts))]


def _next_name(rel: str, n: int) -> str:
    path = PurePosixPath(rel)
    return str(path.with_name(f"{path.stem}_{n}{path.suffix}"))


_TEMP = threading.Lock()  # tempfile.tempdir is one per process: one override at a time


@dataclass
class Transaction:
    """One command's write into an output folder (`transaction`): write into `stage`; the rest is carried.

    After the ``with`` block, `final` says where a file written into `stage` now is in the output
    folder (a bulletin may have a new name), and `notices` what the run has to say about it.
    """

    folder: Path  # the output folder (its real path)
    stage: Path  # write the command's own files here, as in the output folder
    command: str
    replaces: Callable[[str, Entry], bool]
    keep_both: bool
    notices: list[Msg] = field(default_factory=list)
    _renamed: dict[str, str] = field(default_factory=dict)
    _scratch: Path | None = None

    def final(self, path: str | Path) -> Path:
        """Where the file written at `path` (in `stage`) is in the output folder."""
        rel = Path(path).relative_to(self.stage).as_posix()
        return self.folder / self._renamed.get(rel, rel)

    @property
    def scratch(self) -> Path:
        """A folder for temporary files beside the output (``.<name>.work-*``), gone at the end or at the next run."""
        if self._scratch is None:
            self._scratch = self.folder.with_name(f".{self.folder.name}.work-{secrets.token_hex(4)}")
            os.mkdir(self._scratch, 0o700)
        return self._scratch

    @contextmanager
    def temporary_files(self) -> Iterator[None]:
        """Python's temporary files (`tempfile`) go into `scratch` meanwhile: a killed run's are removed next time."""
        import tempfile

        with _TEMP:
            before = tempfile.tempdir
            tempfile.tempdir = str(self.scratch)
            try:
                yield
            finally:
                tempfile.tempdir = before

    # -------------------------------------------------------------------- commit
    def _commit(self, before: dict[str, Entry]) -> None:
        folder, stage = self.folder, self.stage
        written = _scan(stage)
        if MANIFEST in written:
            raise RuntimeError(f"a command wrote {MANIFEST} itself")
        new_dirs = {rel for rel, info in written.items() if stat.S_ISDIR(info.st_mode)}
        new_files = set(written) - new_dirs
        now = _scan(folder) if os.path.lexists(folder) else {}  # as it is now: the run may have taken long
        now.pop(MANIFEST, None)
        ours = {rel for rel, info in now.items() if rel in before and _unchanged(folder / rel, info, before[rel])}
        is_dir = {rel for rel, info in now.items() if stat.S_ISDIR(info.st_mode)}
        # a file of the person's where this run writes a folder (or the other way round)
        in_the_way = sorted(
            {p for rel in written for p in _parents(rel) if p in now and p not in is_dir}
            | {rel for rel in new_dirs if rel in now and rel not in is_dir}
            | {rel for rel in new_files if rel in is_dir}
        )
        if in_the_way:
            raise OutputError(msg("output.in_the_way", folder=str(folder), file=in_the_way[0]))
        theirs = sorted(rel for rel in new_files if rel in now and rel not in ours)
        if theirs and not self.keep_both:
            raise OutputError(
                msg("output.edited", folder=str(folder), files=seq(theirs[:5]), more=" …" if len(theirs) > 5 else "")
            )
        for rel in theirs:  # the new file takes the next free name: a bulletin a person edited stays as it is
            n = 2
            while (other := _next_name(rel, n)) in new_files or (other in now and other not in ours):
                n += 1
            os.rename(stage / rel, stage / other)
            new_files.discard(rel)
            new_files.add(other)
            self._renamed[rel] = other
            self.notices.append(msg("output.kept_both", file=rel, new=other))
        _ordinary_permissions(stage)  # what this run wrote; what it carries keeps its own
        entries: dict[str, Entry] = {}
        checked: dict[str, os.stat_result] = {}  # what the new folder holds of the old, or replaces, as it was
        holding = {p for rel in now for p in _parents(rel)}
        for rel, info in now.items():
            if rel in is_dir:
                if rel not in holding and not os.path.lexists(stage / rel):
                    os.makedirs(stage / rel, exist_ok=True)  # an empty folder of the person's
                    os.chmod(stage / rel, stat.S_IMODE(info.st_mode))
                continue
            checked[rel] = info
            if rel in new_files or (rel in ours and self.replaces(rel, before[rel])):
                continue  # replaced, or no longer written
            self._carry(folder, stage, rel, info, now)
            if rel in ours:  # still geo's, as it is now (its time, once its hash said it is unchanged)
                entries[rel] = Entry(before[rel].by, info.st_size, before[rel].sha256, info.st_mtime_ns)
            elif rel in before and self.replaces(rel, before[rel]):
                self.notices.append(msg("output.kept_edited", file=rel))
        # the command's own files, and an earlier geo's that it keeps (known by name only until now)
        mine = sorted(new_files | {rel for rel, entry in entries.items() if entry.sha256 is None})
        for rel, digest in zip(mine, _hashes([stage / rel for rel in mine])):
            info = os.stat(stage / rel)
            by = self.command if rel in new_files else entries[rel].by
            entries[rel] = Entry(by, info.st_size, digest, info.st_mtime_ns)
        manifest = stage / MANIFEST
        _write_manifest(manifest, entries)
        os.chmod(manifest, 0o666 & ~_umask())
        if os.path.lexists(folder):
            os.chmod(stage, stat.S_IMODE(folder.stat().st_mode))  # keep the folder's own permissions
        old = _swap(stage, folder)
        if old is not None:
            self._rescue(old, checked)
            shutil.rmtree(old, ignore_errors=True)

    def _carry(self, folder: Path, stage: Path, rel: str, info: os.stat_result, now) -> None:
        """Put the old output's `rel` into the staging folder as it is: a hard link, else a copy."""
        for parent in _parents(rel):
            if not os.path.lexists(stage / parent):
                os.mkdir(stage / parent)
                if parent in now:
                    os.chmod(stage / parent, stat.S_IMODE(now[parent].st_mode))
                else:
                    os.chmod(stage / parent, 0o777 & ~_umask())
        source, target = folder / rel, stage / rel
        try:
            if stat.S_ISLNK(info.st_mode):
                os.symlink(os.readlink(source), target)
                return
            try:
                os.link(source, target, follow_symlinks=False)
            except FileNotFoundError:
                raise
            except OSError as err:
                if not stat.S_ISREG(info.st_mode):
                    raise OutputError(msg("output.cannot_keep", file=rel, reason=str(err.strerror or err))) from err
                shutil.copy2(source, target)
        except FileNotFoundError:  # the person deleted it meanwhile: so be it
            log.info("%s went while geo wrote the folder", rel)

    def _rescue(self, old: Path, checked: dict[str, os.stat_result]) -> None:
        """Move into the new folder what changed in the old one while the run went on (nothing is lost)."""
        for rel, info in _scan(old).items():
            if stat.S_ISDIR(info.st_mode) or rel == MANIFEST:
                continue
            was = checked.get(rel)
            if was is not None and _same_file(info, was):
                continue  # as it was when the run looked: replaced, or carried
            if was is not None and stat.S_ISREG(info.st_mode):
                try:
                    kept = os.lstat(self.folder / rel)
                except FileNotFoundError:
                    kept = None
                if kept is not None and (kept.st_dev, kept.st_ino) == (info.st_dev, info.st_ino):
                    continue  # carried as a hard link: the change is in the new folder too
            other, n = rel, 2
            while os.path.lexists(self.folder / other):
                other, n = _next_name(rel, n), n + 1
            os.makedirs((self.folder / other).parent, exist_ok=True)
            os.rename(old / rel, self.folder / other)
            log.warning("%s changed while geo wrote the folder: kept as %s", rel, other)
            self.notices.append(msg("output.rescued", file=rel, new=other))


@contextmanager
def transaction(
    out_dir: str | Path,
    command: str,
    *,
    replaces: Callable[[str, Entry], bool] | None = None,
    keep_both: bool = False,
) -> Iterator[Transaction]:
    """Write a command's files into the output folder as one step, keeping everything else (see the module).

    Parameters
    ----------
    out_dir
        The output folder (``--out``); made when missing.
    command
        Who writes: ``build`` (``geo build`` and ``geo check``), ``bulletin``, ``print``, ``share``.
    replaces
        Which of the files geo wrote before (path inside the folder, `Entry`) this run replaces
        even when it does not write them again (they are removed); default none but the files it writes.
    keep_both
        A file of the person's (or one geo wrote and a person changed) where this run writes one:
        True writes the new one under the next free name (``name_2.ext``) and says so; False refuses.

    Raises
    ------
    OutputBusyError
        When another run holds the folder's lock.
    OutputError
        When the folder holds files and was never written by geo; when a file this run writes is
        a person's and `keep_both` is False (nothing is changed then).
    """
    folder = Path(os.path.realpath(out_dir))  # a symlinked output folder is written where it really is
    with output_lock(folder):
        folder.parent.mkdir(parents=True, exist_ok=True)
        _recover(folder.parent, folder.name)
        notices: list[Msg] = []
        before = _state(folder, notices)
        stage = folder.with_name(f".{folder.name}.staging-{secrets.token_hex(4)}")
        os.mkdir(stage)  # 0777 less the umask, as any folder the user makes
        run = Transaction(folder, stage, command, replaces or (lambda rel, entry: False), keep_both, notices)
        try:
            yield run
            run._commit(before)
        finally:
            for path in (stage, run._scratch):
                if path is not None and path.exists():
                    shutil.rmtree(path, ignore_errors=True)

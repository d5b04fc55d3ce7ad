"""Replies from the field: what leaders and inspection groups send back from their maps (contract v3).

A leader's map and an inspection group's map let their person mark work
(a status item done or in progress, an issue resolved), pin new problems,
and, for an inspection group, confirm (核实) or send back (退回) what a
leader reported done. The page writes all of it as one **reply**: a JSON
object of data only (``docs/replies.md``; the JSON Schema is
``geo/reply.schema.json``), signed with a key that only that person's map
carries.

Keys come from the project's **secret** (``<project>/.geo-secret``: 32 random
bytes, created once, readable by its owner only, never written into an
output): ``person_key`` is HMAC-SHA256 of the secret over the map's kind and
the person's id, so a map can sign for its own person and no one else. The
signature is HMAC-SHA256 under that key of the reply's canonical form
(`canonical`: sorted keys, no spaces, ASCII with ``\\uXXXX`` escapes, the
same bytes ``static/reply.js`` makes).

The stages:

- `read_reply` (a downloaded file, or text pasted from the clipboard) →
  `check_reply`: its shape and limits, the project, the signature, its photos
  (images, within the limits);
- `import_replies` (``geo import``): each checked reply kept as received in
  ``<project>/replies/``; the same reply twice is kept once;
- `load_replies` (every run): the kept replies as `Entry` records, a
  `Problem` for each file that does not check;
- `new_issues`: the problems pinned become issues (placed like any other);
- `settle` (in `geo.analyse`, once it knows who holds what): the marks applied
  on top of the office's ``status`` and ``issues`` by the rules below; every
  entry gets an `Outcome` for the ledger.

The rules of `settle`, entry by entry in the order they were made:

- only the person's own: a leader marks only items of the communities and
  roads they hold and the issues that are theirs; an inspection group only
  confirms or sends back (and pins problems);
- the office's table wins when it is later: an item whose ``updated`` date
  is after the day of the mark keeps the office's state;
- a done the office's table already has is not reported again;
- a leader's done is *reported* (已报完成) until an inspection group confirms
  that very report (已核实); the office's own done counts as confirmed; a
  report sent back (退回) leaves the item as the office has it;
- the same entry in two kept replies is applied once.
"""

from __future__ import annotations

import base64
import binascii
import functools
import hashlib
import hmac
import io
import json
import os
import re
import secrets
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from ._names import entry_stem
from .errors import Problem
from .messages import Msg, msg
from .model import Project

__all__ = [
    "ACTIONS",
    "FORMAT",
    "LIMITS",
    "SECRET_FILE",
    "VERSION",
    "Entry",
    "ImportOutcome",
    "KeptReplies",
    "Outcome",
    "ReplyError",
    "canonical",
    "check_reply",
    "import_replies",
    "item_key",
    "load_replies",
    "person_key",
    "project_secret",
    "project_token",
    "read_reply",
    "settle",
    "sign",
    "with_new_issues",
]

FORMAT = "geo-reply"
VERSION = 1
SECRET_FILE = ".geo-secret"
REPLIES_FOLDER = "replies"

# What each kind of map may send: a leader marks their own work and pins problems; an inspection
# group pins problems and confirms or sends back what a leader reported done.
ACTIONS: dict[str, tuple[str, ...]] = {
    "leader": ("done", "doing", "resolved", "report"),
    "inspectors": ("report", "confirm", "return"),
}


@dataclass(frozen=True)
class Limits:
    """How large a reply may be; a reply over any of them is refused, the limit named."""

    reply_bytes: int = 24 * 1024 * 1024  # the whole file (or pasted text)
    entries: int = 500
    photos: int = 60
    photo_bytes: int = 1024 * 1024  # one photo, decoded (the page makes them about 300 KB)
    photo_pixels: int = 1600  # the longer side
    text_chars: int = 2000  # a note, a category
    id_chars: int = 200  # an id, a key, a name


LIMITS = Limits()

_HEX64 = re.compile(r"^[0-9a-f]{64}$")
_ENTRY_ID = re.compile(r"^[0-9A-Za-z_-]{1,64}$")
_COORD = re.compile(r"^-?\d{1,3}\.\d{1,8}$")
_STAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})$")
_PHOTO_TYPES = {"image/jpeg": "JPEG", "image/png": "PNG", "image/webp": "WEBP"}


class ReplyError(ValueError):
    """A reply that cannot be taken: `message` says why (a `Msg`), with the fix."""

    def __init__(self, message: Msg, fix: Msg | str = ""):
        super().__init__(str(message))
        self.message = message
        self.fix = fix


# ----------------------------------------------------------------------------- keys and signatures
def project_secret(folder: str | Path, create: bool = False) -> bytes | None:
    """The project's secret (``<folder>/.geo-secret``), created once when `create`; None when there is none.

    The file holds 64 hex digits and is readable by its owner only (mode 0600,
    whatever the umask): it is what tells a reply from the project's maps
    from a forged one, so it never leaves the project folder.
    """
    path = Path(folder) / SECRET_FILE
    try:
        text = path.read_text("ascii").strip()
    except FileNotFoundError:
        if not create:
            return None
        value = secrets.token_bytes(32)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another run made it meanwhile: use theirs
            return project_secret(folder)
        with os.fdopen(fd, "w", encoding="ascii") as out:
            out.write(value.hex() + "\n")
        return value
    if not _HEX64.match(text):
        raise ReplyError(msg("reply.bad_secret", file=SECRET_FILE), msg("reply.bad_secret_fix", file=SECRET_FILE))
    return bytes.fromhex(text)


def project_token(secret: bytes) -> str:
    """The project as a reply names it: 16 hex digits derived from the secret (which they do not reveal)."""
    return hmac.new(secret, b"geo-reply-project", hashlib.sha256).hexdigest()[:16]


def person_key(secret: bytes, map_kind: str, person: str) -> bytes:
    """The key a person's map signs with: HMAC-SHA256(secret, ``geo-reply-key NUL <map> NUL <person id>``)."""
    label = b"geo-reply-key\x00" + map_kind.encode("utf-8") + b"\x00" + person.encode("utf-8")
    return hmac.new(secret, label, hashlib.sha256).digest()


def canonical(value: Any) -> bytes:
    """`value` as the bytes that are signed: JSON with sorted keys, no spaces, every non-ASCII character escaped.

    Only strings, integers, booleans, null, lists and objects occur in a reply
    (no fractions: coordinates are strings), so JavaScript's ``JSON.stringify``
    and Python's `json.dumps` agree on every value (``static/reply.js``).
    """
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=True, allow_nan=False).encode("ascii")


def sign(body: Mapping[str, Any], key: bytes) -> str:
    """The signature of a reply's `body` (everything but ``signature``) under `key`, as hex."""
    return hmac.new(key, canonical(dict(body)), hashlib.sha256).hexdigest()


def item_key(kind: str, target: str, item: str) -> str:
    """A status item as replies name it: ``community:C01:拆违`` (its kind, target id or road name, and item)."""
    return f"{kind}:{target}:{item}"


# ----------------------------------------------------------------------------- reading and checking
def read_reply(data: bytes, limits: Limits = LIMITS) -> dict[str, Any]:
    """A reply from a file's bytes: the JSON object itself, or text that holds it (pasted into a chat).

    Raises
    ------
    ReplyError
        Too large, not text, or no reply object in it.
    """
    if len(data) > limits.reply_bytes:
        raise ReplyError(msg("reply.too_large", size=len(data), limit=limits.reply_bytes), msg("reply.too_large_fix"))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ReplyError(msg("reply.not_text"), msg("reply.not_reply_fix")) from None
    start, end = text.find("{"), text.rfind("}")
    if start < 0 or end < start:
        raise ReplyError(msg("reply.no_object"), msg("reply.not_reply_fix"))
    try:
        value = json.loads(text[start : end + 1], parse_float=_no_float, parse_constant=_no_float)
    except (ValueError, RecursionError) as error:
        raise ReplyError(msg("reply.bad_json", detail=str(error)[:200]), msg("reply.not_reply_fix")) from None
    if not isinstance(value, dict) or value.get("format") != FORMAT:
        raise ReplyError(msg("reply.no_object"), msg("reply.not_reply_fix"))
    return value


def _no_float(text: str) -> Any:
    raise ValueError(f"a number with a fraction or exponent ({text[:20]}) has no place in a reply")


@dataclass(frozen=True)
class Entry:
    """One mark of a reply, checked for its shape (not yet for who holds what: `settle`).

    ``file`` is the reply's file as messages name it (``replies/回执_….json``)
    and ``row`` the entry's position in it (from 1).
    """

    file: str
    row: int
    map: str  # leader | inspectors
    person: str
    name: str  # the person's name as the map had it (for messages)
    n: str  # the entry's id, unique for its person
    at: datetime
    action: str  # done | doing | resolved | report | confirm | return
    item: str = ""  # a status item (`item_key`)
    issue: str = ""  # an issue id
    report: str = ""  # confirm/return: the report it names (`Entry.ref`)
    progress: int | None = None
    note: str = ""
    photo: str = ""  # the SHA-256 of a photo in `KeptReplies.photos`
    lon: float | None = None
    lat: float | None = None
    located: str = ""  # report: tap | gps
    category: str = ""

    @property
    def ref(self) -> str:
        """The entry as a confirmation names it: ``leader/L01/k3x9``."""
        return f"{self.map}/{self.person}/{self.n}"

    @property
    def day(self) -> date:
        return self.at.date()


def check_reply(reply: Mapping[str, Any], secret: bytes, limits: Limits = LIMITS) -> dict[str, bytes]:
    """Check a reply's shape, limits, project and signature; return its photos (SHA-256 hex -> bytes).

    Raises
    ------
    ReplyError
        Naming the first thing wrong: a field, a limit, another project, a
        signature that does not match (altered after signing, or signed by
        another person's map), a photo that is not an image.
    """
    _shape(reply, limits)
    if reply["project"] != project_token(secret):
        raise ReplyError(msg("reply.other_project"), msg("reply.other_project_fix"))
    body = {k: v for k, v in reply.items() if k != "signature"}
    expected = sign(body, person_key(secret, reply["map"], reply["person"]))
    if not hmac.compare_digest(expected, str(reply["signature"])):
        raise ReplyError(msg("reply.bad_signature", person=reply["person"]), msg("reply.bad_signature_fix"))
    return _photos(reply, limits)


def _fail(field_name: str, problem: str) -> ReplyError:
    return ReplyError(msg("reply.bad_field", field=field_name, problem=problem), msg("reply.not_reply_fix"))


def _text(value: Any, where: str, limit: int, required: bool = False) -> str:
    if not isinstance(value, str):
        raise _fail(where, "not a text")
    if required and not value.strip():
        raise _fail(where, "empty")
    if len(value) > limit:
        raise ReplyError(
            msg("reply.text_too_long", field=where, size=len(value), limit=limit), msg("reply.too_large_fix")
        )
    return value


def _shape(reply: Mapping[str, Any], limits: Limits) -> None:
    """The reply's fields as ``reply.schema.json`` says (checked here by hand: no schema library at run time)."""
    allowed = {"format", "version", "project", "map", "person", "name", "built", "sent", "entries", "photos"}
    unknown = set(reply) - allowed - {"signature"}
    if unknown:
        raise _fail(sorted(unknown)[0], "unknown field")
    if reply.get("version") != VERSION:
        version = str(reply.get("version"))
        raise ReplyError(msg("reply.version", version=version, known=VERSION), msg("reply.version_fix"))
    for name in ("project", "person", "signature"):
        _text(reply.get(name), name, limits.id_chars, required=True)
    _text(reply.get("name", ""), "name", limits.id_chars)
    if reply.get("map") not in ACTIONS:
        raise _fail("map", "neither leader nor inspectors")
    for name in ("built", "sent"):
        if name in reply:
            _text(reply[name], name, 40)
    entries = reply.get("entries")
    if not isinstance(entries, list):
        raise _fail("entries", "not a list")
    if len(entries) > limits.entries:
        raise ReplyError(
            msg("reply.too_many", what="entries", count=len(entries), limit=limits.entries), msg("reply.too_large_fix")
        )
    photos = reply.get("photos", {})
    if not isinstance(photos, dict):
        raise _fail("photos", "not an object")
    if len(photos) > limits.photos:
        raise ReplyError(
            msg("reply.too_many", what="photos", count=len(photos), limit=limits.photos), msg("reply.too_large_fix")
        )
    for number, entry in enumerate(entries, start=1):
        _entry_shape(entry, f"entries[{number}]", reply["map"], photos, limits)


_ENTRY_FIELDS = {
    "done": {"item"},
    "doing": {"item", "progress"},
    "resolved": {"issue"},
    "report": {"lon", "lat", "category"},
    "confirm": {"report"},
    "return": {"report"},
}
# what a confirmation or a send-back is about: the item or the issue the report marked (one of them)
_ABOUT = ("item", "issue")
_OPTIONAL = {"note", "photo", "located", "item", "issue"}


def _entry_shape(entry: Any, where: str, map_kind: str, photos: dict, limits: Limits) -> None:
    if not isinstance(entry, dict):
        raise _fail(where, "not an object")
    action = entry.get("action")
    if action not in ACTIONS[map_kind]:
        raise _fail(f"{where}.action", f"{str(action)[:40]!r} is not what a {map_kind} map sends")
    required = {"n", "at", "action"} | _ENTRY_FIELDS[action]
    missing = required - set(entry)
    if missing:
        raise _fail(f"{where}.{sorted(missing)[0]}", "missing")
    unknown = set(entry) - required - _OPTIONAL
    if unknown:
        raise _fail(f"{where}.{sorted(unknown)[0]}", "unknown field")
    if not isinstance(entry["n"], str) or not _ENTRY_ID.match(entry["n"]):
        raise _fail(f"{where}.n", "not an entry id (letters, digits, - and _)")
    if not isinstance(entry["at"], str) or not _STAMP.match(entry["at"]):
        raise _fail(f"{where}.at", "not a date and time with its zone")
    for name in ("item", "issue", "report"):
        if name in entry:
            _text(entry[name], f"{where}.{name}", limits.id_chars * 3, required=True)
    for name in ("note", "category"):
        if name in entry:
            _text(entry[name], f"{where}.{name}", limits.text_chars, required=name == "category")
    if "progress" in entry:
        value = entry["progress"]
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 100:
            raise _fail(f"{where}.progress", "not a whole number from 0 to 100")
    if action in ("confirm", "return") and sum(name in entry for name in _ABOUT) != 1:
        raise _fail(f"{where}.item", "a confirmation names the item or the issue it is about")
    if action == "report":
        for name, bound in (("lon", 180), ("lat", 90)):
            value = entry[name]
            if not isinstance(value, str) or not _COORD.match(value) or abs(float(value)) > bound:
                raise _fail(f"{where}.{name}", "not a coordinate in degrees written as text")
        if entry.get("located", "tap") not in ("tap", "gps"):
            raise _fail(f"{where}.located", "neither tap nor gps")
    if "photo" in entry and entry["photo"] not in photos:
        raise _fail(f"{where}.photo", "names no photo of the reply")


def _photos(reply: Mapping[str, Any], limits: Limits) -> dict[str, bytes]:
    """Each photo decoded and checked: the hash it is named by, an image of a known type, within the limits."""
    from PIL import Image, UnidentifiedImageError

    out = {}
    for digest, data_url in reply.get("photos", {}).items():
        where = f"photos[{str(digest)[:16]}]"
        if not isinstance(digest, str) or not _HEX64.match(digest) or not isinstance(data_url, str):
            raise _fail(where, "not a SHA-256 and an image")
        head, _, encoded = data_url.partition(",")
        kind = head.removeprefix("data:").removesuffix(";base64")
        if kind not in _PHOTO_TYPES or not head.endswith(";base64"):
            raise ReplyError(msg("reply.not_image", photo=digest[:12]), msg("reply.not_image_fix"))
        if len(encoded) > limits.photo_bytes * 4 // 3 + 4:
            raise ReplyError(
                msg("reply.photo_too_large", photo=digest[:12], size=len(encoded) * 3 // 4, limit=limits.photo_bytes),
                msg("reply.photo_too_large_fix"),
            )
        try:
            data = base64.b64decode(encoded, validate=True)
        except (binascii.Error, ValueError):
            raise ReplyError(msg("reply.not_image", photo=digest[:12]), msg("reply.not_image_fix")) from None
        if hashlib.sha256(data).hexdigest() != digest:
            raise _fail(where, "its bytes do not have that SHA-256")
        try:
            with Image.open(io.BytesIO(data)) as image:
                size = image.size
                image.verify()
                fmt = image.format
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
            raise ReplyError(msg("reply.not_image", photo=digest[:12]), msg("reply.not_image_fix")) from None
        if fmt != _PHOTO_TYPES[kind]:
            raise ReplyError(msg("reply.not_image", photo=digest[:12]), msg("reply.not_image_fix"))
        if max(size) > limits.photo_pixels:
            raise ReplyError(
                msg("reply.photo_too_wide", photo=digest[:12], size=max(size), limit=limits.photo_pixels),
                msg("reply.photo_too_large_fix"),
            )
        out[digest] = data
    return out


def _entries(reply: Mapping[str, Any], file: str) -> list[Entry]:
    """A checked reply's entries as records."""
    out = []
    for row, e in enumerate(reply["entries"], start=1):
        out.append(
            Entry(
                file=file,
                row=row,
                map=reply["map"],
                person=reply["person"],
                name=reply.get("name", ""),
                n=e["n"],
                at=datetime.fromisoformat(e["at"].replace("Z", "+00:00")),
                action=e["action"],
                item=e.get("item", ""),
                issue=e.get("issue", ""),
                report=e.get("report", ""),
                progress=100 if e["action"] == "done" else e.get("progress"),
                note=e.get("note", ""),
                photo=e.get("photo", ""),
                lon=float(e["lon"]) if "lon" in e else None,
                lat=float(e["lat"]) if "lat" in e else None,
                located=e.get("located", "tap" if e["action"] == "report" else ""),
                category=e.get("category", ""),
            )
        )
    return out


# ----------------------------------------------------------------------------- keeping (geo import)
@dataclass(frozen=True)
class ImportOutcome:
    """What `import_replies` did with one file: ``kept`` (as `path`), ``already`` kept, or ``refused``."""

    source: str
    status: str
    path: str = ""
    person: str = ""
    entries: int = 0
    message: Msg | None = None
    fix: Msg | str = ""


def _kept_name(reply: Mapping[str, Any]) -> str:
    """``回执_<person>_<day>_<signature's first 8>.json``: the person's id made safe for a file name."""
    day = str(reply.get("sent", ""))[:10].replace("-", "") or "undated"
    person = entry_stem(str(reply["person"]), "person")
    return f"回执_{person}_{entry_stem(day, 'undated')}_{str(reply['signature'])[:8]}.json"


def import_replies(project: str | Path, files: Iterable[str | Path], limits: Limits = LIMITS) -> list[ImportOutcome]:
    """Check each reply file and keep it, as received, in ``<project>/replies/``.

    A reply already kept (the same signature) is not kept twice; a file that
    does not check is refused with the reason and kept nowhere. The office's
    tables are never touched. The caller holds the project's lock.
    """
    root = Path(project)
    secret = project_secret(root)
    folder = root / REPLIES_FOLDER
    known = _kept_signatures(folder)  # read once: each reply kept below is added
    outcomes = []
    for file in files:
        path = Path(file)
        try:
            data = path.read_bytes()
        except OSError as error:
            outcomes.append(
                ImportOutcome(
                    path.name, "refused", message=msg("reply.unreadable", reason=error.strerror or str(error))
                )
            )
            continue
        try:
            if secret is None:
                raise ReplyError(msg("reply.no_secret"), msg("reply.no_secret_fix"))
            reply = read_reply(data, limits)
            check_reply(reply, secret, limits)
        except ReplyError as error:
            outcomes.append(ImportOutcome(path.name, "refused", message=error.message, fix=error.fix))
            continue
        signature = str(reply["signature"])
        person, count = str(reply["person"]), len(reply["entries"])
        if signature in known:
            outcomes.append(ImportOutcome(path.name, "already", f"{REPLIES_FOLDER}/{known[signature]}", person, count))
            continue
        folder.mkdir(exist_ok=True)
        target = folder / _kept_name(reply)
        _write_new(target, data)
        known[signature] = target.name
        outcomes.append(ImportOutcome(path.name, "kept", f"{REPLIES_FOLDER}/{target.name}", person, count))
    return outcomes


def _kept_signatures(folder: Path) -> dict[str, str]:
    """Signature -> file name of each reply kept in `folder` that reads."""
    out: dict[str, str] = {}
    for path in sorted(folder.glob("*.json")) if folder.is_dir() else ():
        try:
            reply = read_reply(path.read_bytes())
        except (ReplyError, OSError):
            continue
        if isinstance(reply.get("signature"), str):
            out.setdefault(reply["signature"], path.name)
    return out


def _write_new(target: Path, data: bytes) -> None:
    """Write `data` to `target` whole (a temporary file renamed), readable as the umask says."""
    temporary = target.with_name(f".{target.name}.part")
    with open(temporary, "wb") as out:
        out.write(data)
        out.flush()
        os.fsync(out.fileno())
    os.replace(temporary, target)


# ----------------------------------------------------------------------------- loading (every run)
@dataclass
class KeptReplies:
    """The project's kept replies as checked entries, their photos, and what did not check.

    `files` counts each readable reply's entries (for the ledger); `problems`
    holds a warning per reply file refused whole.
    """

    entries: list[Entry] = field(default_factory=list)
    photos: dict[str, bytes] = field(default_factory=dict)
    files: dict[str, int] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.entries or self.problems)


def load_replies(project: str | Path, limits: Limits = LIMITS) -> KeptReplies:
    """Every reply in ``<project>/replies/``, checked; a file that does not check is a warning, its entries unused."""
    root = Path(project)
    folder = root / REPLIES_FOLDER
    kept = KeptReplies()
    paths = sorted(folder.glob("*.json")) if folder.is_dir() else []
    if not paths:
        return kept
    secret = project_secret(root)
    seen: set[str] = set()
    for path in paths:
        file = f"{REPLIES_FOLDER}/{path.name}"
        try:
            if secret is None:
                raise ReplyError(msg("reply.no_secret"), msg("reply.no_secret_fix"))
            reply = read_reply(path.read_bytes(), limits)
            photos = check_reply(reply, secret, limits)
        except ReplyError as error:
            kept.problems.append(Problem("warning", file, None, None, None, error.message, error.fix, rejected=True))
            continue
        except OSError as error:
            kept.problems.append(
                Problem("warning", file, None, None, None, msg("reply.unreadable", reason=error.strerror or str(error)))
            )
            continue
        if reply["signature"] in seen:  # the same reply kept under two names: once is enough
            kept.files[file] = 0
            continue
        seen.add(reply["signature"])
        entries = _entries(reply, file)
        kept.files[file] = len(entries)
        kept.entries += entries
        kept.photos.update(photos)
    return kept


# ----------------------------------------------------------------------------- applying
@dataclass(frozen=True)
class Outcome:
    """What became of one entry: ``applied``, or not (``refused``, ``superseded``, ``repeated``) and why."""

    entry: Entry
    status: str
    reason: Msg | None = None

    def problem(self) -> Problem:
        """The outcome as a ledger line: applied and repeated entries are notes, the others warnings."""
        e = self.entry
        what = msg(_ACTION_WORDS[e.action])
        target = e.item or e.issue or e.report or (f"{e.lon:.6f}, {e.lat:.6f}" if e.lon is not None else "")
        if self.status == "applied":
            return Problem("note", e.file, e.row, None, target, msg("reply.applied", what=what, who=e.person))
        severity = "note" if self.status == "repeated" else "warning"
        return Problem(
            severity,
            e.file,
            e.row,
            None,
            target,
            msg("reply.not_applied", what=what, who=e.person, reason=self.reason or ""),
            rejected=self.status in ("refused", "superseded"),
        )


Holds = Callable[[Entry], bool]

_ACTION_WORDS = {
    "done": "reply.action.done",
    "doing": "reply.action.doing",
    "resolved": "reply.action.resolved",
    "report": "reply.action.report",
    "confirm": "reply.action.confirm",
    "return": "reply.action.return",
}


def _ordered(entries: Iterable[Entry]) -> list[Entry]:
    return sorted(entries, key=lambda e: (e.at, e.map, e.person, e.n, e.file, e.row))


def first_of_each(entries: Iterable[Entry]) -> tuple[list[Entry], list[Outcome]]:
    """Each entry once (the same person's entry ``n`` in two replies), in the order they were made."""
    seen: dict[str, Entry] = {}
    repeated = []
    for e in _ordered(entries):
        if e.ref in seen:
            repeated.append(Outcome(e, "repeated", msg("reply.repeated", file=seen[e.ref].file)))
        else:
            seen[e.ref] = e
    return list(seen.values()), repeated


def settle_item(
    office_state: str,
    office_progress: float | None,
    updated: date | None,
    entries: list[Entry],
    holds: Holds,
    done_word: str = "done",
) -> tuple[dict[str, Any], list[Outcome]]:
    """One status item (or issue) with the marks that name it, in order: its state as it stands now.

    `done_word` is the finished state (``done`` for an item, ``resolved`` for
    an issue). Returns the columns `settle` sets (``state``, ``progress``,
    ``verification``: ``""`` for the office's word, ``reported``,
    ``confirmed``, ``returned``; ``report``: the report to confirm; the latest
    note, photo, day and person) and an outcome per entry.
    """
    state, progress, verification = office_state, office_progress, ""
    report: Entry | None = None
    last: Entry | None = None
    outcomes = []
    for e in entries:
        if e.action in ("confirm", "return"):
            if not holds(e):
                outcomes.append(Outcome(e, "refused", msg("reply.no_such_group", who=e.person)))
                continue
            if report is None or e.report != report.ref:
                outcomes.append(Outcome(e, "refused", msg("reply.no_such_report", report=e.report)))
                continue
            if e.action == "confirm":
                verification = "confirmed"
            else:
                state, progress, verification = office_state, office_progress, "returned"
                report = None
            last = e
            outcomes.append(Outcome(e, "applied"))
            continue
        if not holds(e):
            outcomes.append(Outcome(e, "refused", msg("reply.not_theirs", who=e.person)))
            continue
        if updated is not None and updated > e.day:
            outcomes.append(Outcome(e, "superseded", msg("reply.office_later", updated=updated.isoformat())))
            continue
        if office_state == done_word:
            outcomes.append(Outcome(e, "superseded", msg("reply.office_done")))
            continue
        if e.action == "doing":
            state, progress, verification, report = "doing", e.progress, "", None
        else:
            state, progress, verification, report = done_word, 100.0 if done_word == "done" else None, "reported", e
        last = e
        outcomes.append(Outcome(e, "applied"))
    columns = {
        "state": state,
        "progress": progress,
        "verification": verification,
        "report": report.ref if report is not None and verification == "reported" else "",
        "reply_note": last.note if last is not None else "",
        "reply_photo": last.photo if last is not None else "",
        "reply_day": last.day if last is not None else None,
        "reply_by": last.person if last is not None else "",
    }
    return columns, outcomes


def settle(
    status: pd.DataFrame,
    issues: pd.DataFrame,
    entries: Iterable[Entry],
    holds_item: Callable[[str, str], bool],
    holds_issue: Callable[[str, str], bool],
    groups: Iterable[str] = (),
) -> tuple[pd.DataFrame, pd.DataFrame, list[Outcome]]:
    """Apply the marks of the kept replies on top of the office's `status` and `issues` (see the module's rules).

    `holds_item(person, key)` and `holds_issue(person, issue id)` say whether a
    leader holds a status item (`item_key`) or an issue. Returns both frames
    with the columns of `settle_item` (``state`` and ``progress`` as they
    stand now, ``office_state`` as the table says) and an outcome per entry;
    the pinned problems (``report``) are `new_issues`' and are not looked at. `groups` are the
    inspection groups' ids: a confirmation from a group no longer listed is not applied.
    """
    groups_now = set(groups)
    unique, outcomes = first_of_each(e for e in entries if e.action != "report")
    status = status.copy()
    issues = issues.copy()
    keys = [item_key(k, t, i) for k, t, i in zip(status["kind"], status["target"], status["item"])]
    status["key"] = keys
    by_item: dict[str, list[Entry]] = {}
    by_issue: dict[str, list[Entry]] = {}
    known_items, known_issues = set(keys), set(issues["id"])
    for e in unique:
        if e.item:
            if e.item in known_items:
                by_item.setdefault(e.item, []).append(e)
            else:
                outcomes.append(Outcome(e, "refused", msg("reply.no_such_item", item=e.item)))
        elif e.issue in known_issues:
            by_issue.setdefault(e.issue, []).append(e)
        else:
            outcomes.append(Outcome(e, "refused", msg("reply.no_such_issue", issue=e.issue)))

    def apply(
        frame: pd.DataFrame,
        key_column: str,
        groups: dict[str, list[Entry]],
        holds: Callable[[str, str], bool],
        done_word: str,
        updated_column: str | None,
    ) -> pd.DataFrame:
        frame["office_state"] = frame["state"]
        columns: dict[str, list] = {c: [] for c in _SETTLED}
        for _, row in frame.iterrows():
            key = row[key_column]
            mine = groups.get(key, [])
            updated = row.get(updated_column) if updated_column else None
            progress = row.get("progress")
            settled, said = settle_item(
                row["state"],
                None if progress is None or pd.isna(progress) else float(progress),
                updated if isinstance(updated, date) else None,
                mine,
                functools.partial(_holds, groups_now, holds, key),
                done_word,
            )
            for c in _SETTLED:
                columns[c].append(settled[c])
            outcomes.extend(said)
            groups.pop(key, None)  # an item listed twice takes the marks once
        for c in _SETTLED:
            if c == "progress" and "progress" not in frame:
                continue
            frame[c] = pd.Series(columns[c], index=frame.index, dtype=object if c != "progress" else float)
        return frame

    status = apply(status, "key", by_item, holds_item, "done", "updated")
    issues = apply(issues, "id", by_issue, holds_issue, "resolved", None)
    return status, issues, outcomes


def _holds(groups: set[str], holds: Callable[[str, str], bool], key: str, e: Entry) -> bool:
    """Whether `e`'s person may mark `key`: an inspection group still listed, or a leader who holds it."""
    return e.person in groups if e.map == "inspectors" else holds(e.person, key)


_SETTLED = ("state", "progress", "verification", "report", "reply_note", "reply_photo", "reply_day", "reply_by")


def new_issues(
    entries: Iterable[Entry], taken: Iterable[str], inside: Callable[[float, float], bool] | None = None
) -> tuple[list[dict[str, Any]], list[Outcome]]:
    """The problems pinned in the replies, as rows of the ``issues`` layer, each entry once.

    An issue's id is ``R-<entry id>`` (with the person's id when that is
    taken); its source is ``inspection`` from an inspection group, ``leader``
    (领导上报) from a leader. `inside(lon, lat)` tells a point in the district; one
    outside is refused.
    """
    reports, outcomes = first_of_each(e for e in entries if e.action == "report")
    ids = set(taken)
    rows = []
    for e in reports:
        assert e.lon is not None and e.lat is not None  # checked by `check_reply`
        if inside is not None and not inside(e.lon, e.lat):
            outcomes.append(Outcome(e, "refused", msg("reply.outside")))
            continue
        issue_id = f"R-{e.n}"
        if issue_id in ids:
            issue_id = f"R-{e.person}-{e.n}"
        ids.add(issue_id)
        rows.append(
            {
                "id": issue_id,
                "reported": e.day,
                "source": "inspection" if e.map == "inspectors" else "leader",
                "category": e.category,
                "state": "open",
                "due": None,
                "note": e.note,
                "lon": e.lon,
                "lat": e.lat,
                "photo": e.photo,
                "reply": e.file,
                "pinned_by": e.person,
            }
        )
        outcomes.append(Outcome(e, "applied"))
    return rows, outcomes


def with_new_issues(project: Project, kept: KeptReplies) -> tuple[Project, list[Outcome]]:
    """The project with the problems pinned in its kept replies added to its issues (outside the district: refused).

    The new rows have ``_row`` 0 (they are no row of the issues file: the ledger counts them under
    their reply) and name their reply (``reply``), its person (``pinned_by``) and photo (``photo``);
    the office's issues get those columns empty.
    """
    import geopandas as gpd
    import shapely
    from pyproj import Transformer

    issues = project.issues.copy()
    for column in ("photo", "reply", "pinned_by"):
        issues[column] = ""
    inside = None
    district = project.district
    if district is not None:
        to_metric = Transformer.from_crs(4326, district.crs, always_xy=True)
        area = district.area
        shapely.prepare(area)

        def inside(lon: float, lat: float) -> bool:
            return bool(area.covers(shapely.Point(*to_metric.transform(lon, lat))))

    rows, outcomes = new_issues(kept.entries, issues["id"], inside)
    if rows:
        new = gpd.GeoDataFrame(
            [{**row, "_row": 0} for row in rows],
            geometry=gpd.points_from_xy([r["lon"] for r in rows], [r["lat"] for r in rows]),
            crs=issues.crs or 4326,
        )
        for column in issues.columns:
            if column not in new and column != "geometry":
                new[column] = ""
        new["lon"] = new["lon"].map(lambda v: f"{v:.6f}")
        new["lat"] = new["lat"].map(lambda v: f"{v:.6f}")
        issues = pd.concat([issues, new[issues.columns]], ignore_index=True)
    return replace(project, issues=issues), outcomes

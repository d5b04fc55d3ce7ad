"""geo: responsibility maps and gap reports for a sanitary-city campaign (创卫).

The pipeline, one module per stage::

    load_project -> validate_project -> resolve_project -> analyse -> write_reports / render_*

`check` runs the first four, `build` all of them. The names below are
imported when first used, so ``import geo`` (and the command line's start,
and its Ctrl-C) stays quick.
"""

from importlib import import_module
from typing import TYPE_CHECKING

__version__ = "0.1.0"

if TYPE_CHECKING:  # the names of `_WHERE` with their types, for type checkers (py.typed); `as`: re-exported
    from .analyse import Analysis as Analysis
    from .analyse import analyse as analyse
    from .checks import CHECKS as CHECKS
    from .checks import Check as Check
    from .checks import register as register
    from .config import Config as Config
    from .config import MapOptions as MapOptions
    from .config import Tolerances as Tolerances
    from .config import load_config as load_config
    from .coords import gcj02_to_wgs84 as gcj02_to_wgs84
    from .coords import wgs84_to_gcj02 as wgs84_to_gcj02
    from .errors import ConfigError as ConfigError
    from .errors import CRSError as CRSError
    from .errors import GeoError as GeoError
    from .errors import Problem as Problem
    from .errors import ProjectError as ProjectError
    from .errors import SchemaError as SchemaError
    from .errors import ValidationError as ValidationError
    from .load import load_frames as load_frames
    from .load import load_project as load_project
    from .messages import Msg as Msg
    from .messages import msg as msg
    from .model import Gap as Gap
    from .pipeline import BuildResult as BuildResult
    from .pipeline import CheckResult as CheckResult
    from .pipeline import build as build
    from .pipeline import check as check
    from .pipeline import import_replies as import_replies
    from .replies import KeptReplies as KeptReplies
    from .replies import load_replies as load_replies
    from .resolve import Resolved as Resolved
    from .resolve import resolve_project as resolve_project
    from .validate import validate_project as validate_project
    from .words import gap_words as gap_words
    from .words import kind_label as kind_label

_WHERE = {
    "Analysis": "analyse",
    "CHECKS": "checks",
    "Check": "checks",
    "register": "checks",
    "Gap": "model",
    "gap_words": "words",
    "kind_label": "words",
    "analyse": "analyse",
    "Config": "config",
    "MapOptions": "config",
    "Tolerances": "config",
    "load_config": "config",
    "gcj02_to_wgs84": "coords",
    "wgs84_to_gcj02": "coords",
    "ConfigError": "errors",
    "CRSError": "errors",
    "GeoError": "errors",
    "Problem": "errors",
    "ProjectError": "errors",
    "SchemaError": "errors",
    "ValidationError": "errors",
    "load_frames": "load",
    "load_project": "load",
    "Msg": "messages",
    "msg": "messages",
    "BuildResult": "pipeline",
    "CheckResult": "pipeline",
    "build": "pipeline",
    "check": "pipeline",
    "import_replies": "pipeline",
    "KeptReplies": "replies",
    "load_replies": "replies",
    "Resolved": "resolve",
    "resolve_project": "resolve",
    "validate_project": "validate",
}

__all__ = ["__version__", *sorted(_WHERE, key=str.lower)]


def __getattr__(name: str) -> object:
    if name in _WHERE:
        value = getattr(import_module(f".{_WHERE[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'geo' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_WHERE))

"""geo: responsibility maps and gap reports for a sanitary-city campaign (创卫).

The pipeline, one module per stage::

    load_project -> validate_project -> resolve_project -> analyse -> write_reports / render_*

`check` runs the first four, `build` all of them. The names below are
imported when first used, so ``import geo`` (and the command line's start,
and its Ctrl-C) stays quick.
"""

from importlib import import_module

__version__ = "0.1.0"

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
    "Resolved": "resolve",
    "resolve_project": "resolve",
    "validate_project": "validate",
}

__all__ = ["__version__", *sorted(_WHERE, key=str.lower)]


def __getattr__(name: str):
    if name in _WHERE:
        value = getattr(import_module(f".{_WHERE[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'geo' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_WHERE))

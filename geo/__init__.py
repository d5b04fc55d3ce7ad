"""geo: responsibility maps and gap reports for a sanitary-city campaign (创卫).

The pipeline, one module per stage::

    load_project -> validate_project -> resolve_project -> analyse -> write_reports / render_*

`check` runs the first four, `build` all of them.
"""

__version__ = "0.1.0"

from .analyse import GAP_KINDS, Analysis, analyse  # noqa: E402
from .config import Config, MapOptions, Tolerances, load_config  # noqa: E402
from .coords import gcj02_to_wgs84, wgs84_to_gcj02  # noqa: E402
from .errors import ConfigError, CRSError, GeoError, Problem, ProjectError, SchemaError, ValidationError  # noqa: E402
from .load import load_project  # noqa: E402
from .pipeline import BuildResult, CheckResult, build, check  # noqa: E402
from .resolve import Resolved, resolve_project  # noqa: E402
from .validate import validate_project  # noqa: E402

__all__ = [
    "GAP_KINDS",
    "Analysis",
    "BuildResult",
    "CheckResult",
    "CRSError",
    "Config",
    "ConfigError",
    "GeoError",
    "MapOptions",
    "Problem",
    "ProjectError",
    "Resolved",
    "SchemaError",
    "Tolerances",
    "ValidationError",
    "__version__",
    "analyse",
    "build",
    "check",
    "gcj02_to_wgs84",
    "load_config",
    "load_project",
    "resolve_project",
    "validate_project",
    "wgs84_to_gcj02",
]

"""``python -m geo`` runs the command-line interface."""

from ._main import main

raise SystemExit(main())

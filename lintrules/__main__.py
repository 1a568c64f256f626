"""``python -m lintrules``: the same as the ``netcompat-lint`` command."""

from __future__ import annotations

from .cli import main

raise SystemExit(main())

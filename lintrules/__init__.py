"""netcompat-lint: find and fix non-portable "connection reset" handling.

A libcst-based linter and codemod set.  The command line is
:func:`lintrules.cli.main` (``netcompat-lint`` / ``python -m lintrules``); the
rules live one per module in :mod:`lintrules.rules`.
"""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__"]

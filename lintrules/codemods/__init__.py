"""One libcst codemod command per fixing rule.

Run one with libcst's tool (``-x`` because the module is outside its
configured list)::

    python -m libcst.tool codemod -x lintrules.codemods.platform_only_errno.PlatformOnlyErrnoCommand src/

Each module is named after its rule and holds a ``<RuleClass>Command``: a
:class:`~lintrules.codemods._base.RuleCodemod` that runs the linter's own fix
loop for that one rule (``--unsafe`` adds the unsafe fixes).
"""

from __future__ import annotations

from ._base import RuleCodemod

__all__ = ["RuleCodemod"]

"""Questions about libcst nodes that several rules ask.

All of them take the running rule (for its metadata) and a node.  They answer
conservatively: when unsure whether code is guarded, they say it is, because a
rule that reports guarded code gets switched off.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import libcst as cst
from libcst.metadata import ParentNodeProvider, QualifiedNameProvider, QualifiedNameSource

from ._cst_rule import Rule

# Words that make a test about the platform: ``sys.platform == "win32"``,
# ``os.name == "nt"``, ``IS_WINDOWS``, ``mswindows``, ``hasattr(...)``.  Whole
# words only, so ``e.winerror == 64`` is not mistaken for a platform test.
_PLATFORM_TEST = re.compile(
    r"(?i)\b(?:win|win32|win64|windows|nt|cygwin|darwin|macos|linux|posix)\b"
    r"|(?:_|\bis|\bms)win(?:dows|32)?\b|platform|hasattr|getattr"
)


def qualified_names(rule: Rule, node: cst.CSTNode, *, imported_only: bool = True) -> set[str]:
    """The qualified names ``node`` may refer to (``{"errno.ECONNRESET"}``).

    With ``imported_only`` (the default) only names that come through an
    import count, so a local ``class errno`` is not the ``errno`` module.
    """
    return {
        name.name
        for name in rule.get_metadata(QualifiedNameProvider, node, set())
        if not imported_only or name.source is QualifiedNameSource.IMPORT
    }


def ancestors(rule: Rule, node: cst.CSTNode) -> Iterator[cst.CSTNode]:
    """The parents of ``node``, nearest first, up to the module."""
    current = node
    while True:
        parent = rule.get_metadata(ParentNodeProvider, current, None)
        if parent is None:
            return
        yield parent
        current = parent


def code_of(node: cst.CSTNode) -> str:
    """The source text of ``node`` (without its surrounding whitespace)."""
    return cst.Module([]).code_for_node(node)


def _handler_names(handler: cst.ExceptHandler | cst.ExceptStarHandler) -> str:
    return "" if handler.type is None else code_of(handler.type)


def guarded_against(rule: Rule, node: cst.CSTNode, errors: tuple[str, ...]) -> bool:
    """Whether ``node`` sits in a ``try`` body whose handlers catch one of ``errors``.

    A bare ``except``, ``Exception`` and ``BaseException`` count as catching
    everything.
    """
    child = node
    for parent in ancestors(rule, node):
        if isinstance(parent, (cst.FunctionDef, cst.ClassDef, cst.Lambda)):
            return False
        if isinstance(parent, (cst.Try, cst.TryStar)) and child is parent.body:
            for handler in parent.handlers:
                caught = _handler_names(handler)
                if not caught or re.search(
                    r"\b("
                    + "|".join(map(re.escape, (*errors, "Exception", "BaseException")))
                    + r")\b",
                    caught,
                ):
                    return True
        child = parent
    return False


def platform_guarded(rule: Rule, node: cst.CSTNode) -> bool:
    """Whether ``node`` is under a test that looks at the platform or probes attributes.

    ``if sys.platform == "win32":``, ``if os.name == "nt":``, ``x if IS_WINDOWS
    else y``, ``hasattr(errno, "WSAECONNRESET") and ...`` and the like.  Either
    branch counts: the code was written knowing the platform matters.
    """
    child: cst.CSTNode = node
    for parent in ancestors(rule, node):
        test: cst.CSTNode | None = None
        if isinstance(parent, (cst.If, cst.IfExp, cst.While)):
            test = parent.test
        elif (
            isinstance(parent, cst.BooleanOperation)
            and isinstance(parent.operator, cst.And)
            and child is parent.right
        ):
            test = parent.left
        elif isinstance(parent, cst.FunctionDef) and _PLATFORM_TEST.search(parent.name.value):
            return True
        if test is not None and child is not test and _PLATFORM_TEST.search(code_of(test)):
            return True
        child = parent
    return False

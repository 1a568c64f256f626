"""What the rules know about a file: its semantic model and the shared questions.

:mod:`.model` is the one walk of a file's :mod:`ast` (parents, scopes,
bindings, imports, positions).  The other modules answer the questions
several rules ask on top of it.  Nothing here imports libcst.
"""

from __future__ import annotations

from .model import Binding, Model, QualifiedName, Scope, Source, Span

__all__ = ["Binding", "Model", "QualifiedName", "Scope", "Source", "Span"]

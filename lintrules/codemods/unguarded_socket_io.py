"""Codemod for NC101 unguarded-socket-io."""

from __future__ import annotations

from ..rules.unguarded_socket_io import UnguardedSocketIo
from ._base import RuleCodemod


class UnguardedSocketIoCommand(RuleCodemod):
    RULE = UnguardedSocketIo

"""The signed-in caller of a request, as the resolvers take it (see ``resolvers/caller.py``)."""

from __future__ import annotations

from resolvers.caller import Caller
from schema.context import Info


def caller(info: Info) -> Caller:
    """The caller of a field that requires a signed-in member of the current street."""
    context = info.context
    return Caller(context.services, context.viewer.require_user(), context.viewer.require_street())

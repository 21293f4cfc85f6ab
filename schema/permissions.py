"""Permissions declared on the field: ``@field(requires=Can(MEMBER_GRANT), ...)``.

The check runs before the resolver, raises a GraphQL error with a stable code (``UNAUTHENTICATED``,
``TENANT_REQUIRED``, ``FORBIDDEN``…) and never returns data. The field's description states what
it requires, so frontend teams can read who may call what.
"""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry.permission import BasePermission, PermissionExtension

from core.errors import DomainError, ErrorCode
from policies.vocabulary import PLATFORM_DOMAIN, Capability, street_domain
from schema.context import Info
from schema.replica import REPLICA, ReadsReplica

CACHEABLE = "gongzhi.cacheable"
"""The field metadata that declares a field ``cacheable`` (``schema/responses.py``)."""


class Requirement(BasePermission):
    def describe(self) -> str:
        raise NotImplementedError


class SignedIn(Requirement):
    """Any signed-in user; ``street=True`` also needs a current street."""

    def __init__(self, street: bool = False) -> None:
        self.street = street

    def describe(self) -> str:
        return "Requires: signed in" + (
            ", with a current street (X-Tenant)." if self.street else "."
        )

    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        viewer = info.context.viewer
        if self.street:
            viewer.require_street()
        else:
            viewer.require_user()
        return True


class Can(Requirement):
    """The caller's roles in the current street (or, for a platform capability, on the
    platform) grant the capability. Built with a capability object of the domain's
    ``policies/capabilities`` module; ``build_schema`` refuses one its domains do not declare."""

    def __init__(self, capability: Capability) -> None:
        if not capability.description:
            raise ValueError(
                f"{capability} has no description: declare it in policies/capabilities/"
            )
        self.capability = capability

    def describe(self) -> str:
        return f"Requires: `{self.capability}` ({self.capability.description})."

    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        context = info.context
        viewer = context.viewer
        user = viewer.require_user()
        if self.capability.platform:
            domain = PLATFORM_DOMAIN
        else:
            domain = street_domain(viewer.require_street().id)
        if not context.services.authorizer.can(user.id, domain, self.capability):
            raise DomainError(
                ErrorCode.FORBIDDEN,
                resource=self.capability.resource,
                action=self.capability.action,
            )
        return True


class Public(Requirement):
    """Anyone, signed in or not (login, public QR cards)."""

    def describe(self) -> str:
        return "Public: no sign-in needed."

    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        return True


def _described(description: str, requires: Requirement) -> str:
    return f"{description.rstrip()}\n\n{requires.describe()}"


def _extensions(requires: Requirement) -> list[Any]:
    return [PermissionExtension(permissions=[requires], use_directives=False)]


def field(
    *,
    requires: Requirement,
    description: str,
    cacheable: bool = False,
    replica: bool = False,
    **kwargs: Any,
) -> Any:
    """A query field (or a guarded field of a type). ``cacheable``: its answer depends on the
    street, the caller's roles and its arguments only, never on who the person is, so it may
    be kept until the street changes (``schema/responses.py``). ``replica``: its answer may be
    a moment behind, so it reads from the read replica when there is one, except for a
    caller who just wrote (``schema/replica.py``)."""
    extensions = _extensions(requires)
    if cacheable:
        kwargs["metadata"] = {**kwargs.get("metadata", {}), CACHEABLE: True}
        description = description.rstrip() + (
            "\n\nKept for everyone of the same street and roles until the street changes."
        )
    if replica:
        kwargs["metadata"] = {**kwargs.get("metadata", {}), REPLICA: True}
        description = description.rstrip() + (
            "\n\nMay be read from the read replica, a few seconds behind (not for a caller "
            "who wrote in the last seconds)."
        )
        # inside the permission check (extensions listed later wrap those listed earlier)
        extensions = [ReadsReplica(), *extensions]
    return strawberry.field(
        description=_described(description, requires), extensions=extensions, **kwargs
    )


def mutation(*, requires: Requirement, description: str, **kwargs: Any) -> Any:
    return strawberry.mutation(
        description=_described(description, requires), extensions=_extensions(requires), **kwargs
    )


def subscription(*, requires: Requirement, description: str, **kwargs: Any) -> Any:
    return strawberry.subscription(
        description=_described(description, requires), extensions=_extensions(requires), **kwargs
    )

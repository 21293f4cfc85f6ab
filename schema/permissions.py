"""Permissions declared on the field: ``@field(requires=Can("member", "grant"), ...)``.

The check runs before the resolver, raises a GraphQL error with a stable code (``UNAUTHENTICATED``,
``TENANT_REQUIRED``, ``FORBIDDEN``…) and never returns data. The field's description states what
it requires, so frontend teams can read who may call what.
"""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry.permission import BasePermission, PermissionExtension

from core.errors import DomainError, ErrorCode
from policies.vocabulary import (
    CAPABILITIES,
    PLATFORM_CAPABILITIES,
    PLATFORM_DOMAIN,
    Capability,
    street_domain,
)
from schema.context import Info


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
    """The caller's roles in the current street (or on the platform) grant (resource, action)."""

    def __init__(self, resource: str, action: str) -> None:
        self.capability = Capability(resource, action)
        if self.capability not in CAPABILITIES:
            raise ValueError(f"{self.capability} is not in policies/vocabulary.py")

    def describe(self) -> str:
        return f"Requires: `{self.capability}` ({CAPABILITIES[self.capability]})."

    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        context = info.context
        viewer = context.viewer
        if self.capability in PLATFORM_CAPABILITIES:
            domain = PLATFORM_DOMAIN
            user = viewer.require_user()
        else:
            domain = street_domain(viewer.require_street().id)
            user = viewer.require_user()
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


def field(*, requires: Requirement, description: str, **kwargs: Any) -> Any:
    """A query field (or a guarded field of a type)."""
    return strawberry.field(
        description=_described(description, requires), extensions=_extensions(requires), **kwargs
    )


def mutation(*, requires: Requirement, description: str, **kwargs: Any) -> Any:
    return strawberry.mutation(
        description=_described(description, requires), extensions=_extensions(requires), **kwargs
    )


def subscription(*, requires: Requirement, description: str, **kwargs: Any) -> Any:
    return strawberry.subscription(
        description=_described(description, requires), extensions=_extensions(requires), **kwargs
    )

"""Row rules (行级规则): *which* rows a caller sees, declared once per domain.

Casbin (``policy.csv``) answers "may this role read residents at all" (``resident:read``). A
row rule answers the next question, "which residents": a grid chief those of their own grids,
community staff the whole street. Each rule is one declaration, next to its domain
(``resolvers/people/rows.py``, ``resolvers/votes/rows.py``)::

    RowRule(Resident, Scope.OWN_GRIDS, roles=(Role.GRID_CHIEF, Role.GRID_WORKER))

and the query code asks ``RULES.scope_for(caller, Resident)`` (or ``RULES.rows(caller,
Resident.all())`` for the rows themselves), never a list of roles.

A rule says, for a *subject* (a model, or a named part of one such as "who has voted"):

- ``scope``: how far the rows reach, relative to who asks: ``STREET`` (全街道), the caller's
  ``OWN_COMMUNITIES`` (本社区) or ``OWN_GRIDS`` (本网格), their ``SELF`` (本人) rows, or
  ``NONE``. What "own grids" means for a given model (``grid_id`` of a resident) is the
  domain's to say, in the ``reads`` it gives next to its rules.
- ``roles``: the roles it applies to, or ``EVERYONE``. A caller with several roles gets the
  union of their scopes; a role with no rule for the subject gets ``NONE``.
- ``when`` (optional): a condition on the row's own state, for rules that depend on the row
  and not on who asks (votes: who has voted is not shown while a secret vote is open).

The coming domains declare theirs the same way, for example (诉求/案件)::

    # a resident sees only their own cases
    RowRule(Case, Scope.SELF, roles=(Role.RESIDENT,))
    # a department sees the cases dispatched to it: add OWN_DEPARTMENTS to Scope, then
    RowRule(Case, Scope.OWN_DEPARTMENTS, roles=(Role.STREET_DEPARTMENT,))
    # with reads={Case: {Scope.SELF: lambda c: Q(reporter_id=c.user.id),
    #                    Scope.OWN_DEPARTMENTS: lambda c: Q(department_id__in=...)}}

Why a table in Python and not Casbin ABAC: Casbin decides one (subject, object, action)
request at a time. A row rule must become one SQL filter over a list (the 73,000 residents of a
street are not loaded to be asked about one by one), and Casbin's ABAC matchers are expression
strings evaluated per request, with no way to turn them into a query and no names a reviewer
can grep. Here a rule is a typed line read in one place, a scope turns into one ``Q``, and the
Casbin policy keeps what it does well and fast (cached per user): capabilities per role.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from enum import Flag, auto
from typing import Any, Final, Protocol, TypeVar

from tortoise.expressions import Q
from tortoise.models import Model
from tortoise.queryset import QuerySet

from models.accounts import Role


class Scope(Flag):
    """How far the rows a caller sees reach. Scopes combine with ``|`` (several roles)."""

    NONE = 0
    SELF = auto()  # 本人: the caller's own rows
    OWN_GRIDS = auto()  # 本网格: rows in the grids the caller serves
    OWN_COMMUNITIES = auto()  # 本社区: rows in the communities the caller serves
    STREET = auto()  # 全街道: every row of the street


EVERYONE: Final = "*"
"""``roles=EVERYONE``: the rule holds whatever the caller's roles (the capability that guards
the field still decides who gets there at all)."""


class Asker(Protocol):
    """Who asks: anything that knows its roles in the current street (``Caller``)."""

    def roles(self) -> set[str]: ...


class _Anyone:
    """No roles at all: only ``EVERYONE`` rules apply (what anyone may see)."""

    def roles(self) -> set[str]:
        return set()


ANYONE: Final = _Anyone()


@dataclass(frozen=True)
class When:
    """A condition on the row's own state, worded for the reader of the rule."""

    says: str
    holds: Callable[[Any], bool]

    def __str__(self) -> str:
        return self.says


Subject = type | str
Read = Callable[[Any], Q]
M = TypeVar("M", bound=Model)


def subject_name(subject: Subject) -> str:
    return subject if isinstance(subject, str) else subject.__name__


@dataclass(frozen=True)
class RowRule:
    """For ``subject``, callers with one of ``roles`` see the rows of ``scope``."""

    subject: Subject
    scope: Scope
    roles: Iterable[Role | str] | str  # a tuple of roles, or EVERYONE: always said out loud
    when: When | None = None

    def applies_to(self, roles: set[str]) -> bool:
        return self.roles == EVERYONE or not roles.isdisjoint(self.role_names)

    @property
    def role_names(self) -> frozenset[str]:
        if self.roles == EVERYONE:
            return frozenset()
        assert not isinstance(self.roles, str), "roles: a tuple of roles, or EVERYONE"
        return frozenset(str(role) for role in self.roles)


class RowRules:
    """One domain's row rules, and how its scopes read as filters on its models.

    ``reads[Model][scope]`` turns a scope (other than STREET and NONE) into a ``Q`` on that
    model for one asker. A scope with no read is refused at declaration.
    """

    def __init__(
        self, *rules: RowRule, reads: Mapping[type, Mapping[Scope, Read]] | None = None
    ) -> None:
        self.reads = dict(reads or {})
        self._by_subject: dict[Subject, list[RowRule]] = {}
        seen: set[tuple[Subject, str]] = set()
        for rule in rules:
            if rule.roles != EVERYONE and not rule.role_names:
                raise ValueError(f"{subject_name(rule.subject)}: a rule for no role")
            if rule.when is None:
                for role in rule.role_names or {EVERYONE}:
                    if (rule.subject, role) in seen:
                        raise ValueError(f"{subject_name(rule.subject)}: {role} declared twice")
                    seen.add((rule.subject, role))
            if isinstance(rule.subject, type):
                missing = [
                    part
                    for part in rule.scope
                    if part is not Scope.STREET and part not in self.reads.get(rule.subject, {})
                ]
                if missing:
                    raise ValueError(f"{subject_name(rule.subject)}: no read for {missing}")
            self._by_subject.setdefault(rule.subject, []).append(rule)

    @property
    def subjects(self) -> list[Subject]:
        return list(self._by_subject)

    def rules_of(self, subject: Subject) -> list[RowRule]:
        found = self._by_subject.get(subject)
        if found is None:
            raise LookupError(f"no row rule declared for {subject_name(subject)}")
        return found

    def scope_for(self, asker: Asker, subject: Subject, row: Any = None) -> Scope:
        """The union of the scopes of the rules that apply to this asker (and this row)."""
        roles = {str(role) for role in asker.roles()}
        scope = Scope.NONE
        for rule in self.rules_of(subject):
            if not rule.applies_to(roles):
                continue
            if rule.when is not None:
                if row is None:
                    raise ValueError(f"{subject_name(subject)}: this rule needs the row")
                if not rule.when.holds(row):
                    continue
            scope |= rule.scope
        return scope

    def sees(self, asker: Asker, subject: Subject, row: Any = None) -> bool:
        return self.scope_for(asker, subject, row) is not Scope.NONE

    def rows(self, asker: Asker, query: QuerySet[M]) -> QuerySet[M]:
        """``query`` narrowed to the rows this asker sees (all of them for STREET)."""
        model = query.model
        scope = self.scope_for(asker, model)
        if Scope.STREET in scope:
            return query
        reads = self.reads.get(model, {})
        conditions = [reads[part](asker) for part in scope]
        if not conditions:
            return query.filter(pk__in=[])
        return query.filter(Q(*conditions, join_type="OR"))

    def table(self) -> dict[tuple[str, str], Scope]:
        """(subject, role) → scope for every role, for the rules that need no row."""
        found: dict[tuple[str, str], Scope] = {}
        for subject, rules in self._by_subject.items():
            if any(rule.when is not None for rule in rules):
                continue
            for role in Role:
                found[subject_name(subject), role.value] = self.scope_for(_Roles(role), subject)
        return found


@dataclass(frozen=True)
class _Roles:
    role: Role

    def roles(self) -> set[str]:
        return {self.role.value}

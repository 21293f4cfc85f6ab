"""The Casbin enforcer, fed from policy.csv (capabilities) and the database (who holds what).

``Authorizer`` is created once per process by the app's lifespan. Role assignments are loaded
at start; when one changes, the worker that changed it announces the user on the broker and every
worker reloads that user's links, so all workers agree within a broker round trip.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Iterable
from importlib import resources
from pathlib import Path
from typing import Any

import casbin
from casbin.persist.adapters import FileAdapter

from core.broker import Broker
from models.accounts import DISTRICT_ROLES, DistrictMembership, Membership, User
from models.scoping import unscoped
from models.tenancy import Street
from policies.vocabulary import (
    CAPABILITIES,
    PLATFORM_DOMAIN,
    Capability,
    street_domain,
    street_of_domain,
    user_of_subject,
    user_subject,
)

log = logging.getLogger(__name__)
POLICY_CHANNEL = "policy-changed"
PACKAGE_DIR = Path(str(resources.files("policies")))
MODEL_PATH = PACKAGE_DIR / "model.conf"
POLICY_PATH = PACKAGE_DIR / "policy.csv"

Rule = tuple[str, str, str]  # (subject, role, domain)
MAX_CACHED_DECISIONS = 500_000  # about 100 MB at most; the cache starts over when full
_READ_ONLY_ROLES = frozenset(role.value for role in DISTRICT_ROLES)


class PolicyAdapter(FileAdapter):
    """policy.csv for what each role may do, plus the role assignments read from the database.

    Loading assignments through the adapter lets Casbin build every role link in one pass;
    adding 20,000 rules one by one would compare each with all the others.
    """

    def __init__(self, policy_path: Path) -> None:
        super().__init__(str(policy_path))
        self.assignments: list[Rule] = []

    def load_policy(self, model: Any) -> None:
        super().load_policy(model)
        model.model["g"]["g"].policy.extend([list(rule) for rule in self.assignments])


def new_enforcer(
    model_path: Path = MODEL_PATH, policy_path: Path = POLICY_PATH
) -> casbin.FastEnforcer:
    """A FastEnforcer that only evaluates policy lines for the requested (resource, action)."""
    enforcer = casbin.FastEnforcer(
        str(model_path), PolicyAdapter(policy_path), cache_key_order=[2, 3]
    )
    enforcer.enable_auto_save(False)
    return enforcer


async def assignment_rules(user_ids: Iterable[int] | None = None) -> list[Rule]:
    """Casbin grouping rules for role assignments in the database (all users, or some).

    District roles are expanded into every street of the district: a district admin holds
    DISTRICT_ADMIN in each of those streets, and policy.csv gives that role only reads.
    """
    with unscoped("role assignments of every street feed one enforcer"):
        return await _assignment_rules(user_ids)


async def _assignment_rules(user_ids: Iterable[int] | None) -> list[Rule]:
    street_q = Membership.all()
    district_q = DistrictMembership.all()
    admin_q = User.filter(is_platform_admin=True, is_active=True)
    if user_ids is not None:
        ids = list(user_ids)
        street_q = street_q.filter(user_id__in=ids)
        district_q = district_q.filter(user_id__in=ids)
        admin_q = admin_q.filter(id__in=ids)
    rules: list[Rule] = [
        (user_subject(m.user_id), m.role.value, street_domain(m.tenant_id))
        for m in await street_q.filter(user__is_active=True)
    ]
    district_rows = await district_q.filter(user__is_active=True)
    if district_rows:
        streets_by_district: dict[int, list[int]] = {}
        for street_id, district_id in await Street.all().values_list("id", "district_id"):
            streets_by_district.setdefault(district_id, []).append(street_id)
        for dm in district_rows:
            for street_id in streets_by_district.get(dm.district_id, []):
                rules.append((user_subject(dm.user_id), dm.role.value, street_domain(street_id)))
    for user_id in await admin_q.values_list("id", flat=True):
        rules.append((user_subject(user_id), "PLATFORM_ADMIN", PLATFORM_DOMAIN))
    return rules


class Authorizer:
    """Answers "may user U do (resource, action) in street S?" in O(1) of the number of streets.

    Casbin decides; its answers are kept per user until that user's roles change (or all of
    them, when everything is reloaded), so the check on the hot path is a dictionary look-up.
    """

    def __init__(self, enforcer: casbin.Enforcer | None = None) -> None:
        self.enforcer = enforcer or new_enforcer()
        self._decisions: dict[tuple[int, str, str, str], bool] = {}
        self._decided_for: dict[int, list[tuple[int, str, str, str]]] = {}
        # user → street → roles held there, from the same rules Casbin holds (street requests
        # resolve the caller's street from here, without reading memberships again).
        self._street_roles: dict[int, dict[int, set[str]]] = {}
        self._broker: Broker | None = None
        self._listener: asyncio.Task[None] | None = None

    # -- loading -------------------------------------------------------------------
    def replace_user_rules(self, user_ids: Iterable[int], rules: list[Rule]) -> None:
        for user_id in set(user_ids):
            self.enforcer.remove_filtered_grouping_policy(0, user_subject(user_id))
            for key in self._decided_for.pop(user_id, ()):
                self._decisions.pop(key, None)
            self._street_roles.pop(user_id, None)
        if rules:
            self.enforcer.add_grouping_policies(sorted(set(rules)))
        self._index(rules)

    def _index(self, rules: Iterable[Rule]) -> None:
        for subject, role, domain in rules:
            user_id, street_id = user_of_subject(subject), street_of_domain(domain)
            if user_id is not None and street_id is not None:
                self._street_roles.setdefault(user_id, {}).setdefault(street_id, set()).add(role)

    def load_rules(self, rules: list[Rule]) -> None:
        adapter = self.enforcer.get_adapter()
        if isinstance(adapter, PolicyAdapter):
            adapter.assignments = sorted(set(rules))
            self.enforcer.load_policy()
        else:  # an enforcer built elsewhere (the benchmark's baseline): add rules one by one
            self.enforcer.load_policy()
            if rules:
                self.enforcer.add_grouping_policies(sorted(set(rules)))
        self._decisions.clear()
        self._decided_for.clear()
        self._street_roles.clear()
        self._index(rules)

    async def load_from_database(self) -> None:
        self.load_rules(await assignment_rules())

    async def reload_users(self, user_ids: Iterable[int]) -> None:
        ids = list(set(user_ids))
        self.replace_user_rules(ids, await assignment_rules(ids))

    # -- keeping workers in step -------------------------------------------------------
    async def start_watching(self, broker: Broker) -> None:
        self._broker = broker
        self._listener = asyncio.create_task(self._listen(broker), name="policy-watcher")
        await asyncio.sleep(0)

    async def stop_watching(self) -> None:
        if self._listener:
            self._listener.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._listener

    async def assignments_changed(self, user_ids: Iterable[int]) -> None:
        """Call after committing a role change: reload here, tell the other workers."""
        ids = sorted(set(user_ids))
        await self.reload_users(ids)
        if self._broker is not None:
            try:
                await self._broker.publish(POLICY_CHANNEL, json.dumps(ids).encode())
            except Exception:  # the broker being down must not fail the mutation
                log.warning("could not announce a role change; other workers resync on restart")

    async def _listen(self, broker: Broker) -> None:
        async for message in broker.subscribe(POLICY_CHANNEL):
            try:
                await self.reload_users(json.loads(message))
            except Exception:
                log.exception("could not apply a role change from another worker")

    # -- deciding ------------------------------------------------------------------
    def can(self, user_id: int, domain: str, capability: Capability) -> bool:
        key = (user_id, domain, capability.resource, capability.action)
        decision = self._decisions.get(key)
        if decision is None:
            if len(self._decisions) >= MAX_CACHED_DECISIONS:
                self._decisions.clear()
                self._decided_for.clear()
            decision = self._decisions[key] = self.can_uncached(user_id, domain, capability)
            self._decided_for.setdefault(user_id, []).append(key)
        return decision

    def can_uncached(self, user_id: int, domain: str, capability: Capability) -> bool:
        """Casbin's answer without the decision cache (benchmarks, tests)."""
        return bool(
            self.enforcer.enforce(
                user_subject(user_id), domain, capability.resource, capability.action
            )
        )

    def streets_of(self, user_id: int) -> dict[int, bool]:
        """street id → writable, for every street the user holds a role in; a street reached
        only through district roles (DISTRICT_* expanded into its streets) is read-only."""
        return {
            street_id: not roles <= _READ_ONLY_ROLES
            for street_id, roles in self._street_roles.get(user_id, {}).items()
        }

    def roles(self, user_id: int, domain: str) -> list[str]:
        return sorted(self.enforcer.get_roles_for_user_in_domain(user_subject(user_id), domain))

    def capabilities(self, user_id: int, domain: str) -> list[Capability]:
        return [cap for cap in sorted(CAPABILITIES) if self.can(user_id, domain, cap)]

"""The Casbin enforcer, fed from policy.csv (capabilities) and the database (who holds what).

``Authorizer`` is created once per process by the app's lifespan. Role assignments are loaded
at start; when one changes, the worker that changed it announces the user on the broker and every
worker reloads that user's links, so all workers agree within a broker round trip.

Casbin evaluates model.conf's matcher for every decision. The role assignments do not go
through Casbin's model and its default role manager, though, because neither scales to a street
of tens of thousands of residents (pycasbin 2.8):

* ``DomainManager`` keeps each domain's links in a list and builds the domain's role graph on
  the first ``has_link`` in it, through a ``RoleManager`` that runs its (default, equality)
  name-matching function against every role already built for each link it adds: O(members²),
  2.5 s of blocked event loop for a street of 2,000 members, minutes for 73,000. Once built,
  adding or removing one link walks every role of the domain again.
* the model keeps grouping rules in one flat list: ``add_grouping_policies`` tests membership by
  scanning it, ``remove_filtered_grouping_policy`` rebuilds it, so reloading one user costs a
  pass over every assignment of every street.

model.conf matches names and domains exactly (no ``keyMatch`` on roles, no domain pattern), so
the links live in ``DomainRoles``, a role manager indexed by (name, domain), which the
enforcer's ``g()`` asks in O(1); ``Authorizer`` adds and removes a user's links there directly.
Casbin's model holds only policy.csv (``g`` lines there would still be honoured).

Configuring ``DomainManager`` without its matching function would make the first check linear
in the street's members, not constant, and reloads would still walk the street's link lists.
Answering from an index of our own would copy model.conf's matcher into Python. With a role
manager of our own, model.conf stays the one statement of the rules and Casbin interprets it.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections.abc import Callable, Iterable
from importlib import resources
from pathlib import Path

import casbin
from casbin.persist.adapters import FileAdapter
from casbin.rbac import RoleManager

from core.broker import Broker
from models.accounts import DISTRICT_ROLES, DistrictMembership, Membership, Role, User
from models.columns import column
from models.scoping import unscoped
from models.tenancy import Street
from policies.vocabulary import (
    PLATFORM_DOMAIN,
    Capability,
    Vocabulary,
    street_domain,
    street_of_domain,
    user_subject,
)

log = logging.getLogger(__name__)
POLICY_CHANNEL = "policy-changed"
PACKAGE_DIR = Path(str(resources.files("policies")))
MODEL_PATH = PACKAGE_DIR / "model.conf"
POLICY_PATH = PACKAGE_DIR / "policy.csv"

Rule = tuple[str, str, str]  # (subject, role, domain)
MAX_CACHED_DECISIONS = 500_000  # about 100 MB at most; the cache starts over when full
RECHECK_SECONDS = 5.0  # a user's links are read again on a miss at most this often
MAX_RECHECKED = 100_000
_READ_ONLY_ROLES = frozenset(role.value for role in DISTRICT_ROLES)


class DomainRoles(RoleManager):  # type: ignore[misc]  # pycasbin has no types: RoleManager is Any
    """Casbin role manager for ``g = _, _, _``: (name, domain) → the roles linked to it there.

    Answers like Casbin's ``DomainManager`` without matching functions: a name holds itself,
    and holds what its roles hold, in the same domain, up to ``max_hierarchy_level`` levels.
    Adding, removing and testing a link cost the same in a street of 20 or of 73,000 members.
    Roles and domains are kept in tuples (a user holds a few): tuples of strings drop out of
    the cyclic garbage collector's sight, so loading 73,000 members sets off no full collection
    walking the worker's whole heap.
    """

    def __init__(self, max_hierarchy_level: int = 10) -> None:
        self.max_hierarchy_level = max_hierarchy_level
        self._roles: dict[tuple[str, str], tuple[str, ...]] = {}
        self._domains: dict[str, tuple[str, ...]] = {}  # name → domains it holds roles in

    def clear(self) -> None:
        self._roles = {}
        self._domains = {}

    def add_link(self, name1: str, name2: str, *domain: str) -> None:
        dom = _one(domain)
        roles = self._roles.get((name1, dom), ())
        if name2 not in roles:
            self._roles[name1, dom] = (*roles, name2)
            if not roles:
                self._domains[name1] = (*self._domains.get(name1, ()), dom)

    def delete_link(self, name1: str, name2: str, *domain: str) -> None:
        dom = _one(domain)
        roles = self._roles.get((name1, dom), ())
        if name2 not in roles:  # as DomainManager does
            raise RuntimeError(f"error: link between {name1} and {name2} does not exist")
        if len(roles) > 1:
            self._roles[name1, dom] = tuple(role for role in roles if role != name2)
            return
        del self._roles[name1, dom]
        domains = tuple(d for d in self._domains.pop(name1) if d != dom)
        if domains:
            self._domains[name1] = domains

    def delete_name(self, name: str) -> None:
        """Every link of ``name``, in every domain (one user's assignments, before a reload)."""
        for dom in self._domains.pop(name, ()):
            del self._roles[name, dom]

    def links_of(self, name: str) -> dict[str, tuple[str, ...]]:
        """domain → roles ``name`` is linked to directly."""
        return {dom: self._roles[name, dom] for dom in self._domains.get(name, ())}

    def has_link(self, name1: str, name2: str, *domain: str) -> bool:
        dom = _one(domain)
        reached = {name1}
        for _ in range(self.max_hierarchy_level):
            if name2 in reached:
                return True
            reached = {role for name in reached for role in self._roles.get((name, dom), ())}
            if not reached:
                return False
        return False

    def get_roles(self, name: str, *domain: str) -> list[str]:
        return list(self._roles.get((name, _one(domain)), ()))

    def get_users(self, name: str, *domain: str) -> list[str]:
        """Scans every link: Casbin's management API only, never a request."""
        dom = _one(domain)
        return [user for (user, d), roles in self._roles.items() if d == dom and name in roles]

    def print_roles(self) -> None:
        pass


def _one(domain: tuple[str, ...]) -> str:
    if len(domain) > 1:
        raise RuntimeError("error: domain should be 1 parameter")
    return domain[0] if domain else ""


def new_enforcer(
    model_path: Path = MODEL_PATH, policy_path: Path = POLICY_PATH
) -> casbin.FastEnforcer:
    """A FastEnforcer that only evaluates policy lines for the requested (resource, action),
    with its role links in a ``DomainRoles``.

    Role assignments added with ``add_grouping_policy`` (tests) reach the links as usual; the
    ``Authorizer`` puts them in the links directly. ``load_policy`` or ``build_role_links``
    rebuild the links from the model alone, dropping those (checks then deny: fail closed).
    """
    enforcer = casbin.FastEnforcer(
        str(model_path), FileAdapter(str(policy_path)), cache_key_order=[2, 3]
    )
    enforcer.enable_auto_save(False)
    enforcer.set_role_manager(DomainRoles())
    enforcer.build_role_links()  # the model's g now asks DomainRoles
    return enforcer


async def assignment_rules(user_ids: Iterable[int] | None = None) -> list[Rule]:
    """Casbin grouping rules for role assignments in the database (all users, or some).

    District roles are expanded into every street of the district: a district admin holds
    DISTRICT_ADMIN in each of those streets, and policy.csv gives that role only reads.
    """
    with unscoped("role assignments of every street feed one enforcer"):
        return await _assignment_rules(user_ids)


async def _assignment_rules(user_ids: Iterable[int] | None) -> list[Rule]:
    # Plain rows, not model instances: 73,000 memberships load in a fraction of the time.
    street_q = Membership.filter(user__is_active=True)
    district_q = DistrictMembership.filter(user__is_active=True)
    admin_q = User.filter(is_platform_admin=True, is_active=True)
    if user_ids is not None:
        ids = list(user_ids)
        street_q = street_q.filter(user_id__in=ids)
        district_q = district_q.filter(user_id__in=ids)
        admin_q = admin_q.filter(id__in=ids)
    rules: list[Rule] = [
        (user_subject(user_id), Role(role).value, street_domain(street_id))
        for user_id, role, street_id in await street_q.values_list("user_id", "role", "tenant_id")
    ]
    district_rows = await district_q.values_list("user_id", "role", "district_id")
    if district_rows:
        streets_by_district: dict[int, list[int]] = {}
        for street_id, district_id in await Street.all().values_list("id", "district_id"):
            streets_by_district.setdefault(district_id, []).append(street_id)
        for user_id, role, district_id in district_rows:
            for street_id in streets_by_district.get(district_id, []):
                rules.append((user_subject(user_id), Role(role).value, street_domain(street_id)))
    for user_id in await column(admin_q, "id", int):
        rules.append((user_subject(user_id), "PLATFORM_ADMIN", PLATFORM_DOMAIN))
    return rules


async def announce_role_change(broker: Broker, user_ids: Iterable[int]) -> None:
    """Tell every worker to read these users' roles again (the ``policy-changed`` message;
    their session caches forget the users' sessions too). For a process without an
    ``Authorizer`` of its own: the CLI."""
    await broker.publish(POLICY_CHANNEL, json.dumps(sorted(set(user_ids))).encode())


class Authorizer:
    """Answers "may user U do (resource, action) in street S?" in O(1) of the number of streets
    and of the members of S.

    Casbin decides; its answers are kept per user until that user's roles change (or all of
    them, when everything is reloaded), so the check on the hot path is a dictionary look-up.
    The role links live in the enforcer's ``DomainRoles`` (see the module docstring), which also
    tells ``streets_of`` and ``roles`` what a user holds.

    A role given by a process that cannot reach this one (``gongzhi tenant create`` or another
    worker with the embedded in-process broker; with Redis they announce it) is found by
    ``recheck``: a request that finds its user without the street it needs (no street at all,
    or not the one named in ``X-Tenant``) reads that user's roles again, at most once per user
    every ``recheck_seconds``. That was chosen over a change counter polled from the database
    because it costs nothing for users the authorizer knows (every request of a known user is a
    dictionary look-up, as before), needs no new table that every writer must remember to bump
    (forgetting to announce is how the CLI's new streets went unseen), and finds a new role at
    the first request that needs it rather than a poll interval later. A flood of requests from
    users without a street reads each user at most once per interval. What it does not find is
    a role *taken away* by such a process: the CLI takes none, and several workers that take
    roles away need Redis (``GONGZHI_REDIS_URL``) to stay in step.
    """

    def __init__(
        self,
        vocabulary: Vocabulary,
        recheck_seconds: float = RECHECK_SECONDS,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.vocabulary = vocabulary
        self.recheck_seconds = recheck_seconds
        self._monotonic = monotonic
        self._rechecked: dict[int, float] = {}  # user id → when a miss last read it again
        self.enforcer = new_enforcer()
        self.links: DomainRoles = self.enforcer.get_role_manager()
        self._decisions: dict[tuple[int, str, str, str], bool] = {}
        self._decided_for: dict[int, list[tuple[int, str, str, str]]] = {}
        self._broker: Broker | None = None
        self._listener: asyncio.Task[None] | None = None
        self.on_reload: list[Callable[[list[int]], None]] = []
        """Told after these users' roles were read again (from any cause, in this worker)."""

    # -- loading -------------------------------------------------------------------
    def replace_user_rules(self, user_ids: Iterable[int], rules: Iterable[Rule]) -> None:
        """Drop every link of these users, then add ``rules`` (their assignments now)."""
        for user_id in set(user_ids):
            self.links.delete_name(user_subject(user_id))
            for key in self._decided_for.pop(user_id, ()):
                self._decisions.pop(key, None)
        for subject, role, domain in rules:
            self.links.add_link(subject, role, domain)

    def load_rules(self, rules: Iterable[Rule]) -> None:
        self.enforcer.build_role_links()  # empties the links, keeps policy.csv's own g lines
        for subject, role, domain in rules:
            self.links.add_link(subject, role, domain)
        self._decisions.clear()
        self._decided_for.clear()

    async def load_from_database(self) -> None:
        self.load_rules(await assignment_rules())

    async def reload_users(self, user_ids: Iterable[int]) -> None:
        ids = list(set(user_ids))
        self.replace_user_rules(ids, await assignment_rules(ids))
        for tell in self.on_reload:
            try:
                tell(ids)
            except Exception:
                log.exception("could not act on a role change")

    async def recheck(self, user_id: int) -> dict[int, bool] | None:
        """Read one user's roles again because a request found a street missing; at most once
        per user every ``recheck_seconds``. Returns the user's streets (``streets_of``) when it
        read them, None when it was too soon."""
        now = self._monotonic()
        last = self._rechecked.get(user_id)
        if last is not None and now - last < self.recheck_seconds:
            return None
        if len(self._rechecked) >= MAX_RECHECKED:
            horizon = now - self.recheck_seconds
            self._rechecked = {u: t for u, t in self._rechecked.items() if t > horizon}
        self._rechecked[user_id] = now
        await self.reload_users([user_id])
        return self.streets_of(user_id)

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
                await announce_role_change(self._broker, ids)
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
        streets = {}
        for domain, roles in self.links.links_of(user_subject(user_id)).items():
            street_id = street_of_domain(domain)
            if street_id is not None:
                streets[street_id] = not _READ_ONLY_ROLES.issuperset(roles)
        return streets

    def roles(self, user_id: int, domain: str) -> list[str]:
        return sorted(self.enforcer.get_roles_for_user_in_domain(user_subject(user_id), domain))

    def capabilities(self, user_id: int, domain: str) -> list[Capability]:
        return [cap for cap in self.vocabulary if self.can(user_id, domain, cap)]

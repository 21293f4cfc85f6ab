"""Permission checks through the real ``Authorizer``: many streets, and one big street.

Streets case: 1, 100 and 1,000 streets of 20 users each. Budget (ARCHITECTURE.md): under 500 µs
per check at every size, at most 2x from 1 to 1,000 streets.

Big-street case: one street with 2,000, 20,000 and 73,000 members (mostly RESIDENT, one in 50
with a staff role), beside 10 ordinary streets and their district and platform admins. Per size:
``load_seconds`` (all assignments into a fresh ``Authorizer``) and ``first_check_us`` (the first
check after that load, which used to build the street's role links), medians over ``--repeats``
fresh loads; ``us_per_check`` (through
the decision cache) and ``uncached_us_per_check`` (Casbin's decision) in the big street,
``grant_ms`` / ``revoke_ms`` (one resident gains, then loses, STREET_ADMIN:
``replace_user_rules`` and the first check after it, i.e. ``reload_users`` without its query).
Budget: first check (under 5 ms), checks and reloads within 2x from the smallest to the largest
street, load time per assignment within 2x (linear).

A plain ``casbin.Enforcer`` (same model, policy and rules, its own role manager, assignments added
and removed through Casbin's management API) runs side by side as the baseline: at the largest
street count, and at the smallest big street (its first check grows with the square of the
members, so larger ones would take minutes to hours). Decisions must agree with it.

    python -m bench.authz [--quick] [--sizes 1,100,1000] [--members 2000,20000,73000]
                          [--repeats 3] [--cases streets,big]

Progress goes to stderr; one JSON line goes to stdout at the end.
"""

from __future__ import annotations

import argparse
import gc
import json
import random
import statistics
import sys
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

import casbin
from casbin.persist.adapters import FileAdapter

from gongzhi.platform import capability_vocabulary
from models.accounts import STREET_ROLES, Role
from policies.enforcer import MODEL_PATH, POLICY_PATH, Authorizer, Rule
from policies.vocabulary import (
    PLATFORM_DOMAIN,
    Capability,
    street_domain,
    user_subject,
)

CAPABILITIES = capability_vocabulary()

USERS_PER_STREET = 20
STREETS_PER_DISTRICT = 10
COMMON_ROLES = (Role.RESIDENT, Role.GRID_WORKER)
TARGET_US = 500.0
TARGET_RATIO = 2.0
SEED = 20240601
STAFF_EVERY = 50  # in the big street, one member in 50 holds a staff role (not RESIDENT)
STAFF_ROLES = sorted(STREET_ROLES - {Role.RESIDENT})
BIG_STREET = 1
BASELINE_MAX_MEMBERS = 5_000  # the plain enforcer's first check is quadratic in members
RELOADED_USERS = 25  # residents granted, then revoked, STREET_ADMIN per big street

Check = tuple[int, str, Capability]  # (user id, domain, capability)


@dataclass(frozen=True)
class Population:
    """Who holds what in ``streets`` streets, as the rules ``Authorizer.load_rules`` takes."""

    streets: int
    rules: list[Rule]
    street_users: list[tuple[int, int]]  # (user id, own street)
    district_users: list[tuple[int, list[int]]]  # (user id, streets of the district)
    platform_admin: int


def build_population(streets: int) -> Population:
    """20 users per street covering every street role, plus district and platform admins."""
    street_roles = sorted(STREET_ROLES)
    roles = [*street_roles]
    while len(roles) < USERS_PER_STREET:
        roles.append(COMMON_ROLES[len(roles) % len(COMMON_ROLES)])
    rules: list[Rule] = []
    street_users: list[tuple[int, int]] = []
    user_id = 0
    for street in range(1, streets + 1):
        for role in roles:
            user_id += 1
            street_users.append((user_id, street))
            rules.append((user_subject(user_id), role.value, street_domain(street)))
    # District roles are expanded into every street of the district (see assignment_rules).
    district_users: list[tuple[int, list[int]]] = []
    for first in range(1, streets + 1, STREETS_PER_DISTRICT):
        district = list(range(first, min(first + STREETS_PER_DISTRICT, streets + 1)))
        for role in (Role.DISTRICT_ADMIN, Role.DISTRICT_DEPARTMENT):
            user_id += 1
            district_users.append((user_id, district))
            rules.extend((user_subject(user_id), role.value, street_domain(s)) for s in district)
    user_id += 1
    rules.append((user_subject(user_id), Role.PLATFORM_ADMIN.value, PLATFORM_DOMAIN))
    return Population(streets, rules, street_users, district_users, user_id)


def build_sample(pop: Population, count: int, seed: int = SEED) -> list[Check]:
    """A fixed, seeded mix: mostly one's own street, sometimes another; any capability."""
    rng = random.Random(seed)
    capabilities = sorted(CAPABILITIES)

    def other_street(own: int) -> int:
        if pop.streets == 1:
            return 2  # a street without rules: denied, like a foreign street
        street = rng.randrange(1, pop.streets)
        return street + 1 if street >= own else street

    checks: list[Check] = []
    for _ in range(count):
        kind = rng.random()
        if kind < 0.90:
            user_id, own = rng.choice(pop.street_users)
            street = own if rng.random() < 0.8 else other_street(own)
            domain = street_domain(street)
        elif kind < 0.98:
            user_id, district = rng.choice(pop.district_users)
            own = rng.choice(district)
            domain = street_domain(own if rng.random() < 0.8 else other_street(own))
        else:
            user_id = pop.platform_admin
            domain = PLATFORM_DOMAIN if rng.random() < 0.5 else street_domain(other_street(0))
        checks.append((user_id, domain, rng.choice(capabilities)))
    return checks


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


class Checker(Protocol):
    """What the bench drives: the ``Authorizer``, or the plain baseline below."""

    def load_rules(self, rules: list[Rule]) -> None: ...
    def replace_user_rules(self, user_ids: Iterable[int], rules: list[Rule]) -> None: ...
    def can(self, user_id: int, domain: str, capability: Capability) -> bool: ...
    def can_uncached(self, user_id: int, domain: str, capability: Capability) -> bool: ...


class PlainCasbin:
    """The baseline: a plain ``casbin.Enforcer`` (Casbin's own role manager, every policy line
    evaluated), its assignments added and removed through Casbin's management API."""

    def __init__(self) -> None:
        self.enforcer = casbin.Enforcer(str(MODEL_PATH), FileAdapter(str(POLICY_PATH)))
        self.enforcer.enable_auto_save(False)

    def load_rules(self, rules: list[Rule]) -> None:
        self.enforcer.load_policy()
        if rules:
            self.enforcer.add_grouping_policies(sorted(set(rules)))

    def replace_user_rules(self, user_ids: Iterable[int], rules: list[Rule]) -> None:
        for user_id in set(user_ids):
            self.enforcer.remove_filtered_grouping_policy(0, user_subject(user_id))
        if rules:
            self.enforcer.add_grouping_policies(sorted(set(rules)))

    def can_uncached(self, user_id: int, domain: str, capability: Capability) -> bool:
        subject = user_subject(user_id)
        return bool(self.enforcer.enforce(subject, domain, capability.resource, capability.action))

    can = can_uncached  # no decision cache: the baseline is Casbin itself


LOAD_SECONDS: dict[str, float] = {}


def loaded(name: str, pop: Population, make: type[Checker]) -> Checker:
    log(f"building {name}: {pop.streets} streets… {len(pop.rules)} rules")
    started = time.perf_counter()
    checker = make()
    checker.load_rules(pop.rules)
    LOAD_SECONDS[f"{name}:{pop.streets}"] = seconds = time.perf_counter() - started
    log(f"  loaded in {seconds:.2f} s")
    return checker


def decide(checker: Checker, checks: list[Check]) -> tuple[list[bool], float]:
    """Every decision of the sample, and µs per check of that first (cold) pass."""
    can = checker.can
    started = time.perf_counter_ns()
    decisions = [can(user_id, domain, cap) for user_id, domain, cap in checks]
    return decisions, (time.perf_counter_ns() - started) / len(checks) / 1000


def time_batch(checker: Checker, batch: list[Check], cached: bool = True) -> float:
    """µs per check over one batch: through the decision cache (what requests use), or
    straight to Casbin."""
    can = checker.can if cached else checker.can_uncached
    started = time.perf_counter_ns()
    for user_id, domain, cap in batch:
        can(user_id, domain, cap)
    return (time.perf_counter_ns() - started) / len(batch) / 1000


Result = dict[str, float | int | bool]


def streets_case(sizes: list[int], batches: int, batch_size: int) -> tuple[Result, bool]:
    """1 to 1,000 streets of 20 users; the baseline at the largest size."""
    count = batches * batch_size
    # name -> (checker, sample); the baseline shares the largest size's rules and sample.
    runs: dict[str, tuple[Checker, list[Check]]] = {}
    largest = max(sizes)
    for size in sizes:
        pop = build_population(size)
        sample = build_sample(pop, count)
        runs[str(size)] = (loaded("Authorizer", pop, Authorizer), sample)
        if size == largest:
            runs["baseline"] = (loaded("plain casbin.Enforcer", pop, PlainCasbin), sample)

    decisions: dict[str, list[bool]] = {}
    for name, (checker, sample) in runs.items():
        decisions[name], cold_us = decide(checker, sample)
        share = sum(decisions[name]) / count
        log(f"warm-up {name}: {cold_us:.1f} µs/check cold, {share:.0%} allowed")
    if decisions["baseline"] != decisions[str(largest)]:
        raise SystemExit("Authorizer and plain casbin.Enforcer disagree on the same checks")

    log(f"measuring… {batches} batches × {batch_size} checks per size, interleaved")
    timings: dict[str, list[float]] = {name: [] for name in runs}
    timings.update({f"uncached:{size}": [] for size in sizes})
    gc.collect()
    for index in range(batches):
        batch = slice(index * batch_size, (index + 1) * batch_size)
        for name, (checker, sample) in runs.items():
            timings[name].append(time_batch(checker, sample[batch], cached=name != "baseline"))
            if name != "baseline":
                timings[f"uncached:{name}"].append(time_batch(checker, sample[batch], cached=False))
        log(f"  batch {index + 1}/{batches}")

    median = {name: round(statistics.median(values), 2) for name, values in timings.items()}
    smallest = min(sizes)
    result: Result = {f"us_per_check_{size}": median[str(size)] for size in sizes}
    ratio = round(median[str(largest)] / median[str(smallest)], 2)
    result[f"ratio_{largest}_to_{smallest}"] = ratio
    for size in sizes:
        result[f"uncached_us_per_check_{size}"] = median[f"uncached:{size}"]
    uncached_ratio = round(median[f"uncached:{largest}"] / median[f"uncached:{smallest}"], 2)
    result[f"uncached_ratio_{largest}_to_{smallest}"] = uncached_ratio
    result["checks_per_size"] = count
    result["baseline_us_per_check"] = median["baseline"]
    result["fast_vs_plain_ratio"] = round(median[f"uncached:{largest}"] / median["baseline"], 2)
    result[f"load_seconds_{largest}"] = round(LOAD_SECONDS[f"Authorizer:{largest}"], 2)
    result[f"baseline_load_seconds_{largest}"] = round(
        LOAD_SECONDS[f"plain casbin.Enforcer:{largest}"], 2
    )
    result["allowed_share"] = round(sum(decisions[str(largest)]) / count, 3)
    met = (
        max(ratio, uncached_ratio) <= TARGET_RATIO
        and all(median[str(size)] < TARGET_US for size in sizes)
        and all(median[f"uncached:{size}"] < TARGET_US for size in sizes)
    )
    return result, met


# --- one big street -------------------------------------------------------------------------

FIRST_CHECK_TARGET_US = 5_000.0  # no stall a user would notice, at any size
GRANT = Capability("member", "grant")
PROBE = Capability("street", "read")
AGREE_CHECKS = 2_000  # checks compared with the baseline (2-3 ms each there)


def build_big_street(members: int) -> tuple[Population, list[int]]:
    """The 10 streets of ``build_population`` plus ``members`` more members in street 1, mostly
    RESIDENT; also returns those members' ids."""
    pop = build_population(STREETS_PER_DISTRICT)
    rules, street_users = list(pop.rules), list(pop.street_users)
    first = pop.platform_admin + 1
    big = list(range(first, first + members))
    domain = street_domain(BIG_STREET)
    for n, user_id in enumerate(big):
        staff = n % STAFF_EVERY == 0
        role = STAFF_ROLES[n // STAFF_EVERY % len(STAFF_ROLES)] if staff else Role.RESIDENT
        rules.append((user_subject(user_id), role.value, domain))
        street_users.append((user_id, BIG_STREET))
    return Population(pop.streets, rules, street_users, pop.district_users, pop.platform_admin), big


@dataclass
class BigRun:
    checker: Checker
    sample: list[Check]
    rules: int
    load_seconds: float
    first_check_us: float
    grant_ms: float = 0.0
    revoke_ms: float = 0.0


def load_and_first_check(
    make: type[Checker], pop: Population, prober: int, repeats: int
) -> tuple[Checker, float, float]:
    """Median load time and first-check time over fresh loads; the last checker."""
    loads: list[float] = []
    firsts: list[float] = []
    checker = make()
    for _ in range(repeats):
        checker = make()
        gc.collect()
        started = time.perf_counter_ns()
        checker.load_rules(pop.rules)
        done = time.perf_counter_ns()
        checker.can(prober, street_domain(BIG_STREET), PROBE)
        firsts.append((time.perf_counter_ns() - done) / 1000)
        loads.append((done - started) / 1e9)
    return checker, statistics.median(loads), statistics.median(firsts)


def grant_and_revoke(checker: Checker, residents: list[int]) -> tuple[float, float]:
    """Median ms to give a resident STREET_ADMIN and to take it back, each with the first
    check after it (which must see the change)."""
    domain = street_domain(BIG_STREET)
    grants: list[float] = []
    revokes: list[float] = []
    for user_id in residents:
        resident = (user_subject(user_id), Role.RESIDENT.value, domain)
        admin = (user_subject(user_id), Role.STREET_ADMIN.value, domain)
        checker.can(user_id, domain, GRANT)  # a request's denial, cached
        started = time.perf_counter_ns()
        checker.replace_user_rules([user_id], [resident, admin])
        granted = checker.can(user_id, domain, GRANT)
        middle = time.perf_counter_ns()
        checker.replace_user_rules([user_id], [resident])
        revoked = checker.can(user_id, domain, GRANT)
        done = time.perf_counter_ns()
        if not granted or revoked:
            raise SystemExit(f"a grant or revoke of user {user_id} did not take effect")
        grants.append((middle - started) / 1e6)
        revokes.append((done - middle) / 1e6)
    return statistics.median(grants), statistics.median(revokes)


def big_run(
    name: str, make: type[Checker], members: int, count: int, repeats: int, reloaded: int
) -> BigRun:
    pop, big = build_big_street(members)
    rng = random.Random(SEED + members)
    residents = [user_id for n, user_id in enumerate(big) if n % STAFF_EVERY != 0]
    chosen = rng.sample(residents, min(reloaded, len(residents)))
    log(f"{name}: big street of {members} members, {len(pop.rules)} rules, {repeats} load(s)")
    checker, load_s, first_us = load_and_first_check(make, pop, chosen[0], repeats)
    log(f"  load {load_s:.3f} s, first check {first_us:.0f} µs")
    run = BigRun(checker, build_sample(pop, count, SEED + 1), len(pop.rules), load_s, first_us)
    run.grant_ms, run.revoke_ms = grant_and_revoke(checker, chosen)
    log(f"  grant {run.grant_ms:.2f} ms, revoke {run.revoke_ms:.2f} ms")
    return run


def big_case(
    members: list[int], batches: int, batch_size: int, repeats: int
) -> tuple[Result, bool]:
    count = batches * batch_size
    # The process's first checks pay for imports and caches of their own: not any street's.
    pop, members_ = build_big_street(STAFF_EVERY)
    warm = Authorizer(CAPABILITIES)
    warm.load_rules(pop.rules)
    warm.can(members_[1], street_domain(BIG_STREET), PROBE)
    grant_and_revoke(warm, members_[1:3])

    runs = {
        m: big_run("Authorizer", Authorizer, m, count, repeats, RELOADED_USERS) for m in members
    }
    smallest, largest = min(members), max(members)
    baseline = None
    if smallest <= BASELINE_MAX_MEMBERS:
        baseline = big_run("plain casbin.Enforcer", PlainCasbin, smallest, count, 1, 5)
        checks = runs[smallest].sample[:AGREE_CHECKS]
        ours, _ = decide(runs[smallest].checker, checks)
        theirs, _ = decide(baseline.checker, checks)
        if ours != theirs:
            raise SystemExit("Authorizer and plain casbin.Enforcer disagree in the big street")
        log(
            f"  {len(checks)} checks agree with the baseline, {sum(ours) / len(checks):.0%} allowed"
        )
    else:
        log(f"no baseline: its first check at {smallest} members would take too long")

    log(f"measuring… {batches} batches × {batch_size} checks per size, interleaved")
    for run in runs.values():
        decide(run.checker, run.sample)  # the decision cache as a running worker has it
    cached: dict[int, list[float]] = {m: [] for m in members}
    uncached: dict[int, list[float]] = {m: [] for m in members}
    plain: list[float] = []
    gc.collect()
    for index in range(batches):
        batch = slice(index * batch_size, (index + 1) * batch_size)
        for m, run in runs.items():
            cached[m].append(time_batch(run.checker, run.sample[batch]))
            uncached[m].append(time_batch(run.checker, run.sample[batch], cached=False))
        if baseline is not None:
            plain_batch = baseline.sample[batch][: max(batch_size // 10, 20)]
            plain.append(time_batch(baseline.checker, plain_batch, cached=False))
        log(f"  batch {index + 1}/{batches}")

    result: Result = {}
    for m, run in runs.items():
        result[f"big_load_seconds_{m}"] = round(run.load_seconds, 3)
        result[f"big_first_check_us_{m}"] = round(run.first_check_us, 1)
        result[f"big_us_per_check_{m}"] = round(statistics.median(cached[m]), 2)
        result[f"big_uncached_us_per_check_{m}"] = round(statistics.median(uncached[m]), 2)
        result[f"big_grant_ms_{m}"] = round(run.grant_ms, 3)
        result[f"big_revoke_ms_{m}"] = round(run.revoke_ms, 3)
    small, large = runs[smallest], runs[largest]
    suffix = f"{largest}_to_{smallest}"
    ratios = {
        f"big_first_check_ratio_{suffix}": large.first_check_us / small.first_check_us,
        f"big_uncached_ratio_{suffix}": statistics.median(uncached[largest])
        / statistics.median(uncached[smallest]),
        f"big_grant_ratio_{suffix}": large.grant_ms / small.grant_ms,
        f"big_revoke_ratio_{suffix}": large.revoke_ms / small.revoke_ms,
        f"big_load_per_rule_ratio_{suffix}": (large.load_seconds / large.rules)
        / (small.load_seconds / small.rules),
    }
    result.update({key: round(value, 2) for key, value in ratios.items()})
    result[f"big_rules_{largest}"] = large.rules
    if baseline is not None:
        result["big_baseline_members"] = smallest
        result[f"big_baseline_load_seconds_{smallest}"] = round(baseline.load_seconds, 3)
        result[f"big_baseline_first_check_us_{smallest}"] = round(baseline.first_check_us, 1)
        result[f"big_baseline_uncached_us_per_check_{smallest}"] = round(
            statistics.median(plain), 2
        )
        result[f"big_baseline_grant_ms_{smallest}"] = round(baseline.grant_ms, 3)
        result[f"big_baseline_revoke_ms_{smallest}"] = round(baseline.revoke_ms, 3)
    met = (
        max(ratios.values()) <= TARGET_RATIO
        and all(run.first_check_us < FIRST_CHECK_TARGET_US for run in runs.values())
        and all(statistics.median(cached[m]) < TARGET_US for m in members)
        and all(statistics.median(uncached[m]) < TARGET_US for m in members)
    )
    result["big_targets_met"] = met
    return result, met


def int_list(text: str) -> list[int]:
    return sorted({int(part) for part in text.split(",")})


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.authz", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="small sample (CI smoke)")
    parser.add_argument(
        "--sizes",
        type=int_list,
        default=[1, 100, 1000],
        help="comma-separated street counts (default 1,100,1000)",
    )
    parser.add_argument(
        "--members",
        type=int_list,
        default=[2000, 20000, 73000],
        help="comma-separated member counts of the big street (default 2000,20000,73000)",
    )
    parser.add_argument(
        "--repeats", type=int, default=3, help="fresh loads per big street (default 3)"
    )
    parser.add_argument(
        "--cases",
        type=lambda text: set(text.split(",")),
        default={"streets", "big"},
        help="streets, big or both (default streets,big)",
    )
    args = parser.parse_args(argv)
    batches, batch_size = (5, 200) if args.quick else (15, 1000)

    result: Result = {}
    met = True
    if "streets" in args.cases:
        streets, streets_met = streets_case(args.sizes, batches, batch_size)
        result.update(streets)
        met = met and streets_met
    if "big" in args.cases:
        big, big_met = big_case(args.members, batches, batch_size, args.repeats)
        result.update(big)
        met = met and big_met
    result["targets_met"] = met
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

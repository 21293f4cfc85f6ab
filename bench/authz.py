"""Permission checks per second through the real ``Authorizer``, for 1, 100 and 1,000 streets.

Budget (ARCHITECTURE.md): under 500 µs per check at every size, at most 2x from 1 to 1,000
streets. A plain ``casbin.Enforcer`` (same model and policy, largest size) runs side by side as
the baseline, so the figures compare as ratios measured on the same machine in the same run.

    python -m bench.authz [--quick] [--sizes 1,100,1000]

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
from dataclasses import dataclass

import casbin
from casbin.persist.adapters import FileAdapter

from models.accounts import STREET_ROLES, Role
from policies.enforcer import MODEL_PATH, POLICY_PATH, Authorizer, Rule
from policies.vocabulary import (
    CAPABILITIES,
    PLATFORM_DOMAIN,
    Capability,
    street_domain,
    user_subject,
)

USERS_PER_STREET = 20
STREETS_PER_DISTRICT = 10
COMMON_ROLES = (Role.RESIDENT, Role.GRID_WORKER)
TARGET_US = 500.0
TARGET_RATIO = 2.0
SEED = 20240601

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


def plain_enforcer() -> casbin.Enforcer:
    enforcer = casbin.Enforcer(str(MODEL_PATH), FileAdapter(str(POLICY_PATH)))
    enforcer.enable_auto_save(False)
    return enforcer


LOAD_SECONDS: dict[str, float] = {}


def loaded(name: str, pop: Population, enforcer: casbin.Enforcer | None = None) -> Authorizer:
    log(f"building {name}: {pop.streets} streets… {len(pop.rules)} rules")
    started = time.perf_counter()
    authorizer = Authorizer(enforcer)
    authorizer.load_rules(pop.rules)
    LOAD_SECONDS[f"{name}:{pop.streets}"] = seconds = time.perf_counter() - started
    log(f"  loaded in {seconds:.2f} s")
    return authorizer


def decide(authorizer: Authorizer, checks: list[Check]) -> tuple[list[bool], float]:
    """Every decision of the sample, and µs per check of that first (cold) pass."""
    can = authorizer.can
    started = time.perf_counter_ns()
    decisions = [can(user_id, domain, cap) for user_id, domain, cap in checks]
    return decisions, (time.perf_counter_ns() - started) / len(checks) / 1000


def time_batch(authorizer: Authorizer, batch: list[Check], cached: bool = True) -> float:
    """µs per check over one batch: through the decision cache (what requests use), or
    straight to Casbin."""
    can = authorizer.can if cached else authorizer.can_uncached
    started = time.perf_counter_ns()
    for user_id, domain, cap in batch:
        can(user_id, domain, cap)
    return (time.perf_counter_ns() - started) / len(batch) / 1000


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.authz", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="small sample (CI smoke)")
    parser.add_argument(
        "--sizes",
        type=lambda text: sorted({int(part) for part in text.split(",")}),
        default=[1, 100, 1000],
        help="comma-separated street counts (default 1,100,1000)",
    )
    args = parser.parse_args(argv)
    sizes: list[int] = args.sizes
    batches, batch_size = (5, 200) if args.quick else (15, 1000)
    count = batches * batch_size

    # name -> (authorizer, sample); the baseline shares the largest size's rules and sample.
    runs: dict[str, tuple[Authorizer, list[Check]]] = {}
    largest = max(sizes)
    for size in sizes:
        pop = build_population(size)
        sample = build_sample(pop, count)
        runs[str(size)] = (loaded("Authorizer", pop), sample)
        if size == largest:
            runs["baseline"] = (loaded("plain casbin.Enforcer", pop, plain_enforcer()), sample)

    decisions: dict[str, list[bool]] = {}
    for name, (authorizer, sample) in runs.items():
        decisions[name], cold_us = decide(authorizer, sample)  # builds each street's role links
        share = sum(decisions[name]) / count
        log(f"warm-up {name}: {cold_us:.1f} µs/check cold, {share:.0%} allowed")
    if decisions["baseline"] != decisions[str(largest)]:
        log("Authorizer and plain casbin.Enforcer disagree on the same checks")
        return 1

    log(f"measuring… {batches} batches × {batch_size} checks per size, interleaved")
    timings: dict[str, list[float]] = {name: [] for name in runs}
    timings.update({f"uncached:{size}": [] for size in sizes})
    gc.collect()
    for index in range(batches):
        batch = slice(index * batch_size, (index + 1) * batch_size)
        for name, (authorizer, sample) in runs.items():
            timings[name].append(time_batch(authorizer, sample[batch], cached=name != "baseline"))
            if name != "baseline":
                timings[f"uncached:{name}"].append(
                    time_batch(authorizer, sample[batch], cached=False)
                )
        log(f"  batch {index + 1}/{batches}")

    median = {name: round(statistics.median(values), 2) for name, values in timings.items()}
    smallest = min(sizes)
    result: dict[str, float | int | bool] = {
        f"us_per_check_{size}": median[str(size)] for size in sizes
    }
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
    result["targets_met"] = (
        max(ratio, uncached_ratio) <= TARGET_RATIO
        and all(median[str(size)] < TARGET_US for size in sizes)
        and all(median[f"uncached:{size}"] < TARGET_US for size in sizes)
    )
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""A street of 5,000 members, loaded from the database like a worker does at start.

The ``Authorizer`` keeps role links in its own role manager (see policies/enforcer.py); a plain
``casbin.Enforcer`` with the same model and policy is the oracle: both must give the same
decisions on a sample, and a grant or revoke of one member must take effect in both.

The oracle holds every assignment of the database except those of the big street's members the
sample does not ask about: a user's decisions depend only on the links reachable from that user,
and with all 5,000 Casbin's role manager would spend half a minute building the street's links
pairwise on its first check (the very cost the ``Authorizer`` avoids). No timings are asserted
here; ``python -m bench.authz`` measures.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

import casbin
import pytest
from casbin.rbac.default_role_manager import DomainManager

from gongzhi.platform import capability_vocabulary
from models.accounts import STREET_ROLES, Membership, Role, User
from models.scoping import street_scope, unscoped
from models.tenancy import Street
from policies.enforcer import (
    MODEL_PATH,
    POLICY_PATH,
    Authorizer,
    DomainRoles,
    Rule,
    assignment_rules,
)
from policies.vocabulary import (
    PLATFORM_DOMAIN,
    Capability,
    street_domain,
    user_subject,
)
from resolvers.services import Services
from tests.support import make_street

CAPABILITIES = capability_vocabulary()

MEMBERS = 5_000
STAFF_EVERY = 50  # one member in 50 holds a staff role instead of RESIDENT
STAFF_ROLES = sorted(STREET_ROLES - {Role.RESIDENT})
SAMPLE = 400
GRANT = Capability("member", "grant")


Check = tuple[int, str, Capability]


@dataclass
class BigStreet:
    street_id: int
    domain: str
    roles: dict[int, Role]  # member → the one role they hold
    checks: list[Check]  # the sample
    resident: int  # granted, then revoked, STREET_ADMIN
    bystander: int  # another resident, unaffected
    authorizer: Authorizer  # loaded from the database after the members were added
    plain: casbin.Enforcer  # the oracle


def oracle(rules: list[Rule]) -> casbin.Enforcer:
    enforcer = casbin.Enforcer(str(MODEL_PATH), str(POLICY_PATH))
    enforcer.enable_auto_save(False)
    # Lists, as Casbin stores the rules it is given one by one (removing compares them).
    assert enforcer.add_grouping_policies([list(rule) for rule in sorted(set(rules))])
    return enforcer


def plain_can(enforcer: casbin.Enforcer, user_id: int, domain: str, cap: Capability) -> bool:
    return bool(enforcer.enforce(user_subject(user_id), domain, cap.resource, cap.action))


@pytest.fixture(scope="module")
async def big(services: Services) -> BigStreet:
    street = await make_street(services, "big")
    prefix = f"{street.code}.m"
    await User.bulk_create(
        [User(username=f"{prefix}{n:05d}", password_hash="!") for n in range(MEMBERS)],
        batch_size=1000,
    )
    user_ids = (
        await User.filter(username__startswith=prefix).order_by("id").values_list("id", flat=True)
    )
    roles = {
        user_id: STAFF_ROLES[n // STAFF_EVERY % len(STAFF_ROLES)]
        if n % STAFF_EVERY == 0
        else Role.RESIDENT
        for n, user_id in enumerate(user_ids)
    }
    with street_scope(street.street_id):
        await Membership.bulk_create(
            [
                Membership(tenant_id=street.street_id, user_id=user_id, role=role)
                for user_id, role in roles.items()
            ],
            batch_size=1000,
        )
    with unscoped("another street to ask about"):
        other = await Street.exclude(id=street.street_id).order_by("id").first()
    assert other is not None

    authorizer = Authorizer(CAPABILITIES)
    await authorizer.load_from_database()
    rules = await assignment_rules()
    domain = street_domain(street.street_id)
    members = {user_subject(user_id): role.value for user_id, role in roles.items()}
    loaded = {(s, r) for s, r, d in rules if d == domain and s in members}
    assert loaded == set(members.items()), "the big street's assignments, as the database has them"

    checks = sample(roles, domain, street_domain(other.id))
    resident = next(u for u, role in roles.items() if role is Role.RESIDENT)
    bystander = next(u for u, role in reversed(roles.items()) if role is Role.RESIDENT)
    asked = {user_subject(user_id) for user_id, _, _ in checks} | {
        user_subject(resident),
        user_subject(bystander),
    }
    plain = oracle([rule for rule in rules if rule[0] not in members or rule[0] in asked])
    return BigStreet(
        street.street_id, domain, roles, checks, resident, bystander, authorizer, plain
    )


def sample(roles: dict[int, Role], domain: str, other_domain: str) -> list[Check]:
    """Members (staff more often than their share) asking about any capability, mostly in
    their street, sometimes in another street or the platform, where they hold nothing."""
    rng = random.Random(5000)
    capabilities = sorted(CAPABILITIES)
    staff = [user_id for user_id, role in roles.items() if role is not Role.RESIDENT]
    members = list(roles)
    checks = []
    for _ in range(SAMPLE):
        user_id = rng.choice(staff if rng.random() < 0.3 else members)
        where = rng.random()
        asked = domain if where < 0.8 else other_domain if where < 0.9 else PLATFORM_DOMAIN
        checks.append((user_id, asked, rng.choice(capabilities)))
    return checks


async def test_a_big_street_decides_like_a_plain_casbin_enforcer(big: BigStreet) -> None:
    ours = [big.authorizer.can(*check) for check in big.checks]
    theirs = [plain_can(big.plain, *check) for check in big.checks]
    assert ours == theirs
    assert 0 < sum(ours) < len(ours)  # the sample asks both what is allowed and what is not
    assert [big.authorizer.can_uncached(*check) for check in big.checks] == theirs

    for user_id in {user_id for user_id, _, _ in big.checks}:
        assert big.authorizer.roles(user_id, big.domain) == [big.roles[user_id].value]
        assert big.authorizer.streets_of(user_id) == {big.street_id: True}


async def test_a_grant_and_a_revoke_in_the_big_street_take_effect(big: BigStreet) -> None:
    resident, bystander = big.resident, big.bystander
    subject = user_subject(resident)
    everything = sorted(CAPABILITIES)

    def agree() -> list[Capability]:
        for user_id in (resident, bystander):
            ours = big.authorizer.capabilities(user_id, big.domain)
            assert ours == [c for c in everything if plain_can(big.plain, user_id, big.domain, c)]
        return big.authorizer.capabilities(resident, big.domain)

    before = agree()
    assert GRANT not in before

    with street_scope(big.street_id):
        await Membership.create(tenant_id=big.street_id, user_id=resident, role=Role.STREET_ADMIN)
    await big.authorizer.reload_users([resident])
    big.plain.add_grouping_policy(subject, Role.STREET_ADMIN.value, big.domain)
    granted = agree()
    assert GRANT in granted and set(before) < set(granted)
    assert big.authorizer.roles(resident, big.domain) == ["RESIDENT", "STREET_ADMIN"]

    with street_scope(big.street_id):
        await Membership.filter(user_id=resident, role=Role.STREET_ADMIN).delete()
    await big.authorizer.reload_users([resident])
    assert big.plain.remove_grouping_policy(subject, Role.STREET_ADMIN.value, big.domain)
    assert agree() == before
    assert big.authorizer.roles(resident, big.domain) == ["RESIDENT"]


# --- the role manager itself, against Casbin's ---------------------------------------------


@pytest.mark.parametrize("seed", range(5))
def test_domain_roles_answers_like_casbins_domain_manager(seed: int) -> None:
    """Random links between users and roles (roles holding roles, chains past the 10 levels
    Casbin follows, cycles) in three domains, some removed again: every question both role
    managers answer gets the same answer."""
    rng = random.Random(seed)
    names = [f"user:{n}" for n in range(8)] + [f"R{n}" for n in range(14)]
    domains = ["street:1", "street:2", "platform"]
    ours, casbins = DomainRoles(), DomainManager(10)
    random_links = sorted(
        {(rng.choice(names), rng.choice(names[8:]), rng.choice(domains)) for _ in range(60)}
    )
    # user:0 → R0 → R1 → … → R13 in street:1: deeper than the 10 levels Casbin follows.
    chain = [("user:0", "R0", "street:1")] + [(f"R{n}", f"R{n + 1}", "street:1") for n in range(13)]
    for link in sorted({*random_links, *chain}):
        ours.add_link(*link)
        casbins.add_link(*link)
    for link in rng.sample([link for link in random_links if link not in chain], 15):
        ours.delete_link(*link)
        casbins.delete_link(*link)

    for domain in [*domains, "street:9"]:
        for name in names:
            assert sorted(ours.get_roles(name, domain)) == sorted(casbins.get_roles(name, domain))
            assert sorted(ours.get_users(name, domain)) == sorted(casbins.get_users(name, domain))
            for role in names:
                assert ours.has_link(name, role, domain) == casbins.has_link(name, role, domain), (
                    name,
                    role,
                    domain,
                )

"""The seam: every domain declares itself once, and the shared modules name no domain.

A toy domain added to the list (here, in the test only) reaches the schema, ``node(id:)``, the
enum of error codes, the vocabulary, the background tasks, the demo and a new street's hooks.
"""

from __future__ import annotations

import ast
from enum import StrEnum
from pathlib import Path

import pytest
import strawberry
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from core.settings import Env, Settings
from policies.vocabulary import Capability
from resolvers.demo import DemoStreetData
from resolvers.neighbourhood import NearbyEntry, NearbySource, Neighbour
from resolvers.publishing import Reviewable
from resolvers.services import Services
from schema import domain as seam
from schema.context import Info
from schema.domain import Domain, NodeKind
from schema.domains import DOMAINS
from schema.permissions import Can, field
from schema.root import build_schema

ROOT = Path(__file__).resolve().parents[2]

# The shared modules: each iterates the domain list (or is handed what it needs) and imports no
# domain's own module.
SHARED = (
    "schema/root.py",
    "schema/node.py",
    "schema/domain.py",
    "schema/codes.py",
    "schema/permissions.py",
    "schema/errors.py",
    "gongzhi/app.py",
    "schema/loaders.py",
    "core/database.py",
    "core/errors.py",
    "policies/vocabulary.py",
    "policies/enforcer.py",
    "resolvers/services.py",
    "resolvers/demo.py",
    "resolvers/publishing.py",
    "resolvers/neighbourhood.py",
    "schema/contributed.py",
    "tenants/registry.py",
)
# The foundation every domain builds on: accounts (who), tenancy (which street), events and
# audit (what happened). Shared modules may use these; never a feature domain's own module.
FOUNDATION = {"accounts", "tenancy", "events", "audit"}
DOMAIN_NAMES = {d.name for d in DOMAINS}
FEATURE_DOMAINS = DOMAIN_NAMES - FOUNDATION
# A domain's own modules: models.votes, resolvers.votes.*, schema.votes.*, policies.capabilities…
OWN_PREFIXES = ("models.", "resolvers.", "schema.", "policies.capabilities.")


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


def _names_a_domain(module: str) -> str | None:
    for prefix in OWN_PREFIXES:
        if module.startswith(prefix):
            parts = module.removeprefix(prefix).split(".")
            if parts[0] in FEATURE_DOMAINS:
                return parts[0]
    return None


@pytest.mark.parametrize("shared", SHARED)
def test_a_shared_module_names_no_domain(shared: str) -> None:
    named = sorted(
        f"{module} ({domain})"
        for module in _imports(ROOT / shared)
        if (domain := _names_a_domain(module))
    )
    assert named == [], f"{shared} imports a domain's own module: {named}"


def test_every_model_module_belongs_to_exactly_one_domain() -> None:
    # scoping, raw SQL scoped alike, typed reads of one column, row security beneath them
    infrastructure = {"models.scoping", "models.sql", "models.columns", "models.row_security"}
    modules = {
        f"models.{p.stem}" for p in (ROOT / "models").glob("*.py") if p.stem != "__init__"
    } - infrastructure
    owners: dict[str, list[str]] = {}
    for d in DOMAINS:
        for module in d.models:
            owners.setdefault(module, []).append(d.name)
    assert {m: o for m, o in owners.items() if len(o) > 1} == {}
    assert sorted(modules - set(owners)) == [], "model modules no domain lists"
    assert sorted(set(owners) - modules) == [], "listed model modules that do not exist"


def test_every_capability_module_belongs_to_a_domain() -> None:
    import importlib

    declared = {cap for d in DOMAINS for cap in d.capabilities}
    for path in (ROOT / "policies" / "capabilities").glob("*.py"):
        if path.stem == "__init__":
            continue
        module = importlib.import_module(f"policies.capabilities.{path.stem}")
        missing = set(module.CAPABILITIES) - declared
        assert missing == set(), f"{path.name}: capabilities no domain declares: {missing}"
        assert path.stem in DOMAIN_NAMES, f"{path.name} is named after no domain"


def test_the_error_code_enum_holds_every_domains_codes() -> None:
    schema = build_schema(Settings(env=Env.DEV), DOMAINS)
    values = set(schema._schema.type_map["ErrorCode"].values)
    for d in DOMAINS:
        assert {c.value for c in d.codes or ()} <= values, d.name
    assert {"FORBIDDEN", "VOTE_CLOSED", "OVER_BUDGET"} <= values


def test_every_node_kind_names_a_type_of_the_schema() -> None:
    schema = build_schema(Settings(env=Env.DEV), DOMAINS)
    kinds = seam.node_kinds(DOMAINS)
    graphql_types = schema._schema.type_map
    assert sorted(k for k in kinds if k not in graphql_types) == []
    assert "Node" in {i.name for i in graphql_types["Vote"].interfaces}


# -- a toy domain, to show what joining the list brings ---------------------------------------

TOY_READ = Capability("toy", "read", "read toys (test only)")


class ToyCode(StrEnum):
    TOY_BROKEN = "TOY_BROKEN"


@strawberry.type
class ToyQuery:
    @field(requires=Can(TOY_READ), description="Toys (test only).")
    def toys(self, info: Info) -> list[str]:
        return ["风车"]


class ToyTask:
    def __init__(self) -> None:
        self.started = False

    async def start(self) -> None:
        self.started = True

    async def stop(self) -> None:
        self.started = False


async def _toy(info: Info, pk: int) -> None:
    return None


async def _toy_demo(demo: DemoStreetData) -> None:
    return None


async def _toy_hook(conn: object, street: object) -> dict[str, object]:
    return {"toys": 1}


async def _toy_page(request: Request) -> PlainTextResponse:
    return PlainTextResponse("风车")


TOY_ROUTE = Route("/toys/v1/windmill.txt", _toy_page)


async def _toy_decided(change: object, pk: int, decision: object) -> None:
    return None


async def _toy_nearby(who: Neighbour, before: object, limit: int) -> list[NearbyEntry]:
    return []


async def _toy_nearby_count(who: Neighbour) -> int:
    return 0


TOY_REVIEWABLE = Reviewable("TOY_NOTICE", "玩具公告 (test only)", 100, "Toy", _toy_decided)
TOY_NEARBY = NearbySource("TOY", "玩具 (test only)", _toy_nearby, _toy_nearby_count)


TOY = Domain(
    name="toys",
    query=(ToyQuery,),
    nodes={"Toy": NodeKind(Can(TOY_READ), _toy)},
    capabilities=(TOY_READ,),
    codes=ToyCode,
    tasks=lambda services: (ToyTask(),),
    demo=_toy_demo,
    on_street_created=_toy_hook,
    routes=(TOY_ROUTE,),
    reviewable=(TOY_REVIEWABLE,),
    nearby=(TOY_NEARBY,),
)


def test_a_new_domain_reaches_every_shared_part(services: Services) -> None:
    domains = (*DOMAINS, TOY)
    sdl = build_schema(Settings(env=Env.DEV), domains).as_str()
    assert "toys: [String!]!" in sdl
    assert "Requires: `toy:read` (read toys (test only))." in sdl
    assert "TOY_BROKEN" in seam.error_codes(domains).__members__
    assert TOY_READ in seam.vocabulary(domains)
    assert "Toy" in seam.node_kinds(domains)
    assert _toy_demo in seam.demo_loaders(domains)
    assert _toy_hook in seam.street_hooks(domains)
    tasks = seam.background_tasks(domains, services)
    assert any(isinstance(t, ToyTask) for t in tasks)
    assert len(tasks) == len(seam.background_tasks(DOMAINS, services)) + 1
    assert TOY_ROUTE in seam.http_routes(domains)
    assert seam.reviewables(domains)["TOY_NOTICE"] is TOY_REVIEWABLE
    assert seam.nearby_sources(domains)[-1] is TOY_NEARBY
    assert seam.review_queue(domains) is seam.review_queue(DOMAINS) is not None


def test_a_reviewable_kind_a_nearby_kind_or_a_review_queue_declared_twice_is_refused() -> None:
    again = Domain(name="again", reviewable=(TOY_REVIEWABLE,), nearby=(TOY_NEARBY,))
    with pytest.raises(ValueError, match="TOY_NOTICE"):
        seam.reviewables((*DOMAINS, TOY, again))
    with pytest.raises(ValueError, match="TOY"):
        seam.nearby_sources((*DOMAINS, TOY, again))
    queue = seam.review_queue(DOMAINS)
    with pytest.raises(ValueError, match="review queue"):
        seam.review_queue((*DOMAINS, Domain(name="again", review_queue=queue)))


def test_a_route_declared_twice_is_refused() -> None:
    again = Domain(name="again", routes=(Route("/toys/v1/windmill.txt", _toy_page),))
    with pytest.raises(ValueError, match="windmill"):
        seam.http_routes((*DOMAINS, TOY, again))


def test_a_field_requiring_an_undeclared_capability_is_refused_at_build() -> None:
    with pytest.raises(ValueError, match="toy:read"):
        build_schema(Settings(env=Env.DEV), (*DOMAINS, Domain(name="toys", query=(ToyQuery,))))


def test_a_capability_or_code_declared_twice_is_refused() -> None:
    twice = Domain(name="again", capabilities=(Capability("vote", "read", "again"),))
    with pytest.raises(ValueError, match="vote:read"):
        seam.vocabulary((*DOMAINS, twice))

    class Again(StrEnum):
        VOTE_CLOSED = "VOTE_CLOSED"

    with pytest.raises(ValueError, match="VOTE_CLOSED"):
        seam.error_codes((*DOMAINS, Domain(name="again", codes=Again)))


def _acts_for_a_person(function: ast.AsyncFunctionDef) -> bool:
    """The old shape of an operation: ``(services, actor: User, …)``, services and a user apart."""
    args = function.args.args
    if len(args) < 2 or args[0].arg != "services":
        return False
    second = args[1].annotation
    return second is not None and ast.unparse(second) in {"User", "User | None"}


def test_every_domain_operation_takes_the_caller() -> None:
    """A domain's public operations take one ``Caller`` (services, user, street), so a rule about
    who may do what reads the same everywhere. Background work acting for nobody keeps a private
    inner function with ``actor=None`` (``resolvers/votes/lifecycle.py``)."""
    loose: list[str] = []
    for path in sorted((ROOT / "resolvers").rglob("*.py")):
        if path.parent == ROOT / "resolvers":  # the platform's own modules (accounts, auth, …)
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in tree.body:
            if isinstance(node, ast.AsyncFunctionDef) and not node.name.startswith("_"):
                if _acts_for_a_person(node):
                    loose.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.name}")
    assert not loose, "take `caller: Caller` instead of (services, user):\n" + "\n".join(loose)

"""No list costs more SQL for a bigger page (N+1 guard, 每个列表).

Every connection field of ``Query`` in the SDL (``schema/schema.graphql``) is read twice, at
``first: 1`` and ``first: 5``, with every field below it selected (built from the schema's types
down to the depth limit, nested connections with the same ``first``), by a member of a fresh
street who holds the roles to read nearly everything. Both reads must send the same number of
SQL statements; when they do not, the test names the nested paths whose cost grows. A new
connection field is covered without editing this file.

What the generated selections leave out: a type already on the path is not expanded again
(``Project.opinions.node.project`` stops there: no cycles); nothing below the depth limit
(``GONGZHI_MAX_QUERY_DEPTH``); fields with a required argument (``NESTED_SKIPS``, none today:
only root fields take one, filled from ``ROOT_ARGUMENTS``).

The seeded rows are alike on purpose: the first row of each list (the newest vote, the most
advanced project…) already uses every loader, so a page of one and a page of five differ only
in their number of rows.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from graphql import (
    GraphQLField,
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLUnionType,
    build_schema,
    get_named_type,
    is_leaf_type,
    is_non_null_type,
)
from graphql.pyutils import Undefined

from bench.sqlcount import count_statements
from core.ids import from_global_id
from core.settings import Settings
from models.accounts import Role, User
from models.events import Notification
from models.people import Building, Compound, GridAssignment, GridDuty, Message, MessageThread, Tag
from models.projects import Disbursement, Follow, Opinion, Photo, ProgressUpdate, Rating
from models.tenancy import Community, Grid, Street
from models.votes import VoteItem
from resolvers.caller import Caller
from resolvers.notices import send_notice
from resolvers.participation import circles
from resolvers.services import Services
from resolvers.votes import ballots, drafting, lifecycle
from tenants.scoping import street_scope
from tests.cases.support import seed_cases
from tests.people.support import add_resident
from tests.projects.support import (
    add_milestone,
    create_project,
    move,
    project_street,
    running_project,
    today,
)
from tests.support import Api, add_member, gid, grant_membership

SDL_PATH = Path(__file__).resolve().parents[2] / "schema" / "schema.graphql"
SDL: GraphQLSchema = build_schema(SDL_PATH.read_text(encoding="utf-8"))
SMALL, BIG = 1, 5  # page sizes; the seeded street has at least BIG rows in every root list
# Roles of the caller: staff who read everything of the street (admin, congress staff), a grid
# chief (own threads with residents) and a resident (own threads and notices).
CALLER_ROLES = (Role.STREET_ADMIN, Role.CONGRESS_STAFF, Role.GRID_CHIEF, Role.RESIDENT)

# Nested fields left out of the selections, with the reason (a field with a required argument
# the generator cannot fill lands here; the test fails until it is listed).
NESTED_SKIPS: dict[str, str] = {}
# Connection fields no root list reaches (under a single object asked for by ID), each guarded
# by a test of its own that names it here.
OUTSIDE_ROOT_LISTS: dict[str, str] = {
    "BulletinBoard.entries": "a published vote's board (voteBulletinBoard(id)): "
    "tests/votes/test_flow.py counts its statements at two page sizes",
}
# Root connection fields not run, with the reason (none today).
ROOT_SKIPS: dict[str, str] = {}
# Required arguments of root connection fields, filled from the seeded street.
ROOT_ARGUMENTS: dict[str, dict[str, str]] = {
    "auditTrail": {"subject": "audited_project"},
    "voteElectors": {"id": "vote_with_electors"},
    "circlePosts": {"circleId": "circle_with_posts"},
}
# Root connection fields that may answer FORBIDDEN to this caller, with the reason.
FORBIDDEN_FOR_CALLER: dict[str, str] = {}
# At least this many root connection fields must return a full page of BIG rows.
MIN_EXERCISED = 16


# -- selections built from the schema -------------------------------------------------------


def is_connection(type_: Any) -> bool:
    named = get_named_type(type_)
    return (
        isinstance(named, GraphQLObjectType)
        and "edges" in named.fields
        and "pageInfo" in named.fields
    )


def required_arguments(definition: GraphQLField) -> list[str]:
    return [
        name
        for name, argument in definition.args.items()
        if is_non_null_type(argument.type)
        and argument.default_value is Undefined
        # an SDL default graphql-core did not turn into a value (``Boolean! = false``)
        and (argument.ast_node is None or argument.ast_node.default_value is None)
    ]


@dataclass
class Selection:
    """One field (or an inline fragment, ``... on T``) and what is selected under it."""

    name: str
    arguments: str = ""
    children: list[Selection] = field(default_factory=list)
    type_name: str = ""  # the named type of the field
    connection: bool = False

    @property
    def fragment(self) -> bool:
        return self.name.startswith("... on ")

    def render(self) -> str:
        head = self.name + self.arguments
        if not self.children:
            return head
        return head + " { " + " ".join(c.render() for c in self.children) + " }"

    def label(self) -> str:
        return self.name.removeprefix("... on ")


def _children(
    type_: GraphQLNamedType, budget: int, on_path: frozenset[str], skipped: dict[str, str]
) -> list[Selection]:
    """What to select under a field of this type, with ``budget`` field levels left below it.
    Types already on the path are not expanded again (no cycles)."""
    if budget <= 0:
        return []
    if isinstance(type_, GraphQLUnionType):
        found = [Selection("__typename")]
        for member in type_.types:
            inner = _children(member, budget, on_path, skipped)
            if inner:
                found.append(Selection(f"... on {member.name}", children=inner))
        return found
    assert isinstance(type_, GraphQLObjectType | GraphQLInterfaceType)
    found = []
    for name, definition in type_.fields.items():
        if name.startswith("__"):
            continue
        if required_arguments(definition):
            skipped[f"{type_.name}.{name}"] = ", ".join(required_arguments(definition))
            continue
        named = get_named_type(definition.type)
        connection = is_connection(definition.type)
        arguments = "(first: $first)" if connection else ""
        if is_leaf_type(named):
            found.append(Selection(name, arguments, type_name=named.name))
            continue
        if named.name in on_path:
            continue
        inner = _children(named, budget - 1, on_path | {named.name}, skipped)
        if inner:
            found.append(Selection(name, arguments, inner, named.name, connection))
    return found


def root_selection(name: str, max_depth: int, skipped: dict[str, str]) -> Selection:
    definition = SDL.query_type.fields[name]
    named = get_named_type(definition.type)
    arguments = ["first: $first"] + [f"{a}: ${a}" for a in required_arguments(definition)]
    return Selection(
        name,
        f"({', '.join(arguments)})",
        _children(named, max_depth - 1, frozenset({named.name}), skipped),
        named.name,
        connection=True,
    )


def document(name: str, top: Selection) -> str:
    definition = SDL.query_type.fields[name]
    variables = ["$first: Int!"] + [
        f"${a}: {definition.args[a].type}" for a in required_arguments(definition)
    ]
    return f"query({', '.join(variables)}) {{ {top.render()} }}"


def connection_fields_under(top: Selection, type_name: str) -> Iterator[str]:
    """``Type.field`` of every connection selected below ``top`` (of type ``type_name``)."""
    for child in top.children:
        if child.fragment:
            yield from connection_fields_under(child, child.label())
            continue
        if child.connection:
            yield f"{type_name}.{child.name}"
        if child.children:
            yield from connection_fields_under(child, child.type_name)


def only(top: Selection, path: list[int]) -> Selection:
    """``top`` with only the branch along ``path`` (child indexes), whole at its end."""
    if not path:
        return top
    chosen = top.children[path[0]]
    kept = only(chosen, path[1:])
    return Selection(top.name, top.arguments, [kept], top.type_name, top.connection)


def root_connection_fields() -> list[str]:
    return [name for name, f in SDL.query_type.fields.items() if is_connection(f.type)]


def query_fields() -> list[str]:
    return [f"{SDL.query_type.name}.{name}" for name in root_connection_fields()]


def every_connection_field() -> set[str]:
    found = set()
    for type_ in SDL.type_map.values():
        if isinstance(type_, GraphQLObjectType) and not type_.name.startswith("__"):
            found |= {f"{type_.name}.{n}" for n, f in type_.fields.items() if is_connection(f.type)}
    return found


# -- the seeded street ----------------------------------------------------------------------


@dataclass
class Seeded:
    code: str
    caller: User
    variables: dict[str, str]


async def seed_street(api: Api, services: Services) -> Seeded:
    """A fresh street with at least five rows behind every list, several behind nested ones."""
    ps = await project_street(services, "np")
    sid, code = ps.street.street_id, ps.street.code
    caller = await add_member(services, sid, CALLER_ROLES[0])
    for role in CALLER_ROLES[1:]:
        await grant_membership(services, caller, sid, role)
    workers = [await add_member(services, sid, Role.GRID_WORKER) for _ in range(5)]
    on = today(services)
    now = services.clock.now()

    # Projects through the API (their audit trail comes with them), five running, two candidates.
    projects = [
        await running_project(api, ps, services, title=f"项目{n}", budget="100.00")
        for n in range(5)
    ]
    for n in range(3):
        await add_milestone(api, ps, projects[0], on + timedelta(days=10 + n), title=f"M{n}")
    candidates = []
    for n in range(2):
        candidate = await create_project(api, ps, services, title=f"候选{n}")
        await move(api, ps, candidate, "CANDIDATE")
        candidates.append(candidate)
    people = [ps.leader, ps.department, ps.representative, ps.deliberator, ps.resident, caller]

    with street_scope(sid):
        street = await Street.get(id=sid)
        grid = await Grid.get(id=ps.street.grid_id)
        for g in range(4):  # the first community, where the residents and projects are
            await Grid.create(community_id=ps.street.community_id, code=f"g{g + 2}", name="格")
        for n in range(4):
            community = await Community.create(code=f"c{n + 2}", name=f"社区{n + 2}")
            for g in range(5):
                await Grid.create(community=community, code=f"c{n + 2}-{g}", name=f"网格{g}")
        await GridAssignment.create(grid=grid, user=caller, duty=GridDuty.CHIEF)
        for worker in workers:
            await GridAssignment.create(grid=grid, user=worker, duty=GridDuty.WORKER)
        tags = [await Tag.create(name=f"标签{n}") for n in range(3)]
        buildings = []
        for n in range(5):
            compound = await Compound.create(community_id=ps.street.community_id, name=f"小区{n}")
            for b in range(2):
                buildings.append(
                    await Building.create(compound=compound, grid=grid, name=f"{b + 1}号楼")
                )
    tag_ids = tuple(t.id for t in tags)
    residents = [
        await add_resident(services, sid, grid.id, f"居民{n}", tags=tag_ids) for n in range(5)
    ]
    me = await add_resident(services, sid, grid.id, "本人", tags=tag_ids, user=caller)

    with street_scope(sid):
        for resident in residents:
            await resident.fetch_related("building")
            resident.building = buildings[resident.id % len(buildings)]
            await resident.save(update_fields=["building_id"])
        pairs = [(r, caller) for r in residents] + [(me, w) for w in workers]
        for resident, staff in pairs:
            thread = await MessageThread.create(resident=resident, staff=staff, last_message_at=now)
            for n in range(5):
                await Message.create(
                    thread=thread,
                    sender=staff,
                    from_resident=False,
                    body=f"消息{n}",
                    created_at=now,
                )
        await seed_cases(services, street, grid.id, caller)
        as_caller = Caller(services, caller, street)
        circle = await circles.create(as_caller, "广场舞", "")
        await circles.join(as_caller, circle.id)
        for n in range(6):
            await circles.post(as_caller, circle.id, f"帖子{n}")
        for n in range(5):
            await send_notice(as_caller, title=f"通知{n}", body="请查收")
        for n in range(5):
            await Notification.create(user=caller, kind="test", title=f"提醒{n}", created_at=now)

        for project_gid in projects:
            pk = int(_pk(project_gid))
            for n in range(5):
                update = await ProgressUpdate.create(
                    project_id=pk, author=ps.department, body=f"进展{pk}-{n}", created_at=now
                )
                payment = await Disbursement.create(
                    project_id=pk,
                    amount=Decimal("1.00"),
                    paid_on=on,
                    purpose=f"付款{pk}-{n}",
                    created_at=now,
                )
                for link in ({"update": update}, {"update": update}, {"disbursement": payment}):
                    await Photo.create(
                        project_id=pk,
                        path=f"p/{pk}-{n}.png",
                        content_type="image/png",
                        size=1,
                        sha256="0" * 64,
                        created_at=now,
                        **link,
                    )
                await Opinion.create(
                    project_id=pk,
                    author=ps.representative,
                    body=f"意见{n}",
                    created_at=now,
                    reply_due=on + timedelta(days=n),
                    reply="已办" if n % 2 else None,
                    replied_at=now if n % 2 else None,
                    replied_by=ps.department if n % 2 else None,
                )
            for person in people[:5]:
                await Follow.create(project_id=pk, user=person, created_at=now)
                await Rating.create(
                    project_id=pk,
                    user=person,
                    score=4,
                    comment="好",
                    created_at=now,
                    updated_at=now,
                )

        # Votes through the app's own steps: older satisfaction votes in every state, and the
        # newest (first on the list) an open named project ballot with ballots cast, so that
        # a page of one already reads everything a vote can show.
        roster = drafting.ElectorateDraft(
            drafting.ElectorateKind.ROSTER, user_ids=[p.id for p in people]
        )
        satisfaction = [drafting.ItemDraft(label="城建办"), drafting.ItemDraft(label="民政办")]
        project_items = [drafting.ItemDraft(project_id=_pk(c)) for c in candidates]
        steps = ("draft", "published", "closed", "open", "open")
        vote_ids = []
        for n, state in enumerate(steps):
            newest = n == len(steps) - 1
            draft = drafting.VoteDraft(
                kind=drafting.VoteKind.PROJECT_BALLOT if newest else drafting.VoteKind.SATISFACTION,
                title=f"票决{n}",
                electorate=roster,
                secret=state == "open" and not newest,
                items=project_items if newest else satisfaction,
            )
            vote = await drafting.save_draft(as_caller, draft)
            vote_ids.append(vote.id)
            if state == "draft":
                continue
            await lifecycle.open_vote(as_caller, vote.id)
            items = await VoteItem.filter(vote_id=vote.id).order_by("position")
            for voter in people:
                marks = [
                    ballots.Mark(item_id=item.id, answer="YES")
                    if newest
                    else ballots.Mark(item_id=item.id, score=4)
                    for item in items
                ]
                await ballots.cast_ballot(Caller(services, voter, street), vote.id, marks)
            if state in ("closed", "published"):
                await lifecycle.close_vote(as_caller, vote.id)
            if state == "published":
                await lifecycle.publish_vote(as_caller, vote.id)
    await services.authorizer.reload_users([caller.id, *(w.id for w in workers)])
    return Seeded(
        code,
        caller,
        {
            "audited_project": projects[0],
            "vote_with_electors": gid("Vote", vote_ids[4]),
            "circle_with_posts": gid("Circle", circle.id),
        },
    )


def _pk(global_id: str) -> int:
    return from_global_id(global_id)[1]


# -- measuring ------------------------------------------------------------------------------


@dataclass
class Reading:
    statements: int
    body: dict


@dataclass
class Measured:
    name: str
    query: str
    small: Reading
    big: Reading
    growing: list[str] = field(default_factory=list)


class Bench:
    """Reads a document at both page sizes as the seeded caller and counts statements."""

    def __init__(self, api: Api, services: Services, seeded: Seeded) -> None:
        self.api, self.services, self.seeded = api, services, seeded
        self.results: dict[str, Measured] = {}

    async def read(self, query: str, first: int, variables: dict[str, str]) -> Reading:
        token = await self.api.login(self.seeded.caller.username)
        self.services.sessions.clear()  # every read looks its session up the same way
        with count_statements() as counter:
            body = await self.api.gql(
                query, {"first": first, **variables}, token=token, tenant=self.seeded.code
            )
        return Reading(counter.count, body)

    async def both(self, query: str, variables: dict[str, str]) -> tuple[Reading, Reading]:
        """Each size's cost. A read may now and then carry a statement of the app's own (a
        cache refreshed on its clock): when the two differ, both are read again and the
        lower count of each kept, since such a statement only ever adds."""
        await self.read(query, BIG, variables)  # warm: process-wide caches filled once
        small = await self.read(query, SMALL, variables)
        big = await self.read(query, BIG, variables)
        for _ in range(3):  # a growing cost grows every time; the app's own statement does not
            if small.statements == big.statements:
                break
            again = await self.read(query, SMALL, variables)
            small = min(small, again, key=lambda r: r.statements)
            again = await self.read(query, BIG, variables)
            big = min(big, again, key=lambda r: r.statements)
        return small, big

    async def measure(self, name: str, settings: Settings) -> Measured:
        if name in self.results:
            return self.results[name]
        skipped: dict[str, str] = {}
        top = root_selection(name, settings.max_query_depth, skipped)
        unlisted = set(skipped) - set(NESTED_SKIPS)
        assert not unlisted, f"{name}: list these in NESTED_SKIPS with a reason: {unlisted}"
        variables = {
            argument: self.seeded.variables[key]
            for argument, key in ROOT_ARGUMENTS.get(name, {}).items()
        }
        query = document(name, top)
        small, big = await self.both(query, variables)
        measured = Measured(name, query, small, big)
        if big.statements > small.statements:
            measured.growing = await self.growing(name, top, [], variables)
        self.results[name] = measured
        return measured

    async def growing(
        self, name: str, top: Selection, path: list[int], variables: dict[str, str]
    ) -> list[str]:
        """The deepest branches under ``path`` whose own cost grows with the page."""
        node = top
        for index in path:
            node = node.children[index]
        grew: list[tuple[int, int, int]] = []
        for index in range(len(node.children)):
            small, big = await self.both(document(name, only(top, [*path, index])), variables)
            if big.statements > small.statements:
                grew.append((index, small.statements, big.statements))
        if len(grew) > 1 and len(grew) == len(node.children):
            return []  # whatever is selected under it grows: the cost is the field's own
        found = []
        for index, small_count, big_count in grew:
            deeper = await self.growing(name, top, [*path, index], variables)
            label = _path_label(top, [*path, index])
            found += deeper or [f"{label}: {small_count} → {big_count} statements"]
        return found


def _path_label(top: Selection, path: list[int]) -> str:
    names, node = [top.name], top
    for index in path:
        node = node.children[index]
        names.append(node.label())
    return ".".join(names)


def errors_other_than_forbidden(body: dict) -> list[dict]:
    return [
        e for e in body.get("errors") or [] if e.get("extensions", {}).get("code") != "FORBIDDEN"
    ]


def forbidden_paths(body: dict) -> list[str]:
    return [
        ".".join(str(p) for p in e.get("path") or [])
        for e in body.get("errors") or []
        if e.get("extensions", {}).get("code") == "FORBIDDEN"
    ]


def edges_at(body: dict, name: str) -> int:
    found = (body.get("data") or {}).get(name)
    return len(found["edges"]) if found else 0


def nested_counts(value: Any, type_path: str, out: dict[str, int]) -> None:
    """For each nested connection (by JSON key path), the most edges any parent returned."""
    if isinstance(value, list):
        for item in value:
            nested_counts(item, type_path, out)
    elif isinstance(value, dict):
        if "edges" in value and isinstance(value["edges"], list):
            out[type_path] = max(out.get(type_path, 0), len(value["edges"]))
        for key, item in value.items():
            nested_counts(item, f"{type_path}.{key}", out)


# -- the tests ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
async def bench(app: object, services: Services) -> Bench:
    import httpx

    transport = httpx.ASGITransport(app=app, client=("10.7.7.7", 40000))  # type: ignore[arg-type]
    client = httpx.AsyncClient(transport=transport, base_url="http://testserver")
    api = Api(client)
    return Bench(api, services, await seed_street(api, services))


ROOTS = root_connection_fields()


@pytest.mark.parametrize("name", [n for n in ROOTS if n not in ROOT_SKIPS])
async def test_a_list_costs_the_same_statements_for_one_row_and_for_five(
    bench: Bench, settings: Settings, name: str
) -> None:
    unknown = set(required_arguments(SDL.query_type.fields[name])) - set(
        ROOT_ARGUMENTS.get(name, {})
    )
    assert not unknown, f"{name}: fill {unknown} in ROOT_ARGUMENTS (or list it in ROOT_SKIPS)"
    measured = await bench.measure(name, settings)
    for reading in (measured.small, measured.big):
        assert not errors_other_than_forbidden(reading.body), (name, reading.body["errors"])
    if name not in FORBIDDEN_FOR_CALLER:
        assert name not in forbidden_paths(measured.big.body), f"{name} is FORBIDDEN to the caller"
    assert not measured.growing and measured.big.statements <= measured.small.statements, (
        f"{name}: {measured.small.statements} statements for first: {SMALL}, "
        f"{measured.big.statements} for first: {BIG}; growing: {measured.growing}"
    )


async def test_the_guard_reads_full_pages_of_most_lists(bench: Bench, settings: Settings) -> None:
    """The guard proves something only where rows are there: most root lists return a full
    page of five, and every nested connection returns several rows under some parent."""
    exercised, nested = [], {}
    for name in ROOTS:
        if name in ROOT_SKIPS:
            continue
        measured = await bench.measure(name, settings)
        if (
            edges_at(measured.big.body, name) >= BIG
            and edges_at(measured.small.body, name) == SMALL
        ):
            exercised.append(name)
        counts: dict[str, int] = {}
        nested_counts((measured.big.body.get("data") or {}).get(name), name, counts)
        nested.update({k: v for k, v in counts.items() if k != name})
    thin = sorted(set(ROOTS) - set(exercised) - set(ROOT_SKIPS))
    assert len(exercised) >= MIN_EXERCISED, f"lists without a full page: {thin}"
    nested_fields = {
        f.split(".")[1]
        for f in every_connection_field() - set(query_fields()) - set(OUTSIDE_ROOT_LISTS)
    }
    most = {
        name: max((v for k, v in nested.items() if k.endswith(f".{name}")), default=0)
        for name in nested_fields
    }
    assert all(n >= 2 for n in most.values()), f"nested lists with fewer than 2 rows: {most}"


NESTED_PAGES = """
query($first: Int!, $after: String) {
  projectBoard(first: 5) { edges { node { id
    updates(first: $first, after: $after) {
      edges { node { body } } pageInfo { hasNextPage hasPreviousPage endCursor } totalCount }
    disbursements(first: $first, after: $after) {
      edges { node { purpose } } pageInfo { hasNextPage endCursor } totalCount }
  } } }
}
"""


async def test_nested_pages_read_together_are_each_their_parents_own(bench: Bench) -> None:
    """Batched nested pages: each project's own rows, newest (or oldest) first, its own total,
    and ``after`` pages on from a cursor of that list."""
    token = await bench.api.login(bench.seeded.caller.username)

    async def board(first: int, after: str | None = None) -> list[dict]:
        body = await bench.api.gql(
            NESTED_PAGES, {"first": first, "after": after}, token=token, tenant=bench.seeded.code
        )
        assert "errors" not in body, body
        return [e["node"] for e in body["data"]["projectBoard"]["edges"]]

    projects = await board(2)
    assert len(projects) == 5
    for project in projects:
        pk = _pk(project["id"])
        updates, payments = project["updates"], project["disbursements"]
        assert [e["node"]["body"] for e in updates["edges"]] == [f"进展{pk}-4", f"进展{pk}-3"]
        assert [e["node"]["purpose"] for e in payments["edges"]] == [f"付款{pk}-0", f"付款{pk}-1"]
        assert updates["totalCount"] == payments["totalCount"] == 5
        assert updates["pageInfo"]["hasNextPage"] is True
        assert updates["pageInfo"]["hasPreviousPage"] is False
    # One list's cursor, passed to every project: that project pages on, the others (whose
    # rows all lie on one side of it) show what lies after it in their own order.
    first = projects[0]
    on = await board(2, first["updates"]["pageInfo"]["endCursor"])
    again = next(p for p in on if p["id"] == first["id"])
    pk = _pk(first["id"])
    assert [e["node"]["body"] for e in again["updates"]["edges"]] == [f"进展{pk}-2", f"进展{pk}-1"]
    assert again["updates"]["pageInfo"]["hasPreviousPage"] is True
    assert again["updates"]["totalCount"] == 5


def test_every_connection_field_of_the_schema_is_selected_somewhere() -> None:
    settings_depth = Settings.model_fields["max_query_depth"].default
    covered = set(query_fields()) - {f"{SDL.query_type.name}.{n}" for n in ROOT_SKIPS}
    for name in ROOTS:
        top = root_selection(name, settings_depth, {})
        covered |= set(connection_fields_under(top, top.type_name))
    missing = every_connection_field() - covered - set(OUTSIDE_ROOT_LISTS)
    assert not missing, f"connection fields no root list reaches: {sorted(missing)}"

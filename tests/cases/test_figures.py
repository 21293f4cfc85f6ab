"""Case figures per grid, community, street and district: what a big screen and a leader read.

A street's cases are laid down in every outcome the figures distinguish (resolved at the grid,
at the community, at the street; late; rated; open; overdue; re-reported; outside the period),
and the figures are checked against sums worked out by hand. Then: every unit of a kind costs
the same two statements, a district's figures are its streets' sums and nothing of another
district, and the hot-spot map counts located cases per cell.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import geojson
import pytest

from bench.sqlcount import count_statements
from core.errors import Refused
from models.accounts import DistrictMembership, Role, User
from models.cases import (
    DEFAULT_CATEGORIES,
    Case,
    CaseCategory,
    CaseLevel,
    CaseSource,
    CaseState,
    Satisfaction,
)
from models.scoping import unscoped
from models.tenancy import Community, Grid, Street
from resolvers.cases import figures as calc
from resolvers.demo import DEMO_PASSWORD
from resolvers.services import Services
from tenants.scoping import street_scope, streets_scope
from tests.support import Api, add_member, error_codes, gid, make_street

L, S = CaseLevel, CaseState


@dataclass(frozen=True)
class FigureStreet:
    code: str
    street_id: int
    district_id: int
    communities: list[int]  # c1 (g1), c2 (g2), c3 (no grid, no case)
    grids: list[int]


async def figure_street(services: Services, district: str) -> FigureStreet:
    made = await make_street(services, "fig", district)
    with unscoped("test set-up"):
        c1 = await Community.get(id=made.community_id)
        c2, c3 = [
            await Community.create(tenant_id=made.street_id, code=f"c{n}", name=f"社区{n}")
            for n in (2, 3)
        ]
        await Community.filter(id=c1.id).update(name="社区1")
        await Grid.filter(id=made.grid_id).update(name="网格1")
        g2 = await Grid.create(tenant_id=made.street_id, community=c2, code="g2", name="网格2")
        for n, (code_, name, kind) in enumerate(DEFAULT_CATEGORIES):
            await CaseCategory.get_or_create(
                tenant_id=made.street_id,
                code=code_,
                defaults={"name": name, "kind": kind, "sort_order": n},
            )
        district_id = (await Street.get(id=made.street_id)).district_id
    return FigureStreet(
        made.code, made.street_id, district_id, [c1.id, c2.id, c3.id], [made.grid_id, g2.id]
    )


async def lay_case(
    fs: FigureStreet,
    now: datetime,
    *,
    grid: int | None,
    category: str,
    days_ago: float,
    state: CaseState,
    resolved_level: CaseLevel | None = None,
    hours: float = 0,
    late: bool = False,
    satisfaction: Satisfaction | None = None,
    overdue: bool = False,
    round: int = 1,
    point: tuple[float, float] | None = None,
) -> Case:
    """A case row as the handling chain leaves it (the figures read rows, not steps)."""
    reported = now - timedelta(days=days_ago)
    community = fs.communities[fs.grids.index(grid)] if grid is not None else None
    with street_scope(fs.street_id):
        kind = await CaseCategory.get(code=category)
        resolved = reported + timedelta(hours=hours) if resolved_level else None
        due = now - timedelta(hours=1) if overdue else now + timedelta(days=3)
        return await Case.create(
            tenant_id=fs.street_id,
            title="测试事项",
            category=kind,
            source=CaseSource.RESIDENT_APP,
            grid_id=grid,
            community_id=community,
            level=resolved_level or L.GRID,
            entry_level=L.GRID,
            state=state,
            round=round,
            arrived_at=reported,
            sign_due_at=due,
            due_at=due,
            yellow_at=due - timedelta(hours=8),
            resolved_at=resolved,
            resolved_level=resolved_level,
            resolved_late=late,
            satisfaction=satisfaction,
            longitude=point[0] if point else None,
            latitude=point[1] if point else None,
            reported_at=reported,
            updated_at=resolved or reported,
        )


HERE = (120.1510, 30.2500)
NEAR = (120.1512, 30.2501)  # the same 200 m cell
FAR = (120.1700, 30.2700)


async def lay_street(fs: FigureStreet, now: datetime) -> None:
    g1, g2 = fs.grids
    await lay_case(
        fs, now, grid=g1, category="city", days_ago=2, state=S.CLOSED, resolved_level=L.GRID,
        hours=2, satisfaction=Satisfaction.SATISFIED, point=HERE,
    )  # fmt: skip
    await lay_case(
        fs, now, grid=g1, category="city", days_ago=3, state=S.CLOSED,
        resolved_level=L.COMMUNITY, hours=10, late=True, satisfaction=Satisfaction.UNSATISFIED,
        round=2, point=NEAR,
    )  # fmt: skip
    await lay_case(
        fs, now, grid=g2, category="safety", days_ago=5, state=S.RESOLVED,
        resolved_level=L.STREET, hours=24, satisfaction=Satisfaction.BASICALLY_SATISFIED,
        point=NEAR,
    )  # fmt: skip
    await lay_case(
        fs, now, grid=g2, category="safety", days_ago=1, state=S.PENDING, overdue=True, point=FAR
    )
    await lay_case(fs, now, grid=g2, category="city", days_ago=1, state=S.HANDLING)
    # at the dispatch desk, in no grid or community: the street's, no grid's
    await lay_case(fs, now, grid=None, category="dispute", days_ago=1, state=S.PENDING)
    # reported 40 days ago: outside the default period of 30 days
    await lay_case(fs, now, grid=g1, category="market", days_ago=40, state=S.PENDING, point=HERE)


@pytest.fixture(scope="module")
async def laid(app: object, services: Services) -> tuple[FigureStreet, FigureStreet, datetime]:
    district = f"figd-{secrets.token_hex(3)}"
    now = services.clock.now()
    first, second = await figure_street(services, district), await figure_street(services, district)
    await lay_street(first, now)
    g1 = second.grids[0]
    await lay_case(
        second, now, grid=g1, category="market", days_ago=4, state=S.CLOSED,
        resolved_level=L.GRID, hours=4, satisfaction=Satisfaction.SATISFIED,
    )  # fmt: skip
    # a street of another district, which no roll-up of this one may count
    other = await figure_street(services, f"figx-{secrets.token_hex(3)}")
    await lay_case(other, now, grid=other.grids[0], category="city", days_ago=1, state=S.PENDING)
    return first, second, now


def period(now: datetime) -> calc.Period:
    return calc.period_of(None, None, now)


async def test_a_streets_figures_are_the_sums_worked_out_by_hand(
    laid: tuple[FigureStreet, FigureStreet, datetime],
) -> None:
    fs, _, now = laid
    with street_scope(fs.street_id):
        (street,) = await calc.figures_of(calc.Unit.STREET, period(now), now)
    assert (street.unit, street.unit_id) == (calc.Unit.STREET, fs.street_id)
    assert (street.received, street.resolved, street.resolution_rate) == (6, 3, 0.5)
    assert (street.at_source, street.at_source_rate) == (2, 0.6667)
    assert (street.on_time, street.on_time_rate) == (2, 0.6667)
    assert street.average_handling_hours == 12.0  # (2 + 10 + 24) / 3
    assert (street.rated, street.content, street.satisfaction_rate) == (3, 2, 0.6667)
    assert (street.open, street.overdue, street.rereported) == (3, 1, 1)
    assert [(c.code, c.name, c.count) for c in street.hot_categories] == [
        ("city", "城市管理", 3),
        ("safety", "公共安全", 2),
        ("dispute", "矛盾纠纷", 1),
    ]


async def test_every_grid_and_community_at_once_in_two_statements(
    laid: tuple[FigureStreet, FigureStreet, datetime],
) -> None:
    fs, _, now = laid
    with street_scope(fs.street_id), count_statements() as counted:
        grids = await calc.figures_of(calc.Unit.GRID, period(now), now)
    assert counted.count == 2
    assert [(g.unit_id, g.name, g.received, g.resolved, g.open) for g in grids] == [
        (fs.grids[0], "网格1", 2, 2, 0),
        (fs.grids[1], "网格2", 3, 1, 2),
    ]
    assert [(c.code, c.count) for c in grids[1].hot_categories] == [("safety", 2), ("city", 1)]
    with street_scope(fs.street_id):
        communities = await calc.figures_of(calc.Unit.COMMUNITY, period(now), now)
        (only,) = await calc.figures_of(calc.Unit.GRID, period(now), now, [fs.grids[1]], top=1)
    # a community without a case is there, with nothing to divide by
    assert [(c.unit_id, c.received, c.resolution_rate) for c in communities] == [
        (fs.communities[0], 2, 1.0),
        (fs.communities[1], 3, 0.3333),
        (fs.communities[2], 0, None),
    ]
    assert communities[2].average_handling_hours is None
    assert communities[2].hot_categories == []
    assert [(c.code, c.count) for c in only.hot_categories] == [("safety", 2)]


async def test_a_longer_period_takes_in_the_older_case(
    laid: tuple[FigureStreet, FigureStreet, datetime],
) -> None:
    fs, _, now = laid
    today = (now + timedelta(hours=8)).date()
    longer = calc.period_of(today - timedelta(days=59), None, now)
    with street_scope(fs.street_id):
        (street,) = await calc.figures_of(calc.Unit.STREET, longer, now)
    assert (street.received, street.open) == (7, 4)


async def test_a_district_is_the_sum_of_its_streets_and_of_no_other(
    laid: tuple[FigureStreet, FigureStreet, datetime],
) -> None:
    first, second, now = laid
    with (
        streets_scope([first.street_id, second.street_id], "test roll-up"),
        count_statements() as counted,
    ):
        streets = await calc.figures_of(calc.Unit.STREET, period(now), now)
        overall = await calc.hot_categories(None, period(now), 5)
    assert counted.count == 3
    assert [(s.unit_id, s.received) for s in streets] == [
        (first.street_id, 6),
        (second.street_id, 1),
    ]
    total = calc.total(streets, calc.Unit.STREET, None, "区")
    assert (total.received, total.resolved, total.at_source, total.rated) == (7, 4, 3, 4)
    assert total.average_handling_hours == 10.0  # (2 + 10 + 24 + 4) / 4
    assert [(c.code, c.count) for c in overall[0]] == [
        ("city", 3),
        ("safety", 2),
        ("dispute", 1),
        ("market", 1),
    ]


async def test_hot_spots_count_located_cases_per_cell(
    laid: tuple[FigureStreet, FigureStreet, datetime],
) -> None:
    fs, _, now = laid
    with street_scope(fs.street_id):
        spots = await calc.hot_spots(period(now), now)
        in_grid = await calc.hot_spots(period(now), now, 200, calc.Unit.GRID, fs.grids[1])
    collection = geojson.loads(geojson.dumps(spots))
    assert collection.is_valid
    counts = [f["properties"] for f in collection["features"]]
    assert counts == [
        {"count": 3, "open": 0, "overdue": 0},
        {"count": 1, "open": 1, "overdue": 1},
    ]
    x, y = collection["features"][0]["geometry"]["coordinates"]
    assert abs(x - HERE[0]) < 0.002 and abs(y - HERE[1]) < 0.002
    assert [f["properties"]["count"] for f in in_grid["features"]] == [1, 1]


@pytest.mark.parametrize(
    ("first", "last", "key"),
    [
        (10, 0, None),
        (0, 10, "case_figures.period_order"),
        (2000, 0, "case_figures.period_too_long"),
    ],
)
async def test_a_period_backwards_or_too_long_is_refused(
    services: Services, first: int, last: int, key: str | None
) -> None:
    now = services.clock.now()
    today = (now + timedelta(hours=8)).date()
    begin, end = today - timedelta(days=first), today - timedelta(days=last)
    if key is None:
        assert calc.period_of(begin, end, now).first_day == begin
        return
    with pytest.raises(Refused) as refused:
        calc.period_of(begin, end, now)
    assert (refused.value.message_key, refused.value.field) == (key, "lastDay")


# -- through the API -------------------------------------------------------------------------

FIGURES = """
query($unit: CaseFigureUnit, $ids: [ID!], $first: Date, $last: Date) {
  caseFigures(unit: $unit, ids: $ids, firstDay: $first, lastDay: $last, top: 1) {
    unit unitId name received resolved resolutionRate resolvedAtSource resolvedAtSourceRate
    onTime onTimeRate averageHandlingHours rated satisfactionRate open overdue reReported
    hotCategories { code name count }
  }
}
"""
DISTRICT = """
{ districtCaseFigures {
    district { code } firstDay lastDay
    total { unitId received resolved resolvedAtSource averageHandlingHours
            hotCategories { code count } }
    streets { unitId name received }
} }
"""
SPOTS = """
query($unit: CaseFigureUnit, $id: ID, $cell: Int) {
  caseHotSpots(unit: $unit, unitId: $id, cellMetres: $cell)
}
"""


async def member(api: Api, services: Services, street_id: int, role: Role) -> str:
    user = await add_member(services, street_id, role)
    return await api.login(user.username)


async def test_a_big_screen_reads_the_figures_of_each_grid(
    api: Api, services: Services, laid: tuple[FigureStreet, FigureStreet, datetime]
) -> None:
    fs, _, _ = laid
    token = await member(api, services, fs.street_id, Role.DISPLAY)
    body = await api.gql(FIGURES, {"unit": "GRID"}, token=token)
    grids = body["data"]["caseFigures"]
    assert [(g["unitId"], g["received"], g["open"]) for g in grids] == [
        (gid("Grid", fs.grids[0]), 2, 0),
        (gid("Grid", fs.grids[1]), 3, 2),
    ]
    first = grids[0]
    assert (first["resolvedAtSource"], first["onTimeRate"], first["satisfactionRate"]) == (
        2,
        0.5,
        0.5,
    )
    assert first["hotCategories"] == [{"code": "city", "name": "城市管理", "count": 2}]
    (street,) = (await api.gql(FIGURES, {}, token=token))["data"]["caseFigures"]
    assert (street["unit"], street["unitId"], street["received"]) == (
        "STREET",
        gid("Street", fs.street_id),
        6,
    )
    spots = (await api.gql(SPOTS, {"cell": 200}, token=token))["data"]["caseHotSpots"]
    assert spots["type"] == "FeatureCollection"
    assert sum(f["properties"]["count"] for f in spots["features"]) == 4
    assert not {"title", "reporter", "description"} & set(spots["features"][0]["properties"])


async def test_a_district_admin_reads_the_districts_roll_up(
    api: Api, services: Services, laid: tuple[FigureStreet, FigureStreet, datetime]
) -> None:
    first, second, _ = laid
    officer = await User.create(
        username=f"{first.code}.officer", password_hash=services.passwords.hash(DEMO_PASSWORD)
    )
    await DistrictMembership.create(
        user=officer, district_id=first.district_id, role=Role.DISTRICT_ADMIN
    )
    await services.authorizer.reload_users([officer.id])
    token = await api.login(officer.username)
    body = await api.gql(DISTRICT, token=token, tenant=second.code)
    figures = body["data"]["districtCaseFigures"]
    assert [(s["unitId"], s["received"]) for s in figures["streets"]] == [
        (gid("Street", first.street_id), 6),
        (gid("Street", second.street_id), 1),
    ]
    total = figures["total"]
    assert (total["unitId"], total["received"], total["resolved"]) == (None, 7, 4)
    assert total["hotCategories"][0] == {"code": "city", "count": 3}
    # a street's own leader holds no district roll-up
    leader = await member(api, services, first.street_id, Role.STREET_LEADER)
    assert error_codes(await api.gql(DISTRICT, token=leader)) == ["FORBIDDEN"]


async def test_another_streets_grid_is_not_found_and_a_bad_period_refused(
    api: Api, services: Services, laid: tuple[FigureStreet, FigureStreet, datetime]
) -> None:
    first, second, _ = laid
    token = await member(api, services, first.street_id, Role.STREET_LEADER)
    foreign = gid("Grid", second.grids[0])
    body = await api.gql(FIGURES, {"unit": "GRID", "ids": [foreign]}, token=token)
    assert error_codes(body) == ["NOT_FOUND"] and body["data"] is None
    body = await api.gql(SPOTS, {"unit": "GRID", "id": foreign}, token=token)
    assert error_codes(body) == ["NOT_FOUND"]
    body = await api.gql(SPOTS, {"unit": "COMMUNITY"}, token=token)
    assert error_codes(body) == ["BAD_USER_INPUT"]
    body = await api.gql(FIGURES, {"first": "2026-03-01", "last": "2026-02-01"}, token=token)
    assert error_codes(body) == ["BAD_USER_INPUT"]
    assert body["errors"][0]["extensions"]["field"] == "lastDay"
    body = await api.gql(SPOTS, {"cell": 10}, token=token)
    assert error_codes(body) == ["BAD_USER_INPUT"]

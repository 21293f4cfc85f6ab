"""The demo's cases (loaded once per test session, with the demo streets): every demo street has
grid outlines and cases in every state at every level, overdue ones, second and third reports,
a matter solved on the spot and a hotline case through Open311, all written through the real
operations (timelines, a chain that verifies); a second load changes nothing."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime

import pytest

from core.settings import Settings
from gongzhi.platform import load_demo
from models.audit import AuditEntry
from models.cases import (
    OPEN_STATES,
    Case,
    CaseLevel,
    CaseSource,
    CaseState,
    CaseStep,
    GridBoundary,
    StepAction,
)
from models.scoping import unscoped
from models.tenancy import Grid, Street
from resolvers.cases import figures as calc
from resolvers.cases import geo
from resolvers.cases.demo import MARK
from resolvers.demo import DEMO_STREETS
from resolvers.services import Services
from tenants.scoping import street_scope
from tests.audit.support import verify_here


async def demo_streets() -> list[Street]:
    with unscoped("test"):
        return [await Street.get(code=d.code) for d in DEMO_STREETS]


@pytest.mark.parametrize("index", range(len(DEMO_STREETS)))
async def test_every_state_at_every_level_with_overdue_and_rereported_cases(
    app: object, index: int
) -> None:
    street = (await demo_streets())[index]
    now = datetime.now(UTC)
    with street_scope(street.id):
        cases = await Case.filter(title__startswith=MARK)
        grids = await Grid.all().count()
        outlined = await GridBoundary.all().count()
        first_steps = await CaseStep.filter(case_id__in=[c.id for c in cases]).order_by("id")
    seen = Counter((CaseLevel(c.level), CaseState(c.state)) for c in cases)
    every = {(level, state) for level in CaseLevel for state in CaseState}
    assert every <= set(seen), sorted(every - set(seen))
    assert grids == outlined == 6
    assert any(c.state in OPEN_STATES and c.due_at < now for c in cases), "none overdue"
    assert {2, 3} <= {c.round for c in cases}
    assert any(c.resolved_late for c in cases)
    assert any(c.source == CaseSource.OPEN311 and c.source_name == "12345 热线" for c in cases)
    assert any(c.public for c in cases)
    # every case's timeline opens with its report, at the time it was reported
    opened = {}
    for step in first_steps:
        opened.setdefault(step.case_id, step)
    assert all(opened[c.id].action == StepAction.REPORTED for c in cases)
    assert all(opened[c.id].at == c.reported_at for c in cases)
    on_spot = [c for c in cases if "现场调解" in c.title]
    assert [(c.state, c.resolved_level) for c in on_spot] == [(CaseState.RESOLVED, CaseLevel.GRID)]


async def test_each_located_case_is_in_the_grid_its_point_falls_in(app: object) -> None:
    for street in await demo_streets():
        with street_scope(street.id):
            for case in await Case.filter(title__startswith=MARK, longitude__not_isnull=True):
                assert case.latitude is not None and case.longitude is not None
                found = await geo.grid_of_point(case.longitude, case.latitude)
                assert found == case.grid_id, case.title


async def test_the_demo_shows_in_the_figures_and_its_chain_verifies(services: Services) -> None:
    now = datetime.now(UTC)
    period = calc.period_of(None, None, now)
    for street in await demo_streets():
        with street_scope(street.id):
            (figures,) = await calc.figures_of(calc.Unit.STREET, period, now)
            grids = await calc.figures_of(calc.Unit.GRID, period, now)
            spots = await calc.hot_spots(period, now)
        assert figures.received >= 19 and figures.resolved >= 8
        assert figures.overdue >= 1 and figures.rereported >= 2 and figures.rated >= 3
        assert figures.at_source_rate is not None and figures.on_time_rate is not None
        assert all(g.received > 0 for g in grids)
        assert len(spots["features"]) >= 6
        report = await verify_here(services, street.code)
        assert report.intact, report


async def test_loading_the_demo_again_changes_nothing(app: object, settings: Settings) -> None:
    streets = await demo_streets()

    async def counted() -> list[tuple[int, int]]:
        found = []
        for street in streets:
            with street_scope(street.id):
                found.append((await Case.all().count(), await AuditEntry.all().count()))
        return found

    before = await counted()
    await load_demo(settings, echo=lambda _: None)
    assert await counted() == before

"""The cases domain (民情事项): a matter reported once, handled grid → community → street →
district with working-day deadlines and warnings, rated by its reporter."""

from __future__ import annotations

from collections.abc import Sequence

from core.errors import DomainError
from models import cases as m
from policies.capabilities import cases as capabilities
from resolvers.cases.access import visible_case
from resolvers.cases.codes import CaseCode
from resolvers.cases.deadlines import case_deadline_scanner
from resolvers.cases.demo import load_cases_demo
from resolvers.cases.panel import cases_panel
from resolvers.cases.rules import load_case_rules_demo, start_street
from resolvers.cases.settings import CaseDomainSettings
from resolvers.demo import DemoStreetData
from resolvers.panels import PanelKind
from resolvers.services import Services
from schema.caller import caller
from schema.cases.figures import CaseFiguresQuery
from schema.cases.mutations import CasesMutation
from schema.cases.open311 import ROUTES as OPEN311
from schema.cases.open311_keys import Open311KeysMutation, Open311KeysQuery
from schema.cases.queries import CasesQuery
from schema.cases.subscriptions import CasesSubscription
from schema.cases.types import Case, CaseCategory, Department
from schema.context import Info
from schema.domain import Domain, NodeKind, Task
from schema.permissions import Can


async def _case(info: Info, pk: int) -> Case | None:
    try:
        return Case.from_model(await visible_case(caller(info), pk))
    except DomainError:
        return None


async def _category(info: Info, pk: int) -> CaseCategory | None:
    row = await m.CaseCategory.filter(id=pk).first()
    return CaseCategory.from_model(row) if row else None


async def _department(info: Info, pk: int) -> Department | None:
    row = await m.Department.filter(id=pk).first()
    return Department.from_model(row) if row else None


async def _demo(data: DemoStreetData) -> None:
    """The street's starting rules, then its demo cases."""
    await load_case_rules_demo(data)
    await load_cases_demo(data)


def _tasks(services: Services) -> Sequence[Task]:
    return (case_deadline_scanner(services),)


DOMAIN = Domain(
    name="cases",
    description="Reported matters and their four-level handling (民情事项).",
    models=("models.cases", "models.cases_keys"),
    query=(CasesQuery, CaseFiguresQuery, Open311KeysQuery),
    mutation=(CasesMutation, Open311KeysMutation),
    subscription=(CasesSubscription,),
    nodes={
        "Case": NodeKind(Can(capabilities.CASE_READ), _case),
        "CaseCategory": NodeKind(Can(capabilities.CASE_MAP), _category),
        "Department": NodeKind(Can(capabilities.CASE_READ), _department),
    },
    capabilities=capabilities.CAPABILITIES,
    codes=CaseCode,
    settings=CaseDomainSettings,
    tasks=_tasks,
    demo=_demo,
    on_street_created=start_street,
    panels=(PanelKind("cases", 10, cases_panel),),
    routes=(OPEN311,),
)

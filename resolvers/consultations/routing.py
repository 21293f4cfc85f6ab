"""A non-consultation matter becomes a case (非协商事项转办): when a ring is routed to a street
office at acceptance, a case is filed in the cases domain (source 协商铃), in the same unit of
work, and linked to the consultation. The bell's category is matched to the street's case
taxonomy by name, else by the table below, else the first category of the taxonomy."""

from __future__ import annotations

from core.errors import ErrorCode, Refused
from models.cases import Case, CaseCategory, CaseSource
from models.consultations import Consultation
from models.people import Building
from resolvers.caller import Caller
from resolvers.cases.reporting import NewCase, Reporter, file_case

CASE_CATEGORY_OF = {
    "物业管理": "services",
    "城市管理": "city",
    "老旧小区改造": "city",
    "环境卫生": "city",
    "停车交通": "city",
    "邻里纠纷": "dispute",
    "公共设施": "services",
    "其他": "services",
}


async def case_category(category: str) -> CaseCategory:
    active = CaseCategory.filter(active=True)
    found = await active.filter(name=category).first()
    if found is None and category in CASE_CATEGORY_OF:
        found = await active.filter(code=CASE_CATEGORY_OF[category]).first()
    if found is None:
        found = await active.order_by("sort_order", "id").first()
    if found is None:
        raise Refused(ErrorCode.BAD_USER_INPUT, "consultation.no_case_category", "office")
    return found


async def open_case(caller: Caller, c: Consultation, office_name: str) -> Case:
    """The case a routed ring becomes (inside the routing unit of work)."""
    services, actor = caller.services, caller.user
    category = await case_category(c.category)
    grid_id = None
    if c.building_id is not None:
        building = await Building.get(id=c.building_id)
        grid_id = building.grid_id
    new = NewCase(
        title=c.title,
        category_id=category.id,
        description=f"{c.description}\n（协商铃非协商事项，转{office_name}办理）",
        grid_id=grid_id,
        contact_phone=c.contact_phone,
    )
    who = Reporter(
        source=CaseSource.CONSULTATION_BELL,
        reporter_id=c.requester_id,
        resident_id=c.resident_id,
        entered_by_id=actor.id,
    )
    return await file_case(services, new, who, actor=actor)

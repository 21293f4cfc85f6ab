"""The bell part of the demo street ``mishixiang`` (米市巷街道): its first half of 2020 as the
street reported it — 111 rings, 99 accepted, 63 solved by consultation, 12 non-consultation
matters routed to street offices; the completion rate excluding non-consultation matters
63 / 87 = 72.4 %, satisfaction 99.5 % (199 of 200 ratings), over half of the rings about
property management, urban management and old-estate renewal.

Loaded once (a street that already has consultations is left alone), in one unit of work
with one audit entry, each consultation with its timeline up to the step it reached.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from core.clock import LOCAL_TZ
from models.accounts import Role
from models.consultations import (
    Channel,
    Classification,
    Consultation,
    ConsultationStep,
    Evaluation,
    RequesterKind,
    Step,
)
from models.tenancy import Community
from resolvers.consultations.settings import DEFAULT_OFFICES
from resolvers.consultations.steps import NINE_STEPS
from resolvers.demo import DemoStreetData
from resolvers.events import changing
from tenants.scoping import street_scope

DEMO_STREET = "mishixiang"
PERIOD = (datetime(2020, 1, 1, tzinfo=LOCAL_TZ), datetime(2020, 7, 1, tzinfo=LOCAL_TZ))
"""The first half of 2020, in the street's time."""

# (category, rings): 25 + 18 + 15 = 58 of 111 (52 %) are the three hot categories.
CATEGORIES = (
    ("物业管理", 25),
    ("城市管理", 18),
    ("老旧小区改造", 15),
    ("环境卫生", 14),
    ("停车交通", 13),
    ("邻里纠纷", 12),
    ("公共设施", 9),
    ("其他", 5),
)
NOT_ACCEPTED, ROUTED, SOLVED_EVALUATED, SOLVED_ANNOUNCED = 12, 12, 60, 3
IN_PROGRESS = (
    Step.ACCEPTED,
    Step.INVITED,
    Step.COORDINATED,
    Step.CONFIRMED,
    Step.MET,
    Step.REVIEWED,
)
# 24 consultation matters still under way: 4 at each of these steps.
RATINGS = 200
DISSATISFIED = 1
STEP_GAP_DAYS = {
    Step.ACCEPTED: 1,
    Step.INVITED: 2,
    Step.COORDINATED: 3,
    Step.CONFIRMED: 2,
    Step.MET: 5,
    Step.REVIEWED: 2,
    Step.ANNOUNCED: 1,
    Step.EVALUATED: 7,
}


def _outcomes() -> list[Step]:
    """The step each of the 111 rings reached, in ring order."""
    reached = [Step.NOT_ACCEPTED] * NOT_ACCEPTED + [Step.ROUTED] * ROUTED
    reached += [Step.EVALUATED] * SOLVED_EVALUATED + [Step.ANNOUNCED] * SOLVED_ANNOUNCED
    for step in IN_PROGRESS:
        reached += [step] * 4
    # Spread them over the half year rather than in blocks.
    return [reached[(n * 41) % len(reached)] for n in range(len(reached))]  # 41, 111 coprime


async def load_bell_demo(demo: DemoStreetData) -> None:
    if demo.street.code != DEMO_STREET:
        return
    with street_scope(demo.street.id):
        if await Consultation.exists():
            return
        communities = list(await Community.all().order_by("id"))
        resident = demo.users[Role.RESIDENT]
        staff = demo.users[Role.COMMUNITY_STAFF]
        raters = [
            demo.users[r]
            for r in (Role.RESIDENT, Role.BUILDING_CHIEF, Role.DELIBERATOR, Role.REPRESENTATIVE)
        ]
        categories = [name for name, n in CATEGORIES for _ in range(n)]
        offices = [code for code, _ in DEFAULT_OFFICES]
        outcomes = _outcomes()
        assert len(outcomes) == len(categories) == 111
        async with changing(demo.services, staff) as change:
            steps: list[ConsultationStep] = []
            ratings: list[Evaluation] = []
            evaluated = 0
            for n, (reached, category) in enumerate(zip(outcomes, categories, strict=True)):
                rung = PERIOD[0] + timedelta(days=(n * 181) // 111, hours=9)
                classification = None
                office = ""
                path = [Step.SUBMITTED]
                if reached is Step.NOT_ACCEPTED:
                    path.append(Step.NOT_ACCEPTED)
                elif reached is Step.ROUTED:
                    classification, office = (
                        Classification.NON_CONSULTATION,
                        offices[n % len(offices)],
                    )
                    path.append(Step.ROUTED)
                else:
                    classification = Classification.CONSULTATION
                    path = list(NINE_STEPS[: NINE_STEPS.index(reached) + 1])
                times = [rung]
                for step in path[1:]:
                    times.append(times[-1] + timedelta(days=STEP_GAP_DAYS.get(step, 1)))
                consultation = await Consultation.create(
                    tenant_id=demo.street.id,
                    title=f"{category}协商事项 {n + 1:03d}",
                    description=f"2020年上半年{category}方面的居民诉求（演示数据）。",
                    category=category,
                    community=communities[n % len(communities)],
                    requester_kind=RequesterKind.RESIDENT,
                    channel=Channel.PHONE,
                    requester=resident,
                    step=reached,
                    classification=classification,
                    office=office,
                    handler=staff if classification else None,
                    submitted_at=rung,
                    accepted_at=times[1] if classification else None,
                    announced_at=times[7] if len(times) > 7 else None,
                    outcome="各方协商一致，问题已解决。" if len(times) > 7 else "",
                    updated_at=times[-1],
                )
                steps += [
                    ConsultationStep(
                        tenant_id=demo.street.id,
                        consultation_id=consultation.id,
                        step=step,
                        actor_id=resident.id if step is Step.SUBMITTED else staff.id,
                        at=at,
                    )
                    for step, at in zip(path, times, strict=True)
                ]
                if reached is Step.EVALUATED:
                    count = 4 if evaluated < RATINGS - 3 * SOLVED_EVALUATED else 3
                    for k, rater in enumerate(raters[:count]):
                        low = evaluated == 0 and k == 1
                        ratings.append(
                            Evaluation(
                                tenant_id=demo.street.id,
                                consultation_id=consultation.id,
                                user_id=rater.id,
                                rating=2 if low else 5,
                                by_requester=rater.id == resident.id,
                                at=times[-1],
                            )
                        )
                    evaluated += 1
            await ConsultationStep.bulk_create(steps)
            await Evaluation.bulk_create(ratings)
            assert len(ratings) == RATINGS and sum(r.rating < 4 for r in ratings) == DISSATISFIED
            await change.audit(
                "consultation.demo_loaded",
                f"Street:{demo.street.id}",
                {"rings": len(outcomes), "period": "2020-H1"},
            )


DEMO_PERIOD_UTC = tuple(at.astimezone(UTC) for at in PERIOD)

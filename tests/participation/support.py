"""Helpers for the participation tests: verified cases, GraphQL calls for rewards and
micro-wishes, and one row of every participation model for the isolation test."""

from __future__ import annotations

from typing import Any

from core.clock import LOCAL_TZ
from models.accounts import Role, User
from models.cases import CaseCategory, Satisfaction
from models.people import GridAssignment, GridDuty, Resident
from models.tenancy import Street
from resolvers.caller import Caller
from resolvers.cases import handling, rating, reporting
from resolvers.participation import circles, ranking, rewards, wishes
from resolvers.services import Services
from tenants.scoping import street_scope
from tests.cases.support import RATE, CaseStreet, ok, resolved
from tests.support import Api, StreetFixture, add_member

REWARD_FIELDS = "id status amount year note caseId"
WISH_FIELDS = "id title state mine claimedByMe hasPhoto caseId community { id } grid { id }"


def payload_mutation(name: str, input_type: str, success: str, fields: str) -> str:
    return (
        f"mutation($input: {input_type}!) {{ {name}(input: $input) {{ __typename "
        f"... on {success} {{ {fields} }} "
        "... on UserError { code field message } } }"
    )


GRANT = payload_mutation(
    "grantReward", "GrantRewardInput", "RewardSuccess", f"reward {{ {REWARD_FIELDS} }}"
)
DECLINE = payload_mutation(
    "declineReward", "DeclineRewardInput", "RewardSuccess", f"reward {{ {REWARD_FIELDS} }}"
)
SET_RULE = payload_mutation(
    "setRewardRule", "RewardRuleInput", "RewardRuleSuccess", "rule { id amount urgency }"
)
SET_BUDGET = payload_mutation(
    "setRewardBudget",
    "RewardBudgetInput",
    "RewardBudgetSuccess",
    "budget { year budget granted left }",
)
POST_WISH = payload_mutation(
    "postWish", "PostWishInput", "MicroWishSuccess", f"wish {{ {WISH_FIELDS} }}"
)
POST_WISH_FOR = payload_mutation(
    "postWishFor", "PostWishForInput", "MicroWishSuccess", f"wish {{ {WISH_FIELDS} }}"
)
WISH_FROM_CASE = payload_mutation(
    "makeWishFromCase", "WishFromCaseInput", "MicroWishSuccess", f"wish {{ {WISH_FIELDS} }}"
)
CLAIM = payload_mutation("claimWish", "WishInput", "MicroWishSuccess", f"wish {{ {WISH_FIELDS} }}")
CONFIRM = payload_mutation(
    "confirmWish", "WishInput", "MicroWishSuccess", f"wish {{ {WISH_FIELDS} }}"
)
FULFIL = payload_mutation(
    "fulfilWish", "FulfilWishInput", "MicroWishSuccess", f"wish {{ {WISH_FIELDS} }}"
)


async def verified(api: Api, cs: CaseStreet, **overrides: Any) -> str:
    """A case reported by the resident, resolved at the grid and rated satisfied (closed)."""
    case = await resolved(api, cs, **overrides)
    await ok(api, cs, cs.resident, RATE, {"caseId": case, "satisfaction": "SATISFIED"})
    return case


async def seed_every_row(services: Services, fixture: StreetFixture, index: int) -> None:
    """Every participation model of a street, one row at least, through its operations: a
    rule, a budget, a granted reward, a reporter's name choice, a micro-wish, a circle with a
    member, a post and a report."""
    chief = await add_member(services, fixture.street_id, Role.GRID_CHIEF)
    reviewer = await add_member(services, fixture.street_id, Role.STREET_REVIEWER)
    member = await add_member(services, fixture.street_id, Role.RESIDENT)
    admin_user = await User.get(username=fixture.admin_username)
    with street_scope(fixture.street_id):
        street = await Street.get(id=fixture.street_id)
        await GridAssignment.create(grid_id=fixture.grid_id, user=chief, duty=GridDuty.CHIEF)
        resident = await Resident.create(
            name="隔离居民",
            id_hash=f"iso-{index}-{fixture.street_id}",
            id_masked="110***********0000",
            grid_id=fixture.grid_id,
            community_id=fixture.community_id,
        )
        as_admin = Caller(services, admin_user, street)
        as_chief = Caller(services, chief, street)
        as_reviewer = Caller(services, reviewer, street)
        await rewards.set_rule(as_admin, None, None, "20.00")
        year = services.clock.now().astimezone(LOCAL_TZ).year
        await rewards.set_budget(as_admin, year, "1000.00")
        category = await CaseCategory.get(code="city")
        new = reporting.NewCase(
            title="隔离奖励事项", category_id=category.id, grid_id=fixture.grid_id
        )
        case = await reporting.report_case(as_chief, new)
        await handling.sign(as_chief, case.id)
        await handling.resolve(as_chief, case.id, "已处理")
        await rating.rate(as_chief, case.id, Satisfaction.SATISFIED)
        await rewards.grant(as_reviewer, case.id)
        await ranking.choose_name_shown(as_chief, True)
        await wishes.post(as_chief, wishes.NewWish("隔离心愿", resident_id=resident.id))
        circle = await circles.create(as_admin, f"广场舞{index}", "")
        as_member = Caller(services, member, street)
        await circles.join(as_member, circle.id)
        post = await circles.post(as_member, circle.id, "周六一起跳")
        await circles.report(as_member, post.id, "测试")

"""有奖爆料: the street's reward rules and yearly budget, a reviewer's grant, the ledger.

A reward is decided only for a verified case: resolved, and its result rated satisfied (or
basically satisfied) by its reporter, so the case is closed. Never at the report: reward games
breed fake photos. One decision per case (``Reward`` is unique per case: two reviewers granting
at once cannot both pay). A grant is paid from the budget of the year it is granted in, by a
locked read of the budget row and a conditional update of what was read, in the grant's own
transaction: when two grants race for the last yuan, one of them is refused, never both paid.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from tortoise.exceptions import IntegrityError
from tortoise.expressions import Q

from core import validators
from core.clock import LOCAL_TZ
from core.errors import ErrorCode, Refused
from core.ids import to_global_id
from models.cases import Case, CaseCategory, CaseState, Satisfaction, Urgency
from models.columns import max_length
from models.participation import ZERO, Reward, RewardBudget, RewardRule, RewardStatus
from resolvers.caller import Caller
from resolvers.events import changing
from resolvers.owned import in_street
from resolvers.participation.codes import ParticipationCode

# The seed's range (5 to 2,000 yuan) for one reward.
REWARD_MIN = Decimal("5.00")
REWARD_MAX = Decimal("2000.00")
VERIFIED = (Satisfaction.SATISFIED, Satisfaction.BASICALLY_SATISFIED)


def reward_amount(raw: str, field: str = "amount") -> Decimal:
    """An amount of one reward: money with two decimals from 5 to 2,000 yuan."""
    value = validators.amount(raw, field)
    if not REWARD_MIN <= value <= REWARD_MAX:
        raise Refused(
            ErrorCode.BAD_USER_INPUT,
            "reward.amount_range",
            field,
            min=str(REWARD_MIN),
            max=str(REWARD_MAX),
        )
    return value


def budget_year(year: int, field: str = "year") -> int:
    return validators.in_range(year, 2000, 2099, field, "input.number_range")


async def set_rule(
    caller: Caller, category_id: int | None, urgency: Urgency | None, amount: str
) -> RewardRule:
    """奖励标准: the amount for a category and urgency (either left out: all of them)."""
    value = reward_amount(amount)
    async with changing(caller.services, caller.user) as change:
        if category_id is not None:
            await in_street(CaseCategory, category_id, "categoryId")
        scope = f"{category_id or '*'}:{urgency.value if urgency else '*'}"
        rule = await RewardRule.filter(scope=scope).select_for_update().first()
        if rule is None:
            try:
                rule = await RewardRule.create(
                    category_id=category_id,
                    urgency=urgency,
                    scope=scope,
                    amount=value,
                    updated_at=change.at,
                )
            except IntegrityError as exc:
                raise Refused(ErrorCode.ALREADY_EXISTS, "reward.rule_exists", "categoryId") from exc
        else:
            rule.amount = value
            rule.updated_at = change.at
            await rule.save(update_fields=["amount", "updated_at"])
        await change.audit(
            "reward.rule_set",
            to_global_id("RewardRule", rule.id),
            {
                "category": category_id,
                "urgency": urgency.value if urgency else None,
                "amount": str(value),
            },
        )
    return rule


async def set_budget(caller: Caller, year: int, budget: str) -> RewardBudget:
    """年度奖励预算: what the street may pay in rewards in ``year``; never below what it has
    already granted that year."""
    year = budget_year(year)
    value = validators.amount(budget, "budget")
    async with changing(caller.services, caller.user) as change:
        row = await RewardBudget.filter(year=year).select_for_update().first()
        if row is None:
            try:
                row = await RewardBudget.create(year=year, budget=value, updated_at=change.at)
            except IntegrityError as exc:
                raise Refused(ErrorCode.ALREADY_EXISTS, "reward.budget_exists", "year") from exc
        else:
            if value < row.granted:
                raise Refused(
                    ParticipationCode.REWARD_BUDGET_EXCEEDED,
                    "reward.budget_below_granted",
                    "budget",
                    granted=str(row.granted),
                )
            row.budget = value
            row.updated_at = change.at
            await row.save(update_fields=["budget", "updated_at"])
        await change.audit(
            "reward.budget_set",
            to_global_id("RewardBudget", row.id),
            {"year": year, "budget": str(value)},
        )
    return row


async def rule_for(case: Case) -> RewardRule | None:
    """The most specific rule covering the case: its category and urgency, then its category,
    then its urgency, then the street's general rule."""
    rules = await RewardRule.filter(
        Q(category_id=case.category_id) | Q(category_id=None),
        Q(urgency=case.urgency) | Q(urgency=None),
    )
    rules.sort(key=lambda r: (r.category_id is None, r.urgency is None))
    return rules[0] if rules else None


def check_verified(case: Case) -> None:
    """Resolved and verified (已核实): closed after a satisfied rating. A case closed with its
    result rated unsatisfied is a rejected case."""
    if case.state is CaseState.CLOSED and case.satisfaction is Satisfaction.UNSATISFIED:
        raise Refused(ParticipationCode.CASE_REJECTED, "reward.case_rejected", "caseId")
    if case.state is not CaseState.CLOSED or case.satisfaction not in VERIFIED:
        raise Refused(ParticipationCode.NOT_VERIFIED, "reward.not_verified", "caseId")


async def _decided(case_id: int) -> None:
    earlier = await Reward.filter(case_id=case_id).first()
    if earlier is None:
        return
    if earlier.status is RewardStatus.DECLINED:
        raise Refused(ParticipationCode.CASE_REJECTED, "reward.declined_before", "caseId")
    raise Refused(ParticipationCode.ALREADY_REWARDED, "reward.already_rewarded", "caseId")


async def _pay(year: int, value: Decimal, at: datetime) -> None:
    """Take ``value`` from the year's budget, or refuse. The budget row is locked (``FOR
    UPDATE``) and written by a conditional update on what was read, in the grant's own
    transaction: two grants never both take the last of it."""
    budget = await RewardBudget.filter(year=year).select_for_update().first()
    left = budget.budget - budget.granted if budget else ZERO
    if budget is None or value > left:
        raise Refused(
            ParticipationCode.REWARD_BUDGET_EXCEEDED,
            "reward.over_budget",
            "amount",
            amount=str(value),
            left=str(left),
            year=year,
        )
    paid = await RewardBudget.filter(id=budget.id, granted=budget.granted).update(
        granted=budget.granted + value, updated_at=at
    )
    if paid != 1:  # changed under us after all: refuse rather than pay past the budget
        raise Refused(
            ParticipationCode.REWARD_BUDGET_EXCEEDED,
            "reward.over_budget",
            "amount",
            amount=str(value),
            left=str(left),
            year=year,
        )


async def grant(caller: Caller, case_id: int, amount: str | None = None, note: str = "") -> Reward:
    """发放奖励: the reviewer grants the reward of a verified case: the rule's amount, or the
    one given (5 to 2,000 yuan), paid from this year's budget."""
    given = reward_amount(amount) if amount else None
    note = validators.text(note, "note", max_length(Reward, "note"), required=False)
    async with changing(caller.services, caller.user) as change:
        case = await in_street(Case, case_id, "caseId", for_update=True)
        await _decided(case.id)
        check_verified(case)
        value = given
        if value is None:
            rule = await rule_for(case)
            if rule is None:
                raise Refused(ParticipationCode.NO_REWARD_RULE, "reward.no_rule", "amount")
            value = Decimal(rule.amount)
        year = change.at.astimezone(LOCAL_TZ).year
        try:
            reward = await Reward.create(
                case_id=case.id,
                reporter_id=case.reporter_id,
                status=RewardStatus.GRANTED,
                amount=value,
                year=year,
                note=note,
                decided_by_id=caller.user.id,
                decided_at=change.at,
            )
        except IntegrityError as exc:
            raise Refused(
                ParticipationCode.ALREADY_REWARDED, "reward.already_rewarded", "caseId"
            ) from exc
        await _pay(year, value, change.at)
        subject = to_global_id("Reward", reward.id)
        await change.record(
            "reward.granted",
            subject,
            {"case": case.id, "amount": str(value), "year": year, "reporter": case.reporter_id},
        )
    return reward


async def decline(caller: Caller, case_id: int, note: str) -> Reward:
    """不予奖励: the reviewer declines the reward of a case (a fake or unfounded report); the
    case can then never be rewarded."""
    note = validators.text(note, "note", max_length(Reward, "note"))
    async with changing(caller.services, caller.user) as change:
        case = await in_street(Case, case_id, "caseId", for_update=True)
        await _decided(case.id)
        try:
            reward = await Reward.create(
                case_id=case.id,
                reporter_id=case.reporter_id,
                status=RewardStatus.DECLINED,
                amount=ZERO,
                year=change.at.astimezone(LOCAL_TZ).year,
                note=note,
                decided_by_id=caller.user.id,
                decided_at=change.at,
            )
        except IntegrityError as exc:
            raise Refused(
                ParticipationCode.ALREADY_REWARDED, "reward.already_rewarded", "caseId"
            ) from exc
        await change.audit(
            "reward.declined", to_global_id("Reward", reward.id), {"case": case.id, "note": note}
        )
    return reward

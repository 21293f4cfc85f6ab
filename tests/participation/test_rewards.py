"""有奖爆料 through the GraphQL API: rules, the yearly budget, a reviewer's grant of a verified
case, the reporter's own rewards and the staff's ledger, and every refusal (twice, before
verification, over the budget, a rejected case), each changing nothing."""

from __future__ import annotations

import asyncio
from decimal import Decimal

from models.cases import CaseCategory, CaseSettings
from models.participation import Reward, RewardBudget, RewardRule
from models.scoping import unscoped
from resolvers.services import Services
from tenants.scoping import street_scope
from tests.cases.support import RATE, CaseStreet, call, ok, pk, reported, resolved, run
from tests.conftest import needs_postgres
from tests.participation.support import DECLINE, GRANT, SET_BUDGET, SET_RULE, verified
from tests.support import Api, error_codes, gid

MY_REWARDS = "{ myRewards { totalCount edges { node { amount status caseId } } } }"
LEDGER = "query($y: Int) { rewardLedger(year: $y) { totalCount edges { node { amount status } } } }"
BUDGET = "query($y: Int!) { rewardBudget(year: $y) { year budget granted left } }"


async def rules(api: Api, cs: CaseStreet, budget: str = "1000.00", amount: str = "50.00") -> None:
    """The city category pays ``amount``, everything else 10 yuan; 2026's budget."""
    city = gid("CaseCategory", cs.category_id)
    for values in ({"categoryId": city, "amount": amount}, {"amount": "10.00"}):
        done = await run(api, cs, cs.admin, SET_RULE, values)
        assert done["__typename"] == "RewardRuleSuccess", done
    done = await run(api, cs, cs.admin, SET_BUDGET, {"year": 2026, "budget": budget})
    assert done["__typename"] == "RewardBudgetSuccess", done


async def grant(api: Api, cs: CaseStreet, case: str, **extra: str) -> dict:
    return await run(api, cs, cs.reviewer, GRANT, {"caseId": case, **extra})


async def _other_category(cs: CaseStreet) -> int:
    with street_scope(cs.street.street_id):
        return (await CaseCategory.get(code="social")).id


async def ledger_state(cs: CaseStreet) -> tuple[list[tuple], list[tuple]]:
    with street_scope(cs.street.street_id):
        rewards = await Reward.all().order_by("id").values_list("case_id", "status", "amount")
        budgets = await RewardBudget.all().values_list("year", "budget", "granted")
    return sorted(rewards), sorted(budgets)


async def test_a_verified_case_is_rewarded_once_by_the_rule_from_the_budget(
    api: Api, cs: CaseStreet
) -> None:
    await rules(api, cs)
    case = await verified(api, cs)
    done = await grant(api, cs, case, note="属实")
    assert done["__typename"] == "RewardSuccess", done
    assert done["reward"]["amount"] == "50.00"
    assert done["reward"]["status"] == "GRANTED" and done["reward"]["year"] == 2026
    budget = await call(api, cs, cs.leader, BUDGET, {"y": 2026})
    assert budget["data"]["rewardBudget"] == {
        "year": 2026,
        "budget": "1000.00",
        "granted": "50.00",
        "left": "950.00",
    }
    mine = await call(api, cs, cs.resident, MY_REWARDS, {})
    assert mine["data"]["myRewards"]["totalCount"] == 1
    assert mine["data"]["myRewards"]["edges"][0]["node"]["caseId"] == case
    other = await call(api, cs, cs.resident2, MY_REWARDS, {})
    assert other["data"]["myRewards"]["totalCount"] == 0
    ledger = await call(api, cs, cs.leader, LEDGER, {"y": 2026})
    assert ledger["data"]["rewardLedger"]["totalCount"] == 1
    assert "FORBIDDEN" in error_codes(await call(api, cs, cs.resident, LEDGER, {}))
    for year in (2_147_483_647, -1, 1999):  # a year the ledger cannot hold: refused, typed
        assert error_codes(await call(api, cs, cs.leader, LEDGER, {"y": year})) == [
            "BAD_USER_INPUT"
        ]


async def test_the_most_specific_rule_wins_and_an_amount_given_is_exact(
    api: Api, cs: CaseStreet
) -> None:
    await rules(api, cs)
    urgent = await run(
        api,
        cs,
        cs.admin,
        SET_RULE,
        {"categoryId": gid("CaseCategory", cs.category_id), "urgency": "ORDINARY", "amount": "200"},
    )
    assert urgent["rule"]["amount"] == "200.00"
    case = await verified(api, cs)
    assert (await grant(api, cs, case))["reward"]["amount"] == "200.00"
    other = await verified(api, cs)
    assert (await grant(api, cs, other, amount="33.33"))["reward"]["amount"] == "33.33"
    general = await verified(api, cs, categoryId=gid("CaseCategory", await _other_category(cs)))
    assert (await grant(api, cs, general))["reward"]["amount"] == "10.00"
    _, budgets = await ledger_state(cs)
    assert [str(b[2]) for b in budgets] == ["243.33"]


async def test_granting_twice_is_refused_and_pays_once(api: Api, cs: CaseStreet) -> None:
    await rules(api, cs)
    case = await verified(api, cs)
    await grant(api, cs, case)
    before = await ledger_state(cs)
    again = await grant(api, cs, case)
    assert again["__typename"] == "InputError"
    assert (again["code"], again["field"]) == ("ALREADY_REWARDED", "caseId")
    assert await ledger_state(cs) == before


async def test_a_reward_before_verification_is_refused(api: Api, cs: CaseStreet) -> None:
    await rules(api, cs)
    before = await ledger_state(cs)
    open_case = (await reported(api, cs))["id"]
    unrated = await resolved(api, cs)
    for case in (open_case, unrated):
        refused = await grant(api, cs, case)
        assert (refused["code"], refused["field"]) == ("NOT_VERIFIED", "caseId"), refused
    # unsatisfied with rounds left: not verified either (it may be reported again)
    await ok(api, cs, cs.resident, RATE, {"caseId": unrated, "satisfaction": "UNSATISFIED"})
    assert (await grant(api, cs, unrated))["code"] == "NOT_VERIFIED"
    assert await ledger_state(cs) == before


async def test_a_rejected_case_gets_no_reward(api: Api, cs: CaseStreet) -> None:
    await rules(api, cs)
    with unscoped("test set-up: one round only, so an unsatisfied rating closes the case"):
        await CaseSettings.filter(tenant_id=cs.street.street_id).update(max_rounds=1)
    rejected = await resolved(api, cs)
    await ok(api, cs, cs.resident, RATE, {"caseId": rejected, "satisfaction": "UNSATISFIED"})
    before = await ledger_state(cs)
    refused = await grant(api, cs, rejected)
    assert (refused["code"], refused["field"]) == ("CASE_REJECTED", "caseId"), refused
    assert await ledger_state(cs) == before
    # declined by the reviewer (a fake report): never rewarded afterwards
    with unscoped("test set-up"):
        await CaseSettings.filter(tenant_id=cs.street.street_id).update(max_rounds=3)
    fake = await verified(api, cs)
    declined = await run(api, cs, cs.reviewer, DECLINE, {"caseId": fake, "note": "照片不实"})
    assert declined["reward"]["status"] == "DECLINED" and declined["reward"]["amount"] == "0.00"
    before = await ledger_state(cs)
    refused = await grant(api, cs, fake)
    assert refused["code"] == "CASE_REJECTED"
    assert await ledger_state(cs) == before


async def test_the_yearly_budget_is_never_exceeded(api: Api, cs: CaseStreet) -> None:
    await rules(api, cs, budget="99.99", amount="33.33")
    cases = [await verified(api, cs) for _ in range(4)]
    for case in cases[:3]:
        assert (await grant(api, cs, case))["__typename"] == "RewardSuccess"
    before = await ledger_state(cs)
    assert [str(b[2]) for b in before[1]] == ["99.99"]  # exact: three of 33.33
    refused = await grant(api, cs, cases[3])
    assert (refused["code"], refused["field"]) == ("REWARD_BUDGET_EXCEEDED", "amount"), refused
    assert "0.00" in refused["message"]
    assert await ledger_state(cs) == before
    # a budget cannot be set below what was granted
    low = await run(api, cs, cs.admin, SET_BUDGET, {"year": 2026, "budget": "50.00"})
    assert (low["code"], low["field"]) == ("REWARD_BUDGET_EXCEEDED", "budget")


async def test_no_budget_for_the_year_grants_nothing(api: Api, cs: CaseStreet) -> None:
    done = await run(api, cs, cs.admin, SET_RULE, {"amount": "10.00"})
    assert done["__typename"] == "RewardRuleSuccess"
    case = await verified(api, cs)
    refused = await grant(api, cs, case)
    assert refused["code"] == "REWARD_BUDGET_EXCEEDED"
    assert await ledger_state(cs) == ([], [])


async def test_bad_amounts_and_roles_are_refused(api: Api, cs: CaseStreet) -> None:
    for amount in ("4.99", "2000.01", "-5", "12.345", "abc"):
        refused = await run(api, cs, cs.admin, SET_RULE, {"amount": amount})
        assert (refused["__typename"], refused["field"]) == ("InputError", "amount"), amount
    await rules(api, cs)
    case = await verified(api, cs)
    body = await call(api, cs, cs.resident, GRANT, {"input": {"caseId": case}})
    assert "FORBIDDEN" in error_codes(body)
    rewards, _ = await ledger_state(cs)
    assert rewards == []


async def test_another_streets_case_is_not_found(
    api: Api, services: Services, cs: CaseStreet
) -> None:
    from tests.cases.support import case_street

    other = await case_street(services, "pq")
    await rules(api, cs)
    foreign = await verified(api, other)
    refused = await grant(api, cs, foreign)
    assert (refused["code"], refused["field"]) == ("NOT_FOUND", "caseId")


@needs_postgres
async def test_concurrent_grants_never_pass_the_budget(api: Api, cs: CaseStreet) -> None:
    await rules(api, cs, budget="100.00", amount="30.00")
    cases = [await verified(api, cs) for _ in range(6)]
    await api.login(cs.reviewer.username)
    results = await asyncio.gather(*(grant(api, cs, case) for case in cases))
    granted = [r for r in results if r["__typename"] == "RewardSuccess"]
    assert len(granted) == 3, results
    assert {r["code"] for r in results if r["__typename"] == "InputError"} == {
        "REWARD_BUDGET_EXCEEDED"
    }
    rewards, budgets = await ledger_state(cs)
    assert len(rewards) == 3
    assert [str(b[2]) for b in budgets] == ["90.00"]


@needs_postgres
async def test_concurrent_grants_of_one_case_pay_once(api: Api, cs: CaseStreet) -> None:
    await rules(api, cs)
    case = await verified(api, cs)
    await api.login(cs.reviewer.username)
    results = await asyncio.gather(*(grant(api, cs, case) for _ in range(5)))
    assert sorted(r["__typename"] for r in results) == ["InputError"] * 4 + ["RewardSuccess"]
    rewards, budgets = await ledger_state(cs)
    assert len(rewards) == 1 and [str(b[2]) for b in budgets] == ["50.00"]
    assert pk(case) == rewards[0][0]


async def test_a_rule_set_again_is_changed_not_doubled(api: Api, cs: CaseStreet) -> None:
    for amount in ("10.00", "12.50"):
        done = await run(api, cs, cs.admin, SET_RULE, {"amount": amount})
        assert done["rule"]["amount"] == amount
    with street_scope(cs.street.street_id):
        assert await RewardRule.all().values_list("scope", "amount") == [("*:*", Decimal("12.50"))]


@needs_postgres
async def test_concurrent_rules_of_one_scope_are_one_rule(api: Api, cs: CaseStreet) -> None:
    await api.login(cs.street.admin_username, cs.street.admin_password)
    results = await asyncio.gather(
        *(run(api, cs, cs.admin, SET_RULE, {"amount": f"{10 + n}.00"}) for n in range(5))
    )
    assert {r["__typename"] for r in results} <= {"RewardRuleSuccess", "InputError"}
    assert {r["code"] for r in results if r["__typename"] == "InputError"} <= {"ALREADY_EXISTS"}
    with street_scope(cs.street.street_id):
        assert await RewardRule.all().count() == 1

"""微心愿 through the GraphQL API: posted by a resident (or a grid worker for one), claimed by
exactly one volunteer, fulfilled with a photo, confirmed by the wisher (or the grid's worker),
counted per community, and made from a case by its handler; and every refusal, each changing
nothing."""

from __future__ import annotations

import asyncio

from models.accounts import User
from models.participation import MicroWish
from resolvers.services import Services
from tenants.scoping import street_scope
from tests.cases.support import (
    PNG,
    SIGN,
    CaseStreet,
    call,
    ok,
    pk,
    reported,
    run,
)
from tests.conftest import needs_postgres
from tests.participation.support import (
    CLAIM,
    CONFIRM,
    FULFIL,
    POST_WISH,
    POST_WISH_FOR,
    WISH_FROM_CASE,
)
from tests.projects.support import upload
from tests.support import Api, add_member, error_codes, gid

COUNTS = "{ microWishCounts { community { id } open claimed fulfilled confirmed } }"
WISHES = "query($s: [WishState!]) { microWishes(states: $s) { totalCount edges { node { id } } } }"


async def posted(api: Api, cs: CaseStreet) -> dict:
    done = await run(api, cs, cs.resident, POST_WISH, {"title": "想要一台收音机"})
    assert done["__typename"] == "MicroWishSuccess", done
    return done["wish"]


async def wish_state(cs: CaseStreet) -> list[tuple]:
    with street_scope(cs.street.street_id):
        return list(
            await MicroWish.all()
            .order_by("id")
            .values_list("id", "state", "claimer_id", "photo_path", "confirmed_by_id")
        )


async def fulfil(api: Api, user: User, wish: str, content: bytes = PNG) -> dict:
    variables = {"input": {"wishId": wish, "photo": None, "note": "已送到"}}
    files = {"0": ("variables.input.photo", content, "image/png")}
    body = await upload(api, user, FULFIL, variables, files)
    assert "errors" not in body, body
    return body["data"]["fulfilWish"]


async def test_a_wish_is_claimed_fulfilled_with_a_photo_and_confirmed(
    api: Api, services: Services, cs: CaseStreet
) -> None:
    wish = await posted(api, cs)
    assert wish["state"] == "OPEN" and wish["mine"] is True
    assert wish["community"]["id"] == gid("Community", cs.street.community_id)
    assert wish["grid"]["id"] == gid("Grid", cs.street.grid_id)
    claimed = await run(api, cs, cs.resident2, CLAIM, {"wishId": wish["id"]})
    assert claimed["wish"]["state"] == "CLAIMED" and claimed["wish"]["claimedByMe"] is True
    done = await fulfil(api, cs.resident2, wish["id"])
    assert done["__typename"] == "MicroWishSuccess", done
    assert done["wish"]["state"] == "FULFILLED" and done["wish"]["hasPhoto"] is True
    [(_, _, _, path, _)] = await wish_state(cs)
    assert (services.settings.upload_dir / path).read_bytes() == PNG
    confirmed = await run(api, cs, cs.resident, CONFIRM, {"wishId": wish["id"]})
    assert confirmed["wish"]["state"] == "CONFIRMED"
    counts = await call(api, cs, cs.chief, COUNTS, {})
    by_community = {c["community"]["id"]: c for c in counts["data"]["microWishCounts"]}
    assert by_community[gid("Community", cs.street.community_id)] == {
        "community": {"id": gid("Community", cs.street.community_id)},
        "open": 0,
        "claimed": 1,
        "fulfilled": 1,
        "confirmed": 1,
    }
    assert by_community[gid("Community", cs.community2_id)]["claimed"] == 0
    listed = await call(api, cs, cs.resident2, WISHES, {"s": ["CONFIRMED"]})
    assert listed["data"]["microWishes"]["totalCount"] == 1


async def test_a_grid_worker_posts_for_a_resident_and_confirms_for_them(
    api: Api, cs: CaseStreet
) -> None:
    done = await run(
        api,
        cs,
        cs.chief,
        POST_WISH_FOR,
        {"residentId": gid("Resident", cs.walk_in_id), "title": "帮忙换灯泡"},
    )
    assert done["__typename"] == "MicroWishSuccess", done
    wish = done["wish"]["id"]
    await run(api, cs, cs.resident2, CLAIM, {"wishId": wish})
    await fulfil(api, cs.resident2, wish)
    # a chief of another grid may not confirm it; the chief of its grid does
    refused = await run(api, cs, cs.chief2, CONFIRM, {"wishId": wish})
    assert (refused["code"], refused["field"]) == ("WISH_NOT_YOURS", "wishId")
    confirmed = await run(api, cs, cs.chief, CONFIRM, {"wishId": wish})
    assert confirmed["wish"]["state"] == "CONFIRMED"


async def test_claiming_a_claimed_wish_is_refused(api: Api, cs: CaseStreet) -> None:
    wish = (await posted(api, cs))["id"]
    await run(api, cs, cs.resident2, CLAIM, {"wishId": wish})
    before = await wish_state(cs)
    refused = await run(api, cs, cs.chief, CLAIM, {"wishId": wish})
    assert (refused["code"], refused["field"]) == ("WISH_TAKEN", "wishId")
    assert await wish_state(cs) == before


async def test_confirming_someone_elses_wish_is_refused(api: Api, cs: CaseStreet) -> None:
    wish = (await posted(api, cs))["id"]
    await run(api, cs, cs.resident2, CLAIM, {"wishId": wish})
    await fulfil(api, cs.resident2, wish)
    before = await wish_state(cs)
    for someone in (cs.resident2, cs.chief2):
        refused = await run(api, cs, someone, CONFIRM, {"wishId": wish})
        assert (refused["code"], refused["field"]) == ("WISH_NOT_YOURS", "wishId"), someone
    assert await wish_state(cs) == before


async def test_fulfilling_needs_the_claimer_a_claimed_wish_and_a_photo(
    api: Api, cs: CaseStreet
) -> None:
    wish = (await posted(api, cs))["id"]
    early = await fulfil(api, cs.resident2, wish)
    assert early["code"] == "WISH_NOT_YOURS"
    await run(api, cs, cs.resident2, CLAIM, {"wishId": wish})
    before = await wish_state(cs)
    other = await fulfil(api, cs.chief, wish)
    assert (other["code"], other["field"]) == ("WISH_NOT_YOURS", "wishId")
    not_a_photo = await fulfil(api, cs.resident2, wish, b"MZ\x90\x00 not an image")
    assert (not_a_photo["code"], not_a_photo["field"]) == ("INVALID_UPLOAD", "photo")
    assert await wish_state(cs) == before
    early_confirm = await run(api, cs, cs.resident, CONFIRM, {"wishId": wish})
    assert early_confirm["code"] == "WISH_STATE"
    own = await run(api, cs, cs.resident, CLAIM, {"wishId": (await posted(api, cs))["id"]})
    assert own["code"] == "BAD_USER_INPUT"


async def test_a_case_handler_turns_a_case_into_a_wish(api: Api, cs: CaseStreet) -> None:
    case = (await reported(api, cs))["id"]
    await ok(api, cs, cs.chief, SIGN, {"caseId": case})
    values = {"caseId": case, "title": "独居老人需要助餐"}
    not_handler = await run(api, cs, cs.worker, WISH_FROM_CASE, values)
    assert (not_handler["code"], not_handler["field"]) == ("WISH_NOT_YOURS", "caseId")
    done = await run(api, cs, cs.chief, WISH_FROM_CASE, values)
    assert done["__typename"] == "MicroWishSuccess", done
    assert done["wish"]["caseId"] == case
    assert done["wish"]["community"]["id"] == gid("Community", cs.street.community_id)
    before = await wish_state(cs)
    again = await run(api, cs, cs.chief, WISH_FROM_CASE, values)
    assert (again["code"], again["field"]) == ("ALREADY_EXISTS", "caseId")
    assert await wish_state(cs) == before
    # the reporter sees it as theirs
    with street_scope(cs.street.street_id):
        row = await MicroWish.get(case_id=pk(case))
    assert row.wisher_id == cs.resident.id


async def test_who_may_post_and_claim(api: Api, cs: CaseStreet) -> None:
    body = await call(api, cs, cs.display, POST_WISH, {"input": {"title": "x"}})
    assert "FORBIDDEN" in error_codes(body)
    body = await call(
        api,
        cs,
        cs.resident,
        POST_WISH_FOR,
        {"input": {"residentId": gid("Resident", cs.walk_in_id), "title": "x"}},
    )
    assert "FORBIDDEN" in error_codes(body)
    no_record = await run(
        api, cs, cs.chief, POST_WISH_FOR, {"residentId": gid("Resident", 10**6), "title": "x"}
    )
    assert (no_record["code"], no_record["field"]) == ("NOT_FOUND", "residentId")
    assert await wish_state(cs) == []


@needs_postgres
async def test_many_volunteers_claiming_at_once_leave_exactly_one_claimer(
    api: Api, services: Services, cs: CaseStreet
) -> None:
    from models.accounts import Role

    wish = (await posted(api, cs))["id"]
    volunteers = [await add_member(services, cs.street.street_id, Role.RESIDENT) for _ in range(12)]
    for volunteer in volunteers:
        await api.login(volunteer.username)
    results = await asyncio.gather(*(run(api, cs, v, CLAIM, {"wishId": wish}) for v in volunteers))
    won = [r for r in results if r["__typename"] == "MicroWishSuccess"]
    assert len(won) == 1, results
    assert {r["code"] for r in results if r["__typename"] == "InputError"} == {"WISH_TAKEN"}
    [(_, state, claimer, _, _)] = await wish_state(cs)
    assert state == "CLAIMED" and claimer in {v.id for v in volunteers}

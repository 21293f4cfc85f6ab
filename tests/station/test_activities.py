"""Activities (活动): publish, sign up within the capacity, the waiting list moving up on a
cancellation, QR check-in by signed links, attendance counts; the refusals."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from models.accounts import User
from models.station import ActivitySignup
from resolvers.services import Services
from tenants.scoping import street_scope
from tests.projects.support import call, data
from tests.station.support import DECIDE, QUEUE, StationStreet, mutate, pk, station_street
from tests.support import Api

PUBLISH = """
mutation($input: PublishActivityInput!) { publishActivity(input: $input) {
  __typename ... on ActivitySuccess { activity { id title capacity } }
  ... on UserError { code field message }
} }
"""
SIGNUP_PAYLOAD = """
  __typename
  ... on ActivitySignupSuccess {
    signup { status checkInLink checkedInAt }
    activity { attendance { signedUp waiting checkedIn } }
  }
  ... on UserError { code field message }
"""
SIGN_UP = f"mutation($a: ID!) {{ signUpForActivity(activityId: $a) {{ {SIGNUP_PAYLOAD} }} }}"
CANCEL = f"mutation($a: ID!) {{ cancelActivitySignUp(activityId: $a) {{ {SIGNUP_PAYLOAD} }} }}"
CHECK_IN = (
    "mutation($a: ID!, $t: String!) { checkInParticipant(activityId: $a, token: $t) { "
    + SIGNUP_PAYLOAD
    + " } }"
)
ACTIVITY = """
query($id: ID!) { activity(id: $id) {
  id notice attendance { signedUp waiting checkedIn } mySignup { status checkInLink checkInQr }
} }
"""
ACTIVITIES = "query { activities(first: 20) { edges { node { id notice } } } }"


def activity_input(services: Services, **overrides: Any) -> dict:
    start = services.clock.now() + timedelta(days=3)
    return {
        "kind": "RECEPTION_DAY",
        "title": "代表接待日",
        "place": "联络站",
        "startsAt": start.isoformat(),
        "endsAt": (start + timedelta(hours=2)).isoformat(),
        "capacity": 2,
        "audience": ["RESIDENTS"],
        "notice": "欢迎居民来访反映意见",
        **overrides,
    }


async def publish(api: Api, services: Services, ss: StationStreet, **overrides: Any) -> str:
    body = await call(api, ss.congress, PUBLISH, {"input": activity_input(services, **overrides)})
    result = data(body, "publishActivity")
    assert result["__typename"] == "ActivitySuccess", result
    return result["activity"]["id"]


async def sign_up(api: Api, who: User, activity: str) -> dict:
    return await mutate(api, who, SIGN_UP, {"a": activity}, "signUpForActivity")


async def test_capacity_waiting_list_and_check_in(api: Api, services: Services) -> None:
    ss = await station_street(services)
    from models.accounts import Role
    from tests.support import add_member

    activity = await publish(api, services, ss)
    third = await add_member(services, ss.sid, Role.RESIDENT)
    first = await sign_up(api, ss.resident, activity)
    second = await sign_up(api, ss.neighbour, activity)
    waiting = await sign_up(api, third, activity)
    assert [r["signup"]["status"] for r in (first, second, waiting)] == [
        "SIGNED_UP",
        "SIGNED_UP",
        "WAITING",
    ]
    assert waiting["signup"]["checkInLink"] is None
    assert waiting["activity"]["attendance"] == {"signedUp": 2, "waiting": 1, "checkedIn": 0}
    # The neighbour cancels: the one waiting moves up and gets a link.
    cancelled = await mutate(api, ss.neighbour, CANCEL, {"a": activity}, "cancelActivitySignUp")
    assert cancelled["signup"]["status"] == "CANCELLED"
    moved = data(await call(api, third, ACTIVITY, {"id": activity}), "activity")
    assert moved["mySignup"]["status"] == "SIGNED_UP" and moved["mySignup"]["checkInLink"]
    assert moved["mySignup"]["checkInQr"].startswith("data:image/svg+xml")
    assert moved["attendance"] == {"signedUp": 2, "waiting": 0, "checkedIn": 0}
    # Staff scan the links at the door: once each.
    link = first["signup"]["checkInLink"]
    done = await mutate(
        api, ss.congress, CHECK_IN, {"a": activity, "t": link}, "checkInParticipant"
    )
    assert done["signup"]["checkedInAt"] is not None
    again = await mutate(
        api, ss.congress, CHECK_IN, {"a": activity, "t": link}, "checkInParticipant"
    )
    assert (again["code"], again["field"]) == ("CHECK_IN_REFUSED", "token")
    token = moved["mySignup"]["checkInLink"]
    await mutate(api, ss.congress, CHECK_IN, {"a": activity, "t": token}, "checkInParticipant")
    final = data(await call(api, ss.congress, ACTIVITY, {"id": activity}), "activity")
    assert final["attendance"] == {"signedUp": 2, "waiting": 0, "checkedIn": 2}


async def test_checking_in_without_a_place_is_refused(api: Api, services: Services) -> None:
    ss = await station_street(services)
    activity = await publish(api, services, ss, capacity=1)
    other = await publish(api, services, ss, title="议事会")
    placed = await sign_up(api, ss.resident, activity)
    waiting = await sign_up(api, ss.neighbour, activity)
    assert waiting["signup"]["status"] == "WAITING"
    # The resident's link at the door of another activity they did not sign up for.
    link = placed["signup"]["checkInLink"]
    body = await mutate(api, ss.congress, CHECK_IN, {"a": other, "t": link}, "checkInParticipant")
    assert (body["code"], body["field"]) == ("CHECK_IN_REFUSED", "token")
    # A link altered by hand, and the link of a place given up.
    forged = link[:-3] + ("AAA" if not link.endswith("AAA") else "BBB")
    body = await mutate(
        api, ss.congress, CHECK_IN, {"a": activity, "t": forged}, "checkInParticipant"
    )
    assert body["code"] == "CHECK_IN_REFUSED"
    await mutate(api, ss.resident, CANCEL, {"a": activity}, "cancelActivitySignUp")
    body = await mutate(
        api, ss.congress, CHECK_IN, {"a": activity, "t": link}, "checkInParticipant"
    )
    assert (body["code"], body["field"]) == ("NOT_SIGNED_UP", "token")
    with street_scope(ss.sid):
        assert await ActivitySignup.filter(checked_in_at__not_isnull=True).count() == 0
    # Cancelling what one does not hold; signing up twice; an activity not for one's kind.
    body = await mutate(api, ss.resident, CANCEL, {"a": activity}, "cancelActivitySignUp")
    assert body["code"] == "NOT_SIGNED_UP"
    body = await sign_up(api, ss.neighbour, activity)  # moved up when the resident cancelled
    assert body["code"] == "ALREADY_EXISTS"
    for_reps = await publish(api, services, ss, audience=["REPRESENTATIVES"])
    body = await sign_up(api, ss.resident, for_reps)
    assert (body["code"], body["field"]) == ("NOT_IN_AUDIENCE", "activityId")
    assert (await sign_up(api, ss.representative, for_reps))["signup"]["status"] == "SIGNED_UP"


async def test_an_activity_whose_notice_waits_for_review_is_not_shown(
    api: Api, services: Services
) -> None:
    ss = await station_street(services)
    from tests.station.support import ADD_WATCH

    await mutate(api, ss.reviewer, ADD_WATCH, {"phrase": "拆迁"}, "addWatchEntry")
    activity = await publish(api, services, ss, notice="关于拆遷补偿的接待日")
    listed = data(await call(api, ss.resident, ACTIVITIES, {}), "activities")["edges"]
    assert activity not in [e["node"]["id"] for e in listed]
    hidden = await call(api, ss.resident, ACTIVITY, {"id": activity})
    assert [e["extensions"]["code"] for e in hidden["errors"]] == ["NOT_FOUND"]
    body = await sign_up(api, ss.resident, activity)
    assert body["code"] == "NOT_FOUND"
    item = data(await call(api, ss.reviewer, QUEUE, {}), "reviewQueue")["edges"][0]["node"]
    assert item["kind"] == "ACTIVITY_NOTICE"
    await mutate(api, ss.reviewer, DECIDE, {"id": item["id"], "approve": True}, "decideReview")
    shown = data(await call(api, ss.resident, ACTIVITY, {"id": activity}), "activity")
    assert shown["notice"] == "代表接待日\n关于拆遷补偿的接待日"


async def test_bad_activities_are_refused(api: Api, services: Services) -> None:
    ss = await station_street(services)
    start = services.clock.now() + timedelta(days=1)
    for overrides, field in (
        ({"capacity": 0}, "capacity"),
        ({"audience": []}, "audience"),
        ({"audience": ["EVERYONE"]}, "audience"),
        ({"endsAt": start.isoformat(), "startsAt": start.isoformat()}, "endsAt"),
        (
            {
                "startsAt": (start - timedelta(days=3)).isoformat(),
                "endsAt": (start - timedelta(days=2)).isoformat(),
            },
            "startsAt",
        ),
    ):
        body = await call(
            api, ss.congress, PUBLISH, {"input": activity_input(services, **overrides)}
        )
        result = data(body, "publishActivity")
        assert (result["code"], result["field"]) == ("BAD_USER_INPUT", field), overrides
    assert pk


async def test_an_activity_for_one_community_names_a_community_of_the_street(
    api: Api, services: Services
) -> None:
    from tests.support import gid, make_street

    ss = await station_street(services)
    community = gid("Community", ss.street.community_id)
    body = await call(
        api, ss.congress, PUBLISH_FOR, {"input": activity_input(services, communityId=community)}
    )
    assert data(body, "publishActivity")["activity"]["communityId"] == community
    other = await make_street(services, "elsewhere")
    elsewhere = gid("Community", other.community_id)
    body = await call(
        api, ss.congress, PUBLISH_FOR, {"input": activity_input(services, communityId=elsewhere)}
    )
    result = data(body, "publishActivity")
    assert (result["code"], result["field"]) == ("NOT_FOUND", "communityId")


PUBLISH_FOR = PUBLISH.replace("activity { id title capacity }", "activity { id communityId }")


async def test_an_activity_has_a_sign_up_qr_code_for_its_poster(
    api: Api, services: Services
) -> None:
    ss = await station_street(services)
    body = await call(api, ss.congress, PUBLISH_QR, {"input": activity_input(services)})
    activity = data(body, "publishActivity")["activity"]
    assert activity["signUpLink"] == f"/station/activities/{activity['id']}"
    assert activity["signUpQr"].startswith("data:image/svg+xml")


PUBLISH_QR = PUBLISH.replace(
    "activity { id title capacity }", "activity { id signUpLink signUpQr }"
)

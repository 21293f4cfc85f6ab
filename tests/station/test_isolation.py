"""No station data of another street: every station query and mutation that takes an ID
gets NOT_FOUND for street B's IDs, called in street A by members who hold the same roles in
A, and B's rows do not change."""

from __future__ import annotations

from models.accounts import Role
from models.scoping import unscoped
from models.station import (
    ActivitySignup,
    DifficultMatter,
    ReviewItem,
    StationTask,
    Suggestion,
    TaskClaim,
    WatchEntry,
)
from resolvers.services import Services
from tests.projects.support import call
from tests.station.support import (
    ACCEPT,
    ADD_WATCH,
    ANSWER,
    CLAIM,
    CLOSE_TASK,
    DECIDE,
    QUEUE,
    RATE,
    REPLY,
    SUGGESTION,
    mutate,
    pk,
    post_task,
    station_street,
    write,
)
from tests.station.test_activities import CANCEL, CHECK_IN, SIGN_UP, publish
from tests.station.test_difficult import MARK
from tests.support import Api, error_codes, grant_membership

REMOVE_WATCH = (
    "mutation($id: ID!) { removeWatchEntry(id: $id) { __typename "
    "... on UserError { code field } } }"
)


async def test_another_streets_ids_are_not_found(api: Api, services: Services) -> None:
    a = await station_street(services, "iso-station-a")
    b = await station_street(services, "iso-station-b")
    b_suggestion = (await write(api, b))["id"]
    b_task = (await post_task(api, b))["id"]
    await mutate(api, b.reviewer, ADD_WATCH, {"phrase": "敏感"}, "addWatchEntry")
    await post_task(api, b, title="敏感任务")
    b_item = (await call(api, b.reviewer, QUEUE, {}))["data"]["reviewQueue"]["edges"][0]["node"]
    b_activity = await publish(api, services, b)
    b_signup = await mutate(api, b.resident, SIGN_UP, {"a": b_activity}, "signUpForActivity")
    b_link = b_signup["signup"]["checkInLink"]
    b_watch = (
        await call(api, b.reviewer, "{ watchList(first: 5) { edges { node { id } } } }", {})
    )["data"]["watchList"]["edges"][0]["node"]["id"]
    # B's members hold the same roles in A, and act in A.
    for user, role in (
        (b.representative, Role.REPRESENTATIVE),
        (b.resident, Role.RESIDENT),
        (b.department, Role.STREET_DEPARTMENT),
        (b.congress, Role.CONGRESS_STAFF),
        (b.reviewer, Role.STREET_REVIEWER),
    ):
        await grant_membership(services, user, a.sid, role)
    api.tokens.clear()
    tenant = a.street.code
    calls = [
        (b.representative, ACCEPT, {"id": b_suggestion}, "acceptSuggestion"),
        (b.representative, ANSWER, {"id": b_suggestion, "answer": "x"}, "answerSuggestion"),
        (b.department, REPLY, {"id": b_suggestion, "reply": "x"}, "replyToSuggestion"),
        (b.resident, RATE, {"id": b_suggestion, "rating": 5}, "rateSuggestion"),
        (b.representative, CLAIM, {"task": b_task}, "claimStationTask"),
        (b.congress, CLOSE_TASK, {"id": b_task}, "closeStationTask"),
        (b.reviewer, DECIDE, {"id": b_item["id"], "approve": True}, "decideReview"),
        (b.resident, SIGN_UP, {"a": b_activity}, "signUpForActivity"),
        (b.resident, CANCEL, {"a": b_activity}, "cancelActivitySignUp"),
        (b.congress, CHECK_IN, {"a": b_activity, "t": b_link}, "checkInParticipant"),
        (b.reviewer, REMOVE_WATCH, {"id": b_watch}, "removeWatchEntry"),
        (
            b.congress,
            MARK,
            {"kind": "SUGGESTION", "subject": b_suggestion},
            "markDifficult",
        ),
    ]
    for user, op, variables, name in calls:
        body = await api.as_user(user.username, op, variables, tenant=tenant)
        assert body["data"][name]["code"] == "NOT_FOUND", (name, body)
    body = await api.as_user(b.congress.username, SUGGESTION, {"id": b_suggestion}, tenant=tenant)
    assert error_codes(body) == ["NOT_FOUND"]
    with unscoped("test: B's rows"):
        assert (await Suggestion.get(id=pk(b_suggestion))).status.value == "SUBMITTED"
        assert (await StationTask.get(id=pk(b_task))).status.value == "OPEN"
        assert await TaskClaim.filter(task_id=pk(b_task)).count() == 0
        assert (await ReviewItem.get(id=pk(b_item["id"]))).status.value == "PENDING"
        signup = await ActivitySignup.get(activity_id=pk(b_activity))
        assert (signup.status.value, signup.checked_in_at) == ("SIGNED_UP", None)
        assert await WatchEntry.filter(id=pk(b_watch)).exists()
        assert await DifficultMatter.filter(tenant_id__in=[a.sid, b.sid]).count() == 0

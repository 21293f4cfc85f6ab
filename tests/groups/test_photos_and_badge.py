"""Photos in group messages (the upload pipeline: sniffed, size-limited, stored after commit;
a refused message leaves no row and no file) and the group messages' part of the one inbox
badge (``unreadNotificationCount``): it moves when a message arrives and drops when read."""

from __future__ import annotations

import json
from typing import Any

from models.groups import GroupMessage, GroupPhoto
from resolvers.services import Services
from tests.groups.test_groups import ADD, READ, SEND, GroupStreet, group_street, member, ok
from tests.people.support import count
from tests.projects.support import stored_files
from tests.support import Api

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64
SEND_PHOTOS = """
mutation S($input: SendGroupMessageInput!) { sendGroupMessage(input: $input) {
  __typename ... on GroupMessageSuccess { groupMessage { id body photos { contentType size url } } }
  ... on UserError { code field message } } }
"""
BADGE = "{ unreadNotificationCount unreadGroupMessageCount }"


async def send_with(
    api: Api, token: str, group: str, body: str, photos: list[tuple[bytes, str]]
) -> dict[str, Any]:
    """A GraphQL multipart request (the spec's operations / map / files)."""
    if not photos:
        plain = {"input": {"groupId": group, "body": body}}
        return (await api.gql(SEND_PHOTOS, plain, token=token))["data"]["sendGroupMessage"]
    variables = {"input": {"groupId": group, "body": body, "photos": [None] * len(photos)}}
    mapping = {str(n): [f"variables.input.photos.{n}"] for n in range(len(photos))}
    response = await api.client.post(
        "/graphql",
        data={
            "operations": json.dumps({"query": SEND_PHOTOS, "variables": variables}),
            "map": json.dumps(mapping),
        },
        files={str(n): (f"{n}.bin", data, kind) for n, (data, kind) in enumerate(photos)},
        headers={"authorization": f"Bearer {token}"},
    )
    assert response.status_code == 200, response.text
    return response.json()["data"]["sendGroupMessage"]


async def joined(api: Api, services: Services) -> GroupStreet:
    g = await group_street(api, services)
    await ok(api, g.s.chief_token, ADD, member(g, g.members[0]))
    return g


async def test_a_message_with_photos_is_stored_after_commit_and_read_back(
    api: Api, services: Services
) -> None:
    g = await joined(api, services)
    before = set(stored_files(services.settings.upload_dir / "groups"))  # other tests' photos
    sent = await send_with(
        api, g.tokens[0], g.group, "", [(PNG, "image/png"), (JPEG, "application/octet-stream")]
    )
    assert sent["__typename"] == "GroupMessageSuccess", sent
    message = sent["groupMessage"]
    assert message["body"] == ""  # photos only: the text may be empty
    assert [p["contentType"] for p in message["photos"]] == ["image/png", "image/jpeg"]
    assert all(p["url"].startswith("/files/groups/") for p in message["photos"])
    assert await count(GroupPhoto, g.s.id) == 2
    stored = set(stored_files(services.settings.upload_dir / "groups")) - before
    assert sorted(path.read_bytes()[:3] for path in stored) == sorted([PNG[:3], JPEG[:3]])


async def test_bad_photos_are_typed_errors_and_leave_nothing(api: Api, services: Services) -> None:
    g = await joined(api, services)
    root = services.settings.upload_dir
    before = stored_files(root)
    limit = services.settings.max_upload_bytes
    cases: list[tuple[list[tuple[bytes, str]], str]] = [
        ([(b"GIF89a" + b"\x00" * 64, "image/png")], "INVALID_UPLOAD"),  # not what it claims
        ([(b"", "image/png")], "INVALID_UPLOAD"),  # empty
        ([(PNG + b"\x00" * limit, "image/png")], "INVALID_UPLOAD"),  # too large
        ([(PNG, "image/png")] * 10, "INVALID_UPLOAD"),  # more than nine
    ]
    for photos, code in cases:
        refused = await send_with(api, g.tokens[0], g.group, "看图", photos)
        assert (refused["__typename"], refused["code"], refused["field"]) == (
            "InputError",
            code,
            "photos",
        ), refused
    # No text and no photo: the text is required.
    empty = await send_with(api, g.tokens[0], g.group, "  ", [])
    assert (empty["code"], empty["field"]) == ("BAD_USER_INPUT", "body")
    # Someone outside the group is refused, and what they sent is not kept.
    outside = await send_with(api, g.tokens[1], g.group, "", [(PNG, "image/png")])
    assert outside["code"] == "NOT_A_MEMBER"
    assert await count(GroupMessage, g.s.id) == 0
    assert await count(GroupPhoto, g.s.id) == 0
    assert stored_files(root) == before


async def test_the_inbox_badge_counts_unread_group_messages_until_read(
    api: Api, services: Services
) -> None:
    g = await joined(api, services)
    reader = g.tokens[0]
    start = (await api.gql(BADGE, token=reader))["data"]
    assert start["unreadGroupMessageCount"] == 0
    for text in ("今晚开会", "七点"):
        await ok(api, g.s.chief_token, SEND, {"input": {"groupId": g.group, "body": text}})
    now = (await api.gql(BADGE, token=reader))["data"]
    assert now["unreadGroupMessageCount"] == 2
    assert now["unreadNotificationCount"] == start["unreadNotificationCount"] + 2
    # One's own message does not count for oneself.
    await ok(api, reader, SEND, {"input": {"groupId": g.group, "body": "收到"}})
    assert (await api.gql(BADGE, token=reader))["data"]["unreadGroupMessageCount"] == 0
    await ok(api, g.s.chief_token, SEND, {"input": {"groupId": g.group, "body": "别迟到"}})
    assert (await api.gql(BADGE, token=reader))["data"] == {
        "unreadNotificationCount": start["unreadNotificationCount"] + 1,
        "unreadGroupMessageCount": 1,
    }
    read = await ok(api, reader, READ, {"input": {"groupId": g.group}})
    assert read["unreadCount"] == 0
    assert (await api.gql(BADGE, token=reader))["data"]["unreadNotificationCount"] == start[
        "unreadNotificationCount"
    ]

"""Every request bounded at the edge: its body, its JSON's depth; and what a production server
does not tell (field suggestions, introspection) plus the security report it logs."""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator

import pytest

from core.settings import Env, Settings
from gongzhi.app import report_security
from tests.live import raw_socket, socket
from tests.support import Api, error_codes

QUERY = "{ __typename }"


def deep(levels: int) -> object:
    value: object = 1
    for _ in range(levels):
        value = [value]
    return value


async def test_a_body_over_the_limit_is_refused_before_it_is_read(
    api: Api, settings: Settings
) -> None:
    padding = "x" * settings.max_body_bytes
    response = await api.client.post("/graphql", json={"query": QUERY, "variables": {"p": padding}})
    assert response.status_code == 413
    assert response.json()["errors"][0]["extensions"] == {
        "code": "REQUEST_TOO_LARGE",
        "max": settings.max_body_bytes,
    }


async def test_a_body_without_a_length_is_counted_as_it_comes(api: Api, settings: Settings) -> None:
    async def chunks() -> AsyncIterator[bytes]:
        yield b'{"query": "{ __typename }", "variables": {"p": "'
        for _ in range(settings.max_body_bytes // 65536 + 2):
            yield b"x" * 65536
        yield b'"}}'

    response = await api.client.post(
        "/graphql", content=chunks(), headers={"content-type": "application/json"}
    )
    assert response.status_code == 413
    assert error_codes(response.json()) == ["REQUEST_TOO_LARGE"]


async def test_a_body_within_the_limit_is_served(api: Api, settings: Settings) -> None:
    padding = "x" * (settings.max_body_bytes // 2)
    body = await api.gql(QUERY, {"p": padding})
    assert body == {"data": {"__typename": "Query"}}


async def test_an_upload_may_be_larger_than_a_json_body(api: Api, settings: Settings) -> None:
    """Multipart requests have their own limit (each file is checked on its own as well)."""
    operations = json.dumps({"query": QUERY, "variables": {}})
    files = {"0": ("photo.jpg", b"\xff\xd8\xff" + b"0" * (settings.max_body_bytes + 1))}
    response = await api.client.post(
        "/graphql",
        data={"operations": operations, "map": json.dumps({"0": ["variables.file"]})},
        files=files,
    )
    assert response.status_code != 413, response.text


@pytest.mark.parametrize("levels", [33, 1000, 100_000])
async def test_json_nested_too_deep_is_a_400(api: Api, levels: int) -> None:
    text = '{"query": "{ __typename }", "variables": {"v": ' + "[" * levels + "]" * levels + "}}"
    response = await api.client.post(
        "/graphql", content=text, headers={"content-type": "application/json"}
    )
    assert response.status_code == 400
    assert "32" in response.text


async def test_json_within_the_depth_is_read(api: Api) -> None:
    body = await api.gql(QUERY, {"v": deep(30)})
    assert body == {"data": {"__typename": "Query"}}


async def test_a_websocket_message_nested_too_deep_closes_the_connection(
    live_url: str, api: Api
) -> None:
    token = await api.login("wulidun.grid_chief")
    async with socket(live_url, token, None) as sock:
        await sock.send(json.dumps({"type": "ping", "payload": deep(100)}))
        assert await sock.close_code() == 4400
    async with raw_socket(live_url) as sock:  # the server still serves others
        await sock.send({"type": "connection_init", "payload": {}})
        assert await sock.close_code() in {4403, 4400}


async def test_no_field_suggestions_outside_dev(api: Api) -> None:
    token = await api.login("wulidun.street_admin")
    unknown = await api.gql("{ projectz { totalCount } }", token=token, lang="en")
    assert error_codes(unknown) == ["GRAPHQL_VALIDATION_FAILED"]
    assert "Did you mean" not in json.dumps(unknown)
    enum = await api.gql(
        "query($r: Role) { members(role: $r) { totalCount } }",
        {"r": "STREET_ADMI"},
        token=token,
        lang="en",
    )
    assert error_codes(enum) == ["BAD_USER_INPUT"]
    assert "Did you mean" not in json.dumps(enum)


async def test_introspection_is_off_outside_dev_unless_turned_on(api: Api) -> None:
    body = await api.gql("{ __schema { queryType { name } } }")
    assert set(error_codes(body)) == {"GRAPHQL_VALIDATION_FAILED"} and body["data"] is None
    assert Settings(env=Env.DEV).introspection_enabled
    assert not Settings(env=Env.PRODUCTION).introspection_enabled
    assert Settings(env=Env.PRODUCTION, introspection=True).introspection_enabled
    assert not Settings(env=Env.DEV, introspection=False).introspection_enabled


def test_the_effective_security_settings_are_logged_at_startup(
    caplog: pytest.LogCaptureFixture,
) -> None:
    settings = Settings(env=Env.PRODUCTION, secret_key="k" * 48, trusted_proxies="10.0.0.1")
    with caplog.at_level(logging.INFO, logger="gongzhi.security"):
        report_security(settings)
    (record,) = [r for r in caplog.records if r.name == "gongzhi.security"]
    report = json.loads(record.getMessage().partition(": ")[2])
    assert report["introspection"] is False and report["field_suggestions"] is False
    assert report["errors_masked"] is True and report["graphiql"] is False
    assert report["trusted_proxies"] == "10.0.0.1"
    assert report["query_cost"]["anonymous"] == settings.query_cost_anonymous
    assert "k" * 48 not in record.getMessage()

"""Trusted documents (persisted queries): by ``documentId``, by Apollo APQ hash, and
``GONGZHI_TRUSTED_DOCUMENTS=require`` for mini-program and display clients."""

from __future__ import annotations

import asyncio
import json
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from graphql import build_schema, parse, validate
from starlette.applications import Starlette
from websockets.asyncio.client import connect

from core.settings import TrustedDocuments as Mode
from schema.trusted import (
    MANIFEST_PATH,
    DocumentStore,
    TrustedDocument,
    document_hash,
    read_manifest,
)
from schema.view import GraphQLEndpoint
from tests.support import Api

STREET = "wulidun.street_admin"
TAGS = "query Tags { tags { name } }"
CREATE_TAG = """
mutation CreateTag($name: String!) {
  createTag(input: {name: $name}) { __typename ... on TagSuccess { tag { name } } }
}
"""
STREET_NAME = "query StreetName { street { code name } }"
TAG_EVENTS = 'subscription Events { streetEvents(types: ["tag.created"]) { type } }'
KNOWN = [TAGS, CREATE_TAG, STREET_NAME, TAG_EVENTS]


def trusted(body: str) -> TrustedDocument:
    return TrustedDocument(document_hash(body), "Op", "query", body)


def endpoint_of(app: Starlette) -> GraphQLEndpoint:
    for route in app.routes:
        endpoint = getattr(route, "endpoint", None)
        if isinstance(endpoint, GraphQLEndpoint):
            return endpoint
    raise AssertionError("no GraphQL endpoint")


@pytest.fixture
def documents(app: Starlette, request: pytest.FixtureRequest) -> Iterator[DocumentStore]:
    """The endpoint's trusted documents, in the mode the test names (default ``allow``)."""
    endpoint = endpoint_of(app)
    kept = endpoint.documents
    mode = getattr(request, "param", Mode.ALLOW)
    endpoint.documents = DocumentStore(mode, [trusted(body) for body in KNOWN])
    yield endpoint.documents
    endpoint.documents = kept


async def post(
    api: Api, body: dict[str, Any], user: str = STREET, **headers: str
) -> httpx.Response:
    token = await api.login(user)
    return await api.client.post(
        "/graphql", json=body, headers={"authorization": f"Bearer {token}", **headers}
    )


async def tag_names(api: Api) -> list[str]:
    body = await api.as_user(STREET, TAGS)
    return [tag["name"] for tag in body["data"]["tags"]]


def codes(response: httpx.Response) -> list[str]:
    return [e["extensions"]["code"] for e in response.json()["errors"]]


async def test_a_known_document_runs_by_document_id(api: Api, documents: DocumentStore) -> None:
    response = await post(api, {"documentId": f"sha256:{document_hash(STREET_NAME)}"})
    assert response.status_code == 200
    assert response.json()["data"]["street"]["code"] == "wulidun"


async def test_a_known_document_runs_by_document_id_over_get(
    api: Api, documents: DocumentStore
) -> None:
    token = await api.login(STREET)
    response = await api.client.get(
        "/graphql",
        params={"documentId": f"sha256:{document_hash(STREET_NAME)}"},
        headers={"authorization": f"Bearer {token}"},
    )
    assert response.status_code == 200, response.text
    assert response.json()["data"]["street"]["code"] == "wulidun"


async def test_a_mutation_runs_by_document_id_with_its_variables(
    api: Api, documents: DocumentStore
) -> None:
    name = f"trusted-{secrets.token_hex(3)}"
    response = await post(
        api, {"documentId": f"sha256:{document_hash(CREATE_TAG)}", "variables": {"name": name}}
    )
    assert response.json()["data"]["createTag"]["tag"]["name"] == name


async def test_a_known_document_runs_by_apq_hash(api: Api, documents: DocumentStore) -> None:
    persisted = {"version": 1, "sha256Hash": document_hash(STREET_NAME)}
    response = await post(api, {"extensions": {"persistedQuery": persisted}})
    assert response.status_code == 200
    assert response.json()["data"]["street"]["code"] == "wulidun"


async def test_unknown_document_is_refused_with_a_typed_error_and_nothing_runs(
    api: Api, documents: DocumentStore
) -> None:
    name = f"never-{secrets.token_hex(3)}"
    unknown = CREATE_TAG + "\n# not in the manifest"
    response = await post(
        api, {"documentId": f"sha256:{document_hash(unknown)}", "variables": {"name": name}}
    )
    assert response.status_code == 400
    assert codes(response) == ["PERSISTED_QUERY_NOT_FOUND"]
    assert "data" not in response.json()
    assert name not in await tag_names(api)


async def test_a_document_id_that_is_not_a_sha256_is_refused(
    api: Api, documents: DocumentStore
) -> None:
    response = await post(api, {"documentId": "md5:abc"})
    assert response.status_code == 400
    assert codes(response) == ["PERSISTED_QUERY_NOT_FOUND"]


async def test_apq_unknown_hash_then_text_with_hash_then_hash_alone(
    api: Api, documents: DocumentStore
) -> None:
    query = "query Me { me { username } }"
    persisted = {"version": 1, "sha256Hash": document_hash(query)}
    first = await post(api, {"extensions": {"persistedQuery": persisted}})
    assert first.status_code == 400
    assert codes(first) == ["PERSISTED_QUERY_NOT_FOUND"]
    sent = await post(api, {"query": query, "extensions": {"persistedQuery": persisted}})
    assert sent.json()["data"]["me"]["username"] == STREET
    again = await post(api, {"extensions": {"persistedQuery": persisted}})
    assert again.status_code == 200
    assert again.json()["data"]["me"]["username"] == STREET


async def test_apq_text_that_does_not_match_its_hash_is_refused_and_not_run(
    api: Api, documents: DocumentStore
) -> None:
    name = f"mismatch-{secrets.token_hex(3)}"
    persisted = {"version": 1, "sha256Hash": document_hash(STREET_NAME)}
    response = await post(
        api,
        {
            "query": CREATE_TAG,
            "variables": {"name": name},
            "extensions": {"persistedQuery": persisted},
        },
    )
    assert response.status_code == 400
    assert codes(response) == ["PERSISTED_QUERY_HASH_MISMATCH"]
    assert name not in await tag_names(api)


@pytest.mark.parametrize("documents", [Mode.OFF], indirect=True)
async def test_off_answers_not_supported_so_apollo_falls_back_to_full_documents(
    api: Api, documents: DocumentStore
) -> None:
    response = await post(api, {"documentId": f"sha256:{document_hash(STREET_NAME)}"})
    assert response.status_code == 400
    assert codes(response) == ["PERSISTED_QUERY_NOT_SUPPORTED"]
    full = await post(api, {"query": "{ me { username } }"})
    assert full.json()["data"]["me"]["username"] == STREET


@pytest.mark.parametrize("documents", [Mode.REQUIRE], indirect=True)
async def test_require_refuses_other_documents_from_a_mini_program(
    api: Api, documents: DocumentStore
) -> None:
    name = f"mini-{secrets.token_hex(3)}"
    other = "mutation Other($name: String!) { createTag(input: {name: $name}) { __typename } }"
    refused = await post(
        api, {"query": other, "variables": {"name": name}}, **{"x-client-kind": "mini-program"}
    )
    assert refused.status_code == 400
    assert codes(refused) == ["PERSISTED_QUERY_REQUIRED"]
    assert "data" not in refused.json()
    assert name not in await tag_names(api)
    known = await post(
        api,
        {"documentId": f"sha256:{document_hash(STREET_NAME)}"},
        **{"x-client-kind": "mini-program"},
    )
    assert known.json()["data"]["street"]["code"] == "wulidun"
    known_text = await post(api, {"query": STREET_NAME}, **{"x-client-kind": "mini-program"})
    assert known_text.json()["data"]["street"]["code"] == "wulidun"


@pytest.mark.parametrize("documents", [Mode.REQUIRE], indirect=True)
async def test_require_still_lets_staff_tools_send_full_documents(
    api: Api, documents: DocumentStore
) -> None:
    response = await post(api, {"query": "{ me { username } }"})
    assert response.json()["data"]["me"]["username"] == STREET


@pytest.mark.parametrize("documents", [Mode.REQUIRE], indirect=True)
async def test_require_knows_a_display_account_by_its_role(
    api: Api, documents: DocumentStore
) -> None:
    refused = await post(api, {"query": "{ me { username } }"}, user="wulidun.display")
    assert refused.status_code == 400
    assert codes(refused) == ["PERSISTED_QUERY_REQUIRED"]
    known = await post(
        api, {"documentId": f"sha256:{document_hash(STREET_NAME)}"}, user="wulidun.display"
    )
    assert known.json()["data"]["street"]["code"] == "wulidun"


@pytest.mark.parametrize("documents", [Mode.REQUIRE], indirect=True)
async def test_require_over_websocket_refuses_only_the_unknown_subscription(
    api: Api, live_url: str, documents: DocumentStore
) -> None:
    token = await api.login(STREET)
    async with connect(f"ws://{live_url}/graphql", subprotocols=["graphql-transport-ws"]) as ws:  # type: ignore[list-item]
        init = {"authorization": f"Bearer {token}", "clientKind": "mini-program"}
        await ws.send(json.dumps({"type": "connection_init", "payload": init}))
        assert json.loads(await asyncio.wait_for(ws.recv(), 5))["type"] == "connection_ack"
        other = {"query": "subscription { streetEvents { type cursor } }"}
        await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": other}))
        refused = json.loads(await asyncio.wait_for(ws.recv(), 5))
        assert refused["id"] == "1" and refused["type"] == "error"
        assert refused["payload"][0]["extensions"]["code"] == "PERSISTED_QUERY_REQUIRED"
        by_id = {"documentId": f"sha256:{document_hash(TAG_EVENTS)}"}
        await ws.send(json.dumps({"id": "2", "type": "subscribe", "payload": by_id}))
        await asyncio.sleep(0.2)  # the subscription is registered before the tag is made
        await api.as_user(STREET, CREATE_TAG, {"name": f"ws-{secrets.token_hex(3)}"})
        message = json.loads(await asyncio.wait_for(ws.recv(), 5))
        assert message["id"] == "2" and message["type"] == "next", message
        assert message["payload"]["data"]["streetEvents"]["type"] == "tag.created"


def test_the_committed_manifest_is_valid_against_the_committed_schema() -> None:
    documents = read_manifest(MANIFEST_PATH)
    assert documents, "schema/trusted-documents.json: run `npm run trusted-documents` in clients/"
    sdl = build_schema((Path(MANIFEST_PATH).parent / "schema.graphql").read_text(encoding="utf-8"))
    for document in documents:
        assert validate(sdl, parse(document.body)) == [], document.name


def test_a_manifest_whose_id_is_not_its_body_hash_is_refused(tmp_path: Path) -> None:
    manifest = {
        "format": "apollo-persisted-query-manifest",
        "version": 1,
        "operations": [{"id": "0" * 64, "name": "Me", "type": "query", "body": "{ me { id } }"}],
    }
    path = tmp_path / "manifest.json"
    path.write_text(json.dumps(manifest))
    with pytest.raises(ValueError, match="hash"):
        read_manifest(path)

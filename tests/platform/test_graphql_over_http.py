"""GraphQL over HTTP: ``application/graphql-response+json`` when the client accepts it, with
its status codes (400 when nothing was executed, 200 with field errors); ``application/json``
answers as before."""

from __future__ import annotations

import httpx
import pytest

from schema.view import answer_media_type
from tests.support import Api

GRAPHQL_RESPONSE = "application/graphql-response+json"


async def post(api: Api, query: str, accept: str | None, **variables: object) -> httpx.Response:
    headers = {"accept": accept} if accept else {}
    return await api.client.post(
        "/graphql", json={"query": query, "variables": variables}, headers=headers
    )


def media_type(response: httpx.Response) -> str:
    return response.headers["content-type"].split(";")[0]


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        (None, "application/json"),
        ("*/*", "application/json"),
        ("application/json", "application/json"),
        (GRAPHQL_RESPONSE, GRAPHQL_RESPONSE),
        (f"{GRAPHQL_RESPONSE}, application/json;q=0.9", GRAPHQL_RESPONSE),
        (f"application/json, {GRAPHQL_RESPONSE}", GRAPHQL_RESPONSE),
        (f"application/json;q=1, {GRAPHQL_RESPONSE};q=0.5", "application/json"),
        (f"{GRAPHQL_RESPONSE};q=0", "application/json"),
    ],
)
def test_the_answer_is_in_the_media_type_the_client_prefers(
    accept: str | None, expected: str
) -> None:
    assert answer_media_type(accept) == expected


async def test_a_good_query_is_200_in_the_accepted_media_type(api: Api) -> None:
    response = await post(api, "{ __typename }", GRAPHQL_RESPONSE)
    assert response.status_code == 200
    assert media_type(response) == GRAPHQL_RESPONSE
    assert response.json() == {"data": {"__typename": "Query"}}


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("{ __typename", "GRAPHQL_PARSE_FAILED"),
        ("{ noSuchField }", "GRAPHQL_VALIDATION_FAILED"),
    ],
)
async def test_a_request_error_is_400_without_data(api: Api, query: str, code: str) -> None:
    response = await post(api, query, GRAPHQL_RESPONSE)
    assert response.status_code == 400
    assert media_type(response) == GRAPHQL_RESPONSE
    body = response.json()
    assert "data" not in body
    assert body["errors"][0]["extensions"]["code"] == code


async def test_variables_that_do_not_coerce_are_400(api: Api) -> None:
    query = "query ($name: String!) { __type(name: $name) { name } }"
    response = await post(api, query, GRAPHQL_RESPONSE, name=5)
    assert response.status_code == 400
    assert "data" not in response.json()


async def test_a_field_error_is_200_with_its_data_entry(api: Api) -> None:
    response = await post(api, "{ me { username } }", GRAPHQL_RESPONSE)
    assert response.status_code == 200
    body = response.json()
    assert "data" in body and body["data"] is None
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


@pytest.mark.parametrize("accept", [None, "application/json", "*/*"])
async def test_application_json_answers_request_errors_with_200_as_before(
    api: Api, accept: str | None
) -> None:
    response = await post(api, "{ __typename", accept)
    assert response.status_code == 200
    assert media_type(response) == "application/json"
    assert response.json()["errors"][0]["extensions"]["code"] == "GRAPHQL_PARSE_FAILED"

"""What an operator reads: one JSON log line per request, with its request ID, and the
Prometheus metrics, counted by GraphQL operation name (docs/deployment.md).

The log never holds a token, a password, a phone number or an ID number: a run's captured
log is searched for ones planted in it."""

from __future__ import annotations

import io
import json
import logging

import pytest
from prometheus_client.parser import text_string_to_metric_families
from starlette.applications import Starlette

from core.observe import log_handler
from core.settings import LogFormat, Settings
from resolvers.services import Services
from tests.people.support import gid, new_id_number, people_street
from tests.support import LOGIN, Api

PHONE = "13955501234"
REGISTER = """mutation RegisterElder($input: RegisterResidentInput!) {
  registerResident(input: $input) { __typename ... on UserError { code field message } } }"""
RESIDENTS = """query ElderList { residents(first: 5) { edges { node { name phone idNumber } } } }"""


def sample(services: Services, name: str, **labels: str) -> float:
    """One sample of this app's metrics, as Prometheus would scrape it (0 when absent)."""
    text = services.metrics.exposition().decode()
    for family in text_string_to_metric_families(text):
        for found in family.samples:
            if found.name == name and all(found.labels.get(k) == v for k, v in labels.items()):
                return float(found.value)
    return 0.0


def request_lines(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "gongzhi.request"]


async def test_a_request_id_is_taken_or_made_echoed_and_logged(
    api: Api, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.DEBUG):
        given = await api.client.post(
            "/graphql",
            json={"query": "query Hello { __typename }"},
            headers={"x-request-id": "screen-7f3a-0001"},
        )
        made = await api.client.post("/graphql", json={"query": "{ __typename }"})
        odd = await api.client.post(
            "/graphql", json={"query": "{ __typename }"}, headers={"x-request-id": "x\x7f"}
        )
    assert given.headers["x-request-id"] == "screen-7f3a-0001"
    assert len(made.headers["x-request-id"]) == 32
    assert odd.headers["x-request-id"] not in ("x\x7f", made.headers["x-request-id"])
    first, second, _ = request_lines(caplog)
    assert first.request_id == "screen-7f3a-0001"  # type: ignore[attr-defined]
    assert first.operation == "Hello"  # type: ignore[attr-defined]
    assert first.operation_type == "query"  # type: ignore[attr-defined]
    assert first.outcome == "ok"  # type: ignore[attr-defined]
    assert first.route == "/graphql" and first.status == 200  # type: ignore[attr-defined]
    assert second.operation == "anonymous"  # type: ignore[attr-defined]


async def test_the_log_holds_no_token_password_phone_or_id_number(
    api: Api, services: Services, caplog: pytest.LogCaptureFixture
) -> None:
    street = await people_street(api, services, "obs")
    token = street.admin
    id_number = new_id_number()
    with caplog.at_level(logging.DEBUG):
        registered = await api.gql(
            REGISTER,
            {
                "input": {
                    "name": "周大爷",
                    "idNumber": id_number,
                    "phone": PHONE,
                    "gridId": gid("Grid", street.grid1),
                }
            },
            token=token,
            tenant=street.code,
        )
        # refused inputs, a bad token, a wrong password: the paths that log more
        refused = await api.gql(
            REGISTER,
            {"input": {"name": "周大爷", "idNumber": id_number[:-1] + "0", "phone": PHONE + "9"}},
            token=token,
            tenant=street.code,
        )
        listed = await api.gql(RESIDENTS, token=token, tenant=street.code)
        await api.post(RESIDENTS, token=token + "x", tenant=street.code)
        await api.gql(LOGIN, {"u": street.street.admin_username, "p": "wrong-password-123"})
    assert registered["data"]["registerResident"]["__typename"] == "ResidentSuccess", registered
    assert refused["data"]["registerResident"]["code"] == "BAD_USER_INPUT", refused
    assert listed["data"]["residents"]["edges"], listed
    # Written the way the server writes them: JSON lines.
    out = io.StringIO()
    handler = log_handler(Settings(log_format=LogFormat.JSON), out)
    for record in caplog.records:
        handler.handle(record)
    logged = out.getvalue()
    lines = [json.loads(line) for line in logged.splitlines()]
    requests = [line for line in lines if line["logger"] == "gongzhi.request"]
    assert {line["operation"] for line in requests} >= {"RegisterElder", "ElderList", "Login"}
    mine = [line for line in requests if line["operation"] == "RegisterElder"]
    assert all(line["street"] == street.code and line["user_id"] for line in mine)
    assert all(line["request_id"] and line["duration_ms"] >= 0 for line in requests)
    for planted in (PHONE, id_number, id_number[:-1] + "0", token, "wrong-password-123"):
        assert planted not in logged, f"the log holds {planted[:6]}…"


async def test_metrics_count_each_operation_by_name_and_outcome(
    api: Api, services: Services
) -> None:
    ok_before = sample(
        services, "gongzhi_graphql_requests_total", operation="MetricsProbe", outcome="ok"
    )
    failed_before = sample(services, "gongzhi_login_failures_total", reason="invalid_credentials")
    timed_before = sample(
        services, "gongzhi_graphql_request_seconds_count", operation="MetricsProbe"
    )
    for _ in range(3):
        await api.gql("query MetricsProbe { __typename }")
    await api.gql("query MetricsProbe { nothingHere }")
    await api.gql(LOGIN, {"u": "nobody.at.all", "p": "not-the-password"})
    assert (
        sample(services, "gongzhi_graphql_requests_total", operation="MetricsProbe", outcome="ok")
        == ok_before + 3
    )
    assert (
        sample(
            services,
            "gongzhi_graphql_requests_total",
            operation="MetricsProbe",
            outcome="GRAPHQL_VALIDATION_FAILED",
        )
        >= 1
    )
    assert (
        sample(services, "gongzhi_graphql_request_seconds_count", operation="MetricsProbe")
        == timed_before + 4
    )
    assert (
        sample(services, "gongzhi_login_failures_total", reason="invalid_credentials")
        == failed_before + 1
    )
    assert (
        sample(services, "gongzhi_graphql_requests_total", operation="Login", type="mutation") >= 1
    )


async def test_a_client_made_up_name_cannot_grow_the_series(services: Services) -> None:
    metrics = services.metrics
    assert metrics.operation_label("'); drop table") == "other"
    assert metrics.operation_label("x" * 65) == "other"


async def test_metrics_are_not_on_the_public_port_by_default(api: Api) -> None:
    assert (await api.client.get("/metrics")).status_code == 404


async def test_a_client_gone_before_its_body_is_one_quiet_line(
    app: Starlette, caplog: pytest.LogCaptureFixture
) -> None:
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/graphql",
        "raw_path": b"/graphql",
        "query_string": b"",
        "root_path": "",
        "headers": [(b"content-type", b"application/json"), (b"host", b"testserver")],
        "client": ("10.1.2.3", 5000),
        "server": ("testserver", 80),
        "state": {},
    }
    sent: list[dict] = []

    async def receive() -> dict:
        return {"type": "http.disconnect"}

    async def send(message: dict) -> None:
        sent.append(message)

    with caplog.at_level(logging.INFO):
        await app(scope, receive, send)  # raises nothing
    assert not [r for r in caplog.records if r.exc_info or r.levelno >= logging.WARNING]
    (line,) = request_lines(caplog)
    assert line.outcome == "client_disconnected"  # type: ignore[attr-defined]
    assert line.levelno == logging.INFO

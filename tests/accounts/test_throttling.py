"""Login throttling that holds under concurrency, a bounded password, and the client address
taken from X-Forwarded-For only when the peer is a configured proxy."""

from __future__ import annotations

import asyncio
import secrets

import httpx
import uvicorn
from starlette.applications import Starlette

from core.settings import Settings
from gongzhi.app import serve_options
from resolvers.services import Services
from tests.accounts.test_auth import login_payload
from tests.support import LOGIN, Api, make_street


async def test_32_wrong_passwords_at_once_are_checked_at_most_5_times(
    api: Api, services: Services
) -> None:
    street = await make_street(services, "burst")
    answers = await asyncio.gather(
        *(login_payload(api, street.admin_username, f"wrong-{n}") for n in range(32))
    )
    checked = [a for a in answers if a["__typename"] != "TooManyAttempts"]
    assert len(checked) <= services.settings.login_max_failures
    assert all(a["code"] == "INVALID_CREDENTIALS" for a in checked)
    assert sum(a["__typename"] == "TooManyAttempts" for a in answers) >= 32 - len(checked)
    # The account stays locked for the right password too.
    locked = await login_payload(api, street.admin_username, street.admin_password)
    assert locked["__typename"] == "TooManyAttempts"


async def test_a_success_does_not_count_against_the_address(api: Api, services: Services) -> None:
    street = await make_street(services, "okaddr")
    limit = services.settings.login_max_failures
    for _ in range(limit + 2):  # more successes than failures allowed: none is a failure
        ok = await login_payload(api, street.admin_username, street.admin_password)
        assert ok["__typename"] == "LoginSuccess"


async def test_a_password_too_long_is_refused_before_hashing(api: Api, services: Services) -> None:
    limit = services.settings.max_password_length
    street = await make_street(services, "longpw")
    for _ in range(services.settings.login_max_failures + 1):
        refused = await login_payload(api, street.admin_username, "x" * (limit + 1), lang="en")
        assert refused["code"] == "BAD_USER_INPUT" and refused["field"] == "password"
    # Not counted as failures: the right password still works.
    ok = await login_payload(api, street.admin_username, street.admin_password)
    assert ok["__typename"] == "LoginSuccess"


def _served(app: Starlette, settings: Settings) -> object:
    """The app as ``gongzhi serve`` hands it to uvicorn (its proxy options from the settings)."""
    config = uvicorn.Config(app, lifespan="off", **serve_options(settings))
    config.load()
    return config.loaded_app


async def _fail_from(app: object, peer: str, forwarded: str, username: str) -> dict:
    transport = httpx.ASGITransport(app=app, client=(peer, 5000))  # type: ignore[arg-type]
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        response = await client.post(
            "/graphql",
            json={"query": LOGIN, "variables": {"u": username, "p": "wrong"}},
            headers={"x-forwarded-for": forwarded},
        )
    return response.json()["data"]["login"]


def _address() -> str:
    return f"10.{secrets.randbelow(250)}.{secrets.randbelow(250)}.{secrets.randbelow(250) + 1}"


async def test_x_forwarded_for_is_ignored_from_a_peer_that_is_no_proxy(
    app: Starlette, settings: Settings
) -> None:
    served = _served(app, settings.model_copy(update={"trusted_proxies": ""}))
    peer = _address()
    answers = [
        await _fail_from(served, peer, _address(), f"ghost-{secrets.token_hex(3)}")
        for _ in range(settings.login_max_failures + 1)
    ]
    # Every attempt counted against the peer, whatever address it claimed.
    assert answers[-1]["__typename"] == "TooManyAttempts"


async def test_x_forwarded_for_is_believed_from_a_configured_proxy(
    app: Starlette, settings: Settings
) -> None:
    proxy = _address()
    served = _served(app, settings.model_copy(update={"trusted_proxies": proxy}))
    answers = [
        await _fail_from(served, proxy, _address(), f"ghost-{secrets.token_hex(3)}")
        for _ in range(settings.login_max_failures + 1)
    ]
    # Each client behind the proxy is counted on its own address.
    assert all(a["code"] == "INVALID_CREDENTIALS" for a in answers)
    assert (
        serve_options(settings.model_copy(update={"trusted_proxies": ""}))["proxy_headers"] is False
    )

"""A street made by ``gongzhi tenant create`` while the server runs is usable at once: its
administrator signs in and acts in it without a restart. With Redis the command announces the
street and the role the way the ``createStreet`` mutation does; without it (the embedded
in-process broker) the server finds the role at the first request that misses it."""

from __future__ import annotations

import asyncio
import os
import secrets
import sys
from pathlib import Path

from models.accounts import Membership, Role, User
from models.scoping import unscoped
from policies.enforcer import Authorizer
from resolvers.services import Services
from tests.conftest import needs_redis
from tests.platform.test_cli import STRONG_KEY
from tests.support import Api, add_member, database_env

STREET = "{ street { code } }"


async def tenant_create(
    services: Services, tmp_path: Path, *, announce: bool
) -> tuple[str, str, str]:
    """Run the command as an operator would, on the server's database (and, when ``announce``,
    its Redis); returns the street code, the administrator's username and password."""
    code = f"cli-{secrets.token_hex(3)}"
    admin = f"{code}.admin"
    settings = services.settings
    env = {k: v for k, v in os.environ.items() if not k.startswith("GONGZHI_")}
    env.update(database_env(settings), GONGZHI_SECRET_KEY=STRONG_KEY)
    if announce:
        assert settings.redis_url
        env.update(GONGZHI_REDIS_URL=settings.redis_url, GONGZHI_REDIS_PREFIX=settings.redis_prefix)
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "gongzhi.cli",
        *("tenant", "create", "--code", code, "--name", "新街道", "--district", "cli-district"),
        *("--admin-username", admin),
        env=env,
        cwd=tmp_path,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await proc.communicate()
    assert proc.returncode == 0, err.decode()
    line = next(x for x in out.decode().splitlines() if x.startswith("one-time password:"))
    return code, admin, line.split(":", 1)[1].strip()


async def test_without_redis_the_new_admin_acts_in_the_street_at_once(
    api: Api, services: Services, tmp_path: Path
) -> None:
    code, username, password = await tenant_create(services, tmp_path, announce=False)
    admin = await User.get(username=username)
    assert services.authorizer.streets_of(admin.id) == {}, "nobody told this server"
    token = await api.login(username, password)
    body = await api.gql(STREET, token=token)
    assert "errors" not in body, body
    assert body["data"]["street"]["code"] == code


async def test_without_redis_a_street_named_in_x_tenant_is_found_at_once(
    api: Api, services: Services, tmp_path: Path
) -> None:
    code, username, password = await tenant_create(services, tmp_path, announce=False)
    token = await api.login(username, password)
    body = await api.gql(STREET, token=token, tenant=code)
    assert "errors" not in body, body
    assert body["data"]["street"]["code"] == code


@needs_redis
async def test_with_redis_the_command_announces_the_street_and_its_admin(
    api: Api, services: Services, tmp_path: Path
) -> None:
    code, username, password = await tenant_create(services, tmp_path, announce=True)
    admin = await User.get(username=username)
    for _ in range(200):  # the broker message reaches this server's authorizer (bounded)
        if services.authorizer.streets_of(admin.id):
            break
        await asyncio.sleep(0.05)
    street_id = (await services.streets.by_code(code)).id  # type: ignore[union-attr]
    assert services.authorizer.streets_of(admin.id) == {street_id: True}
    token = await api.login(username, password)
    assert (await api.gql(STREET, token=token))["data"]["street"]["code"] == code


async def test_a_miss_reads_a_user_again_at_most_once_per_interval(services: Services) -> None:
    """A flood of requests from a user without a street does not read the database each time:
    a role given in between is found once the interval has passed, not before."""
    wulidun = await services.streets.by_code("wulidun")
    assert wulidun is not None
    now = [100.0]
    authorizer = Authorizer(services.vocabulary, recheck_seconds=5, monotonic=lambda: now[0])
    user = await User.create(
        username=f"u-{secrets.token_hex(4)}", display_name="新人", password_hash="x"
    )
    other = await add_member(services, wulidun.id, Role.RESIDENT)
    assert await authorizer.recheck(user.id) == {}
    with unscoped("test set-up: a role given by another process"):
        await Membership.create(tenant_id=wulidun.id, user=user, role=Role.RESIDENT)
    assert await authorizer.recheck(user.id) is None, "too soon: not read again"
    assert authorizer.streets_of(user.id) == {}
    assert await authorizer.recheck(other.id) == {wulidun.id: True}, "each user has its own"
    now[0] += 5
    assert await authorizer.recheck(user.id) == {wulidun.id: True}

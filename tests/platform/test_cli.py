"""The ``gongzhi`` command, run as a user would (in a subprocess, on its own database)."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

STRONG_KEY = "k" * 8 + "0123456789abcdefghijklmnopqrstuvwxyzABCD"


def run_cli(*args: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("GONGZHI_")}
    full_env.update(env)
    return subprocess.run(
        [sys.executable, "-m", "gongzhi.cli", *args],
        env=full_env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture
def db_env(tmp_path: Path) -> dict[str, str]:
    return {
        "GONGZHI_DATABASE_URL": f"sqlite://{tmp_path / 'cli.sqlite3'}",
        "GONGZHI_SECRET_KEY": STRONG_KEY,
    }


def test_tenant_create_prints_a_one_time_password_once(tmp_path: Path, db_env: dict) -> None:
    args = (
        "tenant",
        "create",
        "--code",
        "hanzheng",
        "--name",
        "汉正街道",
        "--district",
        "qiaokou",
        "--admin-username",
        "hanzheng.admin",
    )
    first = run_cli(*args, env=db_env, cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    assert "administrator: hanzheng.admin" in first.stdout
    password_line = next(line for line in first.stdout.splitlines() if "one-time password" in line)
    assert len(password_line.split(":", 1)[1].strip()) >= 12

    again = run_cli(*args, env=db_env, cwd=tmp_path)
    assert again.returncode == 2
    assert "error: --code: The code 'hanzheng' is already taken." in again.stderr


def test_tenant_create_refuses_a_bad_code(tmp_path: Path, db_env: dict) -> None:
    result = run_cli(
        "tenant",
        "create",
        "--code",
        "Bad Code!",
        "--name",
        "x",
        "--district",
        "qiaokou",
        "--admin-username",
        "someone",
        env=db_env,
        cwd=tmp_path,
    )
    assert result.returncode == 2
    assert "error: --code: " in result.stderr and "lower-case" in result.stderr


@pytest.mark.parametrize("key", [None, "secret", "short-key"])
def test_serve_refuses_a_missing_or_weak_secret_outside_dev(
    tmp_path: Path, key: str | None
) -> None:
    env = {
        "GONGZHI_DATABASE_URL": f"sqlite://{tmp_path / 'x.sqlite3'}",
        "GONGZHI_ENV": "production",
    }
    if key:
        env["GONGZHI_SECRET_KEY"] = key
    result = run_cli("serve", "--port", "1", env=env, cwd=tmp_path)
    assert result.returncode != 0
    assert "GONGZHI_SECRET_KEY" in result.stderr
    assert not (tmp_path / "x.sqlite3").exists(), "nothing is created before the check"


def test_schema_prints_the_sdl(tmp_path: Path) -> None:
    result = run_cli("schema", env={}, cwd=tmp_path)
    assert result.returncode == 0
    assert (
        "type Query" in result.stdout
        and "login(input: LoginInput!): LoginPayload!" in result.stdout
    )


def _counts(db: Path) -> dict[str, int]:
    with sqlite3.connect(db) as conn:
        tables = ["app_user", "street", "community", "grid", "membership", "district_membership"]
        return {t: conn.execute(f"select count(*) from {t}").fetchone()[0] for t in tables}


def test_demo_loads_idempotently(tmp_path: Path, db_env: dict) -> None:
    first = run_cli("demo", env=db_env, cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    assert "[3/3] demo street wulidun" in first.stdout
    loaded = _counts(tmp_path / "cli.sqlite3")
    # 3 streets x 2 communities x 3 grids, one account per street role, 2 per district, admin
    assert loaded["street"] == 3 and loaded["community"] == 6 and loaded["grid"] == 18
    assert loaded["membership"] == 3 * 14 and loaded["district_membership"] == 6
    assert loaded["app_user"] == 3 * 14 + 6 + 1
    second = run_cli("demo", env=db_env, cwd=tmp_path)
    assert second.returncode == 0, second.stderr
    assert _counts(tmp_path / "cli.sqlite3") == loaded


def test_every_command_exits_2_for_an_unknown_street_or_vote(tmp_path: Path, db_env: dict) -> None:
    """One table of exit codes (gongzhi/cli.py, the README): 2 when the command cannot start."""
    from gongzhi.cli import EXIT_BAD_INPUT

    assert run_cli("migrate", env=db_env, cwd=tmp_path).returncode == 0
    csv = tmp_path / "residents.csv"
    csv.write_text("name,id_number,phone,grid\n", encoding="utf-8")
    commands = {
        "audit verify": ("audit", "verify", "--street", "nowhere"),
        "import residents": ("import", "residents", str(csv), "--street", "nowhere"),
        "votes recount": ("votes", "recount", "424242"),
    }
    for name, args in commands.items():
        result = run_cli(*args, env=db_env, cwd=tmp_path)
        assert result.returncode == EXIT_BAD_INPUT == 2, (name, result.stderr)
        assert result.stderr.startswith("error: no "), (name, result.stderr)
        assert "Traceback" not in result.stderr, name


def test_import_help_names_both_encodings(tmp_path: Path) -> None:
    result = run_cli("import", "residents", "--help", env={}, cwd=tmp_path)
    assert result.returncode == 0
    assert "UTF-8 or GB18030" in " ".join(result.stdout.split())

"""The committed possibleTypes (schema/possibleTypes.json) is what Apollo's and urql's caches
need to read a mutation's typed error (``... on UserError``)."""

from __future__ import annotations

import json
from pathlib import Path

from graphql import build_schema

from core.settings import Env, Settings
from gongzhi.platform import make_schema
from schema.possible_types import possible_types, possible_types_json

SCHEMA_DIR = Path(__file__).resolve().parents[2] / "schema"


def test_committed_possible_types_match_the_code() -> None:
    current = possible_types_json(make_schema(Settings(env=Env.DEV))._schema)
    committed = (SCHEMA_DIR / "possibleTypes.json").read_text(encoding="utf-8")
    assert current == committed, (
        "schema/possibleTypes.json is out of date: run "
        "`gongzhi possible-types > schema/possibleTypes.json` and review the diff"
    )


def test_committed_possible_types_match_the_committed_sdl() -> None:
    sdl = build_schema((SCHEMA_DIR / "schema.graphql").read_text(encoding="utf-8"))
    committed = json.loads((SCHEMA_DIR / "possibleTypes.json").read_text(encoding="utf-8"))
    assert possible_types(sdl) == committed


def test_every_user_error_and_payload_member_is_listed() -> None:
    committed = json.loads((SCHEMA_DIR / "possibleTypes.json").read_text(encoding="utf-8"))
    assert {"InputError", "TooManyAttempts"} <= set(committed["UserError"])
    assert committed["LoginPayload"] == ["InputError", "LoginSuccess", "TooManyAttempts"]
    assert "Vote" in committed["Node"]

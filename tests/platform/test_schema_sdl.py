"""The committed SDL (schema/schema.graphql) is what frontend teams build against."""

from __future__ import annotations

from pathlib import Path

from core.settings import Env, Settings
from gongzhi.platform import make_schema

SDL_PATH = Path(__file__).resolve().parents[2] / "schema" / "schema.graphql"


def test_committed_sdl_matches_the_code() -> None:
    current = make_schema(Settings(env=Env.DEV)).as_str()
    committed = SDL_PATH.read_text(encoding="utf-8")
    assert current.strip() == committed.strip(), (
        "schema/schema.graphql is out of date: run `gongzhi schema > schema/schema.graphql` "
        "and review the diff"
    )

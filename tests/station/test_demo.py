"""The station part of the demo streets: the public card page shows the reviewed answer."""

from __future__ import annotations

from tests.projects.support import data
from tests.station.support import BOARD
from tests.support import Api


async def test_the_demo_card_page_shows_its_answer(api: Api) -> None:
    board = data(await api.gql(BOARD, {"token": "demo-wulidun-representative"}), "stationBoard")
    assert board["name"] == "周代表"
    assert board["counts"] == {"received": 2, "answered": 1, "onTime": 1}
    assert [a["summary"] for a in board["answers"]] == ["东门路灯已修复"]

"""The stats domain (一屏): the dashboard of every domain's panels, its live subscription, the
big screens' pairing, and the display page at ``/screen/``."""

from __future__ import annotations

from pathlib import Path

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from policies.capabilities import stats as capabilities
from resolvers.stats.codes import StatsCode
from resolvers.stats.settings import StatsSettings
from schema.domain import Domain
from schema.stats.dashboard import DashboardQuery, DashboardSubscription
from schema.stats.screens import ScreensMutation, ScreensQuery
from schema.trusted import read_manifest

PAGE = Path(__file__).resolve().parent / "screen"
PAGE_OPERATIONS = (
    "StartScreenPairing",
    "CollectScreenTokens",
    "RefreshScreenToken",
    "ScreenDashboard",
)


async def page_operations(request: Request) -> JSONResponse:
    """The display page's operations as the trusted-documents manifest holds them
    (``clients/operations/screen.graphql``): the page sends these exact bodies, which a server
    with ``GONGZHI_TRUSTED_DOCUMENTS=require`` accepts from a display."""
    found = {d.name: d.body for d in read_manifest() if d.name in PAGE_OPERATIONS}
    return JSONResponse(found, headers={"cache-control": "no-cache"})


DOMAIN = Domain(
    name="stats",
    description="The dashboard and the big screens (一屏).",
    models=("models.screens",),
    query=(DashboardQuery, ScreensQuery),
    mutation=(ScreensMutation,),
    subscription=(DashboardSubscription,),
    capabilities=capabilities.CAPABILITIES,
    codes=StatsCode,
    settings=StatsSettings,
    routes=(
        Route("/screen/operations.json", page_operations),
        Mount("/screen", app=StaticFiles(directory=PAGE, html=True), name="screen"),
    ),
)

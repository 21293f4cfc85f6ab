"""The stats domain (一屏): the dashboard of every domain's panels, its live subscription, the
big screens' pairing, and the display page at ``/screen/``."""

from __future__ import annotations

from pathlib import Path

from starlette.routing import Mount
from starlette.staticfiles import StaticFiles

from policies.capabilities import stats as capabilities
from resolvers.stats.codes import StatsCode
from resolvers.stats.settings import StatsSettings
from schema.domain import Domain
from schema.stats.dashboard import DashboardQuery, DashboardSubscription
from schema.stats.screens import ScreensMutation, ScreensQuery

PAGE = Path(__file__).resolve().parent / "screen"

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
    routes=(Mount("/screen", app=StaticFiles(directory=PAGE, html=True), name="screen"),),
)

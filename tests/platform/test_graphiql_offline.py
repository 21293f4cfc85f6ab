"""GraphiQL works offline: strawberry's page, as the app serves it, names no CDN; every file it
loads is vendored in gongzhi/graphiql/, served at /graphiql/, and matches the integrity hash
the page checks it against (a mismatch would leave the playground on "Loading...")."""

from __future__ import annotations

import base64
import hashlib
import re

from strawberry.http.ides import get_graphql_ide_html

from gongzhi.app import GRAPHIQL_FILES
from schema.view import GRAPHIQL_ASSETS, offline_graphiql
from tests.support import Api


async def test_the_playground_loads_only_the_apps_own_files(api: Api) -> None:
    html = offline_graphiql(get_graphql_ide_html(graphql_ide="graphiql"))
    assert "unpkg.com" not in html and "cdn" not in html.lower()
    pairs = re.findall(r'(?:src|href)="([^"]+)"\s+integrity="sha384-([^"]+)"', html)
    assert len(pairs) == 7, pairs
    for url, expected in pairs:
        assert url.startswith(f"{GRAPHIQL_ASSETS}/"), url
        name = url.removeprefix(f"{GRAPHIQL_ASSETS}/")
        body = (GRAPHIQL_FILES / name).read_bytes()
        digest = base64.b64encode(hashlib.sha384(body).digest()).decode()
        assert digest == expected, name
        served = await api.client.get(url)
        assert served.status_code == 200 and served.content == body, url

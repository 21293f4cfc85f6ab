"""The baseline for bench.fanout: a bare Starlette WebSocket broadcast, nothing else."""

from __future__ import annotations

import json
import time

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect

clients: set[WebSocket] = set()


async def listen(ws: WebSocket) -> None:
    await ws.accept()
    clients.add(ws)
    try:
        while True:
            await ws.receive_text()
    except WebSocketDisconnect:
        pass
    finally:
        clients.discard(ws)


async def emit(request: Request) -> JSONResponse:
    seq = int(request.query_params["seq"])
    text = json.dumps({"seq": seq, "at": time.time()})
    for ws in list(clients):
        try:
            await ws.send_text(text)
        except Exception:
            clients.discard(ws)
    return JSONResponse({"clients": len(clients)})


app = Starlette(routes=[WebSocketRoute("/ws", listen), Route("/emit", emit, methods=["POST"])])

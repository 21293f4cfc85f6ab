"""What one request is, for its log line and its metrics (请求记录), and how the log is written.

The edge (``gongzhi/observe.py``) opens a ``RequestFacts`` for each HTTP request and each
WebSocket connection, with its request ID (the client's ``X-Request-ID`` when it is a sane
one, else a new one); the GraphQL endpoint fills in what it learns (the operation's name, the
street's code, the user's ID, the outcome). Every log record written meanwhile carries the same
``request_id`` (``RequestIdFilter``), error logs included.

What a record never carries: a token, a password, a phone or ID number, a name. The request
line holds only the fields below; nothing here logs a header, a body or a variable.
"""

from __future__ import annotations

import contextlib
import logging
import re
import secrets
import sys
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from pythonjsonlogger.json import JsonFormatter

from core.settings import LogFormat, Settings

REQUEST_ID_HEADER = "x-request-id"
_SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{8,64}")


@dataclass
class RequestFacts:
    """One request, as its log line tells it."""

    request_id: str
    operation: str | None = None
    """The GraphQL operation's name (``anonymous`` for an unnamed one)."""
    operation_type: str | None = None
    street: str | None = None
    """The street's code (``X-Tenant``), never its name."""
    user_id: int | None = None
    outcome: str = "ok"
    """``ok``, or the first error's code (``FORBIDDEN``, ``BAD_USER_INPUT``…)."""


_CURRENT: ContextVar[RequestFacts | None] = ContextVar("gongzhi_request", default=None)


def request_id_from(header: str | None) -> str:
    """The client's request ID when it is 8 to 64 plain characters, else a new one."""
    if header and _SANE_REQUEST_ID.fullmatch(header):
        return header
    return secrets.token_hex(16)


@contextlib.contextmanager
def request_context(request_id: str) -> Iterator[RequestFacts]:
    """The facts of the request running in this context, while it runs (the edge opens
    them)."""
    facts = RequestFacts(request_id=request_id)
    token = _CURRENT.set(facts)
    try:
        yield facts
    finally:
        _CURRENT.reset(token)


def current_request() -> RequestFacts | None:
    """The facts of the request running now, if any (to fill in)."""
    return _CURRENT.get()


class RequestIdFilter(logging.Filter):
    """Gives every record the ``request_id`` of the request it was written in (or none)."""

    def filter(self, record: logging.LogRecord) -> bool:
        facts = _CURRENT.get()
        if not hasattr(record, "request_id"):
            record.request_id = facts.request_id if facts else None
        return True


QUIET_LIBRARIES = ("tortoise", "aiosqlite", "asyncpg", "multipart", "python_multipart", "casbin")
"""Libraries whose DEBUG and INFO lines hold statement parameters or request bodies (names,
phone numbers) or the whole policy: the handler lets only their warnings through, whatever
the level."""


class LibraryFilter(logging.Filter):
    """Drops the records of ``QUIET_LIBRARIES`` below WARNING."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno >= logging.WARNING:
            return True
        return not any(
            record.name == name or record.name.startswith(f"{name}.") for name in QUIET_LIBRARIES
        )


class _TextFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        request_id = getattr(record, "request_id", None)
        return f"{line} [request {request_id}]" if request_id else line


def log_handler(settings: Settings, stream: Any = None) -> logging.Handler:
    """The handler every logger of the server writes through: JSON lines (``time``,
    ``level``, ``logger``, ``message``, ``request_id`` and the record's extra fields) or text."""
    handler = logging.StreamHandler(stream or sys.stderr)
    if settings.log_lines is LogFormat.JSON:
        handler.setFormatter(
            JsonFormatter(
                "%(asctime)s %(levelname)s %(name)s %(message)s",
                rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
                json_ensure_ascii=False,
            )
        )
    else:
        handler.setFormatter(_TextFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(LibraryFilter())
    handler.addFilter(RequestIdFilter())
    return handler


def configure_logging(settings: Settings, stream: Any = None) -> None:
    """The root logger (and uvicorn's, which keep their own handlers otherwise) write through
    ``log_handler``. Called by ``gongzhi serve`` in each worker (the app's lifespan), never on
    import."""
    handler = log_handler(settings, stream)
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(settings.log_level.upper())
    for name in ("uvicorn", "uvicorn.error"):
        logger = logging.getLogger(name)
        logger.handlers = []
        logger.propagate = True
    access = logging.getLogger("uvicorn.access")  # the request log says more
    access.handlers = []
    access.propagate = False

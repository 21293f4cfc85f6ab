"""Open311 GeoReport v2 on the wire (开放 311 接口的报文): formats, dates, parameters, errors.

Pure functions, no database: what a request's parameters mean and how an answer is written,
in JSON (``application/json``) or XML (``text/xml``, the Spark convention: a list is an element
per item under its plural). The behaviour (which street, which cases) is ``open311.py``.

* Dates are w3 datetimes with a zone (``2010-01-01T00:00:00Z`` or ``+08:00``); one without a
  zone is refused, as the spec requires. Answers give the street's local time (UTC+8).
* ``requests.json`` reads a window of at most 90 days (by default the latest 90) and at most
  1,000 requests.
* Every refusal is an ``Open311Error``: its HTTP status (400, 403, 404) and a message key; the
  body is the spec's list of ``{code, description}``.
"""

from __future__ import annotations

import json
import math
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from core.clock import LOCAL_TZ
from models.cases import Case
from models.columns import max_length

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
JSON, XML = "json", "xml"
MEDIA_TYPES = {
    JSON: "application/json; charset=utf-8",
    XML: "text/xml; charset=utf-8",
}
XML_DECLARATION = b'<?xml version="1.0" encoding="utf-8"?>\n'
WINDOW = timedelta(days=90)
MAX_REQUESTS = 1000
MAX_DESCRIPTION = max_length(Case, "description")
MAX_ADDRESS = max_length(Case, "address")
# The plural elements of XML answers and the element of each of their items.
ITEMS = {
    "services": "service",
    "service_requests": "request",
    "attributes": "attribute",
    "values": "value",
    "errors": "error",
    "endpoints": "endpoint",
    "formats": "format",
}


@dataclass
class Open311Error(Exception):
    """A refused Open311 request: the HTTP status and what to tell the client (a message key
    and its parameters, translated when the body is written)."""

    status: int
    key: str
    params: dict[str, Any] = field(default_factory=dict)

    def __str__(self) -> str:
        return f"{self.status} {self.key}"


def bad_request(key: str, **params: Any) -> Open311Error:
    return Open311Error(400, key, params)


# -- formats ---------------------------------------------------------------------------------


def split_format(resource: str) -> tuple[str, str]:
    """``"services.json"`` → ``("services", "json")``; an unknown format is a 400."""
    name, dot, fmt = resource.rpartition(".")
    if not dot or fmt not in MEDIA_TYPES or not name:
        raise bad_request("open311.bad_format", formats=", ".join(MEDIA_TYPES))
    return name, fmt


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _element(parent: ET.Element, name: str, value: Any) -> None:
    child = ET.SubElement(parent, name)
    if isinstance(value, Mapping):
        for key, item in value.items():
            _element(child, key, item)
    elif isinstance(value, list | tuple):
        for item in value:
            _element(child, ITEMS.get(name, "item"), item)
    else:
        child.text = _text(value)


def to_xml(root: str, body: Mapping[str, Any] | Sequence[Any]) -> bytes:
    """The XML of an answer: a list under its plural ``root`` (one element per item), or one
    object as ``root`` itself."""
    top = ET.Element(root)
    if isinstance(body, Mapping):
        for key, value in body.items():
            _element(top, key, value)
    else:
        for item in body:
            _element(top, ITEMS.get(root, "item"), item)
    return XML_DECLARATION + ET.tostring(top, encoding="unicode").encode()


def render(fmt: str, root: str, body: Mapping[str, Any] | Sequence[Any]) -> bytes:
    if fmt == XML:
        return to_xml(root, body)
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()


def error_body(errors: Iterable[tuple[int, str]]) -> list[dict[str, Any]]:
    """The spec's error list: ``[{"code": 403, "description": "…"}]``."""
    return [{"code": code, "description": description} for code, description in errors]


# -- dates -----------------------------------------------------------------------------------


def w3(at: datetime | None) -> str | None:
    """A w3 datetime with the street's offset, e.g. ``2026-05-01T09:30:00+08:00``."""
    return at.astimezone(LOCAL_TZ).isoformat(timespec="seconds") if at is not None else None


def parse_w3(raw: str, name: str) -> datetime:
    """A w3 datetime from the client: it must carry its zone (``Z`` or ``±HH:MM``)."""
    try:
        at = datetime.fromisoformat(raw.strip())
    except ValueError:
        raise bad_request("open311.bad_datetime", parameter=name) from None
    if at.tzinfo is None or "T" not in raw:
        raise bad_request("open311.bad_datetime", parameter=name)
    return at


def window(start: str | None, end: str | None, now: datetime) -> tuple[datetime, datetime]:
    """The requested_datetime window of ``requests.json``: the latest 90 days by default, 90
    days from a start or up to an end, and never longer than 90 days."""
    since = parse_w3(start, "start_date") if start else None
    until = parse_w3(end, "end_date") if end else None
    if since is None and until is None:
        until = now
    if since is None:
        assert until is not None
        since = until - WINDOW
    if until is None:
        until = since + WINDOW
    if until < since:
        raise bad_request("open311.dates_reversed")
    if until - since > WINDOW:
        raise bad_request("open311.window_too_long", days=WINDOW.days)
    return since, until


# -- parameters ------------------------------------------------------------------------------


def listed(values: Iterable[str]) -> list[str]:
    """A parameter given several times and/or comma delimited, as one list (empty parts,
    which the spec treats as not given, are dropped)."""
    found: list[str] = []
    for value in values:
        for part in value.split(","):
            part = part.strip()
            if part and part not in found:
                found.append(part)
    return found


def optional(value: str | None) -> str | None:
    """The spec's "optional": an empty parameter is one not given."""
    value = (value or "").strip()
    return value or None


def _degrees(raw: str, name: str, limit: float) -> float:
    try:
        value = float(raw)
    except ValueError:
        raise bad_request("open311.bad_coordinate", parameter=name) from None
    if not math.isfinite(value) or not -limit <= value <= limit:
        raise bad_request("open311.bad_coordinate", parameter=name)
    return value


def coordinates(lat: str | None, long: str | None) -> tuple[float, float] | None:
    """``(latitude, longitude)`` in WGS84, both or neither; out of range is a 400."""
    lat, long = optional(lat), optional(long)
    if lat is None and long is None:
        return None
    if lat is None or long is None:
        raise bad_request("open311.half_a_point")
    return _degrees(lat, "lat", 90.0), _degrees(long, "long", 180.0)


def request_ids(values: Iterable[str]) -> list[int]:
    """``service_request_id`` values (the cases' numbers); anything else is a 400."""
    ids: list[int] = []
    for value in listed(values):
        if not value.isdigit() or len(value) > 12:
            raise bad_request("open311.bad_request_id", value=value[:40])
        ids.append(int(value))
    return ids


def statuses(values: Iterable[str]) -> set[str]:
    wanted = set(listed(values))
    unknown = wanted - {"open", "closed"}
    if unknown:
        raise bad_request("open311.bad_status", value=sorted(unknown)[0][:40])
    return wanted

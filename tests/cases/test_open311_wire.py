"""The Open311 wire format on its own: dates, the 90-day window, list parameters, coordinates,
XML as the spec's examples write it."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta

import pytest

from resolvers.cases import open311_wire as wire
from resolvers.cases.open311_wire import Open311Error

NOW = datetime(2026, 5, 20, 4, 0, tzinfo=UTC)


def test_dates_are_written_in_the_streets_offset() -> None:
    assert wire.w3(datetime(2026, 5, 1, 1, 30, tzinfo=UTC)) == "2026-05-01T09:30:00+08:00"
    assert wire.w3(None) is None


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2010-01-01T00:00:00Z", datetime(2010, 1, 1, tzinfo=UTC)),
        ("1994-11-05T08:15:30-05:00", datetime(1994, 11, 5, 13, 15, 30, tzinfo=UTC)),
    ],
)
def test_a_w3_date_with_its_zone_is_read(raw: str, expected: datetime) -> None:
    assert wire.parse_w3(raw, "start_date") == expected


@pytest.mark.parametrize("raw", ["2010-01-01T00:00:00", "2010-01-01", "yesterday", ""])
def test_a_date_without_zone_or_not_a_date_is_a_400(raw: str) -> None:
    with pytest.raises(Open311Error) as refused:
        wire.parse_w3(raw, "end_date")
    assert (refused.value.status, refused.value.params) == (400, {"parameter": "end_date"})


def test_the_window_defaults_to_the_latest_90_days() -> None:
    assert wire.window(None, None, NOW) == (NOW - timedelta(days=90), NOW)
    start = datetime(2026, 1, 1, tzinfo=UTC)
    assert wire.window("2026-01-01T00:00:00Z", None, NOW) == (start, start + timedelta(days=90))
    assert wire.window(None, "2026-01-01T00:00:00Z", NOW) == (start - timedelta(days=90), start)


@pytest.mark.parametrize(
    ("start", "end", "key"),
    [
        ("2026-01-01T00:00:00Z", "2026-04-02T00:00:00Z", "open311.window_too_long"),
        ("2026-02-01T00:00:00Z", "2026-01-01T00:00:00Z", "open311.dates_reversed"),
    ],
)
def test_a_window_longer_than_90_days_or_reversed_is_a_400(start: str, end: str, key: str) -> None:
    with pytest.raises(Open311Error) as refused:
        wire.window(start, end, NOW)
    assert (refused.value.status, refused.value.key) == (400, key)


def test_list_parameters_are_repeated_or_comma_delimited() -> None:
    assert wire.listed(["a,b", "c", " ,b"]) == ["a", "b", "c"]
    assert wire.request_ids(["12,13", "14"]) == [12, 13, 14]
    assert wire.statuses(["open,closed"]) == {"open", "closed"}
    with pytest.raises(Open311Error):
        wire.request_ids(["12,x"])
    with pytest.raises(Open311Error):
        wire.statuses(["pending"])


@pytest.mark.parametrize(
    ("lat", "long", "point"),
    [("30.27", "120.15", (30.27, 120.15)), ("", None, None), (None, None, None)],
)
def test_coordinates_are_both_or_neither(
    lat: str | None, long: str | None, point: tuple[float, float] | None
) -> None:
    assert wire.coordinates(lat, long) == point


@pytest.mark.parametrize(
    ("lat", "long"),
    [("91", "120"), ("30", "-180.5"), ("nan", "120"), ("30", "inf"), ("north", "1"), ("30", "")],
)
def test_bad_coordinates_are_a_400(lat: str, long: str) -> None:
    with pytest.raises(Open311Error) as refused:
        wire.coordinates(lat, long)
    assert refused.value.status == 400


def test_an_unknown_format_is_a_400() -> None:
    assert wire.split_format("services.xml") == ("services", "xml")
    for resource in ("services.csv", "services", ".json"):
        with pytest.raises(Open311Error):
            wire.split_format(resource)


def test_xml_follows_the_spark_convention() -> None:
    body = [{"service_code": "001", "metadata": False, "group": None}]
    tree = ET.fromstring(wire.to_xml("services", body))
    assert tree.tag == "services"
    (service,) = tree
    assert service.tag == "service"
    assert [(e.tag, e.text) for e in service] == [
        ("service_code", "001"),
        ("metadata", "false"),
        ("group", None),
    ]
    definition = {"service_code": "001", "attributes": [{"code": "A", "values": [{"key": 1}]}]}
    tree = ET.fromstring(wire.to_xml("service_definition", definition))
    assert tree.find("attributes/attribute/values/value/key").text == "1"  # type: ignore[union-attr]
    assert wire.to_xml("errors", []).startswith(b'<?xml version="1.0" encoding="utf-8"?>')

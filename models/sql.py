"""Hand-written SQL (手写 SQL), scoped like the ORM: the one way to run a raw statement.

A statement is written once, with named parameters, usually as a module constant::

    _STANDING = Statement(
        'SELECT "status", "turnout" FROM "vote" WHERE "id" = :vote AND "tenant_id" = :street'
    )
    rows = await _STANDING.fetch(vote=vote_id)

* Placeholders: the first time a statement runs on a dialect it is rewritten, ``?`` for SQLite
  and ``$1, $2…`` for PostgreSQL (a name used twice is one ``$n`` there), and the rewritten text
  is kept for the next time. A list (or tuple) value expands: ``"status" IN (:statuses)`` (an
  empty list is ``NULL``, which matches nothing). ``each=[{...}, ...]`` repeats the statement's
  ``VALUES (…)`` row once per dict, whose keys fill that row's own parameters: one multi-row
  INSERT. On SQLite a ``date`` travels as ISO text.
* The street: a statement over street-owned tables names it with ``:street`` (one street) or
  ``:streets`` (``"tenant_id" IN (:streets)``), and they are filled from the active scope as the
  ORM's manager filters: the street of ``street_scope``, the streets of ``streets_scope``
  (``:street`` there must be given, and be one of them). Outside any scope the statement is
  refused (``UnscopedQueryError``); inside ``unscoped("why")`` the caller names the street
  itself. A street given inside a scope must be in it.
* Writes (INSERT, UPDATE, DELETE, ``… FOR UPDATE``) follow ``TenantModel.save``: refused in a
  read-only scope and in a multi-street one (``CrossTenantWriteError``).
* A statement over no street-owned table says why instead: ``Statement(..., unscoped="why")``.

A statement without ``:street``/``:streets`` and without a reason cannot even be built, so every
statement that runs is scoped; ``tests/tenancy/test_raw_sql.py`` lists every raw statement of the
code base, with the reasons of those that are not.

Only public connection methods are used: ``connections.get("default")`` (inside
``in_transaction`` that is the transaction's connection), ``capabilities.dialect``,
``execute_query`` and ``execute_query_dict``.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from tortoise import connections
from tortoise.backends.base.client import BaseDBAsyncClient

from models.scoping import (
    CrossTenantWriteError,
    StreetScope,
    StreetsScope,
    UnscopedQueryError,
    current_scope,
    is_unscoped,
    require_writable,
)

STREET, STREETS = "street", "streets"

# A quoted literal or identifier (left alone), or a ``:name`` parameter (not ``::type``).
_TOKEN = re.compile(r"""'(?:[^']|'')*'|"(?:[^"]|"")*"|(?<![:\w]):([A-Za-z_]\w*)""")
_QUOTED = re.compile("'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"")
_WRITES = re.compile(r"\b(INSERT|UPDATE|DELETE|MERGE|TRUNCATE|DROP|ALTER|CREATE)\b", re.I)
_VALUES = re.compile(r"\bVALUES\s*\(", re.I)

Slot = tuple[int | None, str, int | None]  # (row of ``each`` or None, name, list index or None)


@dataclass(frozen=True)
class _Prepared:
    text: str
    slots: tuple[Slot, ...]
    names: tuple[str, ...] | None  # the slots' names, when every slot is a plain parameter


def _tokens(text: str) -> list[str | tuple[str]]:
    """Literal SQL and ``(name,)`` parameters, in order."""
    out: list[str | tuple[str]] = []
    last = 0
    for match in _TOKEN.finditer(text):
        if match.group(1) is None:
            continue
        out.append(text[last : match.start()])
        out.append((match.group(1),))
        last = match.end()
    out.append(text[last:])
    return out


def _row_span(text: str) -> tuple[int, int] | None:
    """Where the ``(…)`` after the first ``VALUES`` is (outside quotes), if there is one."""
    unquoted = _QUOTED.sub(lambda m: " " * len(m.group(0)), text)
    found = _VALUES.search(unquoted)
    if found is None:
        return None
    depth = 0
    for index in range(found.end() - 1, len(unquoted)):
        depth += {"(": 1, ")": -1}.get(unquoted[index], 0)
        if depth == 0:
            return found.end() - 1, index + 1
    raise ValueError(f"unbalanced VALUES row in {text!r}")


class _Parsed:
    """A statement's text taken apart once: before, in and after its ``VALUES`` row."""

    def __init__(self, text: str) -> None:
        span = _row_span(text)
        if span is None:
            self.head, self.row, self.tail = _tokens(text), None, []
        else:
            start, end = span
            self.head = _tokens(text[:start])
            self.row = _tokens(text[start:end])
            self.tail = _tokens(text[end:])
        self.names = frozenset(
            t[0]
            for part in (self.head, self.row or [], self.tail)
            for t in part
            if type(t) is tuple
        )
        self.writes = bool(_WRITES.search(_QUOTED.sub(" ", text)))
        self._prepared: dict[tuple, _Prepared] = {}

    def prepared(
        self,
        postgres: bool,
        lengths: tuple[tuple[str, int], ...],
        rows: int | None,
        row_keys: frozenset[str],
    ) -> _Prepared:
        key = (postgres, lengths, rows, row_keys)
        found = self._prepared.get(key)
        if found is None:
            found = self._prepared[key] = self._prepare(postgres, dict(lengths), rows, row_keys)
        return found

    def _prepare(
        self, postgres: bool, lengths: dict[str, int], rows: int | None, row_keys: frozenset[str]
    ) -> _Prepared:
        slots: list[Slot] = []
        numbered: dict[Slot, str] = {}

        def mark(slot: Slot) -> str:
            if not postgres:
                slots.append(slot)
                return "?"
            if slot not in numbered:
                slots.append(slot)
                numbered[slot] = f"${len(slots)}"
            return numbered[slot]

        def write(tokens: list[str | tuple[str]], row: int | None) -> str:
            out = []
            for token in tokens:
                if type(token) is str:
                    out.append(token)
                    continue
                name = token[0]
                if name in row_keys:
                    out.append(mark((row, name, None)))
                elif name in lengths:
                    count = lengths[name]
                    marks = [mark((None, name, i)) for i in range(count)]
                    out.append(", ".join(marks) if marks else "NULL")
                else:
                    out.append(mark((None, name, None)))
            return "".join(out)

        text = write(self.head, None)
        if self.row is not None:
            if rows is None:
                text += write(self.row, None)
            else:
                text += ", ".join(write(self.row, r) for r in range(rows))
        text += write(self.tail, None)
        plain = all(row is None and index is None for row, _, index in slots)
        return _Prepared(text, tuple(slots), tuple(s[1] for s in slots) if plain else None)


@functools.lru_cache(maxsize=1024)
def _parse(text: str) -> _Parsed:
    return _Parsed(text)


class Statement:
    """One hand-written statement, scoped by ``:street``/``:streets`` or unscoped for a stated
    reason; ``fetch`` gives rows as dicts, ``run`` the row count and the rows."""

    __slots__ = ("_parsed", "text", "unscoped")

    def __init__(self, text: str, *, unscoped: str | None = None) -> None:
        parsed = _parse(text)
        scoped = bool(parsed.names & {STREET, STREETS})
        if unscoped is None and not scoped:
            raise ValueError(
                "a hand-written statement names its street (:street or :streets), "
                f"or says why it needs none (unscoped=...): {text!r}"
            )
        if unscoped is not None and (scoped or not unscoped.strip()):
            raise ValueError(f"unscoped= is for statements over no street's rows: {text!r}")
        self.text = text
        self.unscoped = unscoped
        self._parsed = parsed

    @property
    def writes(self) -> bool:
        return self._parsed.writes

    async def fetch(
        self,
        conn: BaseDBAsyncClient | None = None,
        /,
        *,
        each: Sequence[Mapping[str, Any]] | None = None,
        **params: Any,
    ) -> list[dict[str, Any]]:
        conn = connections.get("default") if conn is None else conn
        text, values = self.bind(conn.capabilities.dialect, params, each)
        return await conn.execute_query_dict(text, values)

    async def run(
        self,
        conn: BaseDBAsyncClient | None = None,
        /,
        *,
        each: Sequence[Mapping[str, Any]] | None = None,
        **params: Any,
    ) -> tuple[int, Sequence[Any]]:
        conn = connections.get("default") if conn is None else conn
        text, values = self.bind(conn.capabilities.dialect, params, each)
        return await conn.execute_query(text, values)

    def bind(
        self,
        dialect: str,
        params: dict[str, Any],
        each: Sequence[Mapping[str, Any]] | None = None,
    ) -> tuple[str, list[Any]]:
        """The statement's text for this dialect and its values, in the active scope."""
        parsed = self._parsed
        if self.unscoped is None:
            self._fill_street(params)
        if each is not None and parsed.row is None:
            raise TypeError(f"each= needs a VALUES (…) row in {self.text!r}")
        row_keys = frozenset(each[0]) if each else frozenset()
        if len(params) + len(row_keys) != len(parsed.names) or not row_keys <= parsed.names:
            given = set(params) | row_keys
            raise TypeError(
                f"parameters {sorted(given)} do not match {sorted(parsed.names)} in {self.text!r}"
            )
        lengths = tuple(
            (name, len(value)) for name, value in params.items() if isinstance(value, list | tuple)
        )
        postgres = dialect == "postgres"
        prepared = parsed.prepared(postgres, lengths, len(each) if each else None, row_keys)
        if prepared.names is not None:
            values = [params[name] for name in prepared.names]
        else:
            values = []
            rows = each or ()  # a slot names a row only when rows were given
            for row, name, index in prepared.slots:
                value = params[name] if row is None else rows[row][name]
                values.append(value if index is None else value[index])
        if not postgres:
            values = [_sqlite_value(value) for value in values]
        return prepared.text, values

    def _fill_street(self, params: dict[str, Any]) -> None:
        """Fill (or check) ``:street``/``:streets`` from the active scope, as the ORM would."""
        names = self._parsed.names
        scope = current_scope()
        if self.writes:
            require_writable(scope)
        if isinstance(scope, StreetScope):
            allowed: frozenset[int] | None = frozenset((scope.street_id,))
            default_street: int | None = scope.street_id
        elif isinstance(scope, StreetsScope):
            allowed, default_street = scope.street_ids, None
        elif is_unscoped(scope):
            allowed = default_street = None
        else:
            raise UnscopedQueryError(
                f"hand-written SQL over street-owned rows needs a street scope: {self.text!r}"
            )
        if STREET in names:
            street = params.get(STREET, default_street)
            if street is None:
                raise UnscopedQueryError(
                    f":street is not given, nor one street active: {self.text!r}"
                )
            _check_in(allowed, [street], self.writes)
            params[STREET] = street
        if STREETS in names:
            streets = params.get(STREETS)
            if streets is None:
                if allowed is None:
                    raise UnscopedQueryError(
                        f":streets is not given inside unscoped(): {self.text!r}"
                    )
                streets = sorted(allowed)
            _check_in(allowed, streets, self.writes)
            params[STREETS] = list(streets)


def _check_in(allowed: frozenset[int] | None, streets: Sequence[int], writes: bool) -> None:
    if allowed is None:
        return
    outside = [s for s in streets if s not in allowed]
    if outside:
        error = CrossTenantWriteError if writes else UnscopedQueryError
        raise error(f"street {outside[0]} is outside the active scope")


def _sqlite_value(value: Any) -> Any:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value.isoformat()
    return value

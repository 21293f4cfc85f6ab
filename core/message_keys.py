"""How ``pybabel extract`` finds the message keys the code uses (babel.cfg names this method).

A Babel extraction method that reads the code's syntax tree: each call of a configured keyword
function (``Refused(code, "vote.closed", ...)``) yields its positional arguments, string
literals or None, and Babel picks the key by the keyword's spec (``Refused:2``). Keyword
arguments are never taken for a key (``field="gridId"`` is not a message). It also yields the
keys :class:`core.errors.DomainError` makes up itself: ``DomainError(ErrorCode.NOT_FOUND)``
without a key means ``"error.not_found"``.
"""

from __future__ import annotations

import ast
from collections.abc import Collection, Iterator, Mapping
from typing import IO, Any

DEFAULT_KEY_OF = "DomainError"
"""The exception that, given only an ErrorCode, uses ``error.<code in lower case>``."""

Extracted = tuple[int, str | None, tuple[str | None, ...], list[str]]


def extract(
    fileobj: IO[bytes],
    keywords: Collection[str],
    comment_tags: Collection[str],
    options: Mapping[str, Any],
) -> Iterator[Extracted]:
    """The Babel extraction method (see ``babel.messages.extract.extract``)."""
    tree = ast.parse(fileobj.read())
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = _called(node.func)
        if name in keywords:
            yield node.lineno, name, tuple(_literal(arg) for arg in node.args), []
        if name == DEFAULT_KEY_OF and (key := _default_key(node)):
            yield node.lineno, None, (key,), [f"default key of {DEFAULT_KEY_OF}"]


def _called(func: ast.expr) -> str | None:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


def _literal(arg: ast.expr) -> str | None:
    if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
        return arg.value
    return None


def _default_key(call: ast.Call) -> str | None:
    """``error.<code>`` for ``DomainError(ErrorCode.X)`` that names no key."""
    if len(call.args) != 1 or any(k.arg == "message_key" for k in call.keywords):
        return None
    code = call.args[0]
    if (
        isinstance(code, ast.Attribute)
        and isinstance(code.value, ast.Name)
        and code.value.id == "ErrorCode"
    ):
        return f"error.{code.attr.lower()}"
    return None

"""Unexpected errors never show their insides outside dev; expected ones keep their code."""

from __future__ import annotations

from graphql import GraphQLError

from core.errors import DomainError, ErrorCode
from schema.extensions import format_error


def wrapped(exc: Exception) -> GraphQLError:
    return GraphQLError(str(exc), path=["street"], original_error=exc)


def test_unexpected_errors_are_masked_outside_dev() -> None:
    leak = RuntimeError("connection to 10.0.0.5 failed: password authentication for gongzhi")
    masked = format_error(wrapped(leak), "en", mask_unexpected=True)
    assert masked.extensions == {"code": "INTERNAL_SERVER_ERROR"}
    assert "10.0.0.5" not in masked.message and "password" not in masked.message
    assert masked.message == "Something went wrong on our side; please try again later."


def test_dev_shows_unexpected_errors_as_they_are() -> None:
    shown = format_error(wrapped(RuntimeError("boom at line 3")), "en", mask_unexpected=False)
    assert shown.message == "boom at line 3"
    assert shown.extensions == {"code": "INTERNAL_SERVER_ERROR"}


def test_domain_errors_keep_their_code_and_are_translated() -> None:
    denied = DomainError(ErrorCode.FORBIDDEN, resource="member", action="grant")
    zh = format_error(wrapped(denied), "zh-CN", mask_unexpected=True)
    en = format_error(wrapped(denied), "en", mask_unexpected=True)
    assert zh.extensions == en.extensions == {"code": "FORBIDDEN"}
    assert zh.message == "您没有权限执行此操作（member:grant）。"
    assert en.message == "You are not allowed to do this (member:grant)."

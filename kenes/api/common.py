"""Schemas and helpers shared by the API routers."""

from __future__ import annotations

from ninja import Schema

MAX_ID = 2**63 - 1  # the largest primary key a database column holds


class ErrorOut(Schema):
    """Every 4xx answer: a human-readable message (translated after Accept-Language) and a stable code."""

    detail: str
    code: str


class ApiError(Exception):
    """Raised by an endpoint to answer with `ErrorOut` and the given status."""

    def __init__(self, status: int, code: str, detail: str) -> None:
        super().__init__(detail)
        self.status = status
        self.code = code
        self.detail = detail


def not_found(what: str) -> ApiError:
    return ApiError(404, "not_found", what)

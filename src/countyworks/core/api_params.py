"""Bounded API parameters: every number a request can carry has its limits in the OpenAPI schema.

Out-of-range input (a limit of 10^30, a year of -4,202,244, an id past 64 bits) is answered
422 with the reason by django-ninja's validation, before it can reach the database and end in a
500. Every router uses these instead of bare ``int``:

- ``ObjectId``: a primary key, 1 … 2^63−1 (the range of PostgreSQL's ``bigint``);
- ``RegionCode``: a region code, 2 … 20 digits;
- ``Year``: 1949 … 2100, the years a county's statistics can be about;
- ``Pagination``: ``limit`` 1 … 1000 (default 100), ``offset`` 0 … 2^63−1.
"""

from __future__ import annotations

from typing import Annotated

from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination

#: The largest value of a 64-bit signed integer (PostgreSQL ``bigint``, SQLite ``INTEGER``).
MAX_BIGINT = 2**63 - 1
FIRST_YEAR = 1949
LAST_YEAR = 2100
PAGE_DEFAULT = 100
PAGE_MAX = 1000

ObjectId = Annotated[int, Field(ge=1, le=MAX_BIGINT, description="record id (1 … 2^63−1)")]
#: A region's significant code (GB/T 2260 county, 统计用区划代码 town and village, a courtyard's extension).
RegionCode = Annotated[
    str, Field(min_length=2, max_length=20, pattern=r"^[0-9]+$", description="region code (2 … 20 digits)")
]
Year = Annotated[int, Field(ge=FIRST_YEAR, le=LAST_YEAR, description=f"year ({FIRST_YEAR} … {LAST_YEAR})")]


class Pagination(LimitOffsetPagination):
    """Limit/offset pagination with both bounds in the schema."""

    class Input(Schema):
        limit: int = Field(PAGE_DEFAULT, ge=1, le=PAGE_MAX, description=f"rows per page (1 … {PAGE_MAX})")
        offset: int = Field(0, ge=0, le=MAX_BIGINT, description="rows to skip")

    def __init__(self, **kwargs: object) -> None:
        super().__init__(max_limit=PAGE_MAX, **kwargs)

"""Assemble the API: one NinjaAPI, core's router and each installed program's, the same scoping as the pages."""

from __future__ import annotations

from django.contrib.auth import authenticate
from django.http import HttpRequest
from ninja import NinjaAPI, Schema
from ninja.errors import HttpError

from countyworks.api.auth import API_AUTH
from countyworks.core.api import router as core_router
from countyworks.core.programs import program_api_routers
from countyworks.core.services import api_token_create

api = NinjaAPI(
    title="countyworks API",
    version="1",
    description="县域发展工作台接口。先 POST /api/v1/auth/token 取得令牌，再以 Authorization: Bearer <token> 调用。",
    auth=API_AUTH,
    urls_namespace="api",
)


class TokenIn(Schema):
    username: str
    password: str


class TokenOut(Schema):
    token: str


@api.post("/auth/token", auth=None, response=TokenOut, tags=["auth"])
def obtain_token(request: HttpRequest, payload: TokenIn) -> dict[str, str]:
    """Exchange a username and password for a new API token."""
    user = authenticate(request, username=payload.username, password=payload.password)
    if user is None or not user.is_active:
        raise HttpError(401, "invalid username or password")
    _token, raw = api_token_create(user=user, name="api")
    return {"token": raw}


api.add_router("/core/", core_router)
for prefix, router in program_api_routers():
    api.add_router(prefix, router)

"""Assemble the API: one NinjaAPI, core's router and each installed program's, the same scoping as the pages."""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth import authenticate
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
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


@api.exception_handler(PermissionDenied)
def permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    """In the caller's area but not allowed (core/permissions.py): 403 with the service's message."""
    return api.create_response(request, {"detail": str(exc) or _("无权操作")}, status=403)


class TokenIn(Schema):
    username: str
    password: str
    name: str = "api"


class TokenOut(Schema):
    token: str
    name: str
    expires_at: datetime


@api.post("/auth/token", auth=None, response=TokenOut, tags=["auth"])
def obtain_token(request: HttpRequest, payload: TokenIn) -> dict[str, object]:
    """Exchange a username and password for an API token named ``name`` (default ``api``), valid for
    ``API_TOKEN_TTL_DAYS``. Asking again with the same name rotates it: the previous token of that
    name is revoked."""
    user = authenticate(request, username=payload.username, password=payload.password)
    if user is None or not user.is_active:
        raise HttpError(401, "invalid username or password")
    try:
        token, raw = api_token_create(user=user, name=payload.name)
    except ValidationError as exc:
        raise HttpError(400, "；".join(exc.messages)) from exc
    return {"token": raw, "name": token.name, "expires_at": token.expires_at}


api.add_router("/core/", core_router)
for prefix, router in program_api_routers():
    api.add_router(prefix, router)

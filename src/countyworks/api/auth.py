"""Bearer-token authentication for the API (tokens stored hashed, expiring, revocable), session as fallback."""

from __future__ import annotations

from django.http import HttpRequest
from ninja.errors import HttpError
from ninja.security import APIKeyCookie, HttpBearer

from countyworks.core.services import ApiTokenExpired, api_token_user


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str):
        try:
            user = api_token_user(token)
        except ApiTokenExpired as exc:
            raise HttpError(
                401, f"{exc}: create a new one with POST /api/v1/auth/token or on the /tokens/ page"
            ) from exc
        if user is not None:
            request.user = user
        return user


class SessionAuth(APIKeyCookie):
    """The logged-in browser session (CSRF-checked by ninja for unsafe methods)."""

    param_name = "sessionid"

    def authenticate(self, request: HttpRequest, key: str | None):
        user = getattr(request, "user", None)
        return user if user is not None and user.is_authenticated else None


API_AUTH = [BearerToken(), SessionAuth()]

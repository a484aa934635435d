"""Back-office admin, with history and the same area scoping as the pages."""

from __future__ import annotations

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from countyworks.core.models import ApiToken, Household, Job, Organisation, Person, Region, Role, RoleGrant
from countyworks.core.scoping import SHARED, grants_of, scope
from countyworks.core.services import role_grant_create


class ScopedAdmin(SimpleHistoryAdmin):
    """A ModelAdmin whose lists and edits are limited to the staff user's grants."""

    program = SHARED

    def get_queryset(self, request):
        return scope(super().get_queryset(request), request.user, self.program, "write")


@admin.register(Region)
class RegionAdmin(ScopedAdmin):
    list_display = ("code", "name", "level", "parent")
    search_fields = ("code", "name")
    list_filter = ("level",)
    raw_id_fields = ("parent",)


@admin.register(Organisation)
class OrganisationAdmin(ScopedAdmin):
    list_display = ("name", "credit_code", "kind", "region")
    search_fields = ("name", "credit_code")
    list_filter = ("kind",)
    raw_id_fields = ("region",)


@admin.register(Person)
class PersonAdmin(ScopedAdmin):
    list_display = ("name", "title", "organisation", "region")
    search_fields = ("name",)
    raw_id_fields = ("region", "organisation", "user")


@admin.register(Household)
class HouseholdAdmin(ScopedAdmin):
    list_display = ("head_name", "house_label", "members", "region")
    search_fields = ("head_name",)
    raw_id_fields = ("region",)


@admin.register(RoleGrant)
class RoleGrantAdmin(ScopedAdmin):
    """Grants are created through :func:`role_grant_create`, so an administrator only grants inside
    their own area (as DHIS2 does)."""

    list_display = ("user", "role", "region", "organisation", "program")
    raw_id_fields = ("region", "organisation", "user")

    def save_model(self, request, obj, form, change):
        if change:
            wanted = obj.region_id or ""
            if not any(wanted.startswith(g.prefix) for g in grants_of(request.user) if g.role == Role.ADMIN):
                raise PermissionDenied
            super().save_model(request, obj, form, change)
            return
        created = role_grant_create(
            acting_user=request.user,
            user=obj.user,
            role=obj.role,
            region=obj.region,
            organisation=obj.organisation,
            program=obj.program,
        )
        obj.pk = created.pk


admin.site.register(ApiToken)
admin.site.register(Job)
admin.site.site_header = _("县域发展工作台 · 后台管理")
admin.site.site_title = "countyworks"

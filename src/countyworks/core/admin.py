"""Back-office admin, with history and the same area scoping as the pages."""

from __future__ import annotations

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from countyworks.core.models import ApiToken, Household, Job, Organisation, Person, Region, RoleGrant
from countyworks.core.scoping import SHARED, scope


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
    list_display = ("user", "role", "region", "organisation", "program")
    raw_id_fields = ("region", "organisation", "user")


admin.site.register(ApiToken)
admin.site.register(Job)
admin.site.site_header = "县域发展工作台 · 后台管理"
admin.site.site_title = "countyworks"

"""Django admin for system administrators: station registry, rules and plan (history kept by simple-history).

Stations are created with their standard devices and points by ``services.station_create`` (and the
demo); the admin edits them afterwards. Telemetry tables are not edited here.
"""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from countyworks.energy.models import (
    AlarmRule,
    ApprovalStep,
    BoilerReplacement,
    Device,
    Point,
    Project,
    Station,
)


@admin.register(Station)
class StationAdmin(SimpleHistoryAdmin):
    list_display = ("code", "name", "kind", "region", "capacity_mw", "grid_capacity_mw", "commissioned_on")
    list_filter = ("kind",)
    search_fields = ("code", "name")
    raw_id_fields = ("region", "organisation", "output_point", "soc_point", "contact")


@admin.register(Device)
class DeviceAdmin(SimpleHistoryAdmin):
    list_display = ("station", "code", "name", "kind", "rated_kw")
    list_filter = ("kind",)
    search_fields = ("code", "station__code")


@admin.register(Point)
class PointAdmin(SimpleHistoryAdmin):
    list_display = ("device", "code", "name", "quantity", "unit", "value_type", "sample_seconds", "is_active")
    list_filter = ("quantity", "is_active")
    search_fields = ("code", "device__station__code")
    raw_id_fields = ("device",)


@admin.register(AlarmRule)
class AlarmRuleAdmin(SimpleHistoryAdmin):
    list_display = ("point", "kind", "threshold", "deadband", "level", "enabled")
    list_filter = ("kind", "level", "enabled")
    raw_id_fields = ("point",)


class ApprovalStepInline(admin.TabularInline):
    model = ApprovalStep
    extra = 0


@admin.register(Project)
class ProjectAdmin(SimpleHistoryAdmin):
    list_display = ("name", "kind", "region", "capacity_mw", "investment_yuan", "status", "green_channel")
    list_filter = ("kind", "status")
    inlines = [ApprovalStepInline]


@admin.register(BoilerReplacement)
class BoilerReplacementAdmin(SimpleHistoryAdmin):
    list_display = ("owner_name", "region", "capacity_t_per_h", "replaced_by", "replaced_on")
    list_filter = ("replaced_by",)

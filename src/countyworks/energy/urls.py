"""Energy pages (namespace ``energy``), included at /energy/."""

from django.urls import path

from countyworks.energy import views

app_name = "energy"

urlpatterns = [
    path("", views.room, name="room"),
    path("live/", views.room_live, name="room-live"),
    path("stations/<slug:code>/", views.station, name="station"),
    path("stations/<slug:code>/live/", views.station_live, name="station-live"),
    path("stations/<slug:code>/plan/", views.station_plan, name="station-plan"),
    path("rules/<int:pk>/", views.rule_update, name="rule-update"),
    path("alarms/", views.alarms, name="alarms"),
    path("alarms/<int:pk>/ack/", views.alarm_ack, name="alarm-ack"),
    path("alarms/<int:pk>/ticket/", views.alarm_ticket, name="alarm-ticket"),
    path("quarantine/", views.quarantine, name="quarantine"),
    path("statistics/", views.statistics, name="statistics"),
    path("dispatch/", views.dispatch, name="dispatch"),
    path("dispatch/<int:pk>/", views.scenario, name="scenario"),
    path("resource/", views.resource_page, name="resource"),
    path("projects/", views.projects, name="projects"),
    path("projects/steps/<int:pk>/", views.step_update, name="step-update"),
]

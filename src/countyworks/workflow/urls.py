"""Workflow pages under /workflow/ (namespace ``workflow``)."""

from django.urls import path

from countyworks.workflow import views

app_name = "workflow"

urlpatterns = [
    path("tickets/", views.ticket_list, name="mine"),
    path("tickets/new/", views.ticket_new, name="ticket-new"),
    path("tickets/<int:pk>/", views.ticket_detail, name="ticket"),
    path("tickets/<int:pk>/transition/", views.ticket_transition, name="ticket-transition"),
    path("tickets/<int:pk>/comment/", views.ticket_comment, name="ticket-comment"),
    path("tickets/<int:pk>/attach/", views.ticket_attach, name="ticket-attach"),
    path("tickets/<int:pk>/assign/", views.ticket_assign, name="ticket-assign"),
    path("tickets/<int:pk>/watch/", views.ticket_watch, name="ticket-watch"),
    path("tickets/<int:pk>/files/<int:attachment_pk>/", views.attachment_download, name="attachment"),
    path("overdue/", views.overdue, name="overdue"),
    path("meetings/", views.meeting_list, name="meetings"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting"),
    path("meetings/<int:pk>/generate/", views.meeting_generate, name="meeting-generate"),
    path("meetings/<int:pk>/agenda/", views.meeting_print, {"part": "agenda"}, name="meeting-agenda"),
    path("meetings/<int:pk>/minutes/", views.meeting_print, {"part": "minutes"}, name="meeting-minutes"),
    path("series/<int:pk>/schedule/", views.series_schedule, name="series-schedule"),
    path("stats/", views.stats, name="stats"),
    path("notifications/", views.notifications, name="notifications"),
]

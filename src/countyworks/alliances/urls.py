"""Pages of program 1 under /alliances/."""

from django.urls import path

from countyworks.alliances import views

app_name = "alliances"

urlpatterns = [
    path("", views.home, name="home"),
    path("<int:pk>/", views.alliance_detail, name="alliance"),
    path("<int:pk>/allocate/", views.orders_allocate, name="allocate"),
    path("requests/", views.request_list, name="requests"),
    path("requests/new/", views.request_create, name="request-create"),
    path("requests/<int:pk>/rate/", views.request_rate, name="request-rate"),
    path("guide/", views.guide, name="guide"),
    path("orders/", views.order_list, name="orders"),
    path("allocations/<int:pk>/confirm/", views.allocation_confirm, name="allocation-confirm"),
    path("settlement/", views.settlement, name="settlement"),
    path("settlement/run/", views.settlement_run, name="settlement-run"),
    path("settlement/<int:year>/export/", views.settlement_export, name="settlement-export"),
    path("settlement/<int:year>/statement/<str:payee>/", views.statement, name="statement"),
    path("villages/", views.villages, name="villages"),
]

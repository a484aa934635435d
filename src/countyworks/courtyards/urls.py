"""Pages of program 5 under /courtyards/."""

from django.urls import path

from countyworks.courtyards import views

app_name = "courtyards"

urlpatterns = [
    path("", views.home, name="home"),
    path("c/<str:code>/", views.courtyard_detail, name="courtyard"),
    path("c/<str:code>/results/", views.results, name="results"),
    path("c/<str:code>/notice/<int:year>/", views.notice, name="notice"),
    path("inspect/", views.inspect_pick, name="inspect-pick"),
    path("inspect/<str:code>/", views.inspect, name="inspect"),
    path("households/<int:pk>/", views.household_detail, name="household"),
    path("households/<int:pk>/assistance/", views.assistance_add, name="assistance-add"),
    path("assistance/", views.assistance_list, name="assistance"),
    path("shop/", views.shop, name="shop"),
    path("shop/redeem/", views.redeem, name="redeem"),
    path("works/", views.work_list, name="works"),
    path("works/<int:pk>/status/", views.work_status, name="work-status"),
    path("works/<int:pk>/photos/", views.work_photo, name="work-photo"),
    path("photos/<int:pk>/", views.photo, name="photo"),
]

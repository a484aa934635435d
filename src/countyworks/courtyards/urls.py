"""Pages of program 5 under /courtyards/."""

from django.urls import path

from countyworks.courtyards import views

app_name = "courtyards"

urlpatterns = [
    path("", views.home, name="home"),
]

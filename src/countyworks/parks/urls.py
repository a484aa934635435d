"""Pages of program 4 under /parks/."""

from django.urls import path

from countyworks.parks import views

app_name = "parks"

urlpatterns = [
    path("", views.home, name="home"),
    path("leads/", views.leads, name="leads"),
    path("chains/", views.chains, name="chains"),
    path("chains/<int:pk>/", views.chain_detail, name="chain-detail"),
    path("projects/", views.projects, name="projects"),
    path("projects/<int:pk>/", views.project_detail, name="project-detail"),
    path("projects/<int:pk>/problem/", views.project_problem, name="project-problem"),
    path("land/", views.land, name="land"),
    path("mujun/", views.mujun, name="mujun"),
    path("mujun/<int:pk>/", views.mujun_detail, name="mujun-detail"),
    path("wuhao/", views.wuhao, name="wuhao"),
    path("infrastructure/", views.infrastructure, name="infrastructure"),
]

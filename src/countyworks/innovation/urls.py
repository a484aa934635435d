"""Pages of program 2 under /innovation/."""

from django.urls import path

from countyworks.innovation import views

app_name = "innovation"

urlpatterns = [
    path("", views.home, name="home"),
    path("enterprises/", views.enterprise_list, name="enterprise-list"),
    path("enterprises/<int:org_id>/", views.enterprise_detail, name="enterprise-detail"),
    path("enterprises/<int:org_id>/plans/", views.plan_create, name="plan-create"),
    path("plans/<int:pk>/status/", views.plan_status, name="plan-status"),
    path("plans/<int:pk>/milestones/", views.plan_milestone_add, name="plan-milestone-add"),
    path("plans/milestones/<int:pk>/done/", views.plan_milestone_done, name="plan-milestone-done"),
    path("plans/<int:pk>/problem/", views.plan_problem, name="plan-problem"),
    path("campaigns/", views.campaign_list, name="campaign-list"),
    path("campaigns/<int:pk>/", views.campaign_detail, name="campaign-detail"),
    path("campaigns/<int:pk>/upload/", views.campaign_upload, name="campaign-upload"),
    path(
        "campaigns/<int:pk>/upload/errors.xlsx", views.campaign_upload_report, name="campaign-upload-report"
    ),
    path("campaigns/<int:pk>/template.xlsx", views.campaign_template, name="campaign-template"),
    path("campaigns/<int:pk>/run/", views.campaign_run, name="campaign-run"),
    path("campaigns/<int:pk>/confirm/", views.campaign_confirm, name="campaign-confirm"),
    path("results/<int:pk>/", views.result_detail, name="result-detail"),
    path("self-assessment/", views.self_assess, name="self-assess"),
    path("challenges/", views.challenge_list, name="challenge-list"),
    path("challenges/<int:pk>/", views.challenge_detail, name="challenge-detail"),
    path("challenges/<int:pk>/<slug:action>/", views.challenge_action, name="challenge-action"),
    path("platforms/", views.platform_list, name="platforms"),
    path("brief/", views.brief, name="brief"),
]

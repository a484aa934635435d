from django.urls import path

from countyworks.core import views, views_data, views_health, views_indicators, views_programs

urlpatterns = [
    path("healthz", views_health.healthz, name="healthz"),
    path("readyz", views_health.readyz, name="readyz"),
    path("region/switch/", views.region_switch, name="region-switch"),
    path("audit/", views.audit_log, name="audit-log"),
    path("audit/<str:label>/<str:pk>/", views.audit_object, name="audit-object"),
    path("jobs/", views.job_list, name="jobs"),
    path("jobs/<int:pk>/", views.job_detail, name="job-detail"),
    path("tokens/", views.tokens, name="tokens"),
    path("indicators/", views_indicators.indicators, name="indicators"),
    path("indicators/reports/", views_indicators.indicator_reports, name="indicator-reports"),
    path("indicators/reports/<int:pk>/", views_indicators.indicator_report_detail, name="indicator-report"),
    path("orgs/<int:pk>/", views.org_profile, name="org-profile"),
    path("villages/<str:code>/", views.village_profile, name="village-profile"),
    path("programs/", views_programs.region_programs, name="region-programs"),
    path("data/import/", views_data.data_import, name="data-import"),
    path("data/import/<str:token>/report.xlsx", views_data.data_import_report, name="data-import-report"),
    path("data/import/<str:token>/commit/", views_data.data_import_commit, name="data-import-commit"),
    path("data/import/<str:token>/rejected/", views_data.data_import_rejected, name="data-import-rejected"),
    path("data/export/<str:kind>/", views_data.data_export, name="data-export"),
    path("data/template/<str:kind>.xlsx", views_data.data_import_template, name="data-import-template"),
]

from django.urls import path

from countyworks.core import views

urlpatterns = [
    path("region/switch/", views.region_switch, name="region-switch"),
    path("audit/<str:label>/<str:pk>/", views.audit_object, name="audit-object"),
    path("jobs/", views.job_list, name="jobs"),
    path("jobs/<int:pk>/", views.job_detail, name="job-detail"),
    path("tokens/", views.tokens, name="tokens"),
]

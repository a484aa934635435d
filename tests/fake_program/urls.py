from django.http import HttpResponse
from django.urls import path

app_name = "fake_program"
urlpatterns = [path("", lambda request: HttpResponse("fake home"), name="home")]

from django.urls import path

from . import views

app_name = "safeguarding"

urlpatterns = [path("check/", views.check, name="check")]

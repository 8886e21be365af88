from django.urls import path

from . import views

app_name = "moderation"

KIND = "<str:kind>/<int:pk>"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("audit/", views.audit_log, name="audit"),
    path(f"report/{KIND}/", views.report, name="report"),
    path("people/<int:pk>/<str:action>/", views.person_act, name="person_act"),
    path(f"{KIND}/", views.item, name="item"),
    path(f"{KIND}/<str:action>/", views.act, name="act"),
]

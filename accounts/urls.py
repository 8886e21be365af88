from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("me/edit/", views.profile_edit, name="profile_edit"),
    path("me/data/", views.data_export, name="data_export"),
    path("me/delete/", views.account_delete_view, name="account_delete"),
    path("<str:username>/", views.profile, name="profile"),
]

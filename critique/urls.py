from django.urls import path

from . import cpd_views, views

app_name = "critique"

urlpatterns = [
    path("queue/", views.critique_queue, name="queue"),
    path("mine/", views.my_critiques, name="mine"),
    path("learning-record/", cpd_views.learning_record, name="learning_record"),
    path("new/<int:experiment_pk>/", views.critique_new, name="critique_new"),
    path("ask/<int:experiment_pk>/", views.critique_request, name="request"),
    path(
        "requests/<int:pk>/decline/",
        views.critique_request_decline,
        name="request_decline",
    ),
    path("<int:pk>/edit/", views.critique_edit, name="critique_edit"),
    path("<int:pk>/discard/", views.critique_discard, name="critique_discard"),
    path("<int:pk>/withdraw/", views.critique_withdraw, name="critique_withdraw"),
    path("<int:pk>/respond/", views.critique_respond, name="critique_respond"),
    path(
        "<int:pk>/acknowledge/",
        views.critique_acknowledge,
        name="critique_acknowledge",
    ),
    path("<int:pk>/helpful/", views.critique_helpful, name="critique_helpful"),
]

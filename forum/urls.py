from django.urls import path

from . import feeds, reply_views, views

app_name = "forum"

urlpatterns = [
    path("", views.experiment_list, name="experiment_list"),
    path("new/", views.experiment_create, name="experiment_create"),
    path("mine/", views.my_experiments, name="my_experiments"),
    path("feed/", feeds.LatestExperimentsFeed(), name="feed"),
    path("topic/<slug:topic_slug>/", views.experiment_list, name="topic"),
    path(
        "topic/<slug:topic_slug>/feed/", feeds.TopicExperimentsFeed(), name="topic_feed"
    ),
    path("replies/<int:pk>/edit/", reply_views.reply_edit, name="reply_edit"),
    path("mute/<str:token>/", reply_views.discussion_mute, name="discussion_mute"),
    path("<int:pk>/", views.experiment_detail, name="experiment_detail"),
    path("<int:pk>/plan.json", views.experiment_plan_json, name="experiment_plan_json"),
    path("<int:pk>/edit/", views.experiment_edit, name="experiment_edit"),
    path("<int:pk>/delete/", views.experiment_delete, name="experiment_delete"),
    path("<int:pk>/register/", views.experiment_register, name="experiment_register"),
    path("<int:pk>/amend/", views.experiment_amend, name="experiment_amend"),
    path("<int:pk>/results/", views.experiment_results, name="experiment_results"),
    path("<int:pk>/withdraw/", views.experiment_withdraw, name="experiment_withdraw"),
    path(
        "<int:pk>/replicate/", views.experiment_replicate, name="experiment_replicate"
    ),
    path(
        "<int:pk>/follow-up/", views.experiment_follow_up, name="experiment_follow_up"
    ),
    path("<int:pk>/redact/", views.experiment_redact, name="experiment_redact"),
    path("<int:pk>/<slug:slug>/", views.experiment_detail, name="experiment_detail"),
]

from django.urls import path

from . import member_views as views

app_name = "members"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("account/", views.account, name="account"),
    path("practices/new/", views.practice_new, name="practice_new"),
    path("practices/<int:pk>/", views.practice_detail, name="practice"),
    path("practices/<int:pk>/edit/", views.practice_edit, name="practice_edit"),
    path("practices/<int:pk>/preview/", views.practice_preview, name="practice_preview"),
    path("practices/<int:pk>/submit/", views.practice_submit, name="practice_submit"),
    path("practices/<int:pk>/withdraw/", views.practice_withdraw, name="practice_withdraw"),
    path("practices/<int:pk>/delete/", views.practice_delete, name="practice_delete"),
    path("practices/<int:pk>/images/", views.image_add, name="image_add"),
    path(
        "practices/<int:pk>/images/<int:image_pk>/delete/",
        views.image_delete,
        name="image_delete",
    ),
    path(
        "practices/<int:pk>/translations/<str:language>/",
        views.translation_edit,
        name="translation_edit",
    ),
    path("practices/<int:pk>/documents/", views.attachment_add, name="attachment_add"),
    path(
        "practices/<int:pk>/documents/<int:attachment_pk>/delete/",
        views.attachment_delete,
        name="attachment_delete",
    ),
]

"""The member area, /members/: what an active officer does for their own city."""

from django.urls import path

from .views import account, files, practices, translations

app_name = "members"

urlpatterns = [
    path("", practices.dashboard, name="dashboard"),
    path("account/", account.account, name="account"),
    path("practices/new/", practices.practice_new, name="practice_new"),
    path("practices/<int:pk>/", practices.practice_detail, name="practice"),
    path("practices/<int:pk>/edit/", practices.practice_edit, name="practice_edit"),
    path("practices/<int:pk>/preview/", practices.practice_preview, name="practice_preview"),
    path("practices/<int:pk>/submit/", practices.practice_submit, name="practice_submit"),
    path("practices/<int:pk>/withdraw/", practices.practice_withdraw, name="practice_withdraw"),
    path("practices/<int:pk>/delete/", practices.practice_delete, name="practice_delete"),
    path("practices/<int:pk>/images/", files.image_add, name="image_add"),
    path(
        "practices/<int:pk>/images/<int:image_pk>/delete/",
        files.image_delete,
        name="image_delete",
    ),
    path(
        "practices/<int:pk>/translations/<str:language>/",
        translations.translation_edit,
        name="translation_edit",
    ),
    path("practices/<int:pk>/documents/", files.attachment_add, name="attachment_add"),
    path(
        "practices/<int:pk>/documents/<int:attachment_pk>/delete/",
        files.attachment_delete,
        name="attachment_delete",
    ),
]

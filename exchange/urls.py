"""Questions between cities, in the member area: /members/conversations/."""

from django.urls import path

from . import views

app_name = "exchange"

urlpatterns = [
    path("", views.conversation_list, name="conversation_list"),
    path("new/<int:practice_pk>/", views.conversation_new, name="conversation_new"),
    path("<int:pk>/", views.conversation_detail, name="conversation"),
    path("<int:pk>/publication/", views.conversation_publication, name="conversation_publication"),
]

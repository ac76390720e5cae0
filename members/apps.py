from django.apps import AppConfig


class MembersConfig(AppConfig):
    """City officers: their invitation, signing in, their account and the member area."""

    name = "members"

from django.apps import AppConfig


class MembersConfig(AppConfig):
    """City officers: their invitation, signing in, their account and the member area."""

    name = "members"

    def ready(self):
        from django.core.signals import request_finished

        from core.after_response import run_waiting_work

        # Password reset e-mails leave after the answer (core/after_response.py).
        request_finished.connect(run_waiting_work, dispatch_uid="run-waiting-work")

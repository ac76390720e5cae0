from django.contrib.auth.backends import ModelBackend


class OfficerAwareBackend(ModelBackend):
    """Django's own check, plus: an officer switched off by the editors cannot log in."""

    def user_can_authenticate(self, user):
        if not super().user_can_authenticate(user):
            return False
        officer = getattr(user, "city_officer", None)
        return officer is None or officer.is_active or user.is_staff

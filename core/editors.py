"""Who the UNESCO editors are: the one test every app uses before letting someone decide."""

EDITORS_GROUP = "Editors"


def is_editor(user):
    """Return True for UNESCO editors: active staff in the Editors group, or superusers."""
    if not getattr(user, "is_authenticated", False) or not user.is_active or not user.is_staff:
        return False
    if user.is_superuser:
        return True
    return user.groups.filter(name=EDITORS_GROUP).exists()

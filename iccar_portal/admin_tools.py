from django.contrib.contenttypes.views import shortcut
from django.http import Http404


class SafeSearchMixin:
    """Drop NUL characters from admin searches (the autocomplete's too): PostgreSQL refuses
    them with an error that would otherwise be a 500."""

    def get_search_results(self, request, queryset, search_term):
        return super().get_search_results(request, queryset, search_term.replace("\x00", ""))


def view_on_site_for_editors(request, content_type_id, object_id):
    """The admin's "view on site" redirect, for editors only: it reveals an object's address,
    hence the title of an unpublished practice."""
    from practices.models import is_editor

    if not is_editor(request.user):
        raise Http404
    return shortcut(request, content_type_id, object_id)

import re

from django import forms
from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.contrib.contenttypes.views import shortcut
from django.http import Http404

from core.editors import is_editor

# The content type of the admin's "view on site" link, as the admin writes it: digits only.
# Django's own route takes any text that int() reads ("+15", " 15"), so ours answers every
# spelling and refuses all but this one.
CONTENT_TYPE_ID = re.compile(r"[0-9]+")


class SafeSearchMixin:
    """Drop NUL characters from admin searches (the autocomplete's too): PostgreSQL refuses
    them with an error that would otherwise be a 500."""

    def get_search_results(self, request, queryset, search_term):
        return super().get_search_results(request, queryset, search_term.replace("\x00", ""))


class SafeAutocompleteJsonView(AutocompleteJsonView):
    """The admin's autocomplete without NUL characters in the searched term.

    SafeSearchMixin covers the project's admins; this covers every relation, including those
    searched by Django's own user and group admins.
    """

    def process_request(self, request):
        term, model_admin, source_field, to_field_name = super().process_request(request)
        return term.replace("\x00", ""), model_admin, source_field, to_field_name


class ReadOnlyForEditorsMixin:
    """An admin of records (history, events, the e-mail outbox): editors read them, and nobody
    adds, changes or deletes one. They hold private notes and addresses, hence editors only."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return is_editor(request.user)

    def has_module_permission(self, request):
        return is_editor(request.user)


def view_on_site_for_editors(request, content_type_id, object_id):
    """The admin's "view on site" redirect, for editors only: it reveals an object's address,
    hence the title of an unpublished practice."""
    if not is_editor(request.user) or not CONTENT_TYPE_ID.fullmatch(content_type_id):
        raise Http404
    return shortcut(request, content_type_id, object_id)


class DecisionForm(forms.Form):
    """An editor's decision, naming the version of the object its page showed: the service
    refuses a decision on another version, and a form that names none decides nothing."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    @classmethod
    def naming_version(cls, posted, version):
        """The posted form, with all that was typed, naming `version`: the version the page
        now shows, which the next decision is on."""
        data = posted.copy()
        data["version"] = version
        form = cls(data)
        form.is_valid()
        return form

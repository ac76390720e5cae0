"""The editors' decision page, one for a practice and for a proposed update: a message to the
city and a private note, then the workflow service of the action chosen."""

from typing import NamedTuple

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from core.admin_tools import DecisionForm
from core.editors import is_editor
from practices import services
from practices.models import NOTE_MAX_LENGTH
from practices.services.checks import require_version_seen

ERROR_NO_VERSION = _(
    "This page does not say which version you read. Open the practice again, then decide."
)


class ReviewAction(NamedTuple):
    service: object  # the services function, called with the object, actor, message and note
    label: str
    from_status: str  # the state the object must be in for the button to show
    message_required: bool


class ReviewDecisionForm(DecisionForm):
    # The version (DecisionForm) is the practice's, or the proposed update's.
    message = forms.CharField(
        label=_("Message to the city"),
        required=False,
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("The city's officers receive this by e-mail and see it next to the practice."),
    )
    note = forms.CharField(
        label=_("Private editor note"),
        required=False,
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Only editors see this."),
    )


class ReviewActionsMixin:
    """Adds `<id>/review/<action>/` to a ModelAdmin, for the actions of `review_actions`.

    `review_subject` names the keyword the services take the object by ("practice" or
    "revision"); `decided_message(obj)` says what happened.
    """

    review_actions: dict = {}
    review_subject = ""

    def practice_of(self, obj):
        return obj

    def decided_message(self, obj):
        raise NotImplementedError

    def _url_name(self, suffix):
        return f"{self.opts.app_label}_{self.opts.model_name}_{suffix}"

    def get_urls(self):
        return [
            path(
                "<int:object_id>/review/<slug:action>/",
                self.admin_site.admin_view(self.review_view),
                name=self._url_name("review"),
            ),
            *super().get_urls(),
        ]

    def review_actions_for(self, obj):
        return [
            {"name": name, "label": action.label}
            for name, action in self.review_actions.items()
            if obj.status == action.from_status
        ]

    def content_changes(self, obj):
        """Return the changes of the object's content, each with the version it made."""
        return obj.changes.all()

    def decision_context(self, obj):
        """What the decision page shows of the object: what the editor decides on."""
        return {}

    def review_view(self, request, object_id, action):
        if action not in self.review_actions:
            raise Http404
        if not is_editor(request.user):
            raise PermissionDenied
        obj = get_object_or_404(self.model, pk=object_id)
        chosen = self.review_actions[action]
        change_url = reverse(f"admin:{self._url_name('change')}", args=[obj.pk])
        initial = {"version": obj.version}
        form = ReviewDecisionForm(
            request.POST if request.method == "POST" else None, initial=initial
        )
        status, stale = 200, self._changed_since(obj, request.GET.get("version"))
        if request.method == "POST" and not form.is_valid() and "version" in form.errors:
            # Nothing decided; the page shows the current version and now names it, so the
            # editor reads it and decides again with what they typed.
            form = ReviewDecisionForm.naming_version(request.POST, obj.version)
            form.add_error(None, ERROR_NO_VERSION)
        elif request.method == "POST" and form.is_valid():
            try:
                chosen.service(
                    **{self.review_subject: obj},
                    actor=request.user,
                    message=form.cleaned_data["message"],
                    note=form.cleaned_data["note"],
                    version=form.cleaned_data["version"],
                )
            except services.AlreadyDecided as error:
                self.message_user(request, error.message, messages.ERROR)
                return HttpResponseRedirect(change_url)
            except services.StaleDecision as error:
                # The typed message stays; the page now shows, and the form names, the
                # current version.
                obj.refresh_from_db()
                form = ReviewDecisionForm.naming_version(request.POST, obj.version)
                status, stale = 409, error.message
            except services.WorkflowError as error:
                for field, field_error in error.field_errors.items():
                    form.add_error(field if field in form.fields else None, field_error)
                if not form.errors:
                    form.add_error(None, error.message)
            else:
                obj.refresh_from_db()
                self.message_user(request, self.decided_message(obj), messages.SUCCESS)
                return HttpResponseRedirect(change_url)
        practice = self.practice_of(obj)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "practice": practice,
            "form": form,
            "stale": stale,
            "action_label": chosen.label,
            "message_required": chosen.message_required,
            "change_url": change_url,
            "title": f"{chosen.label}: {practice.title}",
            **self.decision_context(obj),
        }
        return TemplateResponse(
            request, "admin/practices/practice/review.html", context, status=status
        )

    def _changed_since(self, obj, seen):
        """Say what changed since the version the change page showed (its link names it)."""
        if not (seen or "").isdigit():
            return None
        try:
            require_version_seen(obj.version, int(seen), obj.changes, obj.get_status_display())
        except services.StaleDecision as error:
            return error.message
        return None

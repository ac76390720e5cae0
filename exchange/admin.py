"""The editors' view of the exchange: every conversation, read-only, with the decisions to
close one and to approve or refuse its publication, each on the version the page showed."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from core.admin_tools import ReadOnlyForEditorsMixin, SafeSearchMixin
from core.editors import is_editor

from . import services
from .forms import AdaptationDecisionForm, EditorDecisionForm
from .models import Adaptation, Conversation

Public = Conversation.Public

ERROR_NO_VERSION = _(
    "This page does not say which version you read. Open the conversation again, then decide."
)
ERROR_NO_VERSION_ADAPTATION = _(
    "This page does not say which version you read. Open the adaptation again, then decide."
)

# The editors' decisions: the service, the button's words, and when the button is shown.
DECISIONS = {
    "close": (services.conversation_close, _("Close the conversation"), lambda c: c.is_open),
    "publish": (
        services.conversation_approve_publication,
        _("Show it under the practice"),
        lambda c: c.is_open and c.public_state == Public.OFFERED,
    ),
    "refuse": (
        services.conversation_refuse_publication,
        _("Refuse publication"),
        lambda c: c.public_state in (Public.OFFERED, Public.PUBLISHED),
    ),
}


class DecisionsMixin:
    """The editors' decisions on an object of the exchange: buttons on its change page, and a
    page per decision whose form names the version it showed (a decision on another version
    is refused with what changed, the typed reason kept)."""

    decisions = {}  # name → (service, button label, shown(object))
    decide_template = ""
    decision_form = EditorDecisionForm
    no_version_message = ERROR_NO_VERSION

    def get_urls(self):
        info = (self.opts.app_label, self.opts.model_name)
        return [
            path(
                "<int:object_id>/decide/<slug:action>/",
                self.admin_site.admin_view(self.decision_view),
                name="{}_{}_decide".format(*info),
            ),
            *super().get_urls(),
        ]

    def decision_buttons(self, request, obj):
        if obj is None or not is_editor(request.user):
            return []
        name = f"admin:{self.opts.app_label}_{self.opts.model_name}_decide"
        return [
            {
                "label": label,
                "url": reverse(name, args=[obj.pk, action]) + f"?version={obj.version}",
            }
            for action, (_service, label, shown) in self.decisions.items()
            if shown(obj)
        ]

    def decision_context(self, obj):
        raise NotImplementedError

    def decision_view(self, request, object_id, action):
        if action not in self.decisions:
            raise Http404
        if not is_editor(request.user):
            raise PermissionDenied
        obj = get_object_or_404(self.model, pk=object_id)
        service, label, _shown = self.decisions[action]
        change_url = reverse(
            f"admin:{self.opts.app_label}_{self.opts.model_name}_change", args=[obj.pk]
        )
        seen = request.GET.get("version", "")
        initial = {"version": int(seen) if seen.isdigit() else obj.version}
        form_class = self.decision_form
        form = form_class(request.POST if request.method == "POST" else None, initial=initial)
        status = 200
        if request.method == "POST":
            if form.is_valid():
                try:
                    service(
                        **{self.opts.model_name: obj},
                        actor=request.user,
                        version=form.cleaned_data["version"],
                        reason=form.cleaned_data["reason"],
                    )
                except services.StaleDecision as error:
                    # The typed reason stays; the form now carries the current version.
                    obj.refresh_from_db()
                    form = form_class.naming_version(request.POST, obj.version)
                    form.add_error(None, error.message)
                    status = 409
                except services.ExchangeError as error:
                    form.add_error(
                        error.field if error.field in form.fields else None, error.message
                    )
                else:
                    self.message_user(request, _("Done."), messages.SUCCESS)
                    return HttpResponseRedirect(change_url)
            elif "version" in form.errors:
                form = form_class.naming_version(request.POST, obj.version)
                form.add_error(None, self.no_version_message)
        extra = self.decision_context(obj)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "form": form,
            "action_label": label,
            "change_url": change_url,
            "title": f"{label}: {extra.pop('title_subject')}",
            **extra,
        }
        return TemplateResponse(request, self.decide_template, context, status=status)


class PublicationFilter(admin.SimpleListFilter):
    title = _("publication")
    parameter_name = "publication"

    def lookups(self, request, model_admin):
        return Public.choices

    def queryset(self, request, queryset):
        if self.value() == Public.OFFERED:
            return queryset.awaiting_publication()
        if self.value() in Public.values:
            return queryset.filter(public_state=self.value())
        return queryset


@admin.register(Conversation)
class ConversationAdmin(DecisionsMixin, ReadOnlyForEditorsMixin, SafeSearchMixin, admin.ModelAdmin):
    decisions = DECISIONS
    decide_template = "admin/exchange/conversation/decide.html"
    list_display = [
        "subject",
        "asking_city",
        "answering_city",
        "state",
        "public_state",
        "last_message_at",
    ]
    list_filter = ["state", PublicationFilter]
    search_fields = ["subject", "practice__title", "asking_city__name", "answering_city__name"]
    list_select_related = ["asking_city", "answering_city"]
    actions = None
    fields = [
        "practice",
        "asking_city",
        "answering_city",
        "subject",
        "state",
        "public_state",
        "closed_reason",
        "created_at",
        "last_message_at",
        "version",
    ]
    readonly_fields = fields
    change_form_template = "admin/exchange/conversation/change_form.html"

    def change_view(self, request, object_id, form_url="", extra_context=None):
        conversation = Conversation.objects.filter(pk=object_id).first()
        buttons = self.decision_buttons(request, conversation)
        extra_context = {
            **(extra_context or {}),
            "decisions": buttons,
            # The thread and the decisions, shown as text below the fields (read-only).
            "thread": conversation.messages.select_related("author_city") if conversation else [],
            "events": conversation.events.all() if conversation else [],
        }
        return super().change_view(request, object_id, form_url, extra_context)

    def decision_context(self, conversation):
        return {
            "conversation": conversation,
            "thread": conversation.messages.select_related("author_city"),
            "title_subject": conversation.subject,
        }


# The editors' decisions on an adaptation submitted for review.
ADAPTATION_DECISIONS = {
    "approve": (
        services.adaptation_approve,
        _("Approve and show it"),
        lambda a: a.status == Adaptation.Status.SUBMITTED,
    ),
    "request_changes": (
        services.adaptation_request_changes,
        _("Request changes"),
        lambda a: a.status == Adaptation.Status.SUBMITTED,
    ),
    "reject": (
        services.adaptation_reject,
        _("Reject"),
        lambda a: a.status == Adaptation.Status.SUBMITTED,
    ),
}


@admin.register(Adaptation)
class AdaptationAdmin(DecisionsMixin, ReadOnlyForEditorsMixin, SafeSearchMixin, admin.ModelAdmin):
    """The review of adaptation records: read-only fields, the decisions as buttons, the
    history below; the queue is the list filtered on "Awaiting review", oldest first."""

    decisions = ADAPTATION_DECISIONS
    decide_template = "admin/exchange/adaptation/decide.html"
    decision_form = AdaptationDecisionForm
    no_version_message = ERROR_NO_VERSION_ADAPTATION
    list_display = ["__str__", "city", "original", "progress", "status", "submitted_at"]
    list_filter = ["status", "progress"]
    search_fields = ["original__title", "city__name", "original__city__name"]
    list_select_related = ["city", "original", "original__city"]
    actions = None
    fields = [
        "original",
        "city",
        "started_in",
        "progress",
        "what_changed",
        "outcome",
        "own_practice",
        "status",
        "public_version",
        "recorded_by",
        "submitted_at",
        "approved_at",
        "version",
    ]
    readonly_fields = fields
    change_form_template = "admin/exchange/adaptation/change_form.html"

    def get_ordering(self, request):
        if request.GET.get("status__exact") == Adaptation.Status.SUBMITTED:
            return ["submitted_at", "pk"]  # oldest first: first come, first reviewed
        return ["-updated_at", "-pk"]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        adaptation = Adaptation.objects.filter(pk=object_id).first()
        extra_context = {
            **(extra_context or {}),
            "decisions": self.decision_buttons(request, adaptation),
            "events": adaptation.events.all() if adaptation else [],
        }
        return super().change_view(request, object_id, form_url, extra_context)

    def decision_context(self, adaptation):
        return {"adaptation": adaptation, "title_subject": str(adaptation)}

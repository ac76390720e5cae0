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
from .forms import EditorDecisionForm
from .models import Conversation

Public = Conversation.Public

ERROR_NO_VERSION = _(
    "This page does not say which version you read. Open the conversation again, then decide."
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
class ConversationAdmin(ReadOnlyForEditorsMixin, SafeSearchMixin, admin.ModelAdmin):
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

    def get_urls(self):
        return [
            path(
                "<int:object_id>/decide/<slug:action>/",
                self.admin_site.admin_view(self.decision_view),
                name="exchange_conversation_decide",
            ),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        conversation = Conversation.objects.filter(pk=object_id).first()
        buttons = []
        if conversation is not None and is_editor(request.user):
            buttons = [
                {
                    "label": label,
                    "url": reverse(
                        "admin:exchange_conversation_decide", args=[conversation.pk, name]
                    )
                    + f"?version={conversation.version}",
                }
                for name, (_service, label, shown) in DECISIONS.items()
                if shown(conversation)
            ]
        extra_context = {
            **(extra_context or {}),
            "decisions": buttons,
            # The thread and the decisions, shown as text below the fields (read-only).
            "thread": conversation.messages.select_related("author_city") if conversation else [],
            "events": conversation.events.all() if conversation else [],
        }
        return super().change_view(request, object_id, form_url, extra_context)

    def decision_view(self, request, object_id, action):
        if action not in DECISIONS:
            raise Http404
        if not is_editor(request.user):
            raise PermissionDenied
        conversation = get_object_or_404(Conversation, pk=object_id)
        service, label, _shown = DECISIONS[action]
        change_url = reverse("admin:exchange_conversation_change", args=[conversation.pk])
        seen = request.GET.get("version", "")
        initial = {"version": int(seen) if seen.isdigit() else conversation.version}
        form = EditorDecisionForm(
            request.POST if request.method == "POST" else None, initial=initial
        )
        status = 200
        if request.method == "POST":
            if form.is_valid():
                try:
                    service(
                        conversation=conversation,
                        actor=request.user,
                        version=form.cleaned_data["version"],
                        reason=form.cleaned_data["reason"],
                    )
                except services.StaleDecision as error:
                    # The typed reason stays; the form now carries the current version.
                    conversation.refresh_from_db()
                    form = EditorDecisionForm.naming_version(request.POST, conversation.version)
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
                form = EditorDecisionForm.naming_version(request.POST, conversation.version)
                form.add_error(None, ERROR_NO_VERSION)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "conversation": conversation,
            "thread": conversation.messages.select_related("author_city"),
            "form": form,
            "action_label": label,
            "change_url": change_url,
            "title": f"{label}: {conversation.subject}",
        }
        return TemplateResponse(
            request, "admin/exchange/conversation/decide.html", context, status=status
        )

"""The records, read-only for editors: content changes, review events, the e-mail outbox."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from core.admin_tools import ReadOnlyForEditorsMixin, SafeSearchMixin
from practices.models import OutgoingEmail, PracticeChange, ReviewEvent
from practices.notifications import SECRET_KINDS


@admin.register(PracticeChange)
class PracticeChangeAdmin(ReadOnlyForEditorsMixin, SafeSearchMixin, admin.ModelAdmin):
    list_display = ["created_at", "practice", "actor_name", "changed_fields", "version"]
    list_select_related = ["practice"]
    search_fields = ["practice__title", "actor_name"]
    actions = None


@admin.register(OutgoingEmail)
class OutgoingEmailAdmin(ReadOnlyForEditorsMixin, SafeSearchMixin, admin.ModelAdmin):
    list_display = ["created_at", "to", "subject", "sent_at", "attempts", "last_error"]
    list_filter = ["kind", ("sent_at", admin.EmptyFieldListFilter)]
    search_fields = ["to", "subject"]
    actions = None
    readonly_fields = [
        "to",
        "subject",
        "text",
        "kind",
        "created_at",
        "sent_at",
        "attempts",
        "last_error",
    ]
    fields = readonly_fields

    @admin.display(description=_("text"))
    def text(self, message):
        if message.kind in SECRET_KINDS:
            return _("Not shown: it holds a one-time link into the recipient's account.")
        return message.body_text


@admin.register(ReviewEvent)
class ReviewEventAdmin(ReadOnlyForEditorsMixin, SafeSearchMixin, admin.ModelAdmin):
    list_display = ["created_at", "practice", "actor_name", "from_status", "to_status"]
    list_filter = ["to_status", "created_at"]
    search_fields = ["practice__title", "actor_name", "message"]
    list_select_related = ["practice"]
    actions = None

"""The records, read-only for editors: content changes, review events, the e-mail outbox."""

from django.contrib import admin

from core.admin_tools import ReadOnlyForEditorsMixin, SafeSearchMixin
from practices.models import OutgoingEmail, PracticeChange, ReviewEvent


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
        "body_text",
        "kind",
        "created_at",
        "sent_at",
        "attempts",
        "last_error",
    ]
    exclude = ["body_html"]


@admin.register(ReviewEvent)
class ReviewEventAdmin(ReadOnlyForEditorsMixin, SafeSearchMixin, admin.ModelAdmin):
    list_display = ["created_at", "practice", "actor_name", "from_status", "to_status"]
    list_filter = ["to_status", "created_at"]
    search_fields = ["practice__title", "actor_name", "message"]
    list_select_related = ["practice"]
    actions = None

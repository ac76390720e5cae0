"""Proposed updates of published practices in the admin: the queue, and what each would
change against the public version."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from core.admin_tools import SafeSearchMixin
from core.editors import is_editor
from practices import services
from practices.diffs import field_changes
from practices.models import PracticeRevision
from practices.snapshots import named_snapshot, practice_snapshot

from .review import ReviewAction, ReviewActionsMixin

Submitted = PracticeRevision.Status.SUBMITTED

REVISION_ACTIONS = {
    "approve": ReviewAction(
        services.revision_approve, _("Approve and publish the update"), Submitted, False
    ),
    "request_changes": ReviewAction(
        services.revision_request_changes, _("Request changes"), Submitted, True
    ),
    "reject": ReviewAction(services.revision_reject, _("Reject the update"), Submitted, True),
}


class RevisionStateFilter(admin.SimpleListFilter):
    title = _("state")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [*PracticeRevision.Status.choices, ("all", _("All states"))]

    def value(self):
        return super().value() or PracticeRevision.Status.SUBMITTED

    def choices(self, changelist):
        for lookup, title in self.lookup_choices:
            yield {
                "selected": self.value() == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }

    def queryset(self, request, queryset):
        if self.value() == "all":
            return queryset
        return queryset.filter(status=self.value())


@admin.register(PracticeRevision)
class PracticeRevisionAdmin(ReviewActionsMixin, SafeSearchMixin, admin.ModelAdmin):
    """The queue of proposed updates to published practices, with what each would change."""

    list_display = ["__str__", "city", "status", "submitted_at", "created_by"]
    list_filter = [RevisionStateFilter]
    list_select_related = ["practice__city", "created_by"]
    search_fields = ["practice__title", "practice__city__name"]
    ordering = ["submitted_at", "pk"]
    actions = None
    review_actions = REVISION_ACTIONS
    review_subject = "revision"
    fields = ["practice", "status", "created_by", "created_at", "submitted_at", "decided_at"]
    readonly_fields = fields
    change_form_template = "admin/practices/practicerevision/change_form.html"

    @admin.display(description=_("city"), ordering="practice__city__name")
    def city(self, obj):
        return obj.practice.city.name

    def practice_of(self, revision):
        return revision.practice

    def decision_context(self, revision):
        live = practice_snapshot(revision.practice)
        return {"changes": field_changes(live, named_snapshot(revision.data))}

    def decided_message(self, revision):
        return _("The update is now: %(status)s.") % {"status": revision.get_status_display()}

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return is_editor(request.user)

    def has_view_permission(self, request, obj=None):
        return is_editor(request.user)

    def has_module_permission(self, request):
        return is_editor(request.user)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        revision = self.get_object(request, object_id)
        extra_context = extra_context or {}
        if revision is not None:
            live = practice_snapshot(revision.practice)
            extra_context["changes"] = field_changes(live, named_snapshot(revision.data))
            extra_context["review_events"] = revision.events.all()
            extra_context["review_actions"] = self.review_actions_for(revision)
        return super().change_view(request, object_id, form_url, extra_context)

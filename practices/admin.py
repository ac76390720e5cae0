from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin

from iccar_portal.admin_tools import ReadOnlyForEditorsMixin, SafeSearchMixin

from . import services
from .models import (
    CityRole,
    Commitment,
    OutgoingEmail,
    Practice,
    PracticeAttachment,
    PracticeChange,
    PracticeImage,
    PracticeRevision,
    PracticeTranslation,
    ReviewEvent,
    TargetGroup,
    Theme,
    is_editor,
)
from .snapshots import field_changes, named_snapshot, practice_snapshot

Status = Practice.Status


class ReviewStateFilter(admin.SimpleListFilter):
    """The review queue: shows what awaits review unless another state is chosen."""

    title = _("state")
    parameter_name = "state"
    ALL = "all"

    def lookups(self, request, model_admin):
        counts = dict(Practice.objects.values_list("status").annotate(n=Count("pk")).order_by())
        choices = [(value, f"{label} ({counts.get(value, 0)})") for value, label in Status.choices]
        choices.append((self.ALL, _("All states (%(count)s)") % {"count": sum(counts.values())}))
        return choices

    def value(self):
        return super().value() or Status.SUBMITTED

    def choices(self, changelist):
        current = self.value()
        for lookup, title in self.lookup_choices:
            yield {
                "selected": current == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }

    def queryset(self, request, queryset):
        value = self.value()
        if value == self.ALL:
            return queryset
        if value not in Status.values:
            return queryset.none()
        return queryset.filter(status=value)


class ReviewDecisionForm(forms.Form):
    message = forms.CharField(
        label=_("Message to the city"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("The city's officers receive this by e-mail and see it next to the practice."),
    )
    note = forms.CharField(
        label=_("Private editor note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Only editors see this."),
    )


# action name → (service, button label, allowed from, message required)
REVIEW_ACTIONS = {
    "approve": (services.practice_approve, _("Approve and publish"), Status.SUBMITTED, False),
    "request_changes": (
        services.practice_request_changes,
        _("Request changes"),
        Status.SUBMITTED,
        True,
    ),
    "reject": (services.practice_reject, _("Reject"), Status.SUBMITTED, True),
    "archive": (services.practice_archive, _("Archive"), Status.PUBLISHED, True),
    "restore": (services.practice_restore, _("Restore"), Status.ARCHIVED, False),
}


def changes_since_last_decision(practice):
    """For a resubmission: what changed since the editors last sent it back."""
    if practice.status != Status.SUBMITTED:
        return None
    decision = (
        practice.events.filter(revision__isnull=True, to_status=Status.CHANGES_REQUESTED)
        .order_by("-created_at", "-pk")
        .first()
    )
    if decision is None:
        return None
    return {
        "since": decision,
        "changes": field_changes(decision.snapshot, practice_snapshot(practice)),
    }


class TranslationInline(admin.StackedInline):
    model = PracticeTranslation
    extra = 0


class ImageInline(admin.TabularInline):
    model = PracticeImage
    extra = 0
    fields = ["image", "alt_text", "created_at"]
    readonly_fields = ["image", "created_at"]

    def has_add_permission(self, request, obj=None):
        return False  # uploads go through the member area's checks


class AttachmentInline(admin.TabularInline):
    model = PracticeAttachment
    extra = 0
    fields = ["file", "title", "size", "created_at"]
    readonly_fields = ["file", "size", "created_at"]

    def has_add_permission(self, request, obj=None):
        return False


class ReviewEventInline(admin.TabularInline):
    model = ReviewEvent
    extra = 0
    can_delete = False
    fields = ["created_at", "actor_name", "from_status", "to_status", "message", "note"]
    readonly_fields = fields
    verbose_name_plural = _("Review history")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Practice)
class PracticeAdmin(SafeSearchMixin, admin.ModelAdmin):
    list_display = [
        "title",
        "city",
        "country",
        "status",
        "language",
        "submitted_at",
        "published_at",
    ]
    list_filter = [
        ReviewStateFilter,
        "themes",
        "city__coalition",
        "city__country",
        "language",
        "submitted_at",
        ("city", admin.RelatedOnlyFieldListFilter),
    ]
    search_fields = ["title", "city__name", "summary"]
    list_select_related = ["city", "city__coalition"]
    autocomplete_fields = ["city", "inspired_by"]
    filter_horizontal = ["themes", "commitments", "city_roles", "target_groups"]
    readonly_fields = [
        "status",
        "created_at",
        "updated_at",
        "submitted_at",
        "published_at",
        "created_by",
    ]
    inlines = [TranslationInline, ImageInline, AttachmentInline, ReviewEventInline]
    actions = None  # no bulk action may change or delete practices behind the workflow's back
    change_form_template = "admin/practices/practice/change_form.html"
    fieldsets = [
        (None, {"fields": ["title", "slug", "city", "language", "status"]}),
        (
            _("Classification"),
            {"fields": ["themes", "commitments", "city_roles", "target_groups", "inspired_by"]},
        ),
        (
            _("The practice"),
            {
                "fields": [
                    "summary",
                    "context",
                    "implementation",
                    "results",
                    "why_it_works",
                    "challenges",
                    "transferability",
                    "partners",
                    "start_year",
                    "end_year",
                    "resources",
                    "links",
                    "image",
                    "image_alt",
                ]
            },
        ),
        (_("Contact person"), {"fields": ["contact_name", "contact_role", "contact_email"]}),
        (_("Editors"), {"fields": ["is_promising", "promising_note"]}),
        (
            _("Dates"),
            {"fields": ["created_at", "updated_at", "submitted_at", "published_at", "created_by"]},
        ),
    ]

    @admin.display(description=_("country"), ordering="city__country")
    def country(self, obj):
        return obj.city.country.name

    def get_ordering(self, request):
        state = request.GET.get(ReviewStateFilter.parameter_name) or Status.SUBMITTED
        if state == Status.SUBMITTED:
            return ["submitted_at", "pk"]  # oldest first: first come, first reviewed
        return ["-updated_at"]

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.was_ever_published:
            fields.append("slug")  # public links must keep working
        return fields

    def get_prepopulated_fields(self, request, obj=None):
        if obj is not None and obj.was_ever_published:
            return {}
        return {"slug": ["title"]}

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.was_ever_published:
            return False  # published once: archive it instead
        return super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        fields = list(form.changed_data)
        fields += [formset.prefix for formset in formsets if formset.has_changed()]
        if change and fields:
            # Recorded like an officer's edit: forms opened before it become stale.
            services.practice_editor_saved(
                practice=form.instance, actor=request.user, fields=fields
            )

    def get_urls(self):
        return [
            path(
                "<int:object_id>/review/<slug:action>/",
                self.admin_site.admin_view(self.review_view),
                name="practices_practice_review",
            ),
            *super().get_urls(),
        ]

    def review_actions_for(self, practice):
        return [
            {"name": name, "label": label}
            for name, (_service, label, from_status, _required) in REVIEW_ACTIONS.items()
            if practice.status == from_status
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = extra_context or {}
        practice = self.get_object(request, object_id)
        if practice is not None:
            extra_context["review_actions"] = self.review_actions_for(practice)
            extra_context["review_events"] = practice.events.select_related("actor")
            extra_context["preview_practice"] = practice
            extra_context["changes_since_decision"] = changes_since_last_decision(practice)
        return super().change_view(request, object_id, form_url, extra_context)

    def review_view(self, request, object_id, action):
        if action not in REVIEW_ACTIONS:
            raise Http404
        if not is_editor(request.user):
            raise PermissionDenied
        practice = get_object_or_404(Practice, pk=object_id)
        service, label, _from_status, message_required = REVIEW_ACTIONS[action]
        change_url = reverse("admin:practices_practice_change", args=[practice.pk])
        form = ReviewDecisionForm(request.POST if request.method == "POST" else None)
        if request.method == "POST" and form.is_valid():
            try:
                service(
                    practice=practice,
                    actor=request.user,
                    message=form.cleaned_data["message"],
                    note=form.cleaned_data["note"],
                )
            except services.AlreadyDecided as error:
                self.message_user(request, error.message, messages.ERROR)
                return HttpResponseRedirect(change_url)
            except services.WorkflowError as error:
                for field, field_error in error.field_errors.items():
                    if field in form.fields:
                        form.add_error(field, field_error)
                if not form.errors:
                    form.add_error(None, error.message)
            else:
                practice.refresh_from_db()
                self.message_user(
                    request,
                    _("“%(title)s” is now %(status)s.")
                    % {"title": practice.title, "status": practice.get_status_display()},
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(change_url)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "practice": practice,
            "form": form,
            "action_label": label,
            "message_required": message_required,
            "change_url": change_url,
            "title": f"{label}: {practice.title}",
        }
        return TemplateResponse(request, "admin/practices/practice/review.html", context)


REVISION_ACTIONS = {
    "approve": (services.revision_approve, _("Approve and publish the update"), False),
    "request_changes": (services.revision_request_changes, _("Request changes"), True),
    "reject": (services.revision_reject, _("Reject the update"), True),
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
class PracticeRevisionAdmin(SafeSearchMixin, admin.ModelAdmin):
    """The queue of proposed updates to published practices, with what each would change."""

    list_display = ["__str__", "city", "status", "submitted_at", "created_by"]
    list_filter = [RevisionStateFilter]
    list_select_related = ["practice__city", "created_by"]
    search_fields = ["practice__title", "practice__city__name"]
    ordering = ["submitted_at", "pk"]
    actions = None
    fields = ["practice", "status", "created_by", "created_at", "submitted_at", "decided_at"]
    readonly_fields = fields
    change_form_template = "admin/practices/practicerevision/change_form.html"

    @admin.display(description=_("city"), ordering="practice__city__name")
    def city(self, obj):
        return obj.practice.city.name

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

    def get_urls(self):
        return [
            path(
                "<int:object_id>/review/<slug:action>/",
                self.admin_site.admin_view(self.review_view),
                name="practices_practicerevision_review",
            ),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        revision = self.get_object(request, object_id)
        extra_context = extra_context or {}
        if revision is not None:
            live = practice_snapshot(revision.practice)
            extra_context["changes"] = field_changes(live, named_snapshot(revision.data))
            extra_context["review_events"] = revision.events.all()
            extra_context["review_actions"] = (
                [
                    {"name": name, "label": label}
                    for name, (_s, label, _r) in REVISION_ACTIONS.items()
                ]
                if revision.status == PracticeRevision.Status.SUBMITTED
                else []
            )
        return super().change_view(request, object_id, form_url, extra_context)

    def review_view(self, request, object_id, action):
        if action not in REVISION_ACTIONS or not is_editor(request.user):
            raise Http404 if action not in REVISION_ACTIONS else PermissionDenied
        revision = get_object_or_404(PracticeRevision, pk=object_id)
        service, label, message_required = REVISION_ACTIONS[action]
        change_url = reverse("admin:practices_practicerevision_change", args=[revision.pk])
        form = ReviewDecisionForm(request.POST if request.method == "POST" else None)
        if request.method == "POST" and form.is_valid():
            try:
                service(
                    revision=revision,
                    actor=request.user,
                    message=form.cleaned_data["message"],
                    note=form.cleaned_data["note"],
                )
            except services.AlreadyDecided as error:
                self.message_user(request, error.message, messages.ERROR)
                return HttpResponseRedirect(change_url)
            except services.WorkflowError as error:
                for field, field_error in error.field_errors.items():
                    form.add_error(field if field in form.fields else None, field_error)
                if not form.errors:
                    form.add_error(None, error.message)
            else:
                revision.refresh_from_db()
                self.message_user(
                    request,
                    _("The update is now: %(status)s.") % {"status": revision.get_status_display()},
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(change_url)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "practice": revision.practice,
            "form": form,
            "action_label": label,
            "message_required": message_required,
            "change_url": change_url,
            "title": f"{label}: {revision.practice.title}",
        }
        return TemplateResponse(request, "admin/practices/practice/review.html", context)


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


@admin.register(Theme)
class ThemeAdmin(SafeSearchMixin, TranslationAdmin):
    list_display = ["title", "order", "eccar_point"]
    prepopulated_fields = {"slug": ["title"]}
    search_fields = ["title"]


@admin.register(Commitment)
class CommitmentAdmin(SafeSearchMixin, TranslationAdmin):
    list_display = ["coalition", "number", "title", "theme"]
    list_filter = ["coalition", "theme"]
    search_fields = ["title"]
    list_select_related = ["coalition", "theme"]


@admin.register(CityRole)
class CityRoleAdmin(TranslationAdmin):
    list_display = ["title", "order"]
    prepopulated_fields = {"slug": ["title"]}


@admin.register(TargetGroup)
class TargetGroupAdmin(TranslationAdmin):
    list_display = ["title", "order"]
    prepopulated_fields = {"slug": ["title"]}

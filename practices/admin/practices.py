"""Practices in the admin: the review queue, each practice's page with the history and the
buttons for the moves its state allows."""

from django import forms
from django.contrib import admin
from django.db.models import Count
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core.admin_tools import SafeSearchMixin
from practices import services
from practices.diffs import field_changes
from practices.forms import TransferabilityFieldsMixin
from practices.models import (
    CLASSIFICATION_FIELDS,
    CONTACT_FIELDS,
    DETAIL_FIELDS,
    SECTIONS,
    TRANSFERABILITY_FIELDS,
    Practice,
    PracticeAttachment,
    PracticeImage,
    PracticeTranslation,
    ReviewEvent,
)
from practices.models.transferability import OPTION_SET_CHOICES
from practices.services.checks import live_changes, refuse_stale
from practices.snapshots import practice_snapshot

from .review import ReviewAction, ReviewActionsMixin

Status = Practice.Status

# What an editor reads after a decision: a sentence for each state it can lead to.
DECIDED_MESSAGES = {
    Status.DRAFT: _("“%(title)s” is a draft again."),
    Status.SUBMITTED: _("“%(title)s” is awaiting review."),
    Status.CHANGES_REQUESTED: _("Changes were requested for “%(title)s”."),
    Status.PUBLISHED: _("“%(title)s” is published."),
    Status.REJECTED: _("“%(title)s” was rejected."),
    Status.ARCHIVED: _("“%(title)s” is archived."),
}

REVIEW_ACTIONS = {
    "approve": ReviewAction(
        services.practice_approve, _("Approve and publish"), Status.SUBMITTED, False
    ),
    "request_changes": ReviewAction(
        services.practice_request_changes, _("Request changes"), Status.SUBMITTED, True
    ),
    "reject": ReviewAction(services.practice_reject, _("Reject"), Status.SUBMITTED, True),
    "archive": ReviewAction(services.practice_archive, _("Archive"), Status.PUBLISHED, True),
    "restore": ReviewAction(services.practice_restore, _("Restore"), Status.ARCHIVED, False),
}


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


def file_link(url, text):
    # Through the file view (public/files.py): the storage's own address is never shown.
    return format_html('<a href="{}">{}</a>', url, text)


class ImageInline(admin.TabularInline):
    model = PracticeImage
    extra = 0
    fields = ["picture", "alt_text", "created_at"]
    readonly_fields = ["picture", "created_at"]

    @admin.display(description=_("image"))
    def picture(self, image):
        return file_link(image.url(), image.image.name.rsplit("/", 1)[-1])

    def has_add_permission(self, request, obj=None):
        return False  # uploads go through the member area's checks


class AttachmentInline(admin.TabularInline):
    model = PracticeAttachment
    extra = 0
    fields = ["document", "title", "size", "created_at"]
    readonly_fields = ["document", "size", "created_at"]

    @admin.display(description=_("PDF file"))
    def document(self, attachment):
        return file_link(attachment.url(), attachment.file.name.rsplit("/", 1)[-1])

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


class AdminCheckboxGroup(forms.CheckboxSelectMultiple):
    """Tick boxes whose group has an id: the admin's fieldset names its help text after it
    (aria-describedby), which Django's widget leaves without one."""

    def id_for_label(self, id_, index=None):
        return id_ if index is None else super().id_for_label(id_, index)


class PracticeAdminForm(TransferabilityFieldsMixin, forms.ModelForm):
    """The editors' form of a practice, refusing a save made from a page opened before someone
    else changed the practice (the same rule as the officers' forms)."""

    # Rendered by the change form's template (a hidden field in a fieldset gets a label).
    opened_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["opened_version"].initial = self.instance.version
        for name in OPTION_SET_CHOICES:
            self.fields[name].widget = AdminCheckboxGroup(choices=self.fields[name].choices)

    def clean(self):
        data = super().clean()
        opened = data.get("opened_version")
        if self.instance.pk and opened is not None:
            current = Practice.objects.get(pk=self.instance.pk)
            try:
                if opened != current.version:
                    since = live_changes(current).filter(version__gt=opened)
                    refuse_stale(since, current.get_status_display())
            except services.StaleEdit as error:
                # What was typed stays; saving again on purpose keeps it.
                self.data = self.data.copy()
                self.data["opened_version"] = current.version
                raise forms.ValidationError(error.message) from None
        return data


@admin.register(Practice)
class PracticeAdmin(ReviewActionsMixin, SafeSearchMixin, admin.ModelAdmin):
    form = PracticeAdminForm
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
    filter_horizontal = [name for name in CLASSIFICATION_FIELDS if name != "inspired_by"]
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
    review_actions = REVIEW_ACTIONS
    review_subject = "practice"
    change_form_template = "admin/practices/practice/change_form.html"
    fieldsets = [
        (None, {"fields": ["title", "slug", "city", "language", "status"]}),
        (
            _("Classification"),
            {"fields": CLASSIFICATION_FIELDS},
        ),
        (
            _("The practice"),
            {
                "fields": [
                    "summary",
                    *SECTIONS,
                    *DETAIL_FIELDS,
                    "links",
                    "image",
                    "image_alt",
                    "proposed_evidence_level",
                    "evidence",
                ]
            },
        ),
        (_("What it takes to transfer"), {"fields": TRANSFERABILITY_FIELDS}),
        (_("Contact person"), {"fields": CONTACT_FIELDS}),
        (_("Editors"), {"fields": ["evidence_level", "is_promising", "promising_note"]}),
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

    def content_changes(self, practice):
        return live_changes(practice)

    def decision_context(self, practice):
        return {"preview_practice": practice}

    def decided_message(self, practice):
        sentence = DECIDED_MESSAGES.get(practice.status, _("“%(title)s”: %(status)s."))
        return sentence % {"title": practice.title, "status": practice.get_status_display()}

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        fields = list(form.changed_data)
        fields += [formset.prefix for formset in formsets if formset.has_changed()]
        if change and fields:
            # Recorded like an officer's edit: forms opened before it become stale.
            services.practice_editor_saved(
                practice=form.instance, actor=request.user, fields=fields
            )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = extra_context or {}
        practice = self.get_object(request, object_id)
        if practice is not None:
            extra_context["review_actions"] = self.review_actions_for(practice)
            extra_context["review_events"] = practice.events.select_related("actor")
            extra_context["preview_practice"] = practice
            extra_context["changes_since_decision"] = changes_since_last_decision(practice)
        return super().change_view(request, object_id, form_url, extra_context)

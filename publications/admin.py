"""The editors compose publications here: the publication with its chapters and closing
sections, each chapter with the practices it quotes; the decisions (publish, bring the quoted
practices up to date, withdraw) on the version the page showed; the history; and a draft
started from the data. Every save goes through publications/services.py."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin, TranslationStackedInline

from core.admin_tools import SafeSearchMixin
from core.editors import is_editor

from . import services
from .forms import PublicationDecisionForm, StartDraftForm
from .models import (
    MAX_CHAPTERS,
    MAX_CLOSING_SECTIONS,
    MAX_ENTRIES_IN_A_CHAPTER,
    Chapter,
    ClosingSection,
    Publication,
    PublicationEntry,
    PublicationEvent,
)

# The editors' decisions: the service, the button's words, and when it is offered.
DECISIONS = {
    "publish": (services.publish, _("Publish"), lambda p: not p.is_published),
    "refresh": (
        services.refresh_quotes,
        _("Quote the current versions of the practices"),
        lambda p: p.is_published,
    ),
    "withdraw": (services.withdraw, _("Withdraw to draft"), lambda p: p.is_published),
}


class EditorsOnlyMixin:
    """Publications are the editors' work: they add, change and read them; a published one is
    withdrawn before it can be deleted."""

    def has_module_permission(self, request):
        return is_editor(request.user)

    def has_view_permission(self, request, obj=None):
        return is_editor(request.user)

    def has_add_permission(self, request, obj=None):
        return is_editor(request.user)

    def has_change_permission(self, request, obj=None):
        return is_editor(request.user)

    def has_delete_permission(self, request, obj=None):
        return is_editor(request.user)


class ChapterInline(EditorsOnlyMixin, TranslationStackedInline):
    model = Chapter
    extra = 0
    max_num = MAX_CHAPTERS
    fields = ["position", "title", "text"]
    show_change_link = True
    verbose_name_plural = _("chapters (save, then open a chapter to choose its practices)")


class ClosingSectionInline(EditorsOnlyMixin, TranslationStackedInline):
    model = ClosingSection
    extra = 0
    max_num = MAX_CLOSING_SECTIONS
    fields = ["position", "kind", "title", "text"]


class EventInline(admin.TabularInline):
    model = PublicationEvent
    extra = 0
    can_delete = False
    fields = ["created_at", "action", "actor_name", "version", "note"]
    readonly_fields = fields
    verbose_name_plural = _("history")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return is_editor(request.user)


class SavedThroughServicesMixin:
    """After the admin has saved the object and its inlines, the service records the change
    (a new version in the history, quotes of newly added practices)."""

    def save_model(self, request, obj, form, change):
        obj._was_added = not change
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        publication = self.publication_of(form.instance)
        services.saved(
            publication,
            actor=request.user,
            created=getattr(form.instance, "_was_added", False) and publication is form.instance,
        )


@admin.register(Publication)
class PublicationAdmin(
    SavedThroughServicesMixin, EditorsOnlyMixin, SafeSearchMixin, TranslationAdmin
):
    list_display = ["title", "year", "status", "version", "updated_at"]
    list_filter = ["status", "year"]
    search_fields = ["title", "subtitle"]
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["status", "version", "published_at"]
    fields = ["title", "subtitle", "slug", "year", "introduction", *readonly_fields]
    inlines = [ChapterInline, ClosingSectionInline, EventInline]
    change_form_template = "admin/publications/publication/change_form.html"
    change_list_template = "admin/publications/publication/change_list.html"

    def publication_of(self, obj):
        return obj

    def has_delete_permission(self, request, obj=None):
        return is_editor(request.user) and not (obj is not None and obj.is_published)

    def get_urls(self):
        info = (self.opts.app_label, self.opts.model_name)
        return [
            path(
                "start/",
                self.admin_site.admin_view(self.start_view),
                name="{}_{}_start".format(*info),
            ),
            path(
                "<int:object_id>/decide/<slug:action>/",
                self.admin_site.admin_view(self.decision_view),
                name="{}_{}_decide".format(*info),
            ),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, object_id)
        extra = extra_context or {}
        if obj is not None and is_editor(request.user):
            extra["decisions"] = [
                {
                    "label": label,
                    "url": reverse("admin:publications_publication_decide", args=[obj.pk, name])
                    + f"?version={obj.version}",
                }
                for name, (_service, label, offered) in DECISIONS.items()
                if offered(obj)
            ]
        return super().change_view(request, object_id, form_url, extra)

    def decision_view(self, request, object_id, action):
        if action not in DECISIONS:
            raise Http404
        if not is_editor(request.user):
            raise PermissionDenied
        publication = get_object_or_404(Publication, pk=object_id)
        service, label, _offered = DECISIONS[action]
        change_url = reverse("admin:publications_publication_change", args=[publication.pk])
        seen = request.GET.get("version", "")
        initial = {"version": int(seen) if seen.isdigit() else publication.version}
        form = PublicationDecisionForm(
            request.POST if request.method == "POST" else None, initial=initial
        )
        status = 200
        if request.method == "POST":
            if form.is_valid():
                try:
                    service(
                        publication=publication,
                        actor=request.user,
                        version=form.cleaned_data["version"],
                        note=form.cleaned_data["note"],
                    )
                except services.StalePublication as error:
                    publication.refresh_from_db()
                    form = PublicationDecisionForm.naming_version(request.POST, publication.version)
                    form.add_error(None, error.message)
                    status = 409
                except services.PublicationError as error:
                    form.add_error(None, error.message)
                    status = 400
                else:
                    self.message_user(request, _("Done."), messages.SUCCESS)
                    return HttpResponseRedirect(change_url)
            else:
                status = 400
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "form": form,
            "publication": publication,
            "action_label": label,
            "change_url": change_url,
            "title": f"{label}: {publication}",
        }
        return TemplateResponse(
            request, "admin/publications/publication/decide.html", context, status=status
        )

    def start_view(self, request):
        if not is_editor(request.user):
            raise PermissionDenied
        form = StartDraftForm(request.POST if request.method == "POST" else None)
        status = 200
        if request.method == "POST":
            if form.is_valid():
                try:
                    publication = services.start_draft(
                        selection=services.Selection(**form.cleaned_data), actor=request.user
                    )
                except services.PublicationError as error:
                    form.add_error(None, error.message)
                    status = 400
                else:
                    self.message_user(request, _("The draft is ready to edit."), messages.SUCCESS)
                    return HttpResponseRedirect(
                        reverse("admin:publications_publication_change", args=[publication.pk])
                    )
            else:
                status = 400
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "form": form,
            "title": _("Start a draft from the data"),
            "action_label": _("Start the draft"),
            "change_url": reverse("admin:publications_publication_changelist"),
        }
        return TemplateResponse(
            request, "admin/publications/publication/start.html", context, status=status
        )


class EntryForm(forms.ModelForm):
    def clean_practice(self):
        practice = self.cleaned_data.get("practice")
        if practice is not None and "practice" in self.changed_data and not practice.is_published:
            raise forms.ValidationError(_("Choose a published practice: a publication quotes "
                                          "only what the public can read."))  # fmt: skip
        return practice


class EntryInline(EditorsOnlyMixin, TranslationStackedInline):
    model = PublicationEntry
    form = EntryForm
    extra = 1
    max_num = MAX_ENTRIES_IN_A_CHAPTER
    fields = ["position", "practice", "commentary", "frozen_version", "frozen_at"]
    readonly_fields = ["frozen_version", "frozen_at"]
    autocomplete_fields = ["practice"]


@admin.register(Chapter)
class ChapterAdmin(SavedThroughServicesMixin, EditorsOnlyMixin, TranslationAdmin):
    list_display = ["title", "publication", "position"]
    list_select_related = ["publication"]
    fields = ["publication", "position", "title", "text"]
    inlines = [EntryInline]

    def publication_of(self, obj):
        return obj.publication

    def get_readonly_fields(self, request, obj=None):
        # A chapter stays in its publication: moving it would change another one unrecorded.
        return ["publication"] if obj is not None else []

    def delete_model(self, request, obj):
        publication = obj.publication
        super().delete_model(request, obj)
        services.saved(publication, actor=request.user, created=False)

    def delete_queryset(self, request, queryset):
        publications = {chapter.publication for chapter in queryset.select_related("publication")}
        super().delete_queryset(request, queryset)
        for publication in publications:
            services.saved(publication, actor=request.user, created=False)

    def has_module_permission(self, request):
        return False  # reached from its publication

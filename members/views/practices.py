"""The officer's practices: the dashboard, writing and editing (a draft, or a proposed update
of a published practice), the preview, and the moves an officer makes."""

from django.contrib import messages
from django.db.models import Prefetch
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from members.forms import PracticeAttachmentForm, PracticeForm, PracticeImageForm
from practices import services
from practices.models import (
    CONTENT_FIELDS,
    TRANSLATION_LANGUAGES,
    CityRole,
    Commitment,
    Practice,
    PracticeRevision,
    ReviewEvent,
    TargetGroup,
    Theme,
)
from practices.snapshots import practice_content

from .access import officer_required, own_practice

Status = Practice.Status
DECISIONS = {"changes_requested", "rejected", "published", "archived", "approved"}


# Translated when a page shows them, in that page's language (not once, at import).
NEXT_STEPS = {
    Status.DRAFT: gettext_lazy("Complete every section, then submit it for review."),
    Status.SUBMITTED: gettext_lazy(
        "The editors are reviewing it. Withdraw it if you need to change it."
    ),
    Status.CHANGES_REQUESTED: gettext_lazy(
        "Read the editors' message, edit the practice and submit it again."
    ),
    Status.PUBLISHED: gettext_lazy(
        "It is public. You can propose an update; editors review it first."
    ),
    Status.REJECTED: gettext_lazy("Read the editors' reason. You may write a new practice."),
    Status.ARCHIVED: gettext_lazy(
        "It is no longer public. Ask the editors if it should be restored."
    ),
}


def _thread(practice):
    """Return the messages exchanged about a practice, oldest first; never the private notes."""
    return [
        {
            "time": event.created_at,
            "who": event.actor_name,
            "from_editors": event.to_status in DECISIONS,
            "is_update": event.revision_id is not None,
            "status": event.get_to_status_display(),
            "message": event.message,
        }
        for event in practice.events.all()
        if event.message
    ]


@officer_required
@require_http_methods(["GET"])
def dashboard(request):
    practices = (
        Practice.objects.for_city(request.city)
        .prefetch_related(
            Prefetch(
                "events",
                queryset=ReviewEvent.objects.only(
                    "practice_id", "to_status", "message", "created_at", "actor_name", "revision_id"
                ),
            ),
            Prefetch(
                "revisions", queryset=PracticeRevision.objects.open(), to_attr="open_revisions"
            ),
        )
        .order_by("-updated_at")
    )
    groups = {status: [] for status in Status.values}
    for practice in practices:
        decisions = [e for e in practice.events.all() if e.to_status in DECISIONS and e.message]
        practice.latest_message = decisions[-1] if decisions else None
        practice.next_step = NEXT_STEPS[practice.status]
        practice.open_revision = practice.open_revisions[0] if practice.open_revisions else None
        groups[practice.status].append(practice)
    ordered = [
        {"status": status, "label": label, "practices": groups[status]}
        for status, label in Status.choices
    ]
    return render(request, "members/dashboard.html", {"groups": ordered, "city": request.city})


def _form_context(request, form, practice=None, revision=None):
    return {
        "form": form,
        "practice": practice,
        "revision": revision,
        "city": request.city,
        "is_update": practice is not None and practice.status == Status.PUBLISHED,
    }


def _set_version(form, version, base_version=None):
    """Let the form carry the current versions, so a deliberate second save goes through."""
    form.data = form.data.copy()
    form.data["version"] = version
    if base_version is not None:
        form.data["base_version"] = base_version


def _add_workflow_errors(form, error):
    for field, message in error.field_errors.items():
        if field in form.fields:
            form.add_error(field, message)
        else:
            form.add_error(None, message)
    form.add_error(None, error.message)


@officer_required
@require_http_methods(["GET", "POST"])
def practice_new(request):
    form = PracticeForm(request.POST or None, request.FILES or None, city=request.city)
    if request.method == "POST" and form.is_valid():
        practice = services.practice_create(actor=request.user, data=form.content())
        return _after_save(request, form, practice)
    return render(request, "members/practice_form.html", _form_context(request, form))


def _after_save(request, form, practice):
    """Store the image, submit when asked, and answer; on refusal show the form again."""
    try:
        if form.cleaned_data.get("image"):
            practice = services.practice_set_main_image(
                practice=practice, actor=request.user, prepared=form.cleaned_data["image"]
            )
        if request.POST.get("action") == "submit":
            services.practice_submit(
                practice=practice, actor=request.user, message=form.cleaned_data.get("reply", "")
            )
            messages.success(request, _("Submitted for review. The editors have been told."))
        else:
            messages.success(request, _("Draft saved."))
    except services.WorkflowError as error:
        practice.refresh_from_db()
        _set_version(form, practice.version)
        _add_workflow_errors(form, error)
        context = _form_context(request, form, practice)
        if request.POST.get("action") == "submit":
            # What was typed is stored, but nobody will review it: say so first.
            context["not_submitted"] = error.message
        return render(request, "members/practice_form.html", context, status=200)
    return HttpResponseRedirect(reverse("members:practice", args=[practice.pk]))


@officer_required
@require_http_methods(["GET", "POST"])
def practice_edit(request, pk):
    practice = own_practice(request, pk)
    if practice.status == Status.PUBLISHED:
        return _revision_edit(request, practice)
    if practice.status not in (Status.DRAFT, Status.CHANGES_REQUESTED):
        messages.error(
            request, services.ERROR_NOT_EDITABLE % {"status": practice.get_status_display()}
        )
        return HttpResponseRedirect(reverse("members:practice", args=[practice.pk]))
    if request.method == "GET":
        form = PracticeForm(
            instance=practice, initial={"version": practice.version}, city=request.city
        )
        return render(request, "members/practice_form.html", _form_context(request, form, practice))
    form = PracticeForm(request.POST, request.FILES, instance=practice, city=request.city)
    if not form.is_valid():
        return render(request, "members/practice_form.html", _form_context(request, form, practice))
    try:
        practice = services.practice_save_draft(
            practice=practice,
            actor=request.user,
            data=form.content(),
            expected_version=form.cleaned_data.get("version"),
        )
    except services.StaleEdit as error:
        practice.refresh_from_db()
        _set_version(form, practice.version)
        form.add_error(None, error.message)
        return render(
            request,
            "members/practice_form.html",
            _form_context(request, form, practice),
            status=409,
        )
    except services.WorkflowError as error:
        messages.error(request, error.message)
        return HttpResponseRedirect(reverse("members:practice", args=[practice.pk]))
    return _after_save(request, form, practice)


def _revision_edit(request, practice):
    revision = practice.revisions.open().first()
    initial = revision.data if revision else practice_content(practice)
    version = revision.version if revision else 0
    if revision and revision.status == PracticeRevision.Status.SUBMITTED:
        messages.error(request, _("Your update is awaiting review. Withdraw it to change it."))
        return HttpResponseRedirect(reverse("members:practice", args=[practice.pk]))
    if request.method == "GET":
        form = PracticeForm(
            instance=practice,
            initial={**initial, "version": version, "base_version": practice.version},
            city=request.city,
            allow_image=False,
        )
        return render(
            request, "members/practice_form.html", _form_context(request, form, practice, revision)
        )
    form = PracticeForm(request.POST, instance=practice, city=request.city, allow_image=False)
    if not form.is_valid():
        return render(
            request, "members/practice_form.html", _form_context(request, form, practice, revision)
        )
    saved = False
    try:
        revision = services.revision_save(
            practice=practice,
            actor=request.user,
            data=form.content(),
            expected_version=form.cleaned_data.get("version"),
            base_version=form.cleaned_data.get("base_version"),
        )
        saved = True
        if request.POST.get("action") == "submit":
            services.revision_submit(
                revision=revision, actor=request.user, message=form.cleaned_data.get("reply", "")
            )
            messages.success(
                request,
                _("Update submitted. The public page stays as it is until an editor approves it."),
            )
        else:
            messages.success(request, _("Proposed update saved. It is not public."))
    except services.StaleEdit as error:
        practice.refresh_from_db()
        revision = practice.revisions.open().first()
        _set_version(form, revision.version if revision else 0, practice.version)
        form.add_error(None, error.message)
        return render(
            request,
            "members/practice_form.html",
            _form_context(request, form, practice, revision),
            status=409,
        )
    except services.WorkflowError as error:
        practice.refresh_from_db()
        revision = practice.revisions.open().first()
        _set_version(form, revision.version if revision else 0, practice.version)
        _add_workflow_errors(form, error)
        context = _form_context(request, form, practice, revision)
        if saved and request.POST.get("action") == "submit":
            context["not_submitted"] = error.message
        return render(request, "members/practice_form.html", context)
    return HttpResponseRedirect(reverse("members:practice", args=[practice.pk]))


@officer_required
@require_http_methods(["GET"])
def practice_detail(request, pk):
    return detail_page(request, own_practice(request, pk))


@officer_required
@require_http_methods(["GET"])
def practice_preview(request, pk):
    practice = own_practice(request, pk)
    revision = practice.revisions.open().first() if request.GET.get("update") else None
    themes = practice.themes.all()
    roles = practice.city_roles.all()
    groups = practice.target_groups.all()
    if revision is not None:
        # Show the proposed text in the public layout, without saving anything.
        for name in CONTENT_FIELDS:
            if name in revision.data:
                setattr(practice, name, revision.data[name])
        themes = Theme.objects.filter(pk__in=revision.data.get("themes", []))
        roles = CityRole.objects.filter(pk__in=revision.data.get("city_roles", []))
        groups = TargetGroup.objects.filter(pk__in=revision.data.get("target_groups", []))
    context = {
        "practice": practice,
        "text": practice,
        "text_language": practice.language,
        "themes": themes,
        "city_roles": roles,
        "target_groups": groups,
        "commitments": Commitment.objects.none(),
        "related": [],
        "show_contact": True,
        "is_preview": True,
    }
    return render(request, "practices/practice_detail.html", context)


@officer_required
@require_POST
def practice_withdraw(request, pk):
    practice = own_practice(request, pk)
    try:
        revision = practice.revisions.open().first()
        if practice.status == Status.PUBLISHED and revision is not None:
            services.revision_withdraw(revision=revision, actor=request.user)
        else:
            services.practice_withdraw(practice=practice, actor=request.user)
        messages.success(request, _("Withdrawn from review. You can edit it again."))
    except services.WorkflowError as error:
        messages.error(request, error.message)
    return HttpResponseRedirect(reverse("members:practice", args=[practice.pk]))


@officer_required
@require_POST
def practice_submit(request, pk):
    practice = own_practice(request, pk)
    try:
        services.practice_submit(
            practice=practice, actor=request.user, message=request.POST.get("reply", "")
        )
        messages.success(request, _("Submitted for review. The editors have been told."))
        return HttpResponseRedirect(reverse("members:practice", args=[practice.pk]))
    except services.WorkflowError as error:
        messages.error(request, error.message)
        return HttpResponseRedirect(reverse("members:practice_edit", args=[practice.pk]))


@officer_required
@require_http_methods(["GET", "POST"])
def practice_delete(request, pk):
    practice = own_practice(request, pk)
    if request.method == "POST":
        try:
            services.practice_delete_draft(practice=practice, actor=request.user)
        except services.WorkflowError as error:
            messages.error(request, error.message)
            return HttpResponseRedirect(reverse("members:practice", args=[practice.pk]))
        messages.success(request, _("The draft was deleted."))
        return HttpResponseRedirect(reverse("members:dashboard"))
    return render(request, "members/practice_confirm_delete.html", {"practice": practice})


def detail_page(request, practice, status=200, image_form=None, attachment_form=None):
    """The officer's page of one practice: state, messages, actions, images and files."""
    names = dict(Practice.Language.choices)
    revision = practice.revisions.open().first()
    translated = (revision.data if revision else {}).get("translations") or {
        item.language: True for item in practice.translations.all()
    }
    context = {
        "translation_links": [
            {"code": code, "name": names[code], "exists": code in translated}
            for code in TRANSLATION_LANGUAGES
            if code != practice.language
        ],
        "practice": practice,
        "thread": _thread(practice),
        "next_step": NEXT_STEPS[practice.status],
        "revision": practice.revisions.open().first(),
        "can_edit": practice.status in (Status.DRAFT, Status.CHANGES_REQUESTED),
        "image_form": image_form or PracticeImageForm(),
        "attachment_form": attachment_form or PracticeAttachmentForm(),
    }
    return render(request, "members/practice_detail.html", context, status=status)

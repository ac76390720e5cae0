"""The practice's text in the portal's other languages."""

from django.contrib import messages
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from members.forms import PracticeTranslationForm
from practices import services
from practices.models import TRANSLATED_FIELDS, TRANSLATION_LANGUAGES, Practice, PracticeRevision
from practices.snapshots import practice_content

from .access import officer_required, own_practice

Status = Practice.Status


@officer_required
@require_http_methods(["GET", "POST"])
def translation_edit(request, pk, language):
    """Write or correct the practice's text in another language."""
    practice = own_practice(request, pk)
    names = dict(Practice.Language.choices)
    if language not in TRANSLATION_LANGUAGES or language == practice.language:
        raise Http404
    editable = practice.status in (Status.DRAFT, Status.CHANGES_REQUESTED, Status.PUBLISHED)
    revision = practice.revisions.open().first() if practice.status == Status.PUBLISHED else None
    if revision is not None and revision.status == PracticeRevision.Status.SUBMITTED:
        editable = False
    if not editable:
        messages.error(
            request, services.ERROR_NOT_EDITABLE % {"status": practice.get_status_display()}
        )
        return HttpResponseRedirect(reverse("members:practice", args=[practice.pk]))
    source = revision.data if revision else practice_content(practice)
    current = (source.get("translations") or {}).get(language)
    form = PracticeTranslationForm(request.POST or None, initial=current)
    for field in form.fields.values():
        field.widget.attrs["lang"] = language  # what is typed is in that language
    if request.method == "POST":
        try:
            if request.POST.get("action") == "delete":
                services.practice_save_translation(
                    practice=practice, actor=request.user, language=language, fields=None
                )
                messages.success(request, _("The translation was removed."))
                return HttpResponseRedirect(reverse("members:practice", args=[practice.pk]))
            if form.is_valid():
                services.practice_save_translation(
                    practice=practice,
                    actor=request.user,
                    language=language,
                    fields={name: form.cleaned_data[name] for name in TRANSLATED_FIELDS},
                )
                messages.success(
                    request,
                    _(
                        "Translation saved. For a published practice it is part of your proposed "
                        "update, public once approved."
                    )
                    if practice.status == Status.PUBLISHED
                    else _("Translation saved."),
                )
                return HttpResponseRedirect(reverse("members:practice", args=[practice.pk]))
        except services.WorkflowError as error:
            form.add_error(None, error.message)
    context = {
        "practice": practice,
        "form": form,
        "language": language,
        "language_name": names[language],
        "exists": current is not None,
    }
    return render(request, "members/translation_form.html", context)

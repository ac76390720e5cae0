"""The images and PDF documents of a practice being written: add one, remove one."""

from django.contrib import messages
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from members.forms import PracticeAttachmentForm, PracticeImageForm
from practices import services

from .access import officer_required, own_practice
from .practices import detail_page


def _add(request, pk, form_class, store, done, form_name):
    """Store an upload through `store(practice, form)`; on refusal show the practice's page
    again with the form and its errors (400)."""
    practice = own_practice(request, pk)
    form = form_class(request.POST, request.FILES)
    if form.is_valid():
        try:
            store(practice, form.cleaned_data)
            messages.success(request, done)
            return HttpResponseRedirect(reverse("members:practice", args=[practice.pk]))
        except services.WorkflowError as error:
            form.add_error(None, error.message)
    return detail_page(request, practice, status=400, **{form_name: form})


def _remove(request, pk, related, item_pk, remove, done):
    practice = own_practice(request, pk)
    item = get_object_or_404(getattr(practice, related), pk=item_pk)
    try:
        remove(practice, item)
        messages.success(request, done)
    except services.WorkflowError as error:
        messages.error(request, error.message)
    return HttpResponseRedirect(reverse("members:practice", args=[practice.pk]))


@officer_required
@require_POST
def image_add(request, pk):
    def store(practice, data):
        services.practice_add_image(
            practice=practice,
            actor=request.user,
            prepared=data["upload"],
            alt_text=data["alt_text"],
        )

    return _add(request, pk, PracticeImageForm, store, _("Image added."), "image_form")


@officer_required
@require_POST
def image_delete(request, pk, image_pk):
    def remove(practice, image):
        services.practice_remove_image(practice=practice, actor=request.user, image=image)

    return _remove(request, pk, "images", image_pk, remove, _("Image removed."))


@officer_required
@require_POST
def attachment_add(request, pk):
    def store(practice, data):
        services.practice_add_attachment(
            practice=practice,
            actor=request.user,
            uploaded=data["upload"],
            title=data["title"],
        )

    return _add(
        request, pk, PracticeAttachmentForm, store, _("Document attached."), "attachment_form"
    )


@officer_required
@require_POST
def attachment_delete(request, pk, attachment_pk):
    def remove(practice, attachment):
        services.practice_remove_attachment(
            practice=practice, actor=request.user, attachment=attachment
        )

    return _remove(request, pk, "attachments", attachment_pk, remove, _("Document removed."))

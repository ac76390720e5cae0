"""The member area's adaptations, /members/adaptations/: what the officer's city adapted from
other cities, recording a new one from a published practice, and editing and submitting one
for the editors' review. Every object is checked against the officer's city on the server."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from members.views.access import officer_required
from practices.models import Practice

from . import services
from .forms import AdaptationForm
from .models import Adaptation


@officer_required
@require_http_methods(["GET"])
def adaptation_list(request):
    adaptations = list(
        Adaptation.objects.for_city(request.city)
        .select_related("original__city")
        .prefetch_related("events")
    )
    for adaptation in adaptations:
        events = list(adaptation.events.all())
        # The editors' last word, shown with the record.
        adaptation.last_decision = next(
            (event for event in reversed(events) if event.action != "submitted"), None
        )
    return render(
        request,
        "exchange/adaptation_list.html",
        {"adaptations": adaptations, "city": request.city},
    )


def _save(request, form, adaptation=None, original=None):
    """Run the service for a valid form; return the adaptation, or None with the form's errors."""
    data = {name: form.cleaned_data[name] for name in services.ADAPTATION_FIELDS}
    submit = "submit" in request.POST
    message = form.cleaned_data.get("message", "")
    try:
        if adaptation is None:
            return services.adaptation_create(
                original=original, actor=request.user, data=data, submit=submit, message=message
            )
        return services.adaptation_save(
            adaptation=adaptation,
            actor=request.user,
            data=data,
            version=form.cleaned_data.get("version"),
            submit=submit,
            message=message,
        )
    except services.ExchangeError as error:
        form.add_error(error.field if error.field in form.fields else None, error.message)
        return None


def _saved_message(request, adaptation):
    if adaptation.status == Adaptation.Status.SUBMITTED:
        messages.success(request, _("Submitted. The editors will review it; you will be e-mailed."))
    else:
        messages.success(request, _("Saved. Submit it when it is ready for the editors."))


@officer_required
@require_http_methods(["GET", "POST"])
def adaptation_new(request, practice_pk):
    # Nothing of an unpublished practice: it is not found, whoever asks.
    original = get_object_or_404(
        Practice.objects.published().select_related("city"), pk=practice_pk
    )
    existing = Adaptation.objects.for_city(request.city).filter(original=original).first()
    if existing is not None:
        return redirect("adaptations:adaptation", pk=existing.pk)
    form = AdaptationForm(request.POST or None, city=request.city)
    context = {"original": original, "form": form, "city": request.city}
    if original.city_id == request.city.pk:
        context["refusal"] = services.adaptations.ERROR_OWN_CITY
        return render(request, "exchange/adaptation_form.html", context, status=403)
    if request.method == "POST" and form.is_valid():
        adaptation = _save(request, form, original=original)
        if adaptation is not None:
            _saved_message(request, adaptation)
            return redirect("adaptations:adaptation", pk=adaptation.pk)
    return render(request, "exchange/adaptation_form.html", context)


@officer_required
@require_http_methods(["GET", "POST"])
def adaptation_detail(request, pk):
    adaptation = get_object_or_404(
        Adaptation.objects.for_city(request.city).select_related("original__city"), pk=pk
    )
    form = AdaptationForm(request.POST or None, instance=adaptation, city=request.city)
    if request.method == "POST" and form.is_valid():
        saved = _save(request, form, adaptation=adaptation)
        if saved is not None:
            _saved_message(request, saved)
            return redirect("adaptations:adaptation", pk=saved.pk)
        if "version" in form.errors or form.non_field_errors():
            # A stale edit: the form now names the current version, what was typed stays.
            adaptation.refresh_from_db()
            data = request.POST.copy()
            data["version"] = adaptation.version
            errors = form.errors
            form = AdaptationForm(data, instance=adaptation, city=request.city)
            form.is_valid()
            for error in errors.get("__all__", []):
                form.add_error(None, error)
    context = {
        "adaptation": adaptation,
        "original": adaptation.original,
        "form": form,
        "events": adaptation.events.all(),
        "city": request.city,
    }
    return render(request, "exchange/adaptation_form.html", context)

"""The member area's conversations, /members/conversations/: the list, one conversation with
its reply form, asking a published practice's city a question, and the answering city's
consent to publication. Every object is checked against the officer's city on the server."""

from django.contrib import messages
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from members.views.access import officer_required
from practices.models import Practice

from . import services
from .forms import MessageForm, QuestionForm
from .models import Conversation

Public = Conversation.Public


def _conversation(request, pk):
    """Return a conversation of the officer's city, or answer 404."""
    return get_object_or_404(
        Conversation.objects.for_city(request.city).select_related(
            "practice", "asking_city", "answering_city"
        ),
        pk=pk,
    )


@officer_required
@require_http_methods(["GET"])
def conversation_list(request):
    conversations = (
        Conversation.objects.for_city(request.city)
        .with_unread_for(request.city)
        .select_related("practice", "asking_city", "answering_city")
    )
    return render(
        request,
        "exchange/conversation_list.html",
        {"conversations": conversations, "city": request.city},
    )


def _detail(request, conversation, form=None, status=200):
    context = {
        "conversation": conversation,
        "thread": conversation.messages.select_related("author_city"),
        "events": conversation.events.all(),
        "form": form or MessageForm(),
        "city": request.city,
        "is_answering_city": request.city.pk == conversation.answering_city_id,
        "can_offer": conversation.is_open
        and conversation.public_state in (Public.PRIVATE, Public.REFUSED),
        "can_withdraw": conversation.public_state in (Public.OFFERED, Public.PUBLISHED),
        # The asking city sees the practice only while it is public.
        "practice_public": conversation.practice.status == Practice.Status.PUBLISHED,
    }
    return render(request, "exchange/conversation_detail.html", context, status=status)


@officer_required
@require_http_methods(["GET", "POST"])
def conversation_detail(request, pk):
    conversation = _conversation(request, pk)
    if request.method == "GET":
        services.conversation_mark_read(conversation=conversation, city=request.city)
        return _detail(request, conversation)
    form = MessageForm(request.POST)
    if not form.is_valid():
        return _detail(request, conversation, form)
    try:
        services.conversation_reply(
            conversation=conversation, actor=request.user, body=form.cleaned_data["body"]
        )
    except services.ExchangeError as error:
        form.add_error("body" if error.field else None, error.message)
        return _detail(request, conversation, form)
    messages.success(request, _("Your message was sent. The other city has been told."))
    return HttpResponseRedirect(reverse("exchange:conversation", args=[conversation.pk]))


@officer_required
@require_http_methods(["GET", "POST"])
def conversation_new(request, practice_pk):
    # Nothing of an unpublished practice: it is not found, whoever asks.
    practice = get_object_or_404(
        Practice.objects.published().select_related("city"), pk=practice_pk
    )
    form = QuestionForm(request.POST or None)
    context = {"practice": practice, "form": form, "city": request.city}
    if practice.city_id == request.city.pk:
        context["refusal"] = services.ERROR_OWN_CITY
        return render(request, "exchange/conversation_new.html", context, status=403)
    if request.method == "GET" or not form.is_valid():
        return render(request, "exchange/conversation_new.html", context)
    try:
        conversation = services.conversation_start(
            practice=practice, actor=request.user, body=form.cleaned_data["body"]
        )
    except services.TooManyQuestions as error:
        form.add_error("body", error.message)
        return render(request, "exchange/conversation_new.html", context, status=429)
    except services.ExchangeError as error:
        form.add_error("body" if error.field else None, error.message)
        return render(request, "exchange/conversation_new.html", context)
    messages.success(
        request,
        _("Your question was sent to %(city)s. You will be e-mailed when they answer.")
        % {"city": practice.city.name},
    )
    return HttpResponseRedirect(reverse("exchange:conversation", args=[conversation.pk]))


@officer_required
@require_POST
def conversation_publication(request, pk):
    """The answering city offers the conversation for publication, or takes it back."""
    conversation = _conversation(request, pk)
    if request.city.pk != conversation.answering_city_id:
        raise Http404
    action = request.POST.get("action")
    try:
        if action == "offer":
            services.conversation_offer(conversation=conversation, actor=request.user)
            messages.success(
                request,
                _("Thank you. The editors will check it before it is shown under the practice."),
            )
        elif action == "withdraw":
            services.conversation_withdraw(conversation=conversation, actor=request.user)
            messages.success(request, _("It will not be shown under the practice."))
        else:
            messages.error(request, _("Choose to offer it for publication or to withdraw it."))
    except services.ExchangeError as error:
        messages.error(request, error.message)
    return HttpResponseRedirect(reverse("exchange:conversation", args=[conversation.pk]))

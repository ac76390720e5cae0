"""What other pages show of the exchange, without importing it: the questions under a
practice, the link to ask one, the conversations link on the dashboard, and plain text with
clickable links."""

from django import template
from django.db.models import F
from django.template.defaultfilters import linebreaks_filter, urlize
from django.utils.safestring import mark_safe

from cities.models import active_officer_city
from exchange.models import Adaptation, Conversation, Message
from exchange.selectors import (
    adaptations_by_year,
    adaptations_of,
    records_of_city,
    records_of_coalition,
)
from insights.charts import bar_chart, year_series
from insights.report import describe

register = template.Library()


@register.filter(is_safe=True)
def message_text(text):
    """Plain text as paragraphs, web addresses as links that pass nothing to the other site."""
    linked = urlize(text, autoescape=True)
    linked = linked.replace(' rel="nofollow"', ' rel="nofollow noopener noreferrer"')
    return mark_safe(linebreaks_filter(mark_safe(linked), autoescape=True))  # noqa: S308


@register.inclusion_tag("exchange/public_questions.html")
def public_questions(practice):
    """The questions under a practice: its city agreed, an editor approved; cities named, never
    persons; the messages up to the version the editor approved."""
    # One query: the messages, each with its conversation and the cities named.
    messages = (
        Message.objects.filter(
            conversation__in=Conversation.objects.published_for(practice),
            version__lte=F("conversation__published_version"),
        )
        .select_related("conversation__asking_city", "author_city")
        .order_by("-conversation__last_message_at", "-conversation_id", "created_at", "pk")
    )
    conversations = {}
    for message in messages:
        conversation = conversations.setdefault(message.conversation_id, message.conversation)
        conversation.__dict__.setdefault("shown_messages", []).append(message)
    return {"conversations": list(conversations.values())}


@register.inclusion_tag("exchange/city_answers.html")
def city_answers(city):
    """The questions a city answered that are shown under its practices: the practice, the
    asking city, when — linked to the practice, where the exchange is read."""
    conversations = (
        Conversation.objects.filter(answering_city=city, practice__status="published")
        .filter(public_state=Conversation.Public.PUBLISHED, state=Conversation.State.OPEN)
        .select_related("practice", "asking_city")
        .order_by("-last_message_at", "-pk")
    )
    return {"conversations": list(conversations)}


@register.inclusion_tag("exchange/ask_link.html", takes_context=True)
def ask_the_city(context, practice):
    """The way to ask the practice's city a question: for anyone but its own officers."""
    request = context.get("request")
    city = active_officer_city(request.user) if request is not None else None
    return {"practice": practice, "own_city": city is not None and city.pk == practice.city_id}


@register.inclusion_tag("exchange/dashboard_link.html")
def conversations_link(city):
    """The dashboard's link to the conversations, with how many have a message unread."""
    return {"unread": Conversation.objects.unread_for(city).count()}


@register.inclusion_tag("exchange/adaptations.html", takes_context=True)
def adaptations(context, practice):
    """The practice's "Adapted by" and "Adapted from", and, for officers of another city, the
    way to record that their city adapted it."""
    adapted_by, adapted_from = adaptations_of(practice)
    request = context.get("request")
    city = active_officer_city(request.user) if request is not None else None
    return {
        "practice": practice,
        "adapted_by": adapted_by,
        "adapted_from": adapted_from,
        # Offered to every visitor but its own city's officers: the sign-in comes first.
        "can_record": city is None or city.pk != practice.city_id,
    }


@register.inclusion_tag("exchange/adaptations_link.html")
def adaptations_link(city):
    """The dashboard's link to the city's adaptations, with how many await the city."""
    waiting = Adaptation.objects.for_city(city).filter(status=Adaptation.Status.CHANGES_REQUESTED)
    return {"changes_requested": waiting.count()}


@register.inclusion_tag("exchange/city_transfers.html")
def city_transfers(city, adapted, adapted_by):
    """A city page's transfers: the links between published practices its view read, and the
    approved records of adaptations no link already says."""
    recorded_adapted, recorded_by = records_of_city(city)
    return {
        "adapted": adapted,
        "adapted_by": adapted_by,
        "recorded_adapted": recorded_adapted,
        "recorded_by": recorded_by,
    }


@register.inclusion_tag("exchange/coalition_transfers.html")
def coalition_transfers(coalition, transfers):
    """A coalition page's transfers within and across it: the links its view read, with the
    approved records of adaptations added to each kind."""
    recorded = records_of_coalition(coalition)
    kinds = {
        name: {
            "total": transfers[name]["total"] + recorded[name]["total"],
            "links": transfers[name]["links"],
            "records": recorded[name]["records"],
        }
        for name in ("within", "across")
    }
    return {"within": kinds["within"], "across": kinds["across"]}


@register.inclusion_tag("exchange/adaptation_trend.html")
def adaptation_trend(coalition=None):
    """The insights' chart of adaptations over time: the approved records by the year the
    adapting city started, of one coalition's cities (adapting or adapted) if given."""
    values = year_series(adaptations_by_year(coalition))
    return {
        "values": values,
        "chart": bar_chart(values),
        "summary": describe(values),
        "coalition": coalition,
    }

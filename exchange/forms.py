from django import forms
from django.utils.translation import gettext_lazy as _

from core.admin_tools import DecisionForm

from .models import MESSAGE_MAX_LENGTH, ConversationEvent


class MessageForm(forms.Form):
    # The length is checked by the service too; the form says it first, with the text kept.
    body = forms.CharField(
        label=_("Your message"),
        max_length=MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Plain text. Addresses of web pages become links. Up to %(limit)s characters.")
        % {"limit": MESSAGE_MAX_LENGTH},
        error_messages={"required": _("Write your message.")},
    )


class QuestionForm(MessageForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].label = _("Your question")


class EditorDecisionForm(DecisionForm):
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Kept in the conversation's history; for closing, the two cities read it."),
    )

    ACTIONS = {
        "close": ConversationEvent.Action.CLOSED,
        "publish": ConversationEvent.Action.PUBLISHED,
        "refuse": ConversationEvent.Action.REFUSED,
    }

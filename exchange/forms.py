from django import forms
from django.utils.translation import gettext_lazy as _

from core.admin_tools import DecisionForm
from practices.models import NOTE_MAX_LENGTH, Practice

from .models import MESSAGE_MAX_LENGTH, Adaptation


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


class AdaptationForm(forms.ModelForm):
    """An officer's record that their city adapted another city's practice, with the version
    it was opened on."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    message = forms.CharField(
        label=_("Your note to the editors"),
        required=False,
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Sent with your submission: for example, what you changed since their message."
        ),
    )

    class Meta:
        model = Adaptation
        fields = ["started_in", "progress", "what_changed", "outcome", "own_practice"]
        widgets = {
            "progress": forms.RadioSelect,
            "what_changed": forms.Textarea(attrs={"rows": 5}),
            "outcome": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, city, **kwargs):
        super().__init__(*args, **kwargs)
        # The city's own practices only, by title (a city has tens, not thousands).
        self.fields["own_practice"].queryset = Practice.objects.for_city(city).order_by("title")
        self.fields["own_practice"].empty_label = _("None")
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version


class AdaptationDecisionForm(DecisionForm):
    reason = forms.CharField(
        label=_("Message to the city"),
        required=False,
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required to ask for changes or to reject; the city's officers read it."),
    )

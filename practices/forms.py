"""Form parts that the officers' and the editors' practice forms share."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models.transferability import OPTION_SET_CHOICES, from_option_set, to_option_set

OPTION_SET_LABELS = {
    "city_powers": _("Powers the city needs"),
    "partner_kinds": _("Partners it relies on"),
}
OPTION_SET_HELP = {
    "city_powers": _("Tick the competences a city must hold to run the practice."),
    "partner_kinds": _("Tick the kinds of organisations the practice cannot do without."),
}


class OptionSetField(forms.MultipleChoiceField):
    """Tick boxes for the powers or partners of a practice, stored as ",a,b,"."""

    widget = forms.CheckboxSelectMultiple

    def prepare_value(self, value):
        return from_option_set(value) if isinstance(value, str) else value

    def clean(self, value):
        return to_option_set(super().clean(value))

    def has_changed(self, initial, data):
        return to_option_set(self.prepare_value(initial) or []) != to_option_set(data or [])


class TransferabilityFieldsMixin:
    """Replace the model's stored strings of powers and partners by tick boxes."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, choices in OPTION_SET_CHOICES.items():
            if name in self.fields:
                self.fields[name] = OptionSetField(
                    label=OPTION_SET_LABELS[name],
                    choices=choices.choices,
                    required=False,
                    help_text=OPTION_SET_HELP[name],
                )

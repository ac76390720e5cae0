"""The editors' forms beyond the admin's own: a decision on a version, and the choice of
practices a draft is started from."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.admin_tools import DecisionForm
from practices.models import EvidenceLevel

from .models import MAX_ENTRIES


class PublicationDecisionForm(DecisionForm):
    note = forms.CharField(
        label=_("Note for the history (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class StartDraftForm(forms.Form):
    title = forms.CharField(label=_("Title of the publication"), max_length=200)
    year = forms.IntegerField(label=_("Year of the publication"), min_value=1990, max_value=2100)
    published_from = forms.IntegerField(
        label=_("Practices published on the portal from (year)"),
        required=False,
        min_value=2000,
        max_value=2100,
    )
    published_to = forms.IntegerField(
        label=_("… to (year)"), required=False, min_value=2000, max_value=2100
    )
    promising_only = forms.BooleanField(label=_("Promising practices only"), required=False)
    min_evidence_level = forms.TypedChoiceField(
        label=_("Evidence level at least"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", _("Any")), *EvidenceLevel.choices],
    )
    group_by = forms.ChoiceField(
        label=_("Chapters by"),
        choices=[
            ("theme", _("Theme (each practice under its first theme)")),
            ("role", _("Role of the city (each practice under its first role)")),
        ],  # fmt: skip
        initial="theme",
        help_text=_("At most %(max)s practices, oldest first.") % {"max": MAX_ENTRIES},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = timezone.now().year

    def clean(self):
        data = super().clean()
        start, end = data.get("published_from"), data.get("published_to")
        if start and end and end < start:
            self.add_error("published_to", _("The last year comes before the first."))
        return data

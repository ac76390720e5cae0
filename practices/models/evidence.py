"""How well a practice's results are proven: a five-level scale modelled on Nesta's Standards
of Evidence. Officers propose a level with their evidence; editors set it in review."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class EvidenceLevel(models.IntegerChoices):
    DESCRIBED = 1, _("Described")
    CHANGE_OBSERVED = 2, _("Change observed")
    CHANGE_ATTRIBUTED = 3, _("Change attributed")
    INDEPENDENTLY_CONFIRMED = 4, _("Independently confirmed")
    READY_TO_TRANSFER = 5, _("Ready to transfer")


# What each level takes, in plain words for officers and visitors.
WHAT_IT_TAKES = {
    EvidenceLevel.DESCRIBED: _(
        "The practice is described clearly: what is done, for whom, and a convincing account of "
        "why it should reduce racism or discrimination."
    ),
    EvidenceLevel.CHANGE_OBSERVED: _(
        "Data were collected that show a positive change among the people or places concerned "
        "(e.g. before/after figures), but the change cannot yet be attributed to the practice."
    ),
    EvidenceLevel.CHANGE_ATTRIBUTED: _(
        "An evaluation with a comparison or control group shows that the practice caused at "
        "least part of the change."
    ),
    EvidenceLevel.INDEPENDENTLY_CONFIRMED: _(
        "One or more independent evaluations, or a replication in another place, confirm the "
        "effect."
    ),
    EvidenceLevel.READY_TO_TRANSFER: _(
        "The practice is documented (manuals, training, procedures) so that other cities can "
        "reproduce it with the same results, and it has been reproduced."
    ),
}


def evidence_scale():
    """Return the levels in order, each with its number, name and what it takes."""
    return [
        {"value": level.value, "label": level.label, "what_it_takes": WHAT_IT_TAKES[level]}
        for level in EvidenceLevel
    ]

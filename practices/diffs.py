"""What changed between two versions of a practice, shown to the editors field by field."""

import difflib
import html
import re

from django.utils.safestring import mark_safe

from .models import (
    CLASSIFICATION_FIELDS,
    CONTENT_FIELDS,
    TRANSLATED_FIELDS,
    Practice,
    PracticeTranslation,
)
from .models.transferability import OPTION_SET_CHOICES, from_option_set

# A text is compared paragraph by paragraph, then sentence by sentence inside the paragraphs
# that changed, then word by word inside the sentences that changed.
PARAGRAPHS = re.compile(r"[^\n]*\n|[^\n]+")
SENTENCES = re.compile(r"[^.!?;。！？؟]+[.!?;。！？؟]+\s*|[^.!?;。！？؟]+")
WORDS = re.compile(r"\s+|[^\s]+")
LEVELS = [PARAGRAPHS, SENTENCES, WORDS]
# The most pairs of words (or of paragraphs) compared for one page, over all its fields: the
# matching costs about the product of the two lengths, so an officer's very long or very
# repetitive text could otherwise keep an editor's page busy for minutes. Past it, what remains
# is shown whole, old struck through and new added.
COMPARISON_BUDGET = 2_000_000


class Budget:
    """What one page may still spend comparing texts."""

    def __init__(self, pairs=COMPARISON_BUDGET):
        self.left = pairs

    def allows(self, a, b):
        cost = len(a) * len(b)
        if cost > self.left:
            return False
        self.left -= cost
        return True


def field_changes(old, new):
    """Return [{field, label, before, after, html, whole}] for every field that differs, in form
    order; `whole` says the texts were too long to compare word by word."""
    changes, budget = [], Budget()
    rows = [
        (
            name,
            Practice._meta.get_field(name).verbose_name,
            readable(name, old.get(name)),
            readable(name, new.get(name)),
        )
        for name in [*CONTENT_FIELDS, *CLASSIFICATION_FIELDS, "image"]
    ]
    rows += _translation_rows(old.get("translations") or {}, new.get("translations") or {})
    for name, label, before, after in rows:
        if before == after or (before in (None, "", []) and after in (None, "", [])):
            continue
        comparison = TextComparison(_as_text(before), _as_text(after), budget)
        changes.append(
            {
                "field": name,
                "label": label,
                "before": before,
                "after": after,
                "html": comparison.html(),
                "whole": comparison.whole,
            }
        )
    return changes


def readable(name, value):
    """A stored value as the editors read it: the label of a choice, the labels of a set of
    powers or partners ("Schools; Police"), anything else as it is."""
    if name in OPTION_SET_CHOICES and isinstance(value, str):
        labels = dict(OPTION_SET_CHOICES[name].choices)
        return "; ".join(str(labels.get(item, item)) for item in from_option_set(value))
    choices = Practice._meta.get_field(name).choices
    if choices and value not in (None, ""):
        return str(dict(choices).get(value, value))
    return value


def _translation_rows(old, new):
    languages = dict(Practice.Language.choices)
    rows = []
    for language in sorted(set(old) | set(new)):
        for name in TRANSLATED_FIELDS:
            field_label = PracticeTranslation._meta.get_field(name).verbose_name
            label = f"{languages.get(language, language)}: {field_label}"
            before = (old.get(language) or {}).get(name)
            after = (new.get(language) or {}).get(name)
            rows.append((f"translation_{language}_{name}", label, before, after))
    return rows


def _as_text(value):
    if value is None:
        return ""
    if isinstance(value, list):
        return "; ".join(str(item) for item in value)
    return str(value)


def word_diff(before, after, budget=None):
    """Return safe HTML of the new text with removed words in <del> and added ones in <ins>."""
    return TextComparison(before, after, budget or Budget()).html()


class TextComparison:
    """Two versions of a text, compared by paragraph, then sentence, then word, within a budget
    of work."""

    def __init__(self, before, after, budget):
        self.before, self.after, self.budget = before, after, budget
        self.whole = False  # some part was too long to compare word by word

    def html(self):
        return mark_safe("".join(self._compare(self.before, self.after, 0)))  # escaped below

    def _compare(self, before, after, level):
        old, new = LEVELS[level].findall(before), LEVELS[level].findall(after)
        pieces = []
        for operation, old_part, new_part in self._opcodes(old, new):
            if operation == "equal":
                pieces.append(html.escape("".join(new_part)))
            elif operation == "replace" and level + 1 < len(LEVELS):
                pieces += self._compare("".join(old_part), "".join(new_part), level + 1)
            else:
                if old_part:
                    pieces.append(f"<del>{html.escape(''.join(old_part))}</del>")
                if new_part:
                    pieces.append(f"<ins>{html.escape(''.join(new_part))}</ins>")
        return pieces

    def _opcodes(self, old, new):
        """Yield (operation, old items, new items): the common start and end as they are, the
        middle matched if the budget allows, else replaced whole."""
        start = 0
        while start < min(len(old), len(new)) and old[start] == new[start]:
            start += 1
        end = 0
        while end < min(len(old), len(new)) - start and old[-1 - end] == new[-1 - end]:
            end += 1
        if start:
            yield "equal", old[:start], new[:start]
        old_middle, new_middle = old[start : len(old) - end], new[start : len(new) - end]
        if old_middle and new_middle and self.budget.allows(old_middle, new_middle):
            matcher = difflib.SequenceMatcher(a=old_middle, b=new_middle, autojunk=False)
            for operation, a1, a2, b1, b2 in matcher.get_opcodes():
                yield operation, old_middle[a1:a2], new_middle[b1:b2]
        elif old_middle and new_middle:
            self.whole = True
            yield "whole", old_middle, new_middle
        elif old_middle or new_middle:
            yield "replace", old_middle, new_middle
        if end:
            yield "equal", old[len(old) - end :], new[len(new) - end :]

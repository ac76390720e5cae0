"""Sentences made once from the word banks, and the texts drawn from them for each practice."""

import random

from practices.models import SECTIONS

from .words import BANKS, capitalise

# Stands for the practice's city in the sentences; replaced per practice.
CITY = "\x00"


def fill(rng, template, slots):
    """Return `template` with each slot filled by one of its values, drawn from `rng`."""
    values = {name: rng.choice(options) for name, options in slots.items()}
    values.update(
        city=CITY,
        year=rng.randint(2005, 2024),
        pct=rng.randint(12, 78),
        num=rng.choice([40, 60, 85, 120, 150, 240, 300, 450, 600, 1200]),
        months=rng.choice([6, 9, 12, 18, 24, 36]),
        staff=rng.randint(2, 14),
    )
    return capitalise(template.format(**values))


class Pools:
    """Sentences made once from the word banks, picked from for each practice: fast, varied."""

    SIZE = 400  # distinct sentences per language and section

    def __init__(self, seed):
        rng = random.Random(f"pools:{seed}")
        self.sentences = {}
        for language, bank in BANKS.items():
            for section in [*SECTIONS, "summary", "common"]:
                templates = bank[section]
                made = [
                    fill(rng, templates[i % len(templates)], bank["slots"])
                    for i in range(self.SIZE)
                ]
                self.sentences[language, section] = [(s, len(s.split())) for s in made]

    def text(self, rng, language, section, words, common=0):
        """Return about `words` words of a section, in paragraphs, with `common` sentences
        carrying the language's word for discrimination."""
        pool = self.sentences[language, section]
        size, draw = len(pool), rng.random
        picked, count = [], 0
        while count < words:
            sentence, n = pool[int(draw() * size)]
            picked.append(sentence)
            count += n
        commons = self.sentences[language, "common"]
        for _ in range(common):
            picked.insert(rng.randrange(len(picked) + 1), commons[rng.randrange(len(commons))][0])
        paragraphs, size = [], 4 + rng.randrange(3)
        for start in range(0, len(picked), size):
            paragraphs.append(" ".join(picked[start : start + size]))
        return "\n\n".join(paragraphs), count

    def summary(self, rng, language, common):
        pool = self.sentences[language, "summary"]
        text = ""
        if common:
            commons = self.sentences[language, "common"]
            text = commons[rng.randrange(len(commons))][0]
        while True:
            sentence = pool[rng.randrange(len(pool))][0]
            longer = f"{text} {sentence}".strip()
            # The summary holds 600 characters at most; city names are at most 40 long.
            if len(longer) > 520 or (text and len(text) > 260 and rng.random() < 0.5):
                return text or sentence[:520]
            text = longer

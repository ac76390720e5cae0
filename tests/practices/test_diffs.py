"""What the editors see changed between two versions: word by word, and bounded in work."""

import random
import time

import pytest
from django.urls import reverse

from practices import services
from practices.diffs import field_changes, word_diff
from practices.models import Practice

Status = Practice.Status
pytestmark = pytest.mark.django_db


def test_changed_words_are_marked_and_the_rest_kept():
    html = word_diff("The city opened a desk. It helped.", "The city opened two desks. It helped.")
    assert html == (
        "The city opened <del>a</del><ins>two</ins> <del>desk.</del><ins>desks.</ins> It helped."
    )
    assert (
        word_diff("<b>a</b>", "<b>b</b>")
        == "<del>&lt;b&gt;a&lt;/b&gt;</del><ins>&lt;b&gt;b&lt;/b&gt;</ins>"
    )


def test_an_edit_inside_a_long_paragraph_is_found_word_by_word():
    words = [f"word{index}" for index in range(3000)]
    sentences = [" ".join(words[start : start + 15]) + "." for start in range(0, 3000, 15)]
    before = " ".join(sentences)
    after = before.replace("word15 ", "changed ").replace("word2990", "end")
    change = field_changes({"context": before}, {"context": after})[0]
    assert not change["whole"]
    assert "<del>word15</del><ins>changed</ins>" in change["html"]
    assert "<del>word2990</del><ins>end</ins>" in change["html"]


def hostile(rng, words):
    return " ".join(rng.choice("abcd") for _ in range(words))


def test_two_long_hostile_texts_cost_a_fraction_of_a_second_and_say_so():
    # Two 10,000-word texts of few distinct words: matching them word by word is what took over
    # a minute. Every section of both versions is such a text.
    rng = random.Random(1)
    sections = ["context", "implementation", "results", "why_it_works", "challenges"]
    old = {name: hostile(rng, 10_000) for name in sections}
    new = {name: hostile(rng, 10_000) for name in sections}
    started = time.perf_counter()
    changes = field_changes(old, new)
    assert time.perf_counter() - started < 2  # a bound for slow machines; about 0.2 s here
    assert [change["whole"] for change in changes] == [True] * len(sections)
    first = changes[0]["html"]
    assert first.startswith("<del>") and "<ins>" in first


def test_the_editors_pages_show_long_changes_whole(client, editor, officer, make_practice):
    rng = random.Random(2)
    practice = make_practice(Status.PUBLISHED, context=hostile(rng, 2_000))
    revision = services.revision_save(
        practice=practice, actor=officer, data={"context": hostile(rng, 2_000)}
    )
    services.revision_submit(revision=revision, actor=officer)
    client.force_login(editor)
    page = client.get(reverse("admin:practices_practicerevision_change", args=[revision.pk]))
    assert page.status_code == 200
    assert "Too long to compare word by word" in page.content.decode()


def test_the_texts_officers_write_are_bounded(officer_client, draft):
    from tests.practice_form import complete_form

    response = officer_client.post(
        reverse("members:practice_edit", args=[draft.pk]),
        complete_form(context="x" * 20_001, version=draft.version),
    )
    assert response.status_code == 200
    assert "at most 20000 characters" in response.content.decode()
    draft.refresh_from_db()
    assert len(draft.context) < 20_001

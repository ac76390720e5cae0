"""The editors' pages in the admin: no axe-core violation in Chromium and valid HTML, in English,
Arabic and Chinese, signed in as an editor — the checks the public pages are held to.

The pages: the admin's index, the practice list (which opens on the review queue), a submitted
practice's change page with its history, the decision page, and a proposed update's page with
its comparison; the questions and adaptations between cities; the publications' list, a
published publication's change page with its chapters and history, the form that starts a draft
from the data and the decision to publish a draft. Django's own admin markup is checked too;
what the checkers accept in it, and why, is listed in conftest.py (AXE_INCOMPLETE_ALLOWED,
NU_WARNINGS_ALLOWED) and README.md.
"""

import re
from dataclasses import dataclass

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from exchange import services as exchange_services
from practices import services
from practices.models import Practice, PracticeRevision
from tests.browser.conftest import (
    assert_no_axe_violations,
    assert_valid_html,
    log_in_browser,
    open_page,
)
from tests.publications.factories import compose_publication

Status = Practice.Status

pytestmark = pytest.mark.browser

SUBMITTED = "Community interpreters at the town hall"
PUBLISHED = "Neighbourhood mediators"
EDITORS_MESSAGE = "Please add figures: how many residents used the interpreters?"
PROPOSED_RESULTS = "Results after three years: 900 disputes settled."


@dataclass
class Desk:
    """What the editors' pages are rendered with: a submission with a history, and a published
    practice whose proposed update awaits review."""

    editor: object
    submitted: Practice
    revision: PracticeRevision
    conversation: object = None  # a question between cities, offered for publication
    adaptation: object = None  # another city's record that it adapted a practice, submitted
    publications: dict = None  # a published publication and a draft, by status


QUESTION = "How did you train the interpreters?"
ADAPTED = "Interpreters recruited among the volunteers of the libraries."
REPORT = "Cities that mediate"
DRAFT_REPORT = "Cities that listen"

# (name, URL builder, texts that prove the page is what its name says, in English)
PAGES = [
    ("admin index", lambda desk: reverse("admin:index"), ("Review and manage good practices",)),
    (
        "review queue",
        lambda desk: reverse("admin:practices_practice_changelist"),
        (SUBMITTED,),
    ),
    (
        "practice change page",
        lambda desk: reverse("admin:practices_practice_change", args=[desk.submitted.pk]),
        (SUBMITTED, EDITORS_MESSAGE),
    ),
    (
        "decision page",
        lambda desk: reverse(
            "admin:practices_practice_review", args=[desk.submitted.pk, "request_changes"]
        ),
        (SUBMITTED,),
    ),
    (
        "proposed update page",
        lambda desk: reverse("admin:practices_practicerevision_change", args=[desk.revision.pk]),
        (PUBLISHED, "<ins>disputes</ins>"),
    ),
    (
        "conversations awaiting publication",
        lambda desk: reverse("admin:exchange_conversation_changelist") + "?publication=offered",
        (QUESTION,),
    ),
    (
        "conversation page",
        lambda desk: reverse("admin:exchange_conversation_change", args=[desk.conversation.pk]),
        (QUESTION, "Show it under the practice", "Close the conversation"),
    ),
    (
        "conversation decision page",
        lambda desk: reverse(
            "admin:exchange_conversation_decide", args=[desk.conversation.pk, "publish"]
        ),
        (QUESTION, "Ten evenings"),
    ),
    (
        "adaptations awaiting review",
        lambda desk: reverse("admin:exchange_adaptation_changelist") + "?status__exact=submitted",
        (PUBLISHED,),
    ),
    (
        "adaptation page",
        lambda desk: reverse("admin:exchange_adaptation_change", args=[desk.adaptation.pk]),
        (ADAPTED, "Approve and show it", "Request changes"),
    ),
    (
        "adaptation decision page",
        lambda desk: reverse(
            "admin:exchange_adaptation_decide", args=[desk.adaptation.pk, "request_changes"]
        ),
        (ADAPTED, "Message to the city"),
    ),
    (
        "publication list",
        lambda desk: reverse("admin:publications_publication_changelist"),
        (REPORT, DRAFT_REPORT, "Start a draft from the data"),
    ),
    (
        "publication change page",
        lambda desk: reverse(
            "admin:publications_publication_change", args=[desk.publications["published"].pk]
        ),
        (REPORT, "Mediation in the neighbourhoods", "Withdraw to draft"),
    ),
    (
        "start a publication from the data",
        lambda desk: reverse("admin:publications_publication_start"),
        ("Start the draft", "Chapters by"),
    ),
    (
        "publication decision page",
        lambda desk: reverse(
            "admin:publications_publication_decide",
            args=[desk.publications["draft"].pk, "publish"],
        ),
        (DRAFT_REPORT, "Note for the history"),
    ),
]
PAGE_NAMES = [name for name, _build, _shows in PAGES]
# Every page is checked in English, in Arabic (right to left) and in Chinese.
LANGUAGES = ["en", "ar", "zh-hans"]


def url_in(language, name, desk):
    build = next(build for each, build, _shows in PAGES if each == name)
    with translation.override(language):
        return build(desk)


@pytest.fixture
def desk(make_practice, officer, editor, other_city_officer):
    submitted = make_practice(Status.DRAFT, title=SUBMITTED, image_alt="Interpreters at a desk")
    services.practice_submit(practice=submitted, actor=officer, message="Our first version.")
    services.practice_request_changes(practice=submitted, actor=editor, message=EDITORS_MESSAGE)
    services.practice_submit(practice=submitted, actor=officer, message="Figures added.")
    published = make_practice(Status.PUBLISHED, title=PUBLISHED)
    revision = services.revision_save(
        practice=published, actor=officer, data={"results": PROPOSED_RESULTS}
    )
    services.revision_submit(revision=revision, actor=officer, message="New figures.")
    submitted.refresh_from_db()
    revision.refresh_from_db()
    conversation = exchange_services.conversation_start(
        practice=published, actor=other_city_officer, body=QUESTION
    )
    exchange_services.conversation_reply(
        conversation=conversation, actor=officer, body="Ten evenings with the Red Cross."
    )
    exchange_services.conversation_offer(conversation=conversation, actor=officer)
    adaptation = exchange_services.adaptation_create(
        original=published,
        actor=other_city_officer,
        data={
            "started_in": 2024,
            "progress": "planned",
            "what_changed": ADAPTED,
            "outcome": "",
            "own_practice": None,
        },
        submit=True,
    )
    return Desk(
        editor=editor,
        submitted=submitted,
        revision=revision,
        conversation=conversation,
        adaptation=adaptation,
        publications={
            "published": compose(REPORT, [published], editor, publish=True),
            "draft": compose(DRAFT_REPORT, [published], editor),
        },
    )


def compose(title, practices, editor, *, publish=False):
    """A publication as the editors compose it: a chapter quoting the practices with their
    commentary, and the gaps; saved, and published if asked, through the services."""
    return compose_publication(
        practices,
        title=title,
        actor=editor,
        publish=publish,
        chapter="Mediation in the neighbourhoods",
        chapter_text="What the practices *show*.",
        subtitle="Practices of the coalition's member cities",
        introduction="Why these practices: they are **cheap** to start.",
    )


def test_pages_are_what_their_names_say(desk):
    client = Client()
    client.force_login(desk.editor)
    for name, build, shows in PAGES:
        response = client.get(build(desk))
        assert response.status_code == 200, name
        html = response.content.decode()
        missing = [text for text in shows if text not in html]
        assert not missing, f"{name}: the page does not show {missing}"


# --- In Chromium ------------------------------------------------------------------------------


def test_no_axe_violations(live_url, desk, page, subtests):
    """Every page in every language, each a subtest (one dataset for all)."""
    log_in_browser(page, live_url, desk.editor)
    for language in LANGUAGES:
        for name in PAGE_NAMES:
            with subtests.test(f"{name} ({language})"):
                url = live_url + url_in(language, name, desk)
                open_page(page, lambda url=url: page.goto(url))
                assert_no_axe_violations(page)


# --- Without a browser: the HTML as served ----------------------------------------------------


def test_all_pages_are_valid_html(desk):
    client = Client()
    client.force_login(desk.editor)
    html_by_name = {}
    for language in LANGUAGES:
        for name in PAGE_NAMES:
            url = url_in(language, name, desk)
            response = client.get(url)
            assert response.status_code == 200, f"{name}: {url} answered {response.status_code}"
            html_by_name[f"{name} ({url})"] = response.content
    assert_valid_html(html_by_name)


def test_every_description_a_field_points_at_is_on_the_page(desk):
    """What a field's aria-describedby names must exist, or screen readers announce nothing."""
    client = Client()
    client.force_login(desk.editor)
    for url in [
        reverse("admin:practices_practice_review", args=[desk.submitted.pk, "request_changes"]),
        reverse(
            "admin:practices_practicerevision_review", args=[desk.revision.pk, "request_changes"]
        ),
    ]:
        html = client.get(url).content.decode()
        ids = set(re.findall(r'\sid="([^"]+)"', html))
        named = {
            name
            for value in re.findall(r'aria-describedby="([^"]+)"', html)
            for name in value.split()
        }
        assert named and named <= ids, (url, sorted(named - ids))

"""The member area and the account pages: no axe-core violation in Chromium, valid HTML, the
landmarks; and the officer's journey, from the login form to a resubmission, in a real browser.

To hold a new page to the same checks, add a `MemberPage` to PAGES: a name, a URL builder that
gets the `World` dataset below, who is logged in, and, for a page that answers a form, the data
to send (filled in the browser as the test client would post it). `shows` lists texts that
prove the page is in the state its name says.
"""

import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import translation
from PIL import Image
from playwright.sync_api import expect

from exchange import services as exchange_services
from practices import services, uploads
from practices.models import Practice, ReviewEvent
from tests.browser.conftest import (
    assert_landmarks,
    assert_no_axe_violations,
    assert_valid_html,
    log_in_browser,
    new_context,
    open_page,
    submit_form,
)
from tests.cities.factories import PASSWORD
from tests.practice_form import complete_form
from tests.practices.factories import PracticeFactory

Status = Practice.Status

pytestmark = pytest.mark.browser

DRAFT = "Anti-rumour agents in the libraries"
SUBMITTED = "Fair-housing audits"
SENT_BACK = "Community interpreters at the town hall"
PUBLISHED = "Neighbourhood mediators"
REJECTED = "A festival of cultures"
ARCHIVED = "Diversity charter for employers"
EDITORS_FIRST = "Please add figures: how many residents used the interpreters?"
EDITORS_SECOND = "Thank you.\n\nPlease also say what did not work, and what it cost."
IMAGE_ALT = "Two interpreters at the housing desk with a resident"
DOCUMENT = "Evaluation report 2023"
MINIMAL_PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
QUESTION = "How did you recruit the mediators?\n\nOur guide is at https://example.org/guide."
ELSEWHERE = "Anti-discrimination testing of landlords"
ADAPT_LATER = "Mediators in secondary schools"


@dataclass
class World:
    """The small dataset the pages are rendered with: one city's practices in every state."""

    officer: object
    editor: object
    draft: Practice
    sent_back: Practice  # changes requested, after a message thread; images and a document
    published: Practice  # with a proposed update being written
    conversation: object = None  # another city's question about `published`, answered
    elsewhere: Practice | None = None  # another city's published practice
    adaptation: object = None  # the city's record that it adapted `elsewhere`, sent back
    not_yet_adapted: Practice | None = None  # another published practice of that other city


@dataclass
class MemberPage:
    name: str
    url: Callable[[World], str]
    user: str | None = "officer"  # the World attribute of who is logged in; None: nobody
    post: Callable[[World], dict] | None = None  # send the page's form with this data
    status: int = 200
    shows: tuple[str, ...] = ()
    settings: dict = field(default_factory=dict)


def _member(name, *args):
    return lambda world: reverse(f"members:{name}", args=[arg(world) for arg in args])


def _draft(world):
    return world.draft.pk


def _sent_back(world):
    return world.sent_back.pk


def _published(world):
    return world.published.pk


def _conversation(world):
    return reverse("exchange:conversation", args=[world.conversation.pk])


def _ask_elsewhere(world):
    return reverse("exchange:conversation_new", args=[world.elsewhere.pk])


def _adaptation(world):
    return reverse("adaptations:adaptation", args=[world.adaptation.pk])


def _adapt_new(world):
    return reverse("adaptations:adaptation_new", args=[world.not_yet_adapted.pk])


def _login(world):
    return reverse("login")


def _wrong_password(world):
    return {"username": world.officer.username, "password": "not-the-password"}


PAGES = [
    MemberPage("login", _login, user=None, shows=("Forgotten your password?",)),
    MemberPage(
        "login with an error",
        _login,
        user=None,
        post=_wrong_password,
        shows=("Please check the form", 'role="alert"'),
    ),
    MemberPage(
        "login locked",
        _login,
        user=None,
        post=_wrong_password,
        status=429,
        shows=("Logging in is paused", "Try again in 15 minutes."),
        settings={"AXES_ENABLED": True, "AXES_FAILURE_LIMIT": 1},
    ),
    MemberPage("password reset form", lambda world: reverse("password_reset"), user=None),
    MemberPage(
        "password reset done",
        lambda world: reverse("password_reset_done"),
        user=None,
        shows=("Check your e-mail",),
    ),
    MemberPage("password change form", lambda world: reverse("password_change")),
    MemberPage(
        "dashboard",
        _member("dashboard"),
        shows=(DRAFT, SUBMITTED, SENT_BACK, PUBLISHED, REJECTED, ARCHIVED, "Proposed update"),
    ),
    MemberPage("new practice form", _member("practice_new"), shows=("Write a new practice",)),
    MemberPage(
        "new practice refused",
        _member("practice_new"),
        post=lambda world: complete_form(summary="", results="", action="submit"),
        shows=(
            "Please check the form",
            'href="#id_summary"',
            'class="field has-errors"',
            'id="id_results_error"',
        ),
    ),
    MemberPage("edit form of a draft", _member("practice_edit", _draft), shows=(DRAFT,)),
    MemberPage(
        "practice with changes requested",
        _member("practice", _sent_back),
        shows=(
            "Changes requested",
            EDITORS_FIRST,
            "Please also say what did not work",
            IMAGE_ALT,
            DOCUMENT,
            "Add the image",
            "Attach the document",
        ),
    ),
    MemberPage(
        "practice page after saving a draft",
        _member("practice_edit", _draft),
        post=lambda world: complete_form(
            # The version as it is now: each language's run saves the draft again.
            title=DRAFT,
            action="save",
            version=str(Practice.objects.get(pk=world.draft.pk).version),
        ),
        shows=("Draft saved.",),
    ),
    MemberPage(
        "delete confirmation", _member("practice_delete", _draft), shows=("Delete the draft",)
    ),
    MemberPage(
        "preview", _member("practice_preview", _sent_back), shows=("Preview:", IMAGE_ALT, DOCUMENT)
    ),
    MemberPage(
        "update proposal form",
        _member("practice_edit", _published),
        shows=("Propose an update", "Results after three years"),
    ),
    MemberPage(
        "update preview",
        lambda world: _member("practice_preview", _published)(world) + "?update=1",
        shows=("Preview:", "Results after three years"),
    ),
    MemberPage(
        "conversations",
        lambda world: reverse("exchange:conversation_list"),
        shows=("How did you recruit the mediators?", "New message"),
    ),
    MemberPage(
        "conversation",
        _conversation,
        shows=("Agree to show it publicly", 'rel="nofollow noopener noreferrer"'),
    ),
    MemberPage(
        "conversation reply refused",
        _conversation,
        post=lambda world: {"body": " "},
        shows=("Please check the form", 'href="#id_body"'),
    ),
    MemberPage("question form", _ask_elsewhere, shows=(ELSEWHERE, "Send the question")),
    MemberPage(
        "question refused",
        _ask_elsewhere,
        post=lambda world: {"body": ""},
        shows=("Please check the form", 'href="#id_body"'),
    ),
    MemberPage(
        "adaptations",
        lambda world: reverse("adaptations:adaptation_list"),
        shows=(ELSEWHERE, "Please give the number of reports"),
    ),
    MemberPage("adaptation", _adaptation, shows=("Changes requested", "Submit for review")),
    MemberPage(
        "adaptation refused",
        _adaptation,
        post=lambda world: {"started_in": "1800", "what_changed": "", "progress": "running"},
        shows=("Please check the form", 'href="#id_what_changed"'),
    ),
    MemberPage("adaptation form", _adapt_new, shows=(ADAPT_LATER, "Save as draft")),
    MemberPage(
        "not an officer",
        _member("dashboard"),
        user="editor",
        status=403,
        shows=("The member area is for city officers",),
    ),
]
assert len({page.name for page in PAGES}) == len(PAGES), "two pages have the same name"


@pytest.fixture(scope="module")
def _page_with_axe(browser):
    context = new_context(browser)
    yield context.new_page()
    context.close()


@pytest.fixture
def page(_page_with_axe):
    """This module's own page, without cookies left over from the previous test, on which every
    document gets axe-core as it loads: quicker than `assert_no_axe_violations` adding it to each
    page, which this module checks many of."""
    _page_with_axe.context.clear_cookies()
    return _page_with_axe


def _png(colour=(200, 30, 30)):
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), colour).save(buffer, "PNG")
    return SimpleUploadedFile("photo.png", buffer.getvalue(), content_type="image/png")


@pytest.fixture
def world(make_practice, officer, editor, other_city_officer):
    draft = make_practice(
        Status.DRAFT,
        title=DRAFT,
        partners="City libraries\nAnti-rumour network",
        links="https://example.org/anti-rumour",
        end_year=2023,
    )
    make_practice(Status.SUBMITTED, title=SUBMITTED)
    make_practice(Status.REJECTED, title=REJECTED)
    make_practice(Status.ARCHIVED, title=ARCHIVED)

    sent_back = make_practice(Status.DRAFT, title=SENT_BACK, image_alt=IMAGE_ALT)
    services.practice_submit(
        practice=sent_back, actor=officer, message="Our first version: is anything missing?"
    )
    services.practice_request_changes(practice=sent_back, actor=editor, message=EDITORS_FIRST)
    services.practice_submit(practice=sent_back, actor=officer, message="Figures added.")
    services.practice_request_changes(practice=sent_back, actor=editor, message=EDITORS_SECOND)
    sent_back = services.practice_set_main_image(
        practice=sent_back, actor=officer, prepared=uploads.prepare_image(_png())
    )
    services.practice_add_image(
        practice=sent_back,
        actor=officer,
        prepared=uploads.prepare_image(_png((30, 30, 200))),
        alt_text=IMAGE_ALT,
    )
    services.practice_add_attachment(
        practice=sent_back,
        actor=officer,
        uploaded=SimpleUploadedFile("report.pdf", MINIMAL_PDF, content_type="application/pdf"),
        title=DOCUMENT,
    )

    published = make_practice(Status.PUBLISHED, title=PUBLISHED)
    services.revision_save(
        practice=published,
        actor=officer,
        data={"results": "Results after three years: 900 disputes settled."},
    )
    sent_back.refresh_from_db()
    # Another city asks about the published practice and answers a question of its own.
    asker = other_city_officer
    conversation = exchange_services.conversation_start(
        practice=published, actor=asker, body=QUESTION
    )
    elsewhere = PracticeFactory(city=asker.city_officer.city, title=ELSEWHERE)
    services.practice_submit(practice=elsewhere, actor=asker)
    services.practice_approve(practice=elsewhere, actor=editor)
    adaptation = exchange_services.adaptation_create(
        original=elsewhere,
        actor=officer,
        data={
            "started_in": 2024,
            "progress": "running",
            "what_changed": "A desk in the social services instead of a separate office.",
            "outcome": "",
            "own_practice": published,
        },
        submit=True,
    )
    exchange_services.adaptation_request_changes(
        adaptation=adaptation,
        actor=editor,
        version=adaptation.version,
        reason="Please give the number of reports in the first year.",
    )
    not_yet_adapted = PracticeFactory(city=asker.city_officer.city, title=ADAPT_LATER)
    services.practice_submit(practice=not_yet_adapted, actor=asker)
    services.practice_approve(practice=not_yet_adapted, actor=editor)
    return World(
        adaptation=adaptation,
        not_yet_adapted=not_yet_adapted,
        officer=officer,
        editor=editor,
        draft=draft,
        sent_back=sent_back,
        published=published,
        conversation=conversation,
        elsewhere=elsewhere,
    )


# Every page is checked in English, in Arabic (right to left) and in Chinese.
LANGUAGES = ["en", "ar", "zh-hans"]


def url_in(language, entry, world):
    with translation.override(language):
        return entry.url(world)


def fetch(entry, world, language="en"):
    """The page as served to the test client: posting its form where it answers one, and then
    following the redirect, as the browser does."""
    client = Client()
    if entry.user:
        client.force_login(getattr(world, entry.user))
    url = url_in(language, entry, world)
    with override_settings(**entry.settings):
        if entry.post:
            response = client.post(url, entry.post(world), follow=True)
        else:
            response = client.get(url)
    assert response.status_code == entry.status, (
        f"{entry.name}: {url} answered {response.status_code}, expected {entry.status}"
    )
    return response


# --- In Chromium ------------------------------------------------------------------------------


def test_no_axe_violations(live_url, world, page, served_media, subtests):
    """Every page of PAGES, each a subtest (one dataset for all: building it takes longer than
    checking a page)."""
    for language in LANGUAGES:
        for entry in PAGES:
            with subtests.test(f"{entry.name} ({language})"), override_settings(**entry.settings):
                page.context.clear_cookies()
                if entry.user:
                    log_in_browser(page, live_url, getattr(world, entry.user))
                url = live_url + url_in(language, entry, world)
                if entry.post:
                    open_page(page, lambda url=url: page.goto(url))
                    submit_form(page, entry.post(world), status=entry.status)
                else:
                    open_page(page, lambda url=url: page.goto(url), status=entry.status)
                if language == "en":  # the texts that prove each page's state are English
                    html = page.content()
                    missing = [text for text in entry.shows if text not in html]
                    assert not missing, f"{entry.name}: the page does not show {missing}"
                assert_no_axe_violations(page)


# --- Without a browser: the HTML as served ----------------------------------------------------


def test_all_pages_are_valid_html(world):
    """One run of the Nu Html Checker for every page; a page that cannot be fetched is reported
    with the checker's findings on the others, not instead of them."""
    html_by_name = {}
    problems = []
    for language in LANGUAGES:
        for entry in PAGES:
            try:
                response = fetch(entry, world, language)
            except Exception as error:  # reported below, with the other pages' errors
                problems.append(f"{entry.name} ({language}): could not be fetched: {error!r}")
                continue
            path = response.wsgi_request.get_full_path()
            html_by_name[f"{entry.name} ({path})"] = response.content
    try:
        assert_valid_html(html_by_name)
    except pytest.fail.Exception as failure:
        problems.append(str(failure))
    if problems:
        pytest.fail("\n".join(problems), pytrace=False)


def test_pages_are_what_their_names_say_with_lang_one_h1_a_main_and_labelled_navigation(
    world, subtests
):
    for entry in PAGES:
        with subtests.test(entry.name):
            html = fetch(entry, world).content.decode()
            missing = [text for text in entry.shows if text not in html]
            assert not missing, f"{entry.name}: the page does not show {missing}"
            assert_landmarks(html)


# --- The officer's journey ----------------------------------------------------------------------


def _label(text):
    """A field's label as Django renders it ("Title:"), matched whole."""
    return re.compile(rf"^\s*{re.escape(text)}:?\s*$")


def test_the_officers_journey_in_the_browser(live_url, officer, editor, page):
    """Axe runs on every page the journey visits; its findings are reported together at the
    end, so that one page's violation does not hide whether the rest of the journey works."""
    violations = []

    def check_axe():
        try:
            assert_no_axe_violations(page)
        except pytest.fail.Exception as failure:
            violations.append(str(failure))

    # Log in through the form, with the keyboard.
    open_page(page, lambda: page.goto(live_url + reverse("login")))
    check_axe()
    page.get_by_label(_label("Username")).fill(officer.username)
    page.get_by_label(_label("Password")).fill(PASSWORD)
    open_page(page, lambda: page.get_by_label(_label("Password")).press("Enter"))
    # The dashboard.
    assert page.url == live_url + reverse("members:dashboard")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Practices of")
    check_axe()
    open_page(page, lambda: page.get_by_role("link", name="Write a new practice").click())
    assert page.url == live_url + reverse("members:practice_new")
    check_axe()

    # Fill the form by its labels, leaving "Results and evidence" empty.
    typed = {
        "Title": "Late-night legal advice for victims",
        "Summary": "Lawyers give free advice to victims of discrimination two evenings a week.",
        "Context": "Victims could not take time off work to see a lawyer.",
        "What was done": "The bar association and the city opened an evening desk.",
        "Why it works": "It is open when people are free, and it is free.",
        "Challenges and lessons learned": "Finding volunteer lawyers for the summer.",
        "Transferability": "Needs a bar association willing to take part and a room.",
        "Start year": "2021",
        "Contact person": "Olga Officer",
        "Contact e-mail": "olga@example.org",
    }
    for label, value in typed.items():
        page.get_by_label(_label(label)).fill(value)
    for option in ["Support for victims", "Service provider", "All residents"]:
        page.get_by_label(option, exact=True).check()
    submit = page.get_by_role("button", name="Submit for review")
    submit.focus()
    open_page(page, lambda: page.keyboard.press("Enter"))

    # Refused: the error summary is at the top, announced, and leads to the field.
    alert = page.get_by_role("alert")
    expect(alert).to_be_visible()
    expect(alert).to_contain_text("Please check the form")
    assert alert.evaluate(
        "el => !!(el.compareDocumentPosition(document.querySelector('main form'))"
        " & Node.DOCUMENT_POSITION_FOLLOWING)"
    ), "the error summary should come before the form"
    box = alert.bounding_box()
    assert box["y"] < page.viewport_size["height"], (
        f"the error summary should be in view without scrolling; it starts at {box['y']}px"
    )
    results = page.get_by_label(_label("Results and evidence"))
    expect(results).to_have_attribute("aria-invalid", "true")
    expect(results).to_have_accessible_description(re.compile("Fill in"))
    for label, value in typed.items():
        expect(page.get_by_label(_label(label))).to_have_value(value)
    assert page.get_by_label("Support for victims", exact=True).is_checked()
    check_axe()
    link = alert.get_by_role("link", name=re.compile("Results and evidence"))
    assert link.get_attribute("href") == "#" + results.get_attribute("id")
    link.focus()
    page.keyboard.press("Enter")
    expect(results).to_be_focused()
    page.keyboard.type("90 residents advised in the first year.")
    practice = Practice.objects.get(title=typed["Title"])
    assert practice.status == Status.DRAFT

    # Complete, submit: awaiting review.
    open_page(page, lambda: page.get_by_role("button", name="Submit for review").click())
    assert page.url == live_url + reverse("members:practice", args=[practice.pk])
    expect(page.locator(".status-badge")).to_have_text("Awaiting review")
    expect(page.get_by_role("status")).to_contain_text("Submitted for review")
    check_axe()
    practice.refresh_from_db()
    assert practice.status == Status.SUBMITTED
    assert practice.results == "90 residents advised in the first year."

    # Withdraw: a draft again.
    open_page(page, lambda: page.get_by_role("button", name="Withdraw from review").click())
    expect(page.locator(".status-badge")).to_have_text("Draft")
    expect(page.get_by_role("status")).to_contain_text("Withdrawn from review")
    check_axe()
    practice.refresh_from_db()
    assert practice.status == Status.DRAFT

    # The officer submits again and an editor asks for changes (through the services).
    services.practice_submit(practice=practice, actor=officer)
    request = "Please say how many residents came back a second time."
    services.practice_request_changes(practice=practice, actor=editor, message=request)
    open_page(page, page.reload)
    expect(page.locator(".status-badge")).to_have_text("Changes requested")
    thread = page.get_by_role("region", name="Messages")
    expect(thread).to_contain_text(request)
    expect(thread).to_contain_text("Editors")
    check_axe()

    # Edit and resubmit with a note.
    open_page(page, lambda: page.get_by_role("link", name="Edit", exact=True).click())
    assert page.url == live_url + reverse("members:practice_edit", args=[practice.pk])
    check_axe()
    page.get_by_label(_label("Results and evidence")).fill(
        "90 residents advised in the first year; 25 came back a second time."
    )
    note = "I added how many residents came back."
    page.get_by_label(_label("Your note to the editors")).fill(note)
    open_page(page, lambda: page.get_by_role("button", name="Submit for review").click())
    assert page.url == live_url + reverse("members:practice", args=[practice.pk])
    expect(page.locator(".status-badge")).to_have_text("Awaiting review")
    expect(page.get_by_role("region", name="Messages")).to_contain_text(note)
    check_axe()
    practice.refresh_from_db()
    assert practice.status == Status.SUBMITTED
    assert "25 came back" in practice.results
    latest = ReviewEvent.objects.filter(practice=practice).latest("created_at", "pk")
    assert latest.to_status == Status.SUBMITTED and latest.message == note
    if violations:
        pytest.fail("\n\n".join(violations), pytrace=False)

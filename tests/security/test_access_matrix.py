"""Who gets what, for every URL the site answers: generated from the URL configuration.

Every pattern of ``get_resolver()`` (the language-prefixed ones and the admin's included) must
have an expectation here; a new URL without one fails the test until someone decides who may
open it. Each pattern is filled from a fixture holding a practice of city A in every state,
city B's practice, a missing id, themes, cities, coalitions, revisions, images, files (stored,
for the file view) and users, and requested by every role; the answer must be the expected one,
and what the request changed (rolled back after) must be exactly what that role may change
there: a GET never writes a row of any table, an officer's POST changes their own practice only
as the workflow allows, an editor's POST of a decision form (a message, a note and the version
the page showed) makes exactly the move of its button, and a refused request writes nothing.

The publications are requested the same way: a draft and a published one (the published one's
PDF stored first, as its first reader's request stores it, so that reading it writes nothing),
and an editor's saved form or decision must make exactly one new version of its publication (or
remove it), the move of its button.

Then: nothing unpublished reaches the public through pages, counts, facets, suggestions, the
sitemap, publications or links between practices, even with the page cache on; and "view on
site" does not tell staff outside the Editors group where unpublished practices are.
"""

import re
from urllib.parse import urlsplit

import pytest
from django.contrib.auth.models import Group
from django.contrib.auth.tokens import default_token_generator
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import override

from cities.models import CityOfficer
from practices.admin import REVIEW_ACTIONS, REVISION_ACTIONS
from practices.models import (
    CityRole,
    Commitment,
    Practice,
    PracticeChange,
    PracticeRevision,
    ReviewEvent,
    TargetGroup,
    Theme,
)
from publications.admin import DECISIONS as PUBLICATION_DECISIONS
from publications.models import Publication
from tests.decisions import decide
from tests.exchange.factories import ADAPTATION

from .conftest import (
    OTHER_CITY,
    PUBLICATION_DRAFT,
    PUBLICATION_PUBLISHED,
    ROLES,
    STATES,
    compose_publication,
    rolled_back,
)
from .html_checks import form_data

pytestmark = pytest.mark.django_db
Status = Practice.Status
MISSING = "missing"
PUBLIC_STATES = {Status.PUBLISHED, "published_update_submitted"}
LOGIN = ("login", "/accounts/login/")
ADMIN_LOGIN = ("login", "/admin/login/")
OFFICERS_AND_VISITORS = {"anonymous", "owner", "other_city", "inactive"}
REFUSED = frozenset({403, 404, ADMIN_LOGIN})
STAFF = {"editor", "superuser", "staff"}


# ---------------------------------------------------------------- walking the URL configuration


def canonical(route):
    """The admin's app index lists its apps in registration order: sort them."""
    return re.sub(
        r"\(\?P<app_label>([^)]*)\)",
        lambda found: "(?P<app_label>" + "|".join(sorted(found.group(1).split("|"))) + ")",
        route,
    )


def walk(patterns, prefix="", namespace=""):
    """Yield (route, name) for every pattern, with its full route and namespaced name."""
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = ":".join(part for part in (namespace, pattern.namespace) if part)
            yield from walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        else:
            assert isinstance(pattern, URLPattern)
            name = pattern.name or ""
            route = canonical(prefix + str(pattern.pattern))
            yield route, f"{namespace}:{name}" if namespace else name


# ---------------------------------------------------------------- expectations
#
# An expectation is a status code, or ("login", path): a redirect to that login page. A plain
# 302 must not lead to a login page.


def member_owner(route, method, state):
    """What the owner of a practice gets, by route, method and the practice's state."""
    editable = state in (Status.DRAFT, Status.CHANGES_REQUESTED, Status.PUBLISHED)
    answers = {
        "practice": {"GET": 200},
        "practice_edit": {"GET": 200 if editable else 302, "POST": 200 if editable else 302},
        "practice_preview": {"GET": 200},
        "practice_submit": {"POST": 302},
        "practice_withdraw": {"POST": 302},
        "practice_delete": {"GET": 200, "POST": 302},
        "image_add": {"POST": 400},  # an empty upload form is refused
        "image_delete": {"POST": 302},
        "translation_edit": {"GET": 200 if editable else 302, "POST": 200 if editable else 302},
        "attachment_add": {"POST": 400},
        "attachment_delete": {"POST": 302},
    }[route]
    return answers.get(method, 405)


def member_expectation(route, allowed):
    """Expectation for a member URL naming a practice (or an image, a file, a language)."""

    def expect(role, method, target):
        if role in ("anonymous", "inactive"):
            return LOGIN
        if role in STAFF:
            return 403
        if method not in allowed:
            return 405
        mine = (role == "owner" and target in STATES) or (
            role == "other_city" and target == OTHER_CITY
        )
        if not mine or target in ("foreign_image", "foreign_attachment", "own_language"):
            return 404
        return member_owner(route, method, Status.DRAFT if target == OTHER_CITY else target)

    # Requested with the methods the view takes; the others are checked apart (405).
    expect.methods = lambda role, target: sorted(allowed)
    expect.allowed = allowed
    return expect


def member_plain(get=200, post=405):
    """A member URL without a practice in it: the officer's own city's pages."""

    def expect(role, method, target):
        if role in ("anonymous", "inactive"):
            return LOGIN
        if role in STAFF:
            return 403
        return get if method == "GET" else post

    return expect


def exchange_ask(role, method, target):
    """Asking a city about its practice: an officer of another city, about a published one; an
    empty question is the form again (200). Their own city's practice: 403; unpublished: 404."""
    if role in ("anonymous", "inactive"):
        return LOGIN
    if role in STAFF:
        return 403
    if target not in PUBLIC_STATES:
        return 404
    return 403 if role == "owner" else 200


def exchange_conversation(route):
    """A conversation: city A answers both; city B asked one ("ab"), a third city the other
    ("ca"). Anyone else's conversation is a 404; only the answering city decides publication."""

    def expect(role, method, target):
        if role in ("anonymous", "inactive"):
            return LOGIN
        if role in STAFF:
            return 403
        if route == "publication" and method == "GET":
            return 405
        mine = role == "owner" or (role == "other_city" and target == "ab")
        if target == MISSING or not mine:
            return 404
        if route == "publication":
            return 302 if role == "owner" else 404
        return 200  # a GET, or an empty reply shown again with its error

    expect.methods = lambda role, target: ["GET", "POST"]
    return expect


def adaptation_new(role, method, target):
    """Recording that one's city adapted a practice: an officer of another city, about a
    published one (an empty form is shown again, 200); a city that recorded it already is led
    to its record (302). Their own city's practice: 403; unpublished: 404."""
    if role in ("anonymous", "inactive"):
        return LOGIN
    if role in STAFF:
        return 403
    if target not in PUBLIC_STATES:
        return 404
    if role == "owner":
        return 403
    return 302 if target == Status.PUBLISHED else 200


def exchange_adaptation(role, method, target):
    """An adaptation record: city B's ("ba") and a third city's ("ca"), both of city A's
    practice. Only the adapting city's officers reach theirs; anyone else gets 404."""
    if role in ("anonymous", "inactive"):
        return LOGIN
    if role in STAFF:
        return 403
    if target == MISSING or not (role == "other_city" and target == "ba"):
        return 404
    return 200  # a GET, or an empty form shown again with its errors


exchange_adaptation.methods = lambda role, target: ["GET", "POST"]


def adaptation_decision(method, target):
    """An editor's decision on B's submitted adaptation, with a message: each is made (302)."""
    if target in (MISSING, "unknown"):
        return 404
    return 200 if method == "GET" else 302


def conversation_decision(method, target):
    """An editor's decision on a conversation (B's open question to A, not offered): closing
    with a reason is made (302); publishing or refusing what was not offered is refused on the
    form (200)."""
    action = target
    if action == MISSING:
        return 404
    if action == "unknown":
        return 404
    if method == "GET":
        return 200
    return 302 if action == "close" else 200


def insights_csv(role, method, target):
    """A table of the insights as CSV, for anyone; an unknown table is not found."""
    if method != "GET":
        return 405
    return 404 if target == MISSING else 200


def publication_page(role, method, target):
    """A publication: published, to anyone; a draft, to editors only (uncached: they are signed
    in); anyone else is told there is none."""
    if method != "GET":
        return 405
    if target == PUBLICATION_PUBLISHED:
        return 200
    return 200 if target == PUBLICATION_DRAFT and role in ("editor", "superuser") else 404


def publication_pdf(role, method, target):
    """A publication's PDF: a published one's, to anyone; a draft has none, not even for
    editors."""
    if method != "GET":
        return 405
    return 200 if target == PUBLICATION_PUBLISHED else 404


def everyone(code, post=405):
    return lambda role, method, target: code if method == "GET" else post


def public_practice(role, method, target):
    if method != "GET":
        return 405
    return 200 if target in PUBLIC_STATES else 404


def practice_file(role, method, target):
    """A file is answered as its practice is shown: to anyone while published, otherwise to
    the practice's city's active officers and to editors; never under another practice."""
    if method != "GET":
        return 405
    state, kind = target
    if state == MISSING or kind == "another practice's":
        return 404
    if state in PUBLIC_STATES or role in ("editor", "superuser"):
        return 200
    if role == "owner" and state in STATES:
        return 200
    if role == "other_city" and state == OTHER_CITY:
        return 200
    return 404


def found_or_404(role, method, target):
    if method != "GET":
        return 405
    return 404 if target == MISSING else 200


def signed_in(code):
    def expect(role, method, target):
        return LOGIN if role in ("anonymous", "inactive") else code

    return expect


def admin(editor, superuser=200, staff=403):
    """Officers and visitors go to the admin login; staff get what their rights give."""
    answers = {"editor": editor, "superuser": superuser, "staff": staff}

    def expect(role, method, target):
        if role in OFFICERS_AND_VISITORS:
            return ADMIN_LOGIN
        answer = answers[role]
        return answer(method, target) if callable(answer) else answer

    return expect


# The admin's models and, for editor / superuser / staff-outside-editors, what each view gives:
# (changelist, add, change, history, delete). The delete of a practice depends on its past.
def practice_delete(method, target):
    if target == MISSING:
        return 302
    practice_state = Status.DRAFT if target == OTHER_CITY else target
    return 403 if practice_state in PUBLIC_STATES | {Status.ARCHIVED} else 200


def exists_or(code, missing):
    return lambda method, target: missing if target == MISSING else code


def publication_delete(method, target):
    """A published publication is withdrawn before it can be deleted; a draft is deleted."""
    if target == MISSING:
        return 302
    return 403 if target == PUBLICATION_PUBLISHED else 200


def view_on_site(role, target):
    _state, spelling = target
    if spelling == "respelt":
        return 404
    return 302 if role in ("editor", "superuser") else REFUSED


ADMIN_MODELS = {
    # A missing practice: the admin says so and goes back to its index (history even for staff
    # without rights, before it checks them).
    ("practices", "practice"): {
        "editor": (200, 200, exists_or(200, 302), exists_or(200, 302), 403),
        "superuser": (200, 200, exists_or(200, 302), exists_or(200, 302), practice_delete),
        "staff": (403, 403, 403, exists_or(403, 302), 403),
    },
    ("practices", "practicerevision"): {
        "editor": (200, 403, 200, 200, 403),
        "superuser": (200, 403, 200, 200, 403),
    },
    ("practices", "practicechange"): {
        "editor": (200, 403, 200, 200, 403),
        "superuser": (200, 403, 200, 200, 403),
    },
    ("practices", "outgoingemail"): {
        "editor": (200, 403, 200, 200, 403),
        "superuser": (200, 403, 200, 200, 403),
    },
    ("practices", "reviewevent"): {
        "editor": (200, 403, 200, 200, 403),
        "superuser": (200, 403, 200, 200, 403),
    },
    ("practices", "theme"): {"editor": (200, 200, 200, 200, 403)},
    ("practices", "commitment"): {"editor": (200, 200, 200, 200, 403)},
    ("practices", "cityrole"): {"editor": (200, 403, 200, 200, 403)},
    ("practices", "targetgroup"): {"editor": (200, 403, 200, 200, 403)},
    ("cities", "coalition"): {"editor": (200, 200, 200, 200, 403)},
    ("cities", "city"): {"editor": (200, 200, 200, 200, 403)},
    # "Add" leads to the invitation form, for anyone who may reach the admin.
    ("cities", "cityofficer"): {
        "editor": (200, 302, 200, 200, 403),
        "superuser": (200, 302, 200, 200, 200),
        "staff": (403, 302, 403, 403, 403),
    },
    ("auth", "user"): {"editor": (200, 403, 200, 200, 403)},
    ("auth", "group"): {"editor": (403, 403, 403, 403, 403)},
    # Conversations between cities: read-only for editors; decisions have their own pages.
    ("exchange", "conversation"): {
        "editor": (200, 403, 200, 200, 403),
        "superuser": (200, 403, 200, 200, 403),
    },
    # Adaptations: read-only too; the review's decisions have their own pages.
    ("exchange", "adaptation"): {
        "editor": (200, 403, 200, 200, 403),
        "superuser": (200, 403, 200, 200, 403),
    },
    # Publications: the editors' work, as a whole (editors and superusers alike); the chapters
    # are reached from their publication (not on the index) but answer to editors the same.
    ("publications", "publication"): {
        "editor": (200, 200, exists_or(200, 302), exists_or(200, 302), publication_delete),
        "superuser": (200, 200, exists_or(200, 302), exists_or(200, 302), publication_delete),
        "staff": (403, 403, 403, exists_or(403, 302), 403),
    },
    ("publications", "chapter"): {"editor": (200, 200, 200, 200, 200)},
    # The login-limit records: administrators only, and never written by hand.
    ("axes", "accessattempt"): {
        "editor": (403, 403, 403, 403, 403),
        "superuser": (200, 403, 200, 200, 200),
    },
    ("axes", "accesslog"): {
        "editor": (403, 403, 403, 403, 403),
        "superuser": (200, 403, 200, 200, 200),
    },
    ("axes", "accessfailurelog"): {
        "editor": (403, 403, 403, 403, 403),
        "superuser": (200, 403, 200, 200, 200),
    },
}
ADMIN_VIEWS = ["changelist", "add", "change", "history", "delete"]

# What a real POST of the add, change and delete forms may do, for those who get the form (200):
# (add, change, delete) — True: saved (302); False: refused (403); a code: that answer; a
# function of the target: its answer. A superuser may save a login record's (read-only) page.
# Deleting what other rows protect shows the page saying so (200). Everything else refuses.
ADMIN_WRITES = {
    # A practice with a history (events, changes) is never deleted, not even by a superuser.
    ("practices", "practice"): {
        "editor": (True, True, False),
        "superuser": (True, True, lambda target: 302 if target == Status.DRAFT else 403),
    },
    # Its fields are read-only; "saving" it changes nothing but its time of update.
    ("practices", "practicerevision"): {
        "editor": (False, True, False),
        "superuser": (False, True, False),
    },
    ("practices", "theme"): {"editor": (True, True, False), "superuser": (True, True, 200)},
    ("practices", "commitment"): {"editor": (True, True, False), "superuser": (True, True, True)},
    ("practices", "cityrole"): {"editor": (False, True, False), "superuser": (True, True, True)},
    ("practices", "targetgroup"): {"editor": (False, True, False), "superuser": (True, True, True)},
    ("cities", "coalition"): {"editor": (True, True, False), "superuser": (True, True, 200)},
    ("cities", "city"): {"editor": (True, True, False), "superuser": (True, True, 200)},
    ("cities", "cityofficer"): {"editor": (False, True, False), "superuser": (False, True, True)},
    ("auth", "user"): {"superuser": (True, True, True)},
    ("auth", "group"): {"superuser": (True, True, True)},
    # Saved through the publications' service: each save is a new version in the history.
    ("publications", "publication"): {
        "editor": (True, True, True),
        "superuser": (True, True, True),
    },
    ("publications", "chapter"): {"editor": (True, True, True), "superuser": (True, True, True)},
    ("axes", "accessattempt"): {"superuser": (False, True, True)},
    ("axes", "accesslog"): {"superuser": (False, True, True)},
    ("axes", "accessfailurelog"): {"superuser": (False, True, True)},
}
# The tables a saved admin form may write besides Django's admin log: its app's, and the
# practices' derived data (search text, search entries) that follows names.
ADMIN_TABLES = {
    "practices": ("practices_",),
    "cities": ("cities_", "practices_"),
    "auth": ("auth_", "cities_", "practices_"),
    "axes": ("axes_",),
    "exchange": ("exchange_",),
    "publications": ("publications_",),
}


def admin_post(app, model, view_index, get_expect):
    """The answer to a real POST of an admin form: what the GET gives when it refuses, else
    what ADMIN_WRITES says."""

    def expect(role, method, target):
        answer = get_expect(role, "GET", target)
        if method == "GET" or answer != 200:
            return answer
        # The records (history, events, outbox) are never written through the admin.
        allowed = ADMIN_WRITES.get((app, model), {}).get(role, (False, False, False))
        written = allowed[{1: 0, 2: 1, 4: 2}[view_index]]
        if callable(written):
            written = written(target)
        if written is True:
            return 302
        if written is False:
            return 403
        return written

    expect.methods = lambda role, target: ["GET", "POST"]
    return expect


def admin_model_rules():
    rules = {}
    for (app, model), answers in ADMIN_MODELS.items():
        editor = answers["editor"]
        superuser = answers.get("superuser", (200, 200, 200, 200, 200))
        staff = answers.get("staff", (403, 403, 403, 403, 403))
        base = f"admin/{app}/{model}/"
        routes = [
            base,
            base + "add/",
            base + "<path:object_id>/change/",
            base + "<path:object_id>/history/",
            base + "<path:object_id>/delete/",
        ]
        for index, route in enumerate(routes):
            expect = admin(editor[index], superuser[index], staff[index])
            if index in (1, 2, 4):
                expect = admin_post(app, model, index, expect)
            kind = ("admin_object", app, model) if "object_id" in route else ("none",)
            if index == 1:
                kind = ("admin_add", app, model)
            rules[route] = (kind, expect)
        # <id>/ alone redirects to <id>/change/ for anyone who may reach the admin.
        rules[base + "<path:object_id>/"] = (("admin_object", app, model), admin(302, 302, 302))
    return rules


def review_expectation(post_answer):
    """The review buttons: a form for editors (GET); a POST decides or says why it cannot."""

    def editor_view(method, target):
        state, action = target
        if state == MISSING or action == "unknown":
            return 404
        return 200 if method == "GET" else post_answer(state, action)

    def staff_view(method, target):
        return 404 if target[1] == "unknown" else 403

    expect = admin(editor_view, editor_view, staff_view)
    expect.methods = review_methods
    return expect


def practice_decision(state, action):
    """The decision form posted (message, note, the version shown): a decision on a submission is
    made or was "already decided" (302); archiving and restoring are made (302) or, from another
    state, refused on the form (200)."""
    if action in ("approve", "request_changes", "reject"):
        return 302
    if action == "archive":
        return 302 if state in PUBLIC_STATES else 200
    if action == "restore":
        return 302 if state == Status.ARCHIVED else 200
    raise AssertionError(action)


def revision_decision(state, action):
    return 302  # the update awaits review: every decision is made


# A decision on a publication posted with the version of the publication before its last change.
STALE = "stale"
# The move each decision makes on a publication in the state it is offered in.
PUBLICATION_MOVES = {
    ("publish", PUBLICATION_DRAFT): "status:published",
    ("refresh", PUBLICATION_PUBLISHED): "new version",
    ("withdraw", PUBLICATION_PUBLISHED): "status:draft",
}


def publication_decision(method, target):
    """An editor's decision on a publication (the form of every decision is shown, GET): with
    the version the page showed it is made (302) where the publication's state allows it and
    refused on the form otherwise (400); with an older version it is refused (409)."""
    publication, action = target
    if publication == MISSING or action == "unknown":
        return 404
    if method == "GET":
        return 200
    if publication == STALE:
        return 409
    return 302 if (action, publication) in PUBLICATION_MOVES else 400


def start_draft(method, target):
    """The form (GET); posted with a title, a year and chapters by theme, it starts the draft."""
    return 200 if method == "GET" else 302


def with_post(expect):
    expect.methods = lambda role, target: ["GET", "POST"]
    return expect


# The move each button makes on a practice in the state it is shown for.
DECISION_MOVES = {
    ("approve", Status.SUBMITTED): "status:published",
    ("request_changes", Status.SUBMITTED): "status:changes_requested",
    ("reject", Status.SUBMITTED): "status:rejected",
    ("archive", Status.PUBLISHED): "status:archived",
    ("archive", "published_update_submitted"): "status:archived",
    ("restore", Status.ARCHIVED): "status:published",
}


def review_methods(role, target):
    """Editors get the form once, where the button is shown; every state gets a POST."""
    state, action = target
    if role not in ("editor", "superuser"):
        return ["GET", "POST"]
    if state == MISSING or action == "unknown" or state == "-":
        return ["GET", "POST"]
    button_state = {
        "approve": Status.SUBMITTED,
        "request_changes": Status.SUBMITTED,
        "reject": Status.SUBMITTED,
        "archive": Status.PUBLISHED,
        "restore": Status.ARCHIVED,
    }[action]
    return ["GET", "POST"] if state == button_state else ["POST"]


APP_LISTS = {
    "auth": (200, 200, 404),
    "axes": (404, 200, 404),
    "exchange": (200, 200, 404),
    "publications": (200, 200, 404),
}  # editor, superuser, staff


def app_list(method, target, role):
    editor, superuser, staff = APP_LISTS.get(target, (200, 200, 404))
    return {"editor": editor, "superuser": superuser, "staff": staff}[role]


def public_data(role, method, target):
    """The open data (API, map, feeds, sitemap sections): the same to everyone, signed in or not;
    what does not exist (an unknown slug or section, a page past the last) is not found."""
    if method != "GET":
        return 405
    return 404 if target == MISSING else 200


def api_practice(role, method, target):
    """A practice in the API: published ones to anyone; any other state is not found, to
    editors too (the API has no signed-in view)."""
    if method != "GET":
        return 405
    return 200 if target in PUBLIC_STATES else 404


def sitemap_section(role, method, target):
    """A section of the sitemap, as the index answers (any method); an unknown section or page
    is not found."""
    return 404 if target == MISSING else 200


RULES = {
    # Outside the language prefixes.
    "sitemap.xml": (("none",), everyone(200, post=200)),
    "sitemap-<section>.xml": (("sitemap_section",), sitemap_section),
    # The open data API: anonymous, read-only (anything but GET, HEAD, OPTIONS: 405), the
    # published content only, whoever asks.
    "api/v1/practices/": (("api_search",), public_data),
    "api/v1/practices/<slug:slug>/": (("api_practice",), api_practice),
    "api/v1/facets/": (("api_search",), public_data),
    "api/v1/themes/": (("none",), everyone(200)),
    "api/v1/commitments/": (("none",), everyone(200)),
    "api/v1/coalitions/": (("none",), everyone(200)),
    "api/v1/cities/": (("none",), everyone(200)),
    "api/v1/schema/": (("api_schema",), everyone(200)),
    "api/docs/": (("api_docs",), everyone(200)),
    "api/^(?:.*/)?$": (("api_unknown",), everyone(404)),
    "api/v1/map/cities.geojson": (("geojson",), everyone(200)),
    "robots.txt": (("none",), everyone(200)),
    "language/<str:code>/": (("language",), everyone(302)),
    "healthz": (("none",), everyone(200, post=200)),
    "files/<int:practice_id>/<path:name>": (("file",), practice_file),
    # Public pages.
    "": (("none",), everyone(200)),
    "practices/": (("none",), everyone(200)),
    "evidence/": (("none",), everyone(200)),
    "practices/promising/": (("none",), everyone(200)),
    "transfers/": (("none",), everyone(200)),
    "insights/": (("none",), everyone(200)),
    "insights/<slug:name>.csv": (("insights_csv",), insights_csv),
    "publications/": (("none",), everyone(200)),
    "publications/<slug:slug>/": (("publication_slug",), publication_page),
    "publications/<slug:slug>/pdf/": (("publication_pdf",), publication_pdf),
    "practices/<slug:slug>/": (("practice_slug",), public_practice),
    "themes/": (("none",), everyone(200)),
    "themes/<slug:slug>/": (("theme_slug",), found_or_404),
    "cities/": (("none",), everyone(200)),
    "cities/<slug:slug>/": (("city_slug",), found_or_404),
    "coalitions/<slug:slug>/": (("coalition_slug",), found_or_404),
    # The map, the downloads and the feeds: public, GET only.
    "map/": (("map",), everyone(200)),
    "exports/practices.csv": (("export",), everyone(200)),
    "exports/practices.xlsx": (("export",), everyone(200)),
    "feeds/practices/": (("none",), everyone(200)),
    "feeds/themes/<slug:slug>/": (("feed_theme",), public_data),
    "feeds/cities/<slug:slug>/": (("feed_city",), public_data),
    "feeds/coalitions/<slug:slug>/": (("feed_coalition",), public_data),
    "feeds/search/": (("feed_search",), everyone(200)),
    # Accounts.
    "accounts/password_reset/": (("none",), everyone(200, post=None)),
    "accounts/login/": (("none",), everyone(200, post=None)),
    "accounts/logout/": (("none",), everyone(405, post=None)),
    "accounts/password_change/": (("none",), signed_in(200)),
    "accounts/password_change/done/": (("none",), signed_in(200)),
    "accounts/password_reset/done/": (("none",), everyone(200, post=None)),
    "accounts/reset/<uidb64>/<token>/": (("reset_link",), everyone(200, post=None)),
    "accounts/reset/done/": (("none",), everyone(200, post=None)),
    # The member area.
    "members/": (("none",), member_plain()),
    "members/account/": (("none",), member_plain(post=200)),
    "members/practices/new/": (("none",), member_plain(post=200)),
    "members/practices/<int:pk>/": (("member",), member_expectation("practice", {"GET"})),
    "members/practices/<int:pk>/edit/": (
        ("member",),
        member_expectation("practice_edit", {"GET", "POST"}),
    ),
    "members/practices/<int:pk>/preview/": (
        ("member",),
        member_expectation("practice_preview", {"GET"}),
    ),
    "members/practices/<int:pk>/submit/": (
        ("member",),
        member_expectation("practice_submit", {"POST"}),
    ),
    "members/practices/<int:pk>/withdraw/": (
        ("member",),
        member_expectation("practice_withdraw", {"POST"}),
    ),
    "members/practices/<int:pk>/delete/": (
        ("member",),
        member_expectation("practice_delete", {"GET", "POST"}),
    ),
    "members/practices/<int:pk>/images/": (
        ("member",),
        member_expectation("image_add", {"POST"}),
    ),
    "members/practices/<int:pk>/images/<int:image_pk>/delete/": (
        ("member_image",),
        member_expectation("image_delete", {"POST"}),
    ),
    "members/practices/<int:pk>/translations/<str:language>/": (
        ("member_translation",),
        member_expectation("translation_edit", {"GET", "POST"}),
    ),
    "members/practices/<int:pk>/documents/": (
        ("member",),
        member_expectation("attachment_add", {"POST"}),
    ),
    "members/practices/<int:pk>/documents/<int:attachment_pk>/delete/": (
        ("member_attachment",),
        member_expectation("attachment_delete", {"POST"}),
    ),
    # Questions between cities.
    "members/conversations/": (("none",), member_plain()),
    "members/conversations/new/<int:practice_pk>/": (("exchange_ask",), exchange_ask),
    "members/conversations/<int:pk>/": (("conversation",), exchange_conversation("detail")),
    "members/conversations/<int:pk>/publication/": (
        ("conversation",),
        exchange_conversation("publication"),
    ),
    # Adaptations between cities.
    "members/adaptations/": (("none",), member_plain()),
    "members/adaptations/new/<int:practice_pk>/": (("adaptation_new",), adaptation_new),
    "members/adaptations/<int:pk>/": (("adaptation",), exchange_adaptation),
    "admin/exchange/adaptation/<int:object_id>/decide/<slug:action>/": (
        ("adaptation_decide",),
        admin(
            adaptation_decision,
            adaptation_decision,
            lambda m, t: 404 if t == "unknown" else 403,
        ),
    ),
    "admin/exchange/conversation/<int:object_id>/decide/<slug:action>/": (
        ("conversation_decide",),
        admin(
            conversation_decision,
            conversation_decision,
            lambda m, t: 404 if t == "unknown" else 403,
        ),
    ),
    # The admin's own pages.
    "admin/": (("none",), admin(200, 200, 200)),
    "admin/login/": (
        ("none",),
        lambda role, method, target: 200 if role in OFFICERS_AND_VISITORS else 302,
    ),
    # Logging out of the admin takes a POST; a GET by anyone else leads back to the admin.
    "admin/logout/": (
        ("none",),
        lambda role, method, target: 302 if role in OFFICERS_AND_VISITORS else 405,
    ),
    "admin/password_change/": (("none",), admin(200, 200, 200)),
    "admin/password_change/done/": (("none",), admin(200, 200, 200)),
    "admin/autocomplete/": (("autocomplete",), admin(200, 200, 403)),
    "admin/jsi18n/": (("none",), admin(200, 200, 200)),
    # "View on site": the site's own, in front of the admin's (same address), for editors only;
    # any other spelling of the content type id than the admin's ("+15", " 15") is not found,
    # whoever asks. The test of unpublished practices below is strict about what leaks.
    "admin/r/<path:content_type_id>/<path:object_id>/": (
        ("view_on_site",),
        lambda role, method, target: view_on_site(role, target),
    ),
    "admin/auth/user/<id>/password/": (("user_id",), admin(403, 200, 403)),
    "admin/cities/cityofficer/invite/": (("none",), admin(200, 200, 403)),
    "admin/practices/practice/<int:object_id>/review/<slug:action>/": (
        ("practice_review",),
        review_expectation(practice_decision),
    ),
    "admin/practices/practicerevision/<int:object_id>/review/<slug:action>/": (
        ("revision_review",),
        review_expectation(revision_decision),
    ),
    # The publications' decisions and the draft started from the data: editors only.
    "admin/publications/publication/<int:object_id>/decide/<slug:action>/": (
        ("publication_decide",),
        with_post(
            admin(
                publication_decision,
                publication_decision,
                lambda m, t: 404 if t[1] == "unknown" else 403,
            )
        ),
    ),
    "admin/publications/publication/start/": (
        ("publication_start",),
        with_post(admin(start_draft, start_draft, 403)),
    ),
    "admin/^(?P<app_label>auth|axes|cities|exchange|practices|publications)/$": (
        ("app_label",),
        lambda role, method, target: (
            ADMIN_LOGIN if role in OFFICERS_AND_VISITORS else app_list(method, target, role)
        ),
    ),
    "admin/(?P<url>.*)$": (("admin_unknown",), admin(404, 404, 404)),
    **admin_model_rules(),
}

# Which methods each URL is requested with: GET always; POST where the view takes one (the
# member area's forms and actions, the review actions) and for the public pages (refused).
POST_ROUTES = {
    "files/<int:practice_id>/<path:name>",
    "members/",
    "members/account/",
    "members/practices/new/",
    "members/conversations/new/<int:practice_pk>/",
    "members/adaptations/new/<int:practice_pk>/",
    "",
    "transfers/",
    "insights/",
    "insights/<slug:name>.csv",
    "publications/",
    "publications/<slug:slug>/",
    "publications/<slug:slug>/pdf/",
    "practices/",
    "evidence/",
    "practices/promising/",
    "practices/<slug:slug>/",
    "themes/",
    "themes/<slug:slug>/",
    "cities/",
    "cities/<slug:slug>/",
    "coalitions/<slug:slug>/",
    # The sitemap's sections answer any method as the index does; everything else here is
    # read-only (405).
    "sitemap-<section>.xml",
    "api/v1/practices/",
    "api/v1/practices/<slug:slug>/",
    "api/v1/facets/",
    "api/v1/themes/",
    "api/v1/commitments/",
    "api/v1/coalitions/",
    "api/v1/cities/",
    "api/v1/schema/",
    "api/docs/",
    "api/^(?:.*/)?$",
    "api/v1/map/cities.geojson",
    "map/",
    "exports/practices.csv",
    "exports/practices.xlsx",
    "feeds/practices/",
    "feeds/themes/<slug:slug>/",
    "feeds/cities/<slug:slug>/",
    "feeds/coalitions/<slug:slug>/",
    "feeds/search/",
}


def methods_for(route, expect, role, target):
    if hasattr(expect, "methods"):
        return expect.methods(role, target)
    return ["GET", "POST"] if route in POST_ROUTES else ["GET"]


# ---------------------------------------------------------------- filling the converters


def admin_objects(world, people):
    officer = people["owner"]
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    attempt = AccessAttempt.objects.create(
        username="x", ip_address="10.0.0.1", user_agent="t", failures_since_start=1
    )
    log = AccessLog.objects.create(username="x", ip_address="10.0.0.1", user_agent="t")
    failure = AccessFailureLog.objects.create(username="x", ip_address="10.0.0.1", user_agent="t")
    city = officer.city_officer.city
    conversations = exchange_conversations(world, people)
    return {
        **conversations,
        ("practices", "practicerevision"): world["revision"].pk,
        ("practices", "practicechange"): PracticeChange.objects.order_by("pk").first().pk,
        ("practices", "outgoingemail"): world["email"].pk,
        ("practices", "reviewevent"): ReviewEvent.objects.order_by("pk").first().pk,
        ("practices", "theme"): Theme.objects.order_by("pk").first().pk,
        ("practices", "commitment"): Commitment.objects.order_by("pk").first().pk,
        ("practices", "cityrole"): CityRole.objects.order_by("pk").first().pk,
        ("practices", "targetgroup"): TargetGroup.objects.order_by("pk").first().pk,
        ("cities", "coalition"): city.coalition.pk,
        ("cities", "city"): city.pk,
        ("cities", "cityofficer"): CityOfficer.objects.get(user=officer).pk,
        ("auth", "user"): officer.pk,
        ("auth", "group"): Group.objects.get(name="Editors").pk,
        ("axes", "accessattempt"): attempt.pk,
        ("axes", "accesslog"): log.pk,
        ("axes", "accessfailurelog"): failure.pk,
    }


def exchange_conversations(world, people):
    """City B asks city A about its published practice ("ab"); a third city asks too ("ca")."""
    from exchange import services as exchange_services
    from tests.cities.factories import CityFactory, CityOfficerFactory

    practice = world["practices"][Status.PUBLISHED]
    third = CityOfficerFactory(city=CityFactory(name="Thirdburg"), user__username="third").user
    ab = exchange_services.conversation_start(
        practice=practice, actor=people["other_city"], body="How did you recruit the testers?"
    )
    ca = exchange_services.conversation_start(
        practice=practice, actor=third, body="What did it cost?"
    )
    ba = exchange_services.adaptation_create(
        original=practice, actor=people["other_city"], data=ADAPTATION, submit=True
    )
    ca_adaptation = exchange_services.adaptation_create(
        original=practice, actor=third, data=ADAPTATION, submit=True
    )
    return {
        ("exchange", "conversation"): ab.pk,
        "ab": ab.pk,
        "ca": ca.pk,
        ("exchange", "adaptation"): ba.pk,
        "ba": ba.pk,
        "ca_adaptation": ca_adaptation.pk,
    }


def fill(route, how, world, people, objects):
    """Return [(url, target)]: the concrete addresses of a pattern, each with what it names."""
    practices = world["practices"]
    targets = {**practices}
    kind = how[0]
    missing_pk = max(p.pk for p in practices.values()) + 1000

    if kind in ("none", "admin_add"):
        return [("/" + route, "-")]
    if kind == "language":
        return [("/language/fr/", "fr"), ("/language/xx/", "unknown")]
    if kind == "sitemap_section":
        sections = ("pages", "practices", "publications", "themes", "cities", "coalitions")
        return [(f"/sitemap-{section}.xml", section) for section in sections] + [
            ("/sitemap-nothing.xml", MISSING),
            ("/sitemap-practices.xml?p=2", MISSING),  # past the last page
            ("/sitemap-practices.xml?p=x", MISSING),
        ]
    if kind == "api_search":
        # The whole search, and one narrowed by words and a theme; a page past the last.
        base = "/" + route
        urls = [(base, "-"), (f"{base}?q=desk&theme=housing&lang=fr", "-")]
        if route == "api/v1/practices/":
            urls.append((f"{base}?page=99", MISSING))
        return urls
    if kind == "api_practice":
        urls = [(f"/api/v1/practices/{p.slug}/", t) for t, p in targets.items()]
        return urls + [("/api/v1/practices/no-such-practice/", MISSING)]
    if kind == "api_schema":
        return [("/api/v1/schema/", "yaml"), ("/api/v1/schema/?format=json", "json")]
    if kind == "api_docs":
        return [("/api/docs/", "page"), ("/api/docs/?script=", "script")]
    if kind == "api_unknown":
        return [("/api/", "-"), ("/api/v2/practices/", "-"), ("/api/v1/drafts/", "-")]
    if kind == "geojson":
        city = people["owner"].city_officer.city
        return [
            ("/api/v1/map/cities.geojson", "-"),
            (f"/api/v1/map/cities.geojson?city={city.slug}&lang=fr", "-"),
        ]
    if kind == "map":
        return [("/map/", "-"), ("/map/?theme=housing", "-")]
    if kind == "export":
        return [("/" + route, "-"), ("/" + route + "?q=desk&sort=newest", "-")]
    if kind == "feed_theme":
        return [("/feeds/themes/housing/", "theme"), ("/feeds/themes/no-such-theme/", MISSING)]
    if kind == "feed_city":
        a, b = (people[r].city_officer.city for r in ("owner", "other_city"))
        return [
            (f"/feeds/cities/{a.slug}/", "city A"),
            (f"/feeds/cities/{b.slug}/", "city B"),
            ("/feeds/cities/x/", MISSING),
        ]
    if kind == "feed_coalition":
        coalition = people["owner"].city_officer.city.coalition
        return [
            (f"/feeds/coalitions/{coalition.slug}/", "coalition"),
            ("/feeds/coalitions/x/", MISSING),
        ]
    if kind == "feed_search":
        return [("/feeds/search/", "-"), ("/feeds/search/?q=desk&theme=housing", "-")]
    if kind == "practice_slug":
        urls = [(f"/practices/{p.slug}/", t) for t, p in targets.items()]
        return urls + [("/practices/no-such-practice/", MISSING)]
    if kind == "file":
        # Each practice's image and document; city B's image under a published practice of A.
        urls = []
        for key, practice in targets.items():
            image = world["images"][key].image.name
            document = world["attachments"][key].file.name
            urls += [
                (f"/files/{practice.pk}/{image}", (key, "image")),
                (f"/files/{practice.pk}/{document}", (key, "document")),
            ]
        foreign = world["images"][OTHER_CITY].image.name
        published = practices[Status.PUBLISHED].pk
        return urls + [
            (f"/files/{missing_pk}/{foreign}", (MISSING, "image")),
            (f"/files/{published}/{foreign}", (Status.PUBLISHED, "another practice's")),
        ]
    if kind == "theme_slug":
        return [("/themes/housing/", "theme"), ("/themes/no-such-theme/", MISSING)]
    if kind == "city_slug":
        a, b = (people[r].city_officer.city for r in ("owner", "other_city"))
        return [
            (f"/cities/{a.slug}/", "city A"),
            (f"/cities/{b.slug}/", "city B"),
            ("/cities/x/", MISSING),
        ]
    if kind == "coalition_slug":
        coalition = people["owner"].city_officer.city.coalition
        return [(f"/coalitions/{coalition.slug}/", "coalition"), ("/coalitions/x/", MISSING)]
    if kind == "reset_link":
        user = people["owner"]
        uid = urlsafe_base64_encode(force_bytes(user.pk))
        token = default_token_generator.make_token(user)
        return [
            (f"/accounts/reset/{uid}/{token[:-2]}xx/", "bad token"),
            (f"/accounts/reset/{uid}/set-password/", "no token in session"),
        ]
    if kind == "member":
        base = "/members/practices/{pk}/" + route.split("<int:pk>/", 1)[1]
        urls = [(base.format(pk=p.pk), t) for t, p in targets.items()]
        return urls + [(base.format(pk=missing_pk), MISSING)]
    if kind in ("member_image", "member_attachment"):
        objects_of = world["images" if kind == "member_image" else "attachments"]
        segment = "images" if kind == "member_image" else "documents"
        urls = [
            (f"/members/practices/{p.pk}/{segment}/{objects_of[t].pk}/delete/", t)
            for t, p in targets.items()
        ]
        foreign = objects_of[OTHER_CITY].pk
        draft = practices[Status.DRAFT].pk
        label = "foreign_image" if kind == "member_image" else "foreign_attachment"
        return urls + [
            (f"/members/practices/{missing_pk}/{segment}/{foreign}/delete/", MISSING),
            # An image of city B's practice, named under city A's draft.
            (f"/members/practices/{draft}/{segment}/{foreign}/delete/", label),
        ]
    if kind == "member_translation":
        urls = [(f"/members/practices/{p.pk}/translations/fr/", t) for t, p in targets.items()]
        draft = practices[Status.DRAFT].pk
        return urls + [
            (f"/members/practices/{missing_pk}/translations/fr/", MISSING),
            (f"/members/practices/{draft}/translations/en/", "own_language"),
            (f"/members/practices/{draft}/translations/xx/", "own_language"),
        ]
    if kind == "admin_object":
        _k, app, model = kind, how[1], how[2]
        suffix = route.split("<path:object_id>/", 1)[1]
        base = f"/admin/{app}/{model}/{{pk}}/{suffix}"
        if (app, model) == ("practices", "practice"):
            # In the admin a practice is a practice, whatever its city: one per state.
            urls = [(base.format(pk=p.pk), t) for t, p in targets.items() if t != OTHER_CITY]
            return urls + [(base.format(pk=missing_pk), MISSING)]
        if app == "publications":
            # The draft and the published publication, or the chapter of each.
            keyed = world["publications" if model == "publication" else "chapters"]
            urls = [(base.format(pk=obj.pk), key) for key, obj in keyed.items()]
            if model == "publication":
                missing = max(obj.pk for obj in keyed.values()) + 1000
                urls.append((base.format(pk=missing), MISSING))
            return urls
        return [(base.format(pk=objects[(app, model)]), "-")]
    if kind == "practice_review":
        urls = [
            (f"/admin/practices/practice/{p.pk}/review/{action}/", (t, action))
            for t, p in targets.items()
            if t != OTHER_CITY
            for action in REVIEW_ACTIONS
        ]
        draft = practices[Status.DRAFT].pk
        return urls + [
            (f"/admin/practices/practice/{missing_pk}/review/approve/", (MISSING, "approve")),
            (f"/admin/practices/practice/{draft}/review/publish-everything/", ("-", "unknown")),
        ]
    if kind == "revision_review":
        pk = world["revision"].pk
        base = "/admin/practices/practicerevision/{pk}/review/{action}/"
        urls = [(base.format(pk=pk, action=a), ("-", a)) for a in REVISION_ACTIONS]
        return urls + [
            (base.format(pk=pk + 1000, action="approve"), (MISSING, "approve")),
            (base.format(pk=pk, action="merge"), ("-", "unknown")),
        ]
    if kind == "exchange_ask":
        urls = [(f"/members/conversations/new/{p.pk}/", t) for t, p in targets.items()]
        return urls + [(f"/members/conversations/new/{missing_pk}/", MISSING)]
    if kind == "conversation":
        suffix = route.split("<int:pk>/", 1)[1]
        missing = objects["ca"] + 1000
        return [
            (f"/members/conversations/{objects[key]}/{suffix}", key) for key in ("ab", "ca")
        ] + [(f"/members/conversations/{missing}/{suffix}", MISSING)]
    if kind == "insights_csv":
        return [("/insights/themes-coalitions.csv", "-"), ("/insights/nothing.csv", MISSING)]
    if kind in ("publication_slug", "publication_pdf"):
        suffix = "pdf/" if kind == "publication_pdf" else ""
        urls = [
            (f"/publications/{publication.slug}/{suffix}", key)
            for key, publication in world["publications"].items()
        ]
        return urls + [(f"/publications/no-such-publication/{suffix}", MISSING)]
    if kind == "publication_decide":
        base = "/admin/publications/publication/{pk}/decide/{action}/"
        publications = world["publications"]
        urls = [
            (base.format(pk=publication.pk, action=action), (key, action))
            for key, publication in publications.items()
            for action in PUBLICATION_DECISIONS
        ]
        published, draft = (
            publications[PUBLICATION_PUBLISHED].pk,
            publications[PUBLICATION_DRAFT].pk,
        )
        missing = max(publication.pk for publication in publications.values()) + 1000
        return urls + [
            # The published publication, decided on the version it had before being published.
            (base.format(pk=published, action="withdraw"), (STALE, "withdraw")),
            (base.format(pk=missing, action="publish"), (MISSING, "publish")),
            (base.format(pk=draft, action="delete"), (PUBLICATION_DRAFT, "unknown")),
        ]
    if kind == "publication_start":
        return [("/admin/publications/publication/start/", "-")]
    if kind == "adaptation_new":
        urls = [(f"/members/adaptations/new/{p.pk}/", t) for t, p in targets.items()]
        return urls + [(f"/members/adaptations/new/{missing_pk}/", MISSING)]
    if kind == "adaptation":
        missing = objects["ca_adaptation"] + 1000
        return [
            (f"/members/adaptations/{objects['ba']}/", "ba"),
            (f"/members/adaptations/{objects['ca_adaptation']}/", "ca"),
            (f"/members/adaptations/{missing}/", MISSING),
        ]
    if kind == "adaptation_decide":
        base = "/admin/exchange/adaptation/{pk}/decide/{action}/"
        pk = objects["ba"]
        actions = ("approve", "request_changes", "reject")
        return [(base.format(pk=pk, action=a), a) for a in actions] + [
            (base.format(pk=pk + 1000, action="approve"), MISSING),
            (base.format(pk=pk, action="merge"), "unknown"),
        ]
    if kind == "conversation_decide":
        base = "/admin/exchange/conversation/{pk}/decide/{action}/"
        pk = objects["ab"]
        return [(base.format(pk=pk, action=a), a) for a in ("close", "publish", "refuse")] + [
            (base.format(pk=pk + 1000, action="close"), MISSING),
            (base.format(pk=pk, action="merge"), "unknown"),
        ]
    if kind == "autocomplete":
        query = "app_label=practices&model_name=practice&field_name=city&term=a"
        return [(f"/admin/autocomplete/?{query}", "-")]
    if kind == "view_on_site":
        content_type = ContentType.objects.get_for_model(Practice).pk
        # A draft publication's address too: its title, for staff outside the Editors group.
        publication_type = ContentType.objects.get_for_model(Publication).pk
        draft_publication = world["publications"][PUBLICATION_DRAFT].pk
        return [
            (f"/admin/r/{written}/{practices[state].pk}/", (state, spelling))
            for state in (Status.PUBLISHED, Status.DRAFT)
            for written, spelling in [(content_type, "as written"), (f"+{content_type}", "respelt")]
        ] + [
            (
                f"/admin/r/{publication_type}/{draft_publication}/",
                (PUBLICATION_DRAFT, "as written"),
            )
        ]
    if kind == "user_id":
        return [(f"/admin/auth/user/{people['owner'].pk}/password/", "-")]
    if kind == "app_label":
        labels = ("auth", "axes", "cities", "exchange", "practices", "publications")
        return [(f"/admin/{label}/", label) for label in labels]
    if kind == "admin_unknown":
        return [("/admin/no/such/page/", "-")]
    raise AssertionError(f"no way to fill {route}")


# ---------------------------------------------------------------- the test


def answer_matches(response, expected):
    if isinstance(expected, frozenset):
        return any(answer_matches(response, one) for one in expected)
    if isinstance(expected, tuple):
        _login, path = expected
        if response.status_code != 302:
            return False
        location = urlsplit(response["Location"]).path
        return re.sub(r"^/[a-z]{2}(-hans)?/", "/", location) == path
    if response.status_code != expected:
        return False
    if expected == 302:
        location = urlsplit(response["Location"]).path
        return not location.endswith(("/accounts/login/", "/admin/login/"))
    return True


# ---------------------------------------------------------------- what an answer holds

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# What the open data's answers must be, when given (200): their content type (the part before
# any ";"), and how the body begins or what it parses as (the publications' PDF: below).
JSON_BODIES = {"api_search", "api_practice", "none"}


def expected_content(route, how, target):
    """(content type, check of the body) of a 200 answer, or None for an HTML page."""
    kind = how[0]
    if route.startswith("api/v1/") and kind in JSON_BODIES:
        return "application/json", is_json
    if kind == "api_schema":
        if target == "json":
            return "application/vnd.oai.openapi+json", is_json
        return "application/vnd.oai.openapi", lambda body: body.startswith(b"openapi:")
    if kind == "api_docs" and target == "script":
        return "application/javascript", lambda body: b"<" not in body[:200]
    if kind in ("api_docs", "map"):
        return "text/html", lambda body: b"<html" in body
    if kind == "geojson":
        return "application/geo+json", lambda body: is_json(body, "FeatureCollection")
    if route == "exports/practices.csv":
        return "text/csv", lambda body: body.startswith("\ufeff".encode())
    if route == "exports/practices.xlsx":
        return XLSX, lambda body: body.startswith(b"PK")  # a zip, as every workbook is
    if route.startswith("feeds/"):
        return "application/atom+xml", lambda body: b"<feed " in body
    if kind == "sitemap_section":
        return "application/xml", lambda body: b"<urlset" in body
    if route == "sitemap.xml":
        return "application/xml", lambda body: b"<sitemapindex" in body
    return None  # the other pages: not checked here


def is_json(body, geojson_type=None):
    import json

    try:
        data = json.loads(body)
    except ValueError:
        return False
    return geojson_type is None or data.get("type") == geojson_type


def content_problem(route, how, target, response, body):
    """What is wrong with the answer's type or body, or "" when nothing is. The API's errors
    (everything under /api/ but the map's GeoJSON) are problem details, never an HTML page."""
    import json

    content_type = response.get("Content-Type", "").split(";")[0].strip()
    status = response.status_code
    if route.startswith("api/") and how[0] != "geojson" and status >= 400:
        if content_type != "application/problem+json":
            return f"an error as {content_type}"
        try:
            named = json.loads(body).get("status")
        except ValueError:
            return f"a problem whose body is not JSON: {body[:40]!r}"
        return "" if named == status else f"a problem naming status {named}"
    if status != 200:
        return ""
    expected = expected_content(route, how, target)
    if expected is None:
        return ""
    wanted, check = expected
    if content_type != wanted:
        return f"{content_type}, not {wanted}"
    return "" if check(body) else f"a body that is not {wanted}"


# ---------------------------------------------------------------- what a request changed

PRACTICE_KINDS = {
    "file",
    "member",
    "member_image",
    "member_attachment",
    "member_translation",
    "practice_review",
    "revision_review",
    "practice_slug",
}
MEMBER_EFFECTS = {
    "members/practices/<int:pk>/submit/": lambda state: (
        "status:submitted" if state in (Status.DRAFT, Status.CHANGES_REQUESTED) else None
    ),
    "members/practices/<int:pk>/withdraw/": lambda state: {
        Status.SUBMITTED: "status:draft",
        "published_update_submitted": "revision:draft",
    }.get(state),
    "members/practices/<int:pk>/delete/": lambda state: (
        "deleted" if state == Status.DRAFT else None
    ),
    "members/practices/<int:pk>/images/<int:image_pk>/delete/": lambda state: (
        "image removed" if state in (Status.DRAFT, Status.CHANGES_REQUESTED) else None
    ),
    "members/practices/<int:pk>/documents/<int:attachment_pk>/delete/": lambda state: (
        "attachment removed" if state in (Status.DRAFT, Status.CHANGES_REQUESTED) else None
    ),
}


def snapshot(world):
    """Each practice of the fixture: state, update, images, files, version (None: deleted).

    One plain query: it runs after some two thousand requests."""
    from django.db import connection

    from practices.models import PracticeAttachment, PracticeImage, PracticeRevision

    keys = {practice.pk: key for key, practice in world["practices"].items()}
    tables = {
        "practice": Practice._meta.db_table,
        "image": PracticeImage._meta.db_table,
        "file": PracticeAttachment._meta.db_table,
        "revision": PracticeRevision._meta.db_table,
    }
    sql = """
        SELECT p.id, p.status,
          (SELECT r.status FROM {revision} r WHERE r.practice_id = p.id ORDER BY r.id DESC LIMIT 1),
          (SELECT COUNT(*) FROM {image} i WHERE i.practice_id = p.id),
          (SELECT COUNT(*) FROM {file} f WHERE f.practice_id = p.id),
          p.version
        FROM {practice} p WHERE p.id IN ({ids})
    """.format(**tables, ids=", ".join(str(int(pk)) for pk in keys))
    rows = dict.fromkeys(keys.values())
    with connection.cursor() as cursor:
        cursor.execute(sql)
        for pk, *state in cursor.fetchall():
            rows[keys[pk]] = tuple(state)
    return rows


def changes(before, after):
    """Name what happened to each practice that changed."""
    found = {}
    for key, old in before.items():
        new = after[key]
        if new == old:
            continue
        if new is None:
            found[key] = "deleted"
        elif new[0] != old[0]:
            found[key] = f"status:{new[0]}"
        elif new[1] != old[1]:
            found[key] = f"revision:{new[1]}"
        elif new[2] != old[2]:
            found[key] = "image removed" if new[2] < old[2] else "image added"
        elif new[3] != old[3]:
            found[key] = "attachment removed" if new[3] < old[3] else "attachment added"
        else:
            found[key] = "edited"
    return found


PUBLICATION_KINDS = {
    "publication_slug",
    "publication_pdf",
    "publication_decide",
    "publication_start",
}


def publication_snapshot(world):
    """Each publication of the fixture: its status and version (None: deleted)."""
    keys = {publication.pk: key for key, publication in world["publications"].items()}
    rows = dict.fromkeys(keys.values())
    for pk, *state in Publication.objects.filter(pk__in=keys).values_list(
        "pk", "status", "version"
    ):
        rows[keys[pk]] = tuple(state)
    return rows


def publication_changes(before, after):
    """Name what happened to each publication that changed."""
    found = {}
    for key, old in before.items():
        new = after[key]
        if new == old:
            continue
        if new is None:
            found[key] = "deleted"
        elif new[0] != old[0]:
            found[key] = f"status:{new[0]}"
        else:
            found[key] = "new version"
    return found


def expected_publication_changes(route, role, method, target, expected):
    """What a request may change of the publications: an editor's decision makes the move of its
    button; a saved admin form of a publication or of one of its chapters (added, changed or
    deleted) makes a new version of that publication, recorded in its history, and a confirmed
    delete of a publication removes it. Nothing else changes one."""
    if method != "POST" or expected != 302 or target == MISSING:
        return {}
    if route.endswith("/decide/<slug:action>/"):
        key, action = target
        move = PUBLICATION_MOVES.get((action, key))
        return {key: move} if move else {}
    if not route.startswith(("admin/publications/publication/", "admin/publications/chapter/")):
        return {}
    if route.endswith("/start/") or route == "admin/publications/publication/add/":
        return {}  # a new publication; the others stay as they are
    if route == "admin/publications/chapter/add/":
        return {PUBLICATION_DRAFT: "new version"}  # admin_sample adds it to the draft
    if route.startswith("admin/publications/publication/") and route.endswith("/delete/"):
        return {target: "deleted"}
    return {target: "new version"}


def expected_changes(route, role, method, target):
    """What a request may change: only an officer's own practice, or an editor's decision."""
    if method != "POST":
        return {}
    if route in MEMBER_EFFECTS:
        mine = (role == "owner" and target in STATES) or (
            role == "other_city" and target == OTHER_CITY
        )
        if not mine:
            return {}
        effect = MEMBER_EFFECTS[route](Status.DRAFT if target == OTHER_CITY else target)
        return {target: effect} if effect else {}
    if route == "admin/practices/practice/<path:object_id>/delete/":
        return {Status.DRAFT: "deleted"} if role == "superuser" and target == Status.DRAFT else {}
    if "review" in route and role in ("editor", "superuser"):
        state, action = target
        if state in (MISSING, "-") and "practicerevision" not in route or action == "unknown":
            return {}
        if "practicerevision" in route:
            moved = {"approve": "approved", "request_changes": "changes_requested"}
            moved["reject"] = "rejected"
            return (
                {}
                if state == MISSING
                else {"published_update_submitted": f"revision:{moved[action]}"}
            )
        move = DECISION_MOVES.get((action, state))
        return {state: move} if move else {}
    return {}


def admin_sample(model):
    """The fields an add form needs filled, besides what it fills itself."""
    from cities.models import City, Coalition

    theme, city = Theme.objects.order_by("pk").first(), City.objects.order_by("pk").first()
    coalition = Coalition.objects.order_by("pk").first()
    draft_publication = Publication.objects.filter(status="draft").order_by("pk").first()
    password = "Lantern-orchard-1987"
    return {
        "practice": {"title": "Added in the admin", "slug": "added-in-the-admin", "city": city.pk},
        "theme": {"title_en": "Added theme", "slug": "added-theme", "order": "20"},
        "commitment": {
            "coalition": coalition.pk,
            "number": "99",
            "title_en": "Added commitment",
            "theme": theme.pk,
        },
        "cityrole": {"title_en": "Added role", "slug": "added-role", "order": "9"},
        "targetgroup": {"title_en": "Added group", "slug": "added-group", "order": "9"},
        "coalition": {"name_en": "Added coalition", "slug": "added-coalition", "region_en": "Asia"},
        "city": {
            "name": "Addedville",
            "slug": "addedville",
            "country": "FR",
            "coalition": coalition.pk,
        },
        "user": {"username": "added-user", "password1": password, "password2": password},
        "group": {"name": "Added group"},
        "publication": {
            "title_en": "Added publication",
            "slug": "added-publication",
            "year": "2026",
        },
        "chapter": {
            "publication": draft_publication.pk if draft_publication else "",
            "position": "2",
            "title_en": "Added chapter",
        },
    }.get(model, {})


def admin_form_post(client, url, how):
    """The add or change form as the page shows it to this person (nothing if it shows none),
    with an add form's required fields filled; the delete page's confirmation."""
    if url.endswith("/delete/"):
        return {"post": "yes"}
    page = client.get(url)
    if page.status_code != 200:
        return {}
    _kind, _app, model = how
    try:
        data = form_data(page.content.decode(), f"{model}_form")
    except AssertionError:  # the page has no such form
        return {}
    if url.endswith("/add/"):
        data.update({name: [value] for name, value in admin_sample(model).items()})
    return data


def post_data(how, role, target, world, client=None, url=""):
    """What a POST sends: the decision form as the editors' page fills it, an admin form as its
    page shows it; nothing otherwise."""
    if how[0] in ("admin_add", "admin_object") and url.endswith(("/add/", "/change/", "/delete/")):
        return admin_form_post(client, url, how)
    if how[0] == "conversation_decide" and role in ("editor", "superuser"):
        from exchange.models import Conversation

        version = Conversation.objects.get(pk=world["conversation"]).version
        return {"version": version, "reason": "Decided in the matrix."}
    if how[0] == "adaptation_decide" and role in ("editor", "superuser"):
        from exchange.models import Adaptation

        version = Adaptation.objects.get(pk=world["adaptation"]).version
        return {"version": version, "reason": "Decided in the matrix."}
    if how[0] == "publication_decide" and role in ("editor", "superuser"):
        key, _action = target
        publication = world["publications"].get(PUBLICATION_PUBLISHED if key == STALE else key)
        version = Publication.objects.get(pk=publication.pk).version if publication else 1
        if key == STALE:
            version -= 1
        return {"version": version, "note": "Decided in the matrix."}
    if how[0] == "publication_start" and role in ("editor", "superuser"):
        return {"title": "Started in the matrix", "year": "2026", "group_by": "theme"}
    if how[0] not in ("practice_review", "revision_review") or role not in ("editor", "superuser"):
        return {}
    state, _action = target
    if how[0] == "revision_review":
        version = PracticeRevision.objects.get(pk=world["revision"].pk).version
    elif state in world["practices"]:
        version = Practice.objects.get(pk=world["practices"][state].pk).version
    else:
        version = 1
    return {"message": "Decided in the matrix.", "note": "A note.", "version": version}


def rows_written():
    """Rows written so far in this transaction: by table on PostgreSQL, in all on SQLite."""
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT relname, n_tup_ins + n_tup_upd + n_tup_del FROM pg_stat_xact_user_tables"
            )
            return {name: count for name, count in cursor.fetchall() if count}
        cursor.execute("SELECT total_changes()")
        return {"rows": cursor.fetchone()[0]}


def written_by(before, after):
    return {name for name, count in after.items() if count != before.get(name, 0)}


def allowed_tables(how, method, expected, practice_changes):
    """The prefixes of the tables a request may write: none for a GET or a refused request; the
    practices' tables for a change of a practice; a saved admin form's (ADMIN_TABLES)."""
    if how[0] == "conversation" and expected == 200:
        # Reading a conversation records that the city read it; nothing else is written.
        return ("exchange_conversationread",)
    if method == "GET":
        return ()
    if how[0] == "conversation_decide" and expected == 302:
        return ("exchange_",)
    if how[0] == "adaptation_decide" and expected == 302:
        # The record and its event, the adapted practice's count, the e-mails' outbox.
        return ("exchange_", "practices_")
    if how[0] in ("publication_decide", "publication_start") and expected == 302:
        return ADMIN_TABLES["publications"]
    if how[0] in ("admin_add", "admin_object") and expected == 302:
        return (*ADMIN_TABLES[how[1]], "django_admin_log")
    return ("practices_",) if practice_changes else ()


def admin_rows(how):
    """How many rows the model of an admin page has (0 for other pages); the publications', for
    the page that starts a draft."""
    if how[0] == "publication_start":
        how = ("admin_add", "publications", "publication")
    if how[0] not in ("admin_add", "admin_object"):
        return 0
    from django.apps import apps

    return apps.get_model(how[1], how[2])._base_manager.count()


def rows_added(how, url, method, expected, target):
    """A saved add form adds one row, a confirmed delete removes one; nothing else adds any (a
    missing object's pages and the officers' add page, which leads to the invitation, redirect
    without saving). A draft started from the data is a new publication."""
    if how[0] == "publication_start":
        return 1 if method == "POST" and expected == 302 else 0
    if how[0] not in ("admin_add", "admin_object") or method != "POST" or expected != 302:
        return 0
    if target == MISSING or how[2] == "cityofficer" and url.endswith("/add/"):
        return 0
    return {"/add/": 1, "/delete/": -1}.get(url[url.rstrip("/").rfind("/") :], 0)


def tables_ok(written, allowed):
    if not allowed:
        return not written
    if written == {"rows"}:  # SQLite says how many, not where
        return True
    return all(name.startswith(allowed) for name in written)


@pytest.fixture
def world_files(world, media_root):
    """The files the fixture's image and document rows name, stored: the file view answers a
    file only when it exists. And the published publication's PDF in English, made and stored
    as its first reader's request makes it: every request for it then reads it, writing
    nothing (each request's writes are rolled back, so otherwise each would make it again)."""
    from publications.pdf import pdf_of

    for key in world["practices"]:
        for name in (world["images"][key].image.name, world["attachments"][key].file.name):
            path = media_root / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(f"the file {name}".encode())
    published = world["publications"][PUBLICATION_PUBLISHED]
    stored = pdf_of(published, "en", "http://testserver/")
    assert stored.version == published.version and stored.size > 0


@pytest.mark.usefixtures("world_files")
def test_every_url_answers_every_role_and_state_as_expected(
    world, people, clients, figures, settings
):
    # The API counts every request from the test client's address: its limit is not the
    # subject here (tests/api/ checks the 429), so it must not answer one.
    settings.API_RATE = "1000000/min"
    objects = admin_objects(world, people)
    world["conversation"] = objects["ab"]
    world["adaptation"] = objects["ba"]
    routes = list(walk(get_resolver().url_patterns))
    unknown = sorted({route for route, _name in routes} - set(RULES))
    assert not unknown, f"URL patterns without an expectation: {unknown}"
    stale = sorted(set(RULES) - {route for route, _name in routes})
    assert not stale, f"expectations for URL patterns that no longer exist: {stale}"

    checked, wrong, untried = 0, [], []
    seen = set()
    before, publications_before = snapshot(world), publication_snapshot(world)
    for route, _name in routes:
        if route in seen:  # accounts/password_reset/ is routed twice; the first one answers
            continue
        seen.add(route)
        how, expect = RULES[route]
        urls = fill(route, how, world, people, objects)
        checked_before = checked
        for url, target in urls:
            for role in ROLES:
                for method in methods_for(route, expect, role, target):
                    expected = expect(role, method, target)
                    if expected is None:
                        continue
                    client = clients[role]
                    watched = how[0] in PRACTICE_KINDS or how[1:] == ("practices", "practice")
                    watched_publications = how[0] in PUBLICATION_KINDS or how[1:2] == (
                        "publications",
                    )
                    data = {}
                    if method == "POST":
                        with rolled_back():
                            data = post_data(how, role, target, world, client, url)
                    with rolled_back():
                        written_before, rows_before = rows_written(), admin_rows(how)
                        if method == "GET":
                            response = client.get(url)
                        else:
                            response = client.post(url, data)
                        # A streamed answer (a download, a PDF) is read here: what it reads
                        # while streaming is part of the request.
                        if response.streaming:
                            body = b"".join(response.streaming_content)
                        else:
                            body = response.content
                        written = written_by(written_before, rows_written())
                        added = admin_rows(how) - rows_before
                        changed = changes(before, snapshot(world)) if watched else {}
                        moved = (
                            publication_changes(publications_before, publication_snapshot(world))
                            if watched_publications
                            else {}
                        )
                    checked += 1
                    if not answer_matches(response, expected):
                        got = response.status_code
                        where = response.get("Location", "")
                        wrong.append(f"{method} {url} [{target}] as {role}: {got} {where}")
                    if how[0] == "publication_pdf" and response.status_code == 200:
                        # The stored file, streamed (read through the client, which closes it).
                        if response["Content-Type"] != "application/pdf" or body[:5] != b"%PDF-":
                            wrong.append(f"{method} {url} as {role}: {response['Content-Type']}")
                    problem = content_problem(route, how, target, response, body)
                    if problem:
                        wrong.append(f"{method} {url} [{target}] as {role}: {problem}")
                    allowed = expected_changes(route, role, method, target) if watched else {}
                    if changed != allowed:
                        wrong.append(f"{method} {url} [{target}] as {role} changed {changed}")
                    may_move = expected_publication_changes(route, role, method, target, expected)
                    if moved != may_move:
                        wrong.append(
                            f"{method} {url} [{target}] as {role} changed {moved}, not {may_move}"
                        )
                    if added != rows_added(how, url, method, expected, target):
                        wrong.append(f"{method} {url} [{target}] as {role} added {added} rows")
                    may_write = allowed_tables(how, method, expected, allowed)
                    if not tables_ok(written, may_write):
                        wrong.append(f"{method} {url} [{target}] as {role} wrote {sorted(written)}")
        if checked == checked_before:
            untried.append(route)
    assert not wrong, f"{len(wrong)} unexpected answers:\n" + "\n".join(wrong)
    # Every pattern was requested at least once: none is covered by its expectation alone.
    assert untried == []
    figures["access matrix: URL x role x state cases checked"] = checked


def test_staff_outside_the_editors_cannot_learn_unpublished_practices_through_view_on_site(
    world, clients
):
    content_type = ContentType.objects.get_for_model(Practice).pk
    checked = 0
    for state in (Status.DRAFT, Status.SUBMITTED, Status.REJECTED, OTHER_CITY):
        practice = world["practices"][state]
        # The id as written by the admin, and as int() also reads it.
        for written in (f"{content_type}", f"+{content_type}", f"%20{content_type}"):
            for prefix in ("", "/fr"):
                response = clients["staff"].get(f"{prefix}/admin/r/{written}/{practice.pk}/")
                assert practice.slug not in response.get("Location", ""), (state, written)
                assert response.status_code in (403, 404), (state, written)
                checked += 1
    assert checked == 24


def test_member_urls_refuse_the_methods_they_do_not_take(world, clients, figures):
    """Each member URL answers 405 to its owner for any other method; visitors still go to
    the login page first."""
    draft = world["practices"][Status.DRAFT]
    checked = 0
    for route, (how, expect) in RULES.items():
        if not hasattr(expect, "allowed"):
            continue
        url, _target = next(
            (url, target)
            for url, target in fill(route, how, world, None, None)
            if target == Status.DRAFT
        )
        for method in {"GET", "POST", "PUT", "PATCH", "DELETE"} - expect.allowed:
            for role, expected in [("owner", 405), ("other_city", 405), ("anonymous", 302)]:
                response = clients[role].generic(method, url)
                assert response.status_code == expected, (method, url, role)
                checked += 1
    assert draft.pk and checked >= 3 * 40
    figures["member URLs: refused-method cases checked"] = checked


def test_the_api_takes_get_head_and_options_only(world, settings):
    """Every address under /api/ (the docs and the OpenAPI document too) answers HEAD and
    OPTIONS as a read, and any method that writes with 405 as a problem naming the methods it
    takes (Allow) — never a server error, never a page of another type."""
    import json

    settings.API_RATE = "1000000/min"
    published = world["practices"][Status.PUBLISHED]
    client = Client(raise_request_exception=False)
    wrong = []
    for url in [
        "/api/v1/practices/",
        f"/api/v1/practices/{published.slug}/",
        "/api/v1/facets/",
        "/api/v1/themes/",
        "/api/v1/cities/",
        "/api/v1/schema/",
        "/api/v1/schema/?format=json",
        "/api/docs/",
        "/api/docs/?script=",
        "/api/v2/",
    ]:
        for method in ("HEAD", "OPTIONS"):
            response = client.generic(method, url)
            if response.status_code not in (200, 404):
                wrong.append(f"{method} {url}: {response.status_code}")
        for method in ("PUT", "PATCH", "DELETE"):
            response = client.generic(method, url)
            content_type = response.get("Content-Type", "")
            if response.status_code != 405 or content_type != "application/problem+json":
                wrong.append(f"{method} {url}: {response.status_code} {content_type}")
                continue
            try:
                named = json.loads(response.content)["status"]
            except ValueError:
                named = response.content[:30]
            if named != 405 or "GET" not in response.get("Allow", ""):
                wrong.append(
                    f"{method} {url}: a problem of {named!r}, Allow {response.get('Allow')}"
                )
    assert not wrong, "\n".join(wrong)


def test_the_same_answers_under_another_language_prefix(world, people):
    """Every language-prefixed pattern answers the same at /fr/… for a visitor."""
    client = Client()
    draft, published = world["practices"][Status.DRAFT], world["practices"][Status.PUBLISHED]
    publications = world["publications"]
    draft_publication = publications[PUBLICATION_DRAFT]
    checked = 0
    for name, args, expected in [
        ("public:practice_detail", [published.slug], 200),
        ("public:practice_detail", [draft.slug], 404),
        ("publications:list", [], 200),
        ("publications:detail", [publications[PUBLICATION_PUBLISHED].slug], 200),
        ("publications:detail", [draft_publication.slug], 404),
        ("publications:pdf", [draft_publication.slug], 404),
        ("admin:publications_publication_decide", [draft_publication.pk, "publish"], 302),
        ("members:dashboard", [], 302),
        ("members:practice", [draft.pk], 302),
        ("members:practice_edit", [draft.pk], 302),
        ("admin:practices_practice_change", [draft.pk], 302),
        ("admin:practices_practice_review", [draft.pk, "approve"], 302),
        ("password_change", [], 302),
        # The map, the downloads and the feeds exist in every language, for everyone.
        ("maps:map", [], 200),
        ("exports:practices_csv", [], 200),
        ("exports:practices_xlsx", [], 200),
        ("feeds:practices", [], 200),
        ("feeds:theme", ["housing"], 200),
        ("feeds:theme", ["no-such-theme"], 404),
        ("feeds:search", [], 200),
    ]:
        with override("fr"):
            url = reverse(name, args=args)
        assert url.startswith("/fr/")
        response = client.get(url)
        assert response.status_code == expected, url
        if expected == 302:
            assert "/login/" in response["Location"], url
        if response.streaming:
            b"".join(response.streaming_content)  # read, so that the file is closed
        checked += 1
    assert checked == 20


# ---------------------------------------------------------------- nothing unpublished leaks

HIDDEN = "Zyxquon"  # searched for: in every unpublished practice's title and summary
LEAK = "Qwvsecret"  # never searched for, so never repeated by a page: must never appear


@pytest.fixture
def public_and_hidden(make_practice, officer, editor, other_city):
    from cities.models import City
    from practices import services
    from practices.models import PracticeTranslation
    from tests.cities.factories import CityFactory, CityOfficerFactory, CoalitionFactory

    shown_theme, hidden_theme = Theme.objects.order_by("pk")[:2]
    public = make_practice(Status.PUBLISHED, title="Visible practice", themes=[shown_theme])
    hidden = {}
    for state in [
        Status.DRAFT,
        Status.SUBMITTED,
        Status.CHANGES_REQUESTED,
        Status.REJECTED,
        Status.ARCHIVED,
    ]:
        hidden[state] = make_practice(
            state,
            title=f"{HIDDEN} {LEAK} {state}",
            summary=f"{HIDDEN} {LEAK} summary",
            themes=[shown_theme, hidden_theme],
            language="de",
            is_promising=True,
            promising_note=f"{HIDDEN} {LEAK} reason",
            evidence_level=5,
        )
    PracticeTranslation.objects.create(
        practice=hidden[Status.DRAFT], language="fr", title=f"{HIDDEN} {LEAK}", summary=LEAK
    )
    # A city, in its own coalition and country, with nothing published.
    lonely = CityFactory(
        name="Lonelyville", slug="lonelyville", country="IS", coalition=CoalitionFactory()
    )
    lonely_officer = CityOfficerFactory(city=lonely, user__username="lonely").user
    from tests.practices.factories import PracticeFactory

    for state in (Status.DRAFT, Status.ARCHIVED):
        practice = PracticeFactory(city=lonely, title=f"{HIDDEN} {LEAK} {state}")
        if state == Status.ARCHIVED:
            services.practice_submit(practice=practice, actor=lonely_officer)
            services.practice_approve(practice=practice, actor=editor)
            services.practice_archive(practice=practice, actor=editor, message="Ended.")
    # Links from the public practice to hidden ones, both ways, and a hidden one elsewhere
    # sharing its theme (a "related" candidate).
    public.inspired_by.add(hidden[Status.DRAFT])
    hidden[Status.ARCHIVED].inspired_by.add(public)
    PracticeFactory(city=other_city, title=f"{HIDDEN} {LEAK}", themes=[shown_theme])
    # An update of the public practice, awaiting review.
    revision = services.revision_save(
        practice=public,
        actor=officer,
        data={"title": f"{HIDDEN} {LEAK} update", "summary": f"{HIDDEN} {LEAK} proposed"},
    )
    services.revision_submit(revision=revision, actor=officer)
    assert City.objects.filter(slug="lonelyville").exists()
    # A publication quoting the public practice (whose update awaits review), published; and a
    # draft publication quoting the hidden ones too, its texts in English and in French.
    from publications import services as publication_services

    shown_publication = compose_publication([public], title="Visible publication")
    shown_publication = publication_services.publish(
        publication=shown_publication, actor=editor, version=shown_publication.version
    )
    draft_publication = compose_publication(
        [public, *hidden.values()],
        title=f"{HIDDEN} {LEAK} publication",
        slug="forthcoming-report",
        title_fr=f"{HIDDEN} {LEAK} rapport",
        subtitle=f"{LEAK} subtitle",
    )
    return {
        "public": public,
        "hidden": hidden,
        "shown_theme": shown_theme,
        "hidden_theme": hidden_theme,
        "lonely": lonely,
        "publication": shown_publication,
        "draft_publication": draft_publication,
    }


def facet_counts(response):
    return {
        facet.name: {option["slug"]: option["count"] for option in facet.options}
        for facet in response.context["outcome"].facets
    }


def test_nothing_unpublished_reaches_the_public(client, public_and_hidden, editor, figures):
    data = public_and_hidden
    public, lonely = data["public"], data["lonely"]
    shown, hidden_theme = data["shown_theme"], data["hidden_theme"]
    pages = [
        "/",
        "/themes/",
        shown.get_absolute_url(),
        hidden_theme.get_absolute_url(),
        "/cities/",
        public.city.get_absolute_url(),
        lonely.get_absolute_url(),
        lonely.coalition.get_absolute_url(),
        public.city.coalition.get_absolute_url(),
        public.get_absolute_url(),
        f"/fr/practices/{public.slug}/",
        "/practices/",
        f"/practices/?q={HIDDEN}",
        f"/fr/practices/?q={HIDDEN}",
        "/practices/?q=Zyxquom",  # one letter off: no "did you mean" from hidden titles
        "/practices/?language=de",
        f"/practices/?city={lonely.slug}",
        f"/practices/?theme={hidden_theme.slug}",
        "/practices/?country=IS",
        "/practices/?promising=1",
        "/practices/?evidence=5&sort=evidence",
        "/practices/promising/",
        "/evidence/",
        "/transfers/",
        "/insights/",
        "/insights/themes-targets.csv",
        "/publications/",
        "/fr/publications/",
        data["publication"].get_absolute_url(),
        f"/fr/publications/{data['publication'].slug}/",
        "/practices/?adapted=1&sort=adapted",
        "/practices/?cost=low&needs=schools&partner=ngo&population=medium",
        "/practices/?size=medium&budget=high&powers=schools&powers=culture",
        "/sitemap.xml",
    ]
    signed_in = Client()
    signed_in.force_login(editor)  # editors see the public site as the public does
    checked = 0
    for who in (client, signed_in):
        for url in pages:
            response = who.get(url)
            assert response.status_code == 200, url
            content = response.content.decode()
            assert LEAK not in content, url
            for practice in data["hidden"].values():
                assert f"/practices/{practice.slug}/" not in content, url
            assert f"/publications/{data['draft_publication'].slug}/" not in content, url
            checked += 1
    # The draft publication has no page for the public; the published one quotes the public
    # practice as it is live, not as its update proposes.
    for prefix in ("", "/fr"):
        draft_page = f"{prefix}/publications/{data['draft_publication'].slug}/"
        assert client.get(draft_page).status_code == 404
        assert client.get(draft_page + "pdf/").status_code == 404
    shown_publication = client.get(data["publication"].get_absolute_url()).content.decode()
    assert public.title in shown_publication and "Where more work is needed" in shown_publication
    assert client.get("/publications/").context["publications"].count() == 1
    # The counts.
    home = client.get("/")
    assert home.context["figures"]["practices"] == 1
    themes = {theme.slug: theme.num_practices for theme in home.context["themes"]}
    assert themes[shown.slug] == 1 and themes[hidden_theme.slug] == 0
    theme_page = client.get(hidden_theme.get_absolute_url())
    assert theme_page.context["page"].paginator.count == 0
    city_list = client.get("/cities/").context["coalitions"]
    counts = {
        city.slug: city.num_practices
        for group in city_list
        for country in group["countries"]
        for city in country["cities"]
    }
    assert counts[public.city.slug] == 1 and counts[lonely.slug] == 0
    by_coalition = {group["coalition"].pk: group["num_practices"] for group in city_list}
    assert by_coalition[lonely.coalition_id] == 0
    assert client.get(lonely.get_absolute_url()).context["page"].paginator.count == 0
    coalition = client.get(lonely.coalition.get_absolute_url()).context
    assert coalition["page"].paginator.count == 0
    assert [city.num_practices for city in coalition["cities"]] == [0]
    # Search: results, facets and suggestions.
    search = client.get("/practices/")
    assert search.context["outcome"].total == 1
    facets = facet_counts(search)
    assert hidden_theme.slug not in facets["theme"] and facets["theme"][shown.slug] == 1
    assert lonely.slug not in facets["city"] and "IS" not in facets["country"]
    assert lonely.coalition.slug not in facets["coalition"]
    assert "de" not in facets["language"] and "fr" not in facets["language"]
    assert facets["promising"] == {} and facets["evidence"] == {}
    assert client.get("/practices/promising/").context["page"].paginator.count == 0
    levels = client.get("/evidence/").context["levels"]
    assert [level["num_practices"] for level in levels] == [0, 0, 0, 0, 0]
    for url in pages[12:21]:
        outcome = client.get(url).context["outcome"]
        assert outcome.total == 0, url
        assert outcome.suggestion is None or HIDDEN not in outcome.suggestion, url
    # The public page shows the live version and published links only.
    detail = client.get(public.get_absolute_url()).context
    assert detail["adapted_by"] == [] and detail["adapted_from"] == []
    assert all(other.status == Status.PUBLISHED for other in detail["related"])
    figures["unpublished-leak checks: public pages x viewers"] = checked


def open_data_addresses(data):
    """The open data's public addresses (API, downloads, feeds, map, GeoJSON, sitemap sections),
    with searches and filters aimed at the unpublished practices."""
    public, lonely = data["public"], data["lonely"]
    shown, hidden_theme = data["shown_theme"], data["hidden_theme"]
    hidden_searches = [
        f"q={HIDDEN}",
        "language=de",
        f"city={lonely.slug}",
        f"theme={hidden_theme.slug}",
        "country=IS",
        "promising=1",
        "evidence=5",
    ]
    api = [
        "/api/v1/practices/",
        "/api/v1/practices/?lang=fr",
        *(f"/api/v1/practices/?{query}" for query in hidden_searches),
        f"/api/v1/practices/{public.slug}/",
        f"/api/v1/practices/{public.slug}/?lang=fr",
        f"/api/v1/practices/{public.slug}/?original=1",
        "/api/v1/facets/",
        f"/api/v1/facets/?q={HIDDEN}",
        "/api/v1/themes/",
        "/api/v1/commitments/",
        "/api/v1/coalitions/",
        "/api/v1/cities/",
        "/api/v1/cities/?lang=fr",
    ]
    exports = [
        f"{prefix}/exports/practices.{extension}{query}"
        for extension in ("csv", "xlsx")
        for prefix, query in [("", ""), ("/fr", ""), ("", f"?q={HIDDEN}"), ("", "?language=de")]
    ] + [f"/exports/practices.csv?{query}" for query in hidden_searches[2:]]
    feeds = [
        "/feeds/practices/",
        "/fr/feeds/practices/",
        f"/feeds/themes/{shown.slug}/",
        f"/feeds/themes/{hidden_theme.slug}/",
        f"/feeds/cities/{public.city.slug}/",
        f"/feeds/cities/{lonely.slug}/",
        f"/feeds/coalitions/{public.city.coalition.slug}/",
        f"/feeds/coalitions/{lonely.coalition.slug}/",
        "/feeds/search/",
        *(f"/feeds/search/?{query}" for query in hidden_searches),
    ]
    maps = [
        "/map/",
        "/fr/map/",
        f"/map/?theme={hidden_theme.slug}",
        f"/map/?coalition={lonely.coalition.slug}",
        "/api/v1/map/cities.geojson",
        "/api/v1/map/cities.geojson?lang=fr",
        f"/api/v1/map/cities.geojson?city={lonely.slug}",
        f"/api/v1/map/cities.geojson?coalition={lonely.coalition.slug}",
        f"/api/v1/map/cities.geojson?theme={hidden_theme.slug}",
    ]
    sections = ["pages", "practices", "publications", "themes", "cities", "coalitions"]
    sitemaps = ["/sitemap.xml", *(f"/sitemap-{section}.xml" for section in sections)]
    return api + exports + feeds + maps + sitemaps


def body_text(response):
    """The answer as text; a workbook's cells, read with openpyxl."""
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if response["Content-Type"].startswith("application/vnd.openxmlformats"):
        import io

        from openpyxl import load_workbook

        workbook = load_workbook(io.BytesIO(content), read_only=True)
        return "\n".join(
            ",".join("" if cell is None else str(cell) for cell in row)
            for sheet in workbook.worksheets
            for row in sheet.iter_rows(values_only=True)
        )
    return content.decode()


def exported_slugs(response, text):
    """The slugs (second column) of a download's rows: the practices it holds."""
    import csv

    if response["Content-Type"].startswith("text/csv"):
        rows = list(csv.reader(io_lines(text.removeprefix("\ufeff"))))
    else:
        rows = [line.split(",") for line in text.splitlines()]
    return {row[1] for row in rows[1:] if len(row) > 1}


def io_lines(text):
    import io

    return io.StringIO(text)


def test_nothing_unpublished_or_private_reaches_the_open_data(
    client, public_and_hidden, editor, settings, figures
):
    """The API, the downloads, the feeds, the map and its GeoJSON, and the sitemap's sections
    hold published content only, and never a contact person or a city's e-mail address: for
    visitors and editors alike, with the page cache off and on (read twice: stored, then
    served from the cache)."""
    from cities.models import City

    settings.API_RATE = "1000000/min"
    data = public_and_hidden
    public = data["public"]
    # The contact person (only signed-in people see it, on the practice's page) and the city's
    # address: never in the open data.
    Practice.objects.filter(pk=public.pk).update(
        contact_name="Privata Contactperson",
        contact_role="Keeper of the private desk",
        contact_email="privata.contact@example.org",
    )
    City.objects.filter(pk=public.city_id).update(contact_email="town-hall-desk@example.org")
    private = [
        "Privata Contactperson",
        "Keeper of the private desk",
        "privata.contact@example.org",
        "town-hall-desk@example.org",
        "Alex Martin",  # the other practices' contact person (the factory's)
        "alex.martin@example.org",
    ]
    hidden_slugs = [practice.slug for practice in data["hidden"].values()]
    hidden_slugs += list(
        Practice.objects.exclude(status=Status.PUBLISHED).values_list("slug", flat=True)
    )
    draft_publication = data["draft_publication"]
    addresses = open_data_addresses(data)
    signed_in = Client()
    signed_in.force_login(editor)
    checked = 0
    # Signed-in people are never served from the cache: read by visitors only with it on.
    for cache_seconds, viewers in [(0, (client, signed_in)), (600, (client,)), (600, (client,))]:
        settings.PAGE_CACHE_SECONDS = cache_seconds
        for who in viewers:
            for url in addresses:
                response = who.get(url)
                assert response.status_code == 200, url
                text = body_text(response)
                assert LEAK not in text, url  # (the searched word may be repeated)
                for slug in hidden_slugs:
                    assert f"/practices/{slug}/" not in text, (url, slug)
                    assert f'"{slug}"' not in text, (url, slug)
                assert f"/publications/{draft_publication.slug}/" not in text, url
                for detail in private:
                    assert detail not in text, (url, detail)
                if "/exports/" in url:
                    slugs = exported_slugs(response, text)
                    assert slugs <= {public.slug}, (url, slugs)
                    if "?" not in url:
                        assert slugs == {public.slug}, url  # really the practices' rows
                checked += 1
    # The unpublished practices have no address in the API, whoever asks; the error says
    # nothing of them either.
    for who in (client, signed_in):
        for slug in hidden_slugs:
            for url in (f"/api/v1/practices/{slug}/", f"/api/v1/practices/{slug}/?lang=fr"):
                response = who.get(url)
                assert response.status_code == 404, url
                assert response["Content-Type"] == "application/problem+json", url
                assert LEAK not in response.content.decode(), url
                checked += 1
    # The public practice is really there: the checks above read real answers.
    api = client.get("/api/v1/practices/").json()
    assert [item["slug"] for item in api["results"]] == [public.slug] and api["count"] == 1
    assert client.get(f"/api/v1/practices/?q={HIDDEN}").json()["count"] == 0
    feed = client.get("/feeds/practices/").content.decode()
    assert feed.count("<entry>") == 1 and public.get_absolute_url() in feed
    geojson = client.get("/api/v1/map/cities.geojson").json()
    counts = {
        feature["properties"]["slug"]: feature["properties"]["count"]
        for feature in geojson["features"]
    }
    assert counts.get(data["lonely"].slug, 0) == 0
    figures["unpublished-leak checks: open data answers x viewers"] = checked


def test_archiving_removes_a_practice_from_cached_public_pages_at_once(
    client, public_and_hidden, editor, settings
):
    settings.PAGE_CACHE_SECONDS = 600
    public = public_and_hidden["public"]
    urls = ["/", "/practices/", public.get_absolute_url(), public.city.get_absolute_url()]
    for url in urls:
        first = client.get(url)
        assert "Visible practice" in first.content.decode(), url
        again = client.get(url)
        assert again["X-Page-Cache"] == "hit", url  # the cache is really on
    editor_client = Client()
    editor_client.force_login(editor)
    response = decide(
        editor_client,
        reverse("admin:practices_practice_review", args=[public.pk, "archive"]),
        {"message": "Ended."},
    )
    assert response.status_code == 302
    assert client.get(public.get_absolute_url()).status_code == 404
    for url in urls[:2] + urls[3:]:
        assert "Visible practice" not in client.get(url).content.decode(), url
    # Rendered afresh (signed-in people never get a cached page): the count has dropped too.
    assert editor_client.get("/").context["figures"]["practices"] == 0


def test_a_draft_publication_never_reaches_cached_pages_and_a_withdrawn_one_leaves_them_at_once(
    client, public_and_hidden, editor, settings
):
    settings.PAGE_CACHE_SECONDS = 600
    publication, draft = public_and_hidden["publication"], public_and_hidden["draft_publication"]
    editor_client = Client()
    editor_client.force_login(editor)
    # An editor reads the draft (signed in: never stored); the public still finds none.
    assert editor_client.get(draft.get_absolute_url()).status_code == 200
    for _twice in range(2):
        assert client.get(draft.get_absolute_url()).status_code == 404
    urls = ["/publications/", "/fr/publications/", publication.get_absolute_url()]
    for url in urls:
        first = client.get(url)
        assert "Visible publication" in first.content.decode(), url
        again = client.get(url)
        assert again["X-Page-Cache"] == "hit", url  # the cache is really on
        assert LEAK not in again.content.decode() and draft.slug not in again.content.decode()
    response = decide(
        editor_client,
        reverse("admin:publications_publication_decide", args=[publication.pk, "withdraw"]),
        {"note": "Withdrawn in the test."},
    )
    assert response.status_code == 302
    assert client.get(publication.get_absolute_url()).status_code == 404
    assert client.get(publication.get_absolute_url() + "pdf/").status_code == 404
    for url in urls[:2]:
        assert "Visible publication" not in client.get(url).content.decode(), url


def test_staff_given_the_model_permissions_still_cannot_read_the_records(world, people):
    """History, review events (with the editors' private notes) and the e-mail outbox are for
    editors: a staff account granted Django's permissions on them by hand still gets 403."""
    from django.contrib.auth.models import Permission

    staff = people["staff"]
    models = ["practicechange", "reviewevent", "outgoingemail"]
    codenames = [f"{action}_{model}" for model in models for action in ("view", "change")]
    staff.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="practices", codename__in=codenames)
    )
    client = Client()
    client.force_login(staff)
    event = ReviewEvent.objects.order_by("pk").first()
    for url in [
        *(f"/admin/practices/{model}/" for model in models),
        f"/admin/practices/reviewevent/{event.pk}/change/",
    ]:
        assert client.get(url).status_code == 403, url

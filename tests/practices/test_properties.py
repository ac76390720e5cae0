"""Property-based tests (Hypothesis) of the public search and of the review workflow.

1. Random values for every parameter of /practices/ never give a 500, and the total shown is
   the number of published practices that match, computed here independently of the page.
2. A rule-based state machine drives one or two practices through random workflow actions by
   random actors, through HTTP, and checks after every step the event chain, the published
   snapshot, the outbox and that a refused action changed nothing, and after every step that
   changed something what the public sees (page and search).

Both tests run their examples inside one pytest test each (the database fixture is set up once;
the state machine rolls back each example in a savepoint), and print how many examples ran.
"""

import os
import re
from collections import Counter

import pytest
from django.db import transaction
from django.http import QueryDict
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)

from cities.models import Coalition
from core.pagination import PAGE_SIZE
from practices import services
from practices.models import (
    CityRole,
    OutgoingEmail,
    Practice,
    PracticeChange,
    PracticeRevision,
    PracticeTranslation,
    ReviewEvent,
    RevisionQuerySet,
    TargetGroup,
    Theme,
)
from practices.models.matching import has_words
from practices.search.filters import PracticeFilter
from practices.search.options import filter_options as vocabulary
from practices.snapshots import practice_snapshot
from tests.cities.factories import CityFactory, CityOfficerFactory
from tests.practices.factories import PracticeFactory

Status = Practice.Status
RevisionStatus = PracticeRevision.Status
URL = reverse("public:practice_list")
TOTAL = re.compile(r'<h2 id="results-heading">(\d+) practices? found</h2>')

# Examples per test, chosen so that the whole file stays under a minute on two busy cores.
# PROPERTY_SCALE=10 (in the environment) runs ten times as many, for a thorough look.
SCALE = float(os.environ.get("PROPERTY_SCALE", "1"))
SEARCH_EXAMPLES = max(1, round(35 * SCALE))
MACHINE_EXAMPLES = max(1, round(15 * SCALE))
MACHINE_STEPS = 12

# A small vocabulary, so that random queries often match something.
WORDS = [
    "housing",
    "school",
    "mediators",
    "Roma",
    "Zürich",
    "Montréal",
    "logement",
    "discrimination",
    "police",
    "niños",
    "équité",
    "audit",
    "tenants",
    "sport",
    "Москва",
    "北京",
]
OPERATORS = ['"', "-", " or ", " OR ", "(", ")", "&", "|", "!", ":*", "\\", "'", "%", "_", "<->"]


def report(request, name, value, text):
    """Show a figure in the terminal, whatever the output capture, and record it for JUnit."""
    if hasattr(request.node, "user_properties"):
        request.node.user_properties.append((name, value))
    plugins = request.config.pluginmanager
    reporter, capture = plugins.get_plugin("terminalreporter"), plugins.get_plugin("capturemanager")
    if reporter is not None and capture is not None:
        with capture.global_and_fixture_disabled():
            reporter.write_line(f"\n{text}")


def shown_total(response):
    found = TOTAL.search(response.content.decode())
    assert found, "the page does not say how many practices were found"
    return int(found.group(1))


# ---------------------------------------------------------------- 1. the search


@pytest.fixture
def catalogue(db, officer, editor):
    """Published practices with varied classifications, and unpublished ones that stay hidden."""
    coalitions = list(Coalition.objects.order_by("slug")[:3])
    cities = [
        officer.city_officer.city,
        CityFactory(name="Montréal", slug="montreal", country="CA", coalition=coalitions[0]),
        CityFactory(name="Zürich", slug="zurich", country="CH", coalition=coalitions[1]),
        CityFactory(name="São Paulo", slug="sao-paulo", country="BR", coalition=coalitions[2]),
    ]
    themes = list(Theme.objects.order_by("pk"))
    roles = list(CityRole.objects.order_by("pk"))
    targets = list(TargetGroup.objects.order_by("pk"))
    languages = ["en", "fr", "es", "de"]
    made = []
    for n in range(26):
        words = [WORDS[(n * 3 + k) % len(WORDS)] for k in range(3)]
        practice = PracticeFactory(
            city=cities[n % len(cities)],
            title=f"{words[0]} {words[1]} practice {n}",
            summary=f"About {words[2]} and {words[0]}.",
            language=languages[n % len(languages)],
            start_year=None if n % 7 == 0 else 1990 + n,
            themes=[themes[n % len(themes)], themes[(n * 5) % len(themes)]],
            city_roles=[roles[n % len(roles)]],
            target_groups=[targets[(n * 2) % len(targets)]],
        )
        if n % 5 == 0:
            PracticeTranslation.objects.create(
                practice=practice,
                language="ar" if n % 2 else "ru",
                title=f"translated {n}",
                summary="translated summary",
            )
        made.append(practice)
    # 20 published, one per other state, and one published with a pending update.
    plans = [Status.PUBLISHED] * 21 + [
        Status.DRAFT,
        Status.SUBMITTED,
        Status.CHANGES_REQUESTED,
        Status.REJECTED,
        Status.ARCHIVED,
    ]
    moves = {
        Status.DRAFT: [],
        Status.SUBMITTED: [Status.SUBMITTED],
        Status.CHANGES_REQUESTED: [Status.SUBMITTED, Status.CHANGES_REQUESTED],
        Status.REJECTED: [Status.SUBMITTED, Status.REJECTED],
        Status.PUBLISHED: [Status.SUBMITTED, Status.PUBLISHED],
        Status.ARCHIVED: [Status.SUBMITTED, Status.PUBLISHED, Status.ARCHIVED],
    }
    for practice, plan in zip(made, plans, strict=True):
        for to_status in moves[plan]:
            services.practice_record_past_transition(
                practice=practice, to_status=to_status, at=timezone.now(), actor_name="loader"
            )
        practice.refresh_from_db()
        assert practice.status == plan
        if plan != Status.PUBLISHED:
            practice.summary += " unpublishedsecret"
            practice.save()
    pending = made[0]
    services.revision_save(
        practice=pending,
        actor=officer,
        data={"summary": "pendingsecret words nobody has approved"},
    )
    assert Practice.objects.published().count() == 21
    return made


def slugs(kind):
    return [item["slug"] for item in vocabulary()[kind]]


def expected_results(params):
    """The published practices matching params, computed from the form's valid values."""
    filterset = PracticeFilter(params, queryset=Practice.objects.published())
    form = filterset.form
    form.is_valid()
    data = form.cleaned_data
    candidates = Practice.objects.published().select_related("city__coalition")
    text = data.get("q") or ""
    if text and has_words(text):
        candidates = candidates.matching(text)
    matched = []
    for practice in candidates.prefetch_related("themes", "city_roles", "target_groups"):
        related = {
            "theme": {item.slug for item in practice.themes.all()},
            "role": {item.slug for item in practice.city_roles.all()},
            "target": {item.slug for item in practice.target_groups.all()},
        }
        if any(data.get(name) and not set(data[name]) & related[name] for name in related):
            continue
        city = practice.city
        if data.get("coalition") and city.coalition.slug != data["coalition"]:
            continue
        if data.get("country") and str(city.country) != data["country"]:
            continue
        if data.get("city") and city.slug != data["city"]:
            continue
        year = practice.start_year
        if data.get("year_from") is not None and (year is None or year < data["year_from"]):
            continue
        if data.get("year_to") is not None and (year is None or year > data["year_to"]):
            continue
        if data.get("language") and f",{data['language']}," not in practice.available_languages:
            continue
        matched.append(practice.pk)
    return set(matched), data


def one_of_or_random(choices):
    return st.one_of(st.sampled_from(choices), st.text(max_size=30))


# Any text but surrogates (which cannot be sent in a URL); NUL and other controls included.
any_text = st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=260)
query_text = st.one_of(
    any_text,
    st.lists(st.one_of(st.sampled_from(WORDS), st.sampled_from(OPERATORS)), max_size=12).map(
        " ".join
    ),
    st.lists(st.sampled_from(WORDS), min_size=1, max_size=70).map(
        lambda words: " ".join(f"-{word}" for word in words)
    ),
)
number_text = st.one_of(
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.integers(min_value=1985, max_value=2020).map(str),
    st.sampled_from(["", "NaN", "inf", "-inf", "1e400", "2000.5", "2.0E3", "٢٠٠٥", "9" * 5000]),
    any_text,
)


@st.composite
def search_params(draw):
    """A list of (name, value) pairs for every parameter of the search page, or some of them."""
    pairs = []
    if draw(st.booleans()):
        pairs.append(("q", draw(query_text)))
    for name in ["theme", "role", "target"]:
        for value in draw(st.lists(one_of_or_random(slugs(name)), max_size=3)):
            pairs.append((name, value))
    for name, choices in [
        ("coalition", slugs("coalition")),
        ("country", ["BE", "CA", "CH", "BR", "FR", "be"]),
        ("city", slugs("city")),
        ("language", ["en", "fr", "es", "de", "ar", "ru", "zh", "other"]),
        ("sort", ["relevance", "newest", "title", "city"]),
    ]:
        if draw(st.booleans()):
            pairs.append((name, draw(one_of_or_random(choices))))
    for name in ["year_from", "year_to", "page"]:
        if draw(st.booleans()):
            pairs.append((name, draw(number_text)))
    return draw(st.permutations(pairs))


def test_random_search_parameters_never_fail_and_count_right(catalogue, request):
    client = Client()
    published = Practice.objects.published().count()
    ran = Counter()

    @settings(
        max_examples=SEARCH_EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(pairs=search_params())
    @example(pairs=[("q", "\x00housing")])
    @example(pairs=[("q", "unpublishedsecret")])
    @example(pairs=[("q", "pendingsecret"), ("sort", "relevance")])
    @example(pairs=[("q", " ".join(f"-{word}" for word in WORDS * 4)[:200])])
    @example(pairs=[("q", '- -- " "" -"" or or -or'), ("sort", "relevance")])
    @example(pairs=[("year_from", "9" * 5000), ("page", "9" * 5000)])
    @example(pairs=[("theme", ""), ("city", "\x00"), ("page", "-1")])
    def check(pairs):
        ran["examples"] += 1
        params = QueryDict(mutable=True)
        for name, value in pairs:
            params.appendlist(name, value)
        response = client.get(URL, params)
        assert response.status_code == 200, (pairs, response.status_code)
        total = shown_total(response)
        expected, data = expected_results(params)
        assert total <= published
        assert total == len(expected), (pairs, data)
        if data.get("q") in ("unpublishedsecret", "pendingsecret"):
            assert total == 0  # words only unpublished content has
        outcome = response.context["outcome"]
        listed = [practice.pk for practice in outcome.page.object_list]
        assert set(listed) <= expected
        start = (outcome.page.number - 1) * PAGE_SIZE
        assert len(listed) == max(0, min(PAGE_SIZE, total - start))
        if total:
            ran["with results"] += 1
            assert response.content.decode().count('<article class="card"') == len(listed)
            if not data.get("city"):
                cities = next(facet for facet in outcome.facets if facet.name == "city")
                assert sum(option["count"] for option in cities.options) == total
        else:
            assert "No published practice matches this search." in response.content.decode()

    check()
    report(
        request,
        "search examples",
        ran["examples"],
        f"search: {ran['examples']} examples, {ran['with results']} with results",
    )


def test_many_excluded_words_do_not_break_the_search(make_practice):
    make_practice(Status.PUBLISHED, title="Fair housing audits")
    make_practice(Status.PUBLISHED, title="Housing zebra crossings")
    words = " ".join(f"-x{n}" for n in range(60))[:170].rsplit(" ", 1)[0]
    text = f"housing {words} -zebra"
    assert len(text) <= 200 and text.count(" -") >= 35
    params = QueryDict(mutable=True)
    params["q"] = text
    response = Client(raise_request_exception=False).get(URL, params)
    assert response.status_code == 200  # was a RecursionError on PostgreSQL
    # Every excluded word counts, the last one too.
    assert shown_total(response) == 1


# ---------------------------------------------------------------- 2. the workflow

ACTORS = ["officer", "other_officer", "inactive_officer", "editor", "anonymous"]
# Mostly the person entitled to act, so that the practices get somewhere; anyone else tries too.
OFFICER_ACTORS = st.sampled_from(["officer"] * 6 + ACTORS[1:])
EDITOR_ACTORS = st.sampled_from(["editor"] * 6 + ACTORS[:3] + ACTORS[4:])
MESSAGES = st.sampled_from(["", "   "] + ["Please add the figures."] * 4)
MEMBER_REFUSALS = {"other_officer": {404}, "inactive_officer": {302}, "editor": {403}}
ADMIN_REFUSALS = {"officer": {302}, "other_officer": {302}, "inactive_officer": {302}}


def word_for(number):
    """A made-up word, the same length for every number, so that no marker contains another,
    and ending in digits, which no language's stemmer shortens (two markers differing in a last
    vowel would otherwise share a stem on PostgreSQL)."""
    return f"qmk{number:06d}"


def without_image(snapshot):
    return {name: value for name, value in snapshot.items() if name != "image"}


def fingerprint(pk):
    """Everything an action may change about one practice, and the outbox.

    (Its classifications and translations change only with its version, which is in the row.)
    """
    practice = Practice.objects.get(pk=pk)
    row = {
        field.attname: getattr(practice, field.attname) for field in Practice._meta.concrete_fields
    }
    return (
        row,
        list(ReviewEvent.objects.filter(practice_id=pk).values_list("pk", flat=True)),
        list(PracticeChange.objects.filter(practice_id=pk).values_list("pk", flat=True)),
        list(PracticeRevision.objects.filter(practice_id=pk).order_by("pk").values()),
        OutgoingEmail.objects.count(),
    )


def edit_form_data(pk, version, summary, results, action):
    """What the officer's edit form posts, with the practice's other fields unchanged."""
    practice = Practice.objects.get(pk=pk)
    return {
        "title": practice.title,
        "summary": summary,
        "themes": [str(item) for item in practice.themes.values_list("pk", flat=True)],
        "city_roles": [str(item) for item in practice.city_roles.values_list("pk", flat=True)],
        "target_groups": [
            str(item) for item in practice.target_groups.values_list("pk", flat=True)
        ],
        "context": practice.context,
        "implementation": practice.implementation,
        "results": results,
        "why_it_works": practice.why_it_works,
        "challenges": practice.challenges,
        "transferability": practice.transferability,
        "partners": practice.partners,
        "start_year": str(practice.start_year),
        "end_year": "",
        "resources": practice.resources,
        "language": practice.language,
        "links": practice.links,
        "image_alt": practice.image_alt,
        "contact_name": practice.contact_name,
        "contact_role": practice.contact_role,
        "contact_email": practice.contact_email,
        "reply": "",
        "version": version,
        "action": action,
    }


class PracticeModel:
    """What the practice should be, worked out from the rules, never read from the database."""

    def __init__(self, pk, slug, token, summary, results):
        self.pk, self.slug, self.token = pk, slug, token
        self.status = Status.DRAFT
        self.content = {"summary": summary, "results": results}
        self.approved = None  # the content the public should see, once published
        self.approved_snapshot = None
        self.events = []  # (from, to) of the practice
        self.revision = None  # {"pk", "status", "content"} of the latest proposed update
        self.revision_events = {}  # revision pk → [(from, to)]
        self.markers = {summary, results}
        self.opened = None  # (kind, version) of the edit form the officer opened last
        self.searched = None  # what the public search was last asked about it


class WorkflowMachine(RuleBasedStateMachine):
    """Random actions by random people on a practice, through HTTP, checked after each step."""

    clients = None  # name → Client, set by the test
    officer = editor = None
    examples = 0
    steps = Counter()

    def __init__(self):
        super().__init__()
        self.serial = 0  # per example, so that a replayed example writes the same words
        from django.core.cache import cache

        cache.clear()
        self.atomic = transaction.atomic()
        self.atomic.__enter__()
        WorkflowMachine.examples += 1
        self.changed = True  # what the public sees is checked after each change
        self.practices = []
        self.emails = OutgoingEmail.objects.count()

    def teardown(self):
        transaction.set_rollback(True)
        self.atomic.__exit__(None, None, None)

    # -- helpers

    def marker(self, kind):
        self.serial += 1
        return f"{kind} {word_for(self.serial)}"

    def client(self, actor):
        return self.clients[actor]

    def practice(self, index):
        return self.practices[index % len(self.practices)]

    def move(self, model, to_status):
        model.events.append((model.status, to_status))
        model.status = to_status

    def move_revision(self, model, to_status):
        revision = model.revision
        model.revision_events.setdefault(revision["pk"], []).append((revision["status"], to_status))
        revision["status"] = to_status

    def open_revision(self, model):
        revision = model.revision
        if revision and revision["status"] in RevisionQuerySet.OPEN:
            return revision
        return None

    def approved_now(self, model):
        practice = Practice.objects.get(pk=model.pk)
        model.approved = dict(model.content)
        model.approved_snapshot = without_image(practice_snapshot(practice))

    def perform(self, model, actor, url, data=None, *, accepted, codes):
        """Post the request; check its answer; a refused action must change nothing."""
        before = None if accepted else fingerprint(model.pk)
        response = self.client(actor).post(url, data or {})
        assert response.status_code != 500
        if codes is not None:
            assert response.status_code in codes, (actor, url, response.status_code)
        if not accepted:
            assert fingerprint(model.pk) == before, (actor, url, "a refused action changed data")
        self.changed = self.changed or accepted
        return response

    # -- the rules

    @initialize(
        starts=st.lists(
            st.sampled_from(["draft", "submitted", "published", "update"]), min_size=1, max_size=2
        )
    )
    def create(self, starts):
        """One or two practices, brought to their starting point through the services."""
        officer, editor = self.officer, self.editor
        for start in starts:
            token = f"ztok{len(self.practices)}"
            summary, results = self.marker("Summary"), self.marker("Results")
            practice = PracticeFactory(
                city=officer.city_officer.city,
                title=f"Practice {token}",
                summary=summary,
                results=results,
            )
            model = PracticeModel(practice.pk, practice.slug, token, summary, results)
            self.practices.append(model)
            if start == "draft":
                continue
            services.practice_submit(practice=practice, actor=officer)
            self.move(model, Status.SUBMITTED)
            self.emails += 1
            if start == "submitted":
                continue
            services.practice_approve(practice=practice, actor=editor)
            self.move(model, Status.PUBLISHED)
            self.emails += 1
            self.approved_now(model)
            if start == "published":
                continue
            proposed = self.marker("Summary")
            model.markers.add(proposed)
            revision = services.revision_save(
                practice=practice, actor=officer, data={"summary": proposed}
            )
            services.revision_submit(revision=revision, actor=officer)
            model.revision = {
                "pk": revision.pk,
                "status": RevisionStatus.DRAFT,
                "content": {"summary": proposed, "results": results},
            }
            self.move_revision(model, RevisionStatus.SUBMITTED)
            self.emails += 1

    @rule(index=st.integers(0, 1), actor=OFFICER_ACTORS)
    def submit(self, index, actor):
        model = self.practice(index)
        accepted = (
            actor == "officer"
            and model.status in (Status.DRAFT, Status.CHANGES_REQUESTED)
            and bool(model.content["results"].strip())
        )
        url = reverse("members:practice_submit", args=[model.pk])
        codes = {302} if actor in ("officer", "anonymous") else MEMBER_REFUSALS[actor]
        self.perform(model, actor, url, {"reply": ""}, accepted=accepted, codes=codes)
        if accepted:
            self.move(model, Status.SUBMITTED)
            self.emails += 1  # the one editor
        self.steps["submit" if accepted else "refused"] += 1

    @rule(index=st.integers(0, 1), actor=OFFICER_ACTORS)
    def withdraw(self, index, actor):
        model = self.practice(index)
        revision = self.open_revision(model)
        is_update = model.status == Status.PUBLISHED and revision is not None
        if is_update:
            accepted = actor == "officer" and revision["status"] == RevisionStatus.SUBMITTED
        else:
            accepted = actor == "officer" and model.status == Status.SUBMITTED
        url = reverse("members:practice_withdraw", args=[model.pk])
        codes = {302} if actor in ("officer", "anonymous") else MEMBER_REFUSALS[actor]
        self.perform(model, actor, url, accepted=accepted, codes=codes)
        if accepted and is_update:
            self.move_revision(model, RevisionStatus.DRAFT)
        elif accepted:
            self.move(model, Status.DRAFT)
        self.steps["withdraw" if accepted else "refused"] += 1

    @rule(index=st.integers(0, 1), actor=EDITOR_ACTORS, message=MESSAGES, data=st.data())
    def decide(self, index, actor, message, data):
        """An editor's decision in the admin: on the practice, or on its proposed update."""
        model = self.practice(index)
        # Usually a decision the current state allows; sometimes any decision at all.
        allowed = {
            Status.SUBMITTED: ["approve", "request_changes", "reject"],
            Status.PUBLISHED: ["archive"],
            Status.ARCHIVED: ["restore"],
        }.get(model.status, [])
        revision = model.revision
        if revision and revision["status"] == RevisionStatus.SUBMITTED:
            allowed += ["update approve", "update request_changes", "update reject"]
        anything = ["approve", "request_changes", "reject", "archive", "restore"]
        if revision:
            anything += ["update approve", "update request_changes", "update reject"]
        choices = allowed if allowed and data.draw(st.integers(0, 3), "usual") else anything
        action = data.draw(st.sampled_from(choices), "action")
        if action.startswith("update "):
            return self.decide_update(model, actor, action.split()[1], message)
        needs_message = action in ("request_changes", "reject", "archive")
        from_status = {"archive": Status.PUBLISHED, "restore": Status.ARCHIVED}.get(
            action, Status.SUBMITTED
        )
        to_status = {
            "approve": Status.PUBLISHED,
            "request_changes": Status.CHANGES_REQUESTED,
            "reject": Status.REJECTED,
            "archive": Status.ARCHIVED,
            "restore": Status.PUBLISHED,
        }[action]
        accepted = (
            actor == "editor"
            and model.status == from_status
            and (bool(message.strip()) or not needs_message)
        )
        url = reverse("admin:practices_practice_review", args=[model.pk, action])
        codes = {200, 302} if actor == "editor" else ADMIN_REFUSALS.get(actor, {302})
        data = {"message": message, "note": "private"}
        self.perform(model, actor, url, data, accepted=accepted, codes=codes)
        if accepted:
            self.move(model, to_status)
            self.emails += 1  # the city's one active officer
            if action == "approve":
                self.approved_now(model)
                event = ReviewEvent.objects.filter(practice_id=model.pk).latest("pk")
                assert without_image(event.snapshot) == model.approved_snapshot
        self.steps[action if accepted else "refused"] += 1

    @rule(
        index=st.integers(0, 1),
        actor=OFFICER_ACTORS,
        kept_form=st.booleans(),
        blank=st.booleans(),
        submit=st.booleans(),
    )
    def save_edit(self, index, actor, kept_form, blank, submit):
        """The officer saves the edit form: one opened now, or one left open since an earlier
        save (stale once anything changed). Each save's form stays open for a later one."""
        model = self.practice(index)
        practice = Practice.objects.get(pk=model.pk)
        kind = "practice" if model.status != Status.PUBLISHED else "revision"
        open_revision = PracticeRevision.objects.filter(practice_id=model.pk).open().first()
        if kind == "practice":
            current = str(practice.version)
        else:
            # A form opened while no update exists carries version 0.
            current = str(open_revision.version) if open_revision else "0"
        version = current
        if kept_form and model.opened and model.opened[0] == kind:
            version = model.opened[1]
        summary, results = self.marker("Summary"), "" if blank else self.marker("Results")
        model.markers |= {summary, results} - {""}
        data = edit_form_data(model.pk, version, summary, results, "submit" if submit else "save")
        complete = not blank
        if actor != "officer":
            editable = saved = submitted = False
        elif kind == "practice":
            editable = model.status in (Status.DRAFT, Status.CHANGES_REQUESTED)
            saved = editable and version == current
            submitted = saved and submit and complete
        else:
            revision = self.open_revision(model)
            editable = revision is None or revision["status"] != RevisionStatus.SUBMITTED
            # Stale: a form opened on another update, or before the update now open existed.
            saved = editable and version == current
            submitted = saved and submit and complete
        if actor != "officer":
            codes = {302} if actor == "anonymous" else MEMBER_REFUSALS[actor]
        elif saved:
            codes = {302} if submitted or not submit else {200}
        else:
            codes = {302, 409}
        url = reverse("members:practice_edit", args=[model.pk])
        self.perform(model, actor, url, data, accepted=saved, codes=codes)
        if actor == "officer":
            model.opened = (kind, version)
        if saved and kind == "practice":
            model.content = {"summary": summary, "results": results}
            if submitted:
                self.move(model, Status.SUBMITTED)
                self.emails += 1
        elif saved:
            revision = self.open_revision(model)
            if revision is None:
                created = PracticeRevision.objects.filter(practice_id=model.pk).latest("pk")
                model.revision = revision = {
                    "pk": created.pk,
                    "status": RevisionStatus.DRAFT,
                    "content": {},
                }
            revision["content"] = {"summary": summary, "results": results}
            if submitted:
                self.move_revision(model, RevisionStatus.SUBMITTED)
                self.emails += 1
        if saved:
            self.steps["submit edit" if submitted else "save edit"] += 1
        elif actor == "officer" and editable:
            self.steps["stale edit refused"] += 1
        else:
            self.steps["refused"] += 1

    def decide_update(self, model, actor, action, message):
        revision = model.revision
        accepted = (
            actor == "editor"
            and revision["status"] == RevisionStatus.SUBMITTED
            and (action == "approve" or bool(message.strip()))
            and (action != "approve" or model.status == Status.PUBLISHED)
        )
        url = reverse("admin:practices_practicerevision_review", args=[revision["pk"], action])
        codes = {200, 302} if actor == "editor" else ADMIN_REFUSALS.get(actor, {302})
        data = {"message": message, "note": "private"}
        self.perform(model, actor, url, data, accepted=accepted, codes=codes)
        if accepted:
            to_status = {
                "approve": RevisionStatus.APPROVED,
                "request_changes": RevisionStatus.CHANGES_REQUESTED,
                "reject": RevisionStatus.REJECTED,
            }[action]
            self.move_revision(model, to_status)
            self.emails += 1
            if action == "approve":
                model.content = dict(revision["content"])
                self.approved_now(model)
                event = ReviewEvent.objects.filter(revision_id=revision["pk"]).latest("pk")
                assert without_image(event.snapshot) == model.approved_snapshot
        self.steps[f"update {action}" if accepted else "refused"] += 1

    # -- the invariants

    @invariant()
    def database_matches_the_model(self):
        assert OutgoingEmail.objects.count() == self.emails
        for model in self.practices:
            practice = Practice.objects.get(pk=model.pk)
            assert practice.status == model.status
            assert {"summary": practice.summary, "results": practice.results} == model.content
            events = list(
                ReviewEvent.objects.filter(practice_id=model.pk, revision__isnull=True)
                .order_by("created_at", "pk")
                .values_list("from_status", "to_status")
            )
            assert events == model.events
            # One continuous chain from draft to the current status.
            chain = [Status.DRAFT] + [to for _from, to in events]
            assert all(events[n][0] == chain[n] for n in range(len(events)))
            assert chain[-1] == practice.status
            for revision_pk, expected in model.revision_events.items():
                found = list(
                    ReviewEvent.objects.filter(revision_id=revision_pk)
                    .order_by("created_at", "pk")
                    .values_list("from_status", "to_status")
                )
                assert found == expected
            revisions = PracticeRevision.objects.filter(practice_id=model.pk)
            if model.revision is not None:
                current = revisions.get(pk=model.revision["pk"])
                assert current.status == model.revision["status"]
            assert revisions.open().count() <= 1
            if model.approved_snapshot is not None and model.status in (
                Status.PUBLISHED,
                Status.ARCHIVED,
            ):
                # Published content changes only through an editor's approval.
                assert without_image(practice_snapshot(practice)) == model.approved_snapshot

    @invariant()
    def the_public_sees_exactly_the_approved_content(self):
        """Anonymous visitors, on the practice's page and in the search.

        Checked after every step that changed something: a refused step has been shown to
        leave the database as it was (perform), so it cannot change what the public sees.
        """
        if not self.changed:
            return
        self.changed = False
        WorkflowMachine.steps["public checks"] += 1
        for model in self.practices:
            response = Client().get(reverse("public:practice_detail", args=[model.slug]))
            published = model.status == Status.PUBLISHED
            if published:
                assert response.status_code == 200
                page = response.content.decode()
                shown = {marker for marker in model.markers if marker.split()[-1] in page}
                assert shown == {model.approved["summary"], model.approved["results"]}
            else:
                assert response.status_code == 404
            # The search finds it by its published words only, and only while published. (The
            # search page is slow: asked again only when its answers should have changed.)
            word = (model.approved or model.content)["summary"].split()[-1]
            hidden = {marker.split()[-1] for marker in model.markers} - {word}
            if model.approved:
                hidden.discard(model.approved["results"].split()[-1])
            newest_hidden = max(hidden, default=None)  # markers grow in alphabetical order
            if model.searched != (published, word, newest_hidden):
                model.searched = (published, word, newest_hidden)
                assert shown_total(Client().get(URL, {"q": word})) == (1 if published else 0)
                if newest_hidden:
                    assert shown_total(Client().get(URL, {"q": newest_hidden})) == 0
                WorkflowMachine.steps["search checks"] += 1


def test_random_workflows_keep_the_invariants(
    officer, other_city_officer, inactive_officer, editor, settings, request
):
    settings.PAGE_CACHE_SECONDS = 600  # as in production: the public pages are cached
    clients = {name: Client() for name in ACTORS}
    for name, user in [
        ("officer", officer),
        ("other_officer", other_city_officer),
        ("inactive_officer", inactive_officer),
        ("editor", editor),
    ]:
        clients[name].force_login(user)
    WorkflowMachine.clients = clients
    WorkflowMachine.officer, WorkflowMachine.editor = officer, editor
    WorkflowMachine.examples = 0
    WorkflowMachine.steps = Counter()
    run_state_machine_as_test(
        WorkflowMachine,
        settings=settings_for_machine(),
    )
    steps = WorkflowMachine.steps
    report(
        request,
        "workflow examples",
        WorkflowMachine.examples,
        f"workflow: {WorkflowMachine.examples} examples, "
        f"{sum(steps.values()) - steps['public checks'] - steps['search checks']} steps; "
        + ", ".join(f"{name} {count}" for name, count in sorted(steps.items())),
    )


def settings_for_machine():
    return settings(
        max_examples=MACHINE_EXAMPLES,
        stateful_step_count=MACHINE_STEPS,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )


VERSION_FIELD = re.compile(r'<input type="hidden" name="version"(?: value="(\d*)")?')


def test_update_form_opened_before_another_update_is_stale(make_practice, officer):
    practice = make_practice(Status.PUBLISHED)
    colleague = CityOfficerFactory(city=officer.city_officer.city, user__username="colleague").user
    first, second = Client(), Client()
    first.force_login(officer)
    second.force_login(colleague)
    url = reverse("members:practice_edit", args=[practice.pk])
    # Both open the form of a published practice that has no proposed update yet.
    opened = []
    for client in (first, second):
        page = client.get(url)
        assert page.status_code == 200
        opened.append(VERSION_FIELD.search(page.content.decode()).group(1) or "")
    theirs = edit_form_data(practice.pk, opened[1], practice.summary, "New figures.", "save")
    assert second.post(url, theirs).status_code == 302
    mine = edit_form_data(practice.pk, opened[0], "My new summary.", practice.results, "save")
    response = first.post(url, mine)
    revision = PracticeRevision.objects.get(practice=practice)
    assert revision.data["results"] == "New figures.", "the colleague's update was lost"
    assert response.status_code == 409

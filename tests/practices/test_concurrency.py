"""Twenty people acting on the same practice at the same moment, through HTTP (PostgreSQL).

Each round starts twenty threads together (a barrier), each with its own test client and its
own database connection: editors deciding in the admin and the city's officers saving the edit
form they all opened at the same version. Each round shows that it raced (the site was handling
the decisions, and an edit, at the same moment); afterwards the history must tell one consistent
story: exactly one decision, every other request refused in words (never a 500), and no edit
lost.
"""

import threading
import time
from collections import Counter

import pytest
from django.contrib.auth.models import Group
from django.contrib.messages import constants as levels
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.signals import request_finished, request_started
from django.db import connection
from django.http import HttpRequest
from django.test import Client
from django.urls import reverse

from core.editors import EDITORS_GROUP
from practices.models import (
    OutgoingEmail,
    Practice,
    PracticeChange,
    ReviewEvent,
)
from tests.cities.factories import CityOfficerFactory, UserFactory
from tests.practices.test_properties import edit_form_data, report

Status = Practice.Status
pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("reload_migration_data"),
]

ROUNDS = 5  # of each kind
DECISIONS = 8
EDITS = 12
ACTIONS = {
    "approve": Status.PUBLISHED,
    "request_changes": Status.CHANGES_REQUESTED,
    "reject": Status.REJECTED,
}


def flashed(response):
    """The messages a response leaves for the next page: [(level, text)]."""
    morsel = response.cookies.get("messages")
    if morsel is None or not morsel.value:
        return []
    decoded = CookieStorage(HttpRequest())._decode(morsel.value) or []
    return [(message.level, str(message)) for message in decoded]


@pytest.fixture
def people(officer, editor):
    """Eight editors and three officers of the city, each with a signed-in client."""
    group = Group.objects.get(name=EDITORS_GROUP)
    editors = [editor]
    for n in range(DECISIONS - 1):
        user = UserFactory(username=f"parallel-editor-{n}", is_staff=True)
        user.groups.add(group)
        editors.append(user)
    city = officer.city_officer.city
    officers = [officer] + [
        CityOfficerFactory(city=city, user__username=f"colleague-{n}").user for n in range(2)
    ]
    return editors, officers


def run_together(jobs):
    """Run the jobs in threads released at the same moment; return their results in order, each
    with the `span` (start, end) during which the site handled the job's request."""
    barrier = threading.Barrier(len(jobs))
    results = [None] * len(jobs)
    spans = [None] * len(jobs)
    current = threading.local()  # which job the thread runs

    def request_began(**kwargs):
        spans[current.index] = [time.monotonic(), None]

    def request_ended(**kwargs):
        spans[current.index][1] = time.monotonic()

    def run(index, job):
        current.index = index
        try:
            barrier.wait(timeout=30)
            results[index] = job()
        except BaseException as error:  # reported by the test, not lost in the thread
            results[index] = error
        finally:
            connection.close()

    request_started.connect(request_began, weak=False, dispatch_uid="concurrency-began")
    request_finished.connect(request_ended, weak=False, dispatch_uid="concurrency-ended")
    try:
        threads = [threading.Thread(target=run, args=(n, job)) for n, job in enumerate(jobs)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
    finally:
        request_started.disconnect(dispatch_uid="concurrency-began")
        request_finished.disconnect(dispatch_uid="concurrency-ended")
    assert not any(thread.is_alive() for thread in threads), "a request never finished"
    for result in results:
        if isinstance(result, BaseException):
            raise result
    for result, span in zip(results, spans, strict=True):
        result["span"] = tuple(span)
    return results


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def decision_job(client, practice, action, editor):
    url = reverse("admin:practices_practice_review", args=[practice.pk, action])

    def job():
        # Each editor opened the decision page at the version of the start of the round.
        data = {"message": f"Decided: {action}.", "note": "private", "version": practice.version}
        response = client.post(url, data)
        return {"kind": "decision", "action": action, "editor": editor, "response": response}

    return job


def edit_job(client, data, delay):
    url = reverse("members:practice_edit", args=[data["pk"]])
    form = {name: value for name, value in data.items() if name != "pk"}

    def job():
        time.sleep(delay)  # some edits land before the decision, some after
        response = client.post(url, form)
        return {"kind": "edit", "delay": delay, "summary": data["summary"], "response": response}

    return job


def start_round(practice, editors, officers, round_number):
    """Twenty jobs: the decisions (mixed) and the edits, all from the version opened now."""
    practice.refresh_from_db()
    version = str(practice.version)
    actions = list(ACTIONS)
    jobs = []
    for n, editor in enumerate(editors):
        action = actions[(n + round_number) % len(actions)]
        jobs.append(decision_job(signed_in(editor), practice, action, editor))
    for n in range(EDITS):
        summary = f"Edit {n} of round {round_number}: what we learned."
        data = edit_form_data(practice.pk, version, summary, practice.results, "save")
        client = signed_in(officers[n % len(officers)])
        jobs.append(edit_job(client, {**data, "pk": practice.pk}, delay=(n % 6) * 0.12))
    # Interleave the two kinds, so neither always starts first.
    return jobs[::2] + jobs[1::2]


def check_decisions(outcomes, practice, events_before):
    """Exactly one decision wins; the others are refused in words; the log matches."""
    decisions = [item for item in outcomes if item["kind"] == "decision"]
    winners, losers = [], []
    for item in decisions:
        response = item["response"]
        assert response.status_code == 302, response.status_code
        messages = flashed(response)
        assert len(messages) == 1, messages
        level, text = messages[0]
        if level == levels.SUCCESS:
            winners.append(item)
        else:
            assert level == levels.ERROR and "Nothing was changed" in text, text
            losers.append(item)
    new_events = list(
        ReviewEvent.objects.filter(practice=practice)
        .exclude(pk__in=events_before)
        .order_by("created_at", "pk")
    )
    return winners, losers, new_events


def under_way_together(spans):
    """Whether the requests were all under way at one moment: each started before any ended."""
    return max(start for start, _end in spans) < min(end for _start, end in spans)


def check_overlap(outcomes):
    """The round raced: every decision was under way at one moment, and an edit with them.

    (The barrier releases the threads together, but requests that ran one after the other
    would pass the checks of a round just as well.)
    """
    decisions = [item["span"] for item in outcomes if item["kind"] == "decision"]
    edits = [item["span"] for item in outcomes if item["kind"] == "edit"]
    assert under_way_together(decisions), sorted(decisions)
    assert any(under_way_together([*decisions, edit]) for edit in edits), (decisions, edits)


def describe(tally):
    return ", ".join(f"{key} {value}" for key, value in sorted(tally.items()))


def check_chain(practice):
    events = list(
        practice.events.filter(revision__isnull=True)
        .order_by("created_at", "pk")
        .values_list("from_status", "to_status")
    )
    state = Status.DRAFT
    for from_status, to_status in events:
        assert from_status == state, events
        state = to_status
    assert state == practice.status, (events, practice.status)


def test_decisions_and_stale_edits_on_a_submitted_practice(make_practice, people, request):
    """The brief's race: a submitted practice, eight editors deciding at once and twelve
    edits from a form opened at the same version. One decision; no edit gets through."""
    editors, officers = people
    tally = Counter()
    for round_number in range(ROUNDS):
        practice = make_practice(Status.SUBMITTED, title=f"Contested practice {round_number}")
        before = Practice.objects.get(pk=practice.pk)
        events_before = set(ReviewEvent.objects.values_list("pk", flat=True))
        changes_before = PracticeChange.objects.filter(practice=practice).count()
        emails_before = OutgoingEmail.objects.count()
        outcomes = run_together(start_round(practice, editors, officers, round_number))
        check_overlap(outcomes)
        practice.refresh_from_db()
        winners, losers, new_events = check_decisions(outcomes, practice, events_before)
        assert len(winners) == 1 and len(losers) == DECISIONS - 1
        winner = winners[0]
        assert practice.status == ACTIONS[winner["action"]]
        assert [(e.from_status, e.to_status) for e in new_events] == [
            (Status.SUBMITTED, practice.status)
        ]
        assert new_events[0].actor_id == winner["editor"].pk
        check_chain(practice)
        # The winning decision told the city's three officers; nothing else sent anything.
        assert OutgoingEmail.objects.count() - emails_before == len(officers)
        # Every edit was refused: before the decision the practice was under review, after it
        # the form was stale. None was half-applied.
        for item in (item for item in outcomes if item["kind"] == "edit"):
            response = item["response"]
            if response.status_code == 409:
                assert item["summary"] in response.content.decode()  # the text is kept
                tally["stale edits"] += 1
            else:
                assert response.status_code == 302, response.status_code
                [(level, text)] = flashed(response)
                assert level == levels.ERROR and "cannot be edited" in text, text
                if "Awaiting review" in text:
                    tally["edits refused while under review"] += 1
                else:
                    tally["edits refused after the decision"] += 1
        assert PracticeChange.objects.filter(practice=practice).count() == changes_before
        assert (practice.summary, practice.results) == (before.summary, before.results)
        tally[f"won by {winner['action']}"] += 1
        tally["rounds"] += 1
    # Every round was played to the end, and every edit of each was answered one way or another.
    assert tally["rounds"] == ROUNDS
    assert sum(tally[f"won by {action}"] for action in ACTIONS) == ROUNDS
    edits = ["stale edits", "edits refused while under review", "edits refused after the decision"]
    assert sum(tally[name] for name in edits) == ROUNDS * EDITS
    report(request, "decision rounds", tally["rounds"], f"decision rounds: {describe(tally)}")


def test_edits_from_the_same_version_keep_exactly_one(make_practice, people, request):
    """Twelve saves of a practice sent back for changes, from the same opened version, while
    eight editors try to decide: exactly one save is kept, the rest are told it is stale."""
    editors, officers = people
    tally = Counter()
    for round_number in range(ROUNDS):
        practice = make_practice(Status.CHANGES_REQUESTED, title=f"Busy practice {round_number}")
        events_before = set(ReviewEvent.objects.values_list("pk", flat=True))
        changes_before = set(
            PracticeChange.objects.filter(practice=practice).values_list("pk", flat=True)
        )
        emails_before = OutgoingEmail.objects.count()
        outcomes = run_together(start_round(practice, editors, officers, round_number))
        check_overlap(outcomes)
        practice.refresh_from_db()
        winners, losers, new_events = check_decisions(outcomes, practice, events_before)
        # Nothing awaited review: every decision was refused, nothing was recorded.
        assert winners == [] and len(losers) == DECISIONS and new_events == []
        assert practice.status == Status.CHANGES_REQUESTED
        check_chain(practice)
        assert OutgoingEmail.objects.count() == emails_before
        saved, stale = [], []
        for item in (item for item in outcomes if item["kind"] == "edit"):
            response = item["response"]
            if response.status_code == 302:
                assert flashed(response) == [(levels.SUCCESS, "Draft saved.")]
                saved.append(item)
            else:
                assert response.status_code == 409, response.status_code
                assert item["summary"] in response.content.decode()
                stale.append(item)
        assert len(saved) == 1 and len(stale) == EDITS - 1
        # Saves sent at the same moment were under way together: the version check raced.
        by_delay = {}
        for item in (item for item in outcomes if item["kind"] == "edit"):
            by_delay.setdefault(item["delay"], []).append(item["span"])
        assert any(under_way_together(spans) for spans in by_delay.values()), by_delay
        # The one accepted edit is the content, and the content change is on record.
        assert practice.summary == saved[0]["summary"]
        new_changes = PracticeChange.objects.filter(practice=practice).exclude(
            pk__in=changes_before
        )
        assert [change.changed_fields for change in new_changes] == [["summary"]]
        assert new_changes.get().version == practice.version
        tally["rounds"] += 1
        tally["stale edits"] += len(stale)
    assert (tally["rounds"], tally["stale edits"]) == (ROUNDS, ROUNDS * (EDITS - 1))
    report(request, "edit rounds", tally["rounds"], f"edit rounds: {describe(tally)}")

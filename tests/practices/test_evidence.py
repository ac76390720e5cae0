"""Evidence levels: the city proposes one with its evidence, the editors set it, the public sees
it as a badge, searches and sorts by it, and reads the scale explained."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from practices.models import Practice, PracticeChange, Theme
from tests.decisions import decide
from tests.practice_form import complete_form
from tests.security.html_checks import form_data

Status = Practice.Status
pytestmark = pytest.mark.django_db


def change_url(practice):
    return reverse("admin:practices_practice_change", args=[practice.pk])


def test_the_city_proposes_a_level_and_the_editors_set_it_in_review(
    officer_client, editor_client, editor
):
    data = complete_form(
        action="submit",
        proposed_evidence_level="3",
        evidence="Evaluated against two comparable districts: https://example.org/report.pdf",
    )
    response = officer_client.post(reverse("members:practice_new"), data)
    assert response.status_code == 302
    practice = Practice.objects.get(title=data["title"])
    assert (practice.status, practice.proposed_evidence_level) == (Status.SUBMITTED, 3)
    assert practice.evidence_level is None  # only editors set it
    # The editor reads the proposal in the admin and sets a level of their own.
    page = editor_client.get(change_url(practice)).content.decode()
    assert "Evaluated against two comparable districts" in page
    form = form_data(page, "practice_form")
    form["evidence_level"] = ["2"]
    assert editor_client.post(change_url(practice), form).status_code == 302
    practice.refresh_from_db()
    assert practice.evidence_level == 2
    change = PracticeChange.objects.filter(practice=practice).latest("pk")
    assert change.changed_fields == ["evidence_level"] and change.actor == editor
    # Not public before the approval; then the badge and the evidence are.
    assert Client().get(practice.get_absolute_url()).status_code == 404
    url = reverse("admin:practices_practice_review", args=[practice.pk, "approve"])
    assert decide(editor_client, url, {"message": "Thank you."}).status_code == 302
    content = Client().get(practice.get_absolute_url()).content.decode()
    assert "Evidence level 2 of 5: Change observed" in content
    assert 'href="/evidence/#level-2"' in content
    assert "How well it is proven" in content
    assert '<a href="https://example.org/report.pdf" rel="nofollow">' in content


def test_a_level_outside_the_scale_is_refused_with_the_input_kept(officer_client):
    data = complete_form(action="save", proposed_evidence_level="7", evidence="Figures.")
    response = officer_client.post(reverse("members:practice_new"), data)
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert response.context["form"]["evidence"].value() == "Figures."
    assert not Practice.objects.filter(title=data["title"]).exists()


def test_the_officers_form_cannot_set_the_editors_level(officer_client):
    data = complete_form(action="save", evidence_level="5")
    assert officer_client.post(reverse("members:practice_new"), data).status_code == 302
    assert Practice.objects.get(title=data["title"]).evidence_level is None


@pytest.fixture
def levelled(make_practice):
    """Published practices at levels 1, 3, 3 and none; a draft and an archive at level 5."""
    housing = Theme.objects.get(slug="housing")
    made = {}
    for title, level in [("Alpha", 1), ("Bravo", 3), ("Charlie", 3), ("Delta", None)]:
        practice = make_practice(Status.PUBLISHED, title=f"{title} practice", themes=[housing])
        Practice.objects.filter(pk=practice.pk).update(evidence_level=level)
        made[title] = practice
    for status in (Status.DRAFT, Status.ARCHIVED):
        hidden = make_practice(status, title=f"Hidden {status}", themes=[housing])
        Practice.objects.filter(pk=hidden.pk).update(evidence_level=5)
    return made


def titles(response):
    return [practice.title for practice in response.context["outcome"].page.object_list]


def evidence_facet(response):
    facet = next(f for f in response.context["outcome"].facets if f.name == "evidence")
    return {option["slug"]: option["count"] for option in facet.options}


@pytest.mark.parametrize("extra", [{}, {"theme": "housing"}, {"q": "practice"}])
def test_search_filters_counts_and_sorts_by_evidence(client, levelled, extra):
    response = client.get(reverse("public:practice_list"), {"sort": "evidence", **extra})
    found = response.context["outcome"].page.object_list
    # Best proven first; within a level, newest first; practices without a level last.
    assert [practice.evidence_level for practice in found] == [3, 3, 1, None]
    assert titles(response)[:2] == ["Charlie practice", "Bravo practice"]
    assert evidence_facet(response) == {"1": 1, "3": 2}  # nothing unpublished counts
    response = client.get(reverse("public:practice_list"), {"evidence": "3", **extra})
    assert sorted(titles(response)) == ["Bravo practice", "Charlie practice"]
    # The level's own facet keeps its other options, to widen the choice.
    assert evidence_facet(response) == {"1": 1, "3": 2}
    response = client.get(reverse("public:practice_list"), {"evidence": ["1", "3"], **extra})
    assert sorted(titles(response)) == ["Alpha practice", "Bravo practice", "Charlie practice"]
    assert 'class="evidence-badge"' in response.content.decode()


def test_an_unknown_level_is_left_out_with_a_note(client, levelled):
    response = client.get(reverse("public:practice_list"), {"evidence": "9"})
    assert response.status_code == 200
    assert len(titles(response)) == 4
    assert "This part of the search was left out." in response.content.decode()


def test_the_scale_is_explained_with_each_levels_practices(client, levelled):
    response = client.get(reverse("public:evidence"))
    content = response.content.decode()
    levels = re.findall(r'<li value="(\d)" id="level-\d">\s*<h2>(.*?)</h2>', content)
    assert levels == [
        ("1", "Level 1: Described"),
        ("2", "Level 2: Change observed"),
        ("3", "Level 3: Change attributed"),
        ("4", "Level 4: Independently confirmed"),
        ("5", "Level 5: Ready to transfer"),
    ]
    assert 'href="/practices/?evidence=3">2 published practices</a>' in content
    assert content.count("No published practice at this level yet.") == 3  # 2, 4 and 5
    french = client.get("/fr/evidence/").content.decode()
    assert "Niveau 3" in french


def test_the_evidence_is_plain_text_with_safe_links(client, make_practice):
    practice = make_practice(Status.PUBLISHED)
    Practice.objects.filter(pk=practice.pk).update(
        evidence_level=2,
        evidence=(
            '<script>alert("x")</script> <b>bold</b>\n'
            'https://example.org/a"onmouseover="alert(1) javascript:alert(2) '
            "www.example.org/report"
        ),
    )
    section = re.search(
        r'<h2 id="evidence-heading">.*?</section>',
        client.get(practice.get_absolute_url()).content.decode(),
        re.S,
    ).group(0)
    assert "<script>" not in section and "<b>" not in section
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in section
    assert "onmouseover=" not in section.replace("&quot;onmouseover=&quot;", "")
    assert 'href="javascript:' not in section
    assert '<a href="https://www.example.org/report" rel="nofollow">' in section

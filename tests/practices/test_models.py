"""The practices' named reads: what each of them lets through."""

import pytest

from practices.models import Practice

Status = Practice.Status
pytestmark = pytest.mark.django_db


def test_queryset_published_returns_only_published(one_of_each):
    assert list(Practice.objects.published()) == [one_of_each[Status.PUBLISHED]]


def test_visible_to(one_of_each, officer, other_city_officer, editor, inactive_officer):
    from django.contrib.auth.models import AnonymousUser

    everything = set(one_of_each.values())
    public = {one_of_each[Status.PUBLISHED]}
    assert set(Practice.objects.visible_to(editor)) == everything
    assert set(Practice.objects.visible_to(officer)) == everything  # all are the officer's city
    assert set(Practice.objects.visible_to(other_city_officer)) == public
    assert set(Practice.objects.visible_to(inactive_officer)) == public
    assert set(Practice.objects.visible_to(AnonymousUser())) == public


def test_awaiting_review_and_for_city(one_of_each, other_city):
    assert list(Practice.objects.awaiting_review()) == [one_of_each[Status.SUBMITTED]]
    assert Practice.objects.for_city(other_city).count() == 0

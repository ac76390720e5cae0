"""Two editors deciding on the same submission at the same moment."""

import threading

import pytest
from django.db import connection

from practices import services
from practices.models import Practice, ReviewEvent

Status = Practice.Status


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("rounds", [5])
def test_two_editors_deciding_at_once_record_exactly_one_decision(
    make_practice, editor, second_editor, rounds
):
    for _round in range(rounds):
        practice = make_practice(Status.SUBMITTED)
        barrier = threading.Barrier(2)
        outcomes = {}

        def decide(
            name, service, actor, practice_id=practice.pk, barrier=barrier, outcomes=outcomes
        ):
            try:
                barrier.wait(timeout=10)
                service(
                    practice=Practice.objects.get(pk=practice_id),
                    actor=actor,
                    message="decided",
                )
                outcomes[name] = "won"
            except services.AlreadyDecided:
                outcomes[name] = "already decided"
            finally:
                connection.close()

        threads = [
            threading.Thread(target=decide, args=("approve", services.practice_approve, editor)),
            threading.Thread(
                target=decide, args=("reject", services.practice_reject, second_editor)
            ),
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        assert sorted(outcomes.values()) == ["already decided", "won"]
        practice.refresh_from_db()
        winner = "approve" if outcomes["approve"] == "won" else "reject"
        expected = Status.PUBLISHED if winner == "approve" else Status.REJECTED
        assert practice.status == expected
        decisions = ReviewEvent.objects.filter(practice=practice, from_status=Status.SUBMITTED)
        assert list(decisions.values_list("to_status", flat=True)) == [expected]

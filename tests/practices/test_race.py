"""Two editors deciding on the same submission at the same moment (PostgreSQL).

The test commits, so it runs in a transactional database: serialized_rollback and
reload_migration_data leave the rows the migrations made (the Editors group, the themes) for the
tests after it, whichever module runs next.
"""

import threading

import pytest
from django.db import connection

from practices import services
from practices.models import Practice, ReviewEvent

Status = Practice.Status
ROUNDS = 5

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("reload_migration_data"),
]


def test_two_editors_deciding_at_once_record_exactly_one_decision(
    make_practice, editor, second_editor
):
    for _round in range(ROUNDS):
        practice = make_practice(Status.SUBMITTED)
        barrier = threading.Barrier(2)
        outcomes, errors = {}, []

        def decide(
            name,
            service,
            actor,
            practice_id=practice.pk,
            barrier=barrier,
            outcomes=outcomes,
            errors=errors,
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
            except BaseException as error:  # an exception in a thread would otherwise be lost
                errors.append(error)
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
        assert not any(thread.is_alive() for thread in threads), "a decision never finished"
        if errors:
            raise errors[0]
        assert sorted(outcomes.values()) == ["already decided", "won"]
        practice.refresh_from_db()
        winner = "approve" if outcomes["approve"] == "won" else "reject"
        expected = Status.PUBLISHED if winner == "approve" else Status.REJECTED
        assert practice.status == expected
        decisions = ReviewEvent.objects.filter(practice=practice, from_status=Status.SUBMITTED)
        assert list(decisions.values_list("to_status", flat=True)) == [expected]

"""Restoring the conversations between cities, their messages, decisions and read marks, and
the records of adaptations with their reviews.

See docs/backup-format.md.
"""

from backups.records import exchange_models, exchange_references, insert_records


def restore_exchange(data, *, city_ids, user_ids):
    """Insert every conversation and what belongs to it, under the archived ids."""
    models_by_kind = exchange_models()
    if not models_by_kind:
        return
    references = exchange_references()
    practice_ids = {record["slug"]: record["id"] for record in data["practices"]}
    conversation_ids = {record["id"]: record["id"] for record in data["conversations"]}
    adaptation_ids = {record["id"]: record["id"] for record in data["adaptations"]}
    ids = {
        "practice": practice_ids,
        "asking_city": city_ids,
        "answering_city": city_ids,
        "author_city": city_ids,
        "city": city_ids,
        "started_by": user_ids,
        "closed_by": user_ids,
        "author": user_ids,
        "actor": user_ids,
        "conversation": conversation_ids,
        "original": practice_ids,
        "own_practice": practice_ids,
        "public_own_practice": practice_ids,
        "recorded_by": user_ids,
        "adaptation": adaptation_ids,
    }
    for kind, model in models_by_kind.items():
        insert_records(model, kind, data[kind], references[kind], ids)

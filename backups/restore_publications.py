"""Restoring the publications with their chapters, quoted practices (what they froze of each,
unchanged), closing sections and history. Their PDFs are not in the archive: they are made
again on demand.

See docs/backup-format.md.
"""

from backups.records import insert_records, publication_models, publication_references


def restore_publications(data, *, user_ids):
    """Insert every publication and what belongs to it, under the archived ids, in the state
    it was in (a published publication stays published, on the version it was)."""
    models_by_kind = publication_models()
    if not models_by_kind:
        return
    references = publication_references()
    ids = {
        "publication": {record["id"]: record["id"] for record in data["publications"]},
        "chapter": {record["id"]: record["id"] for record in data["publication_chapters"]},
        "practice": {record["slug"]: record["id"] for record in data["practices"]},
        "actor": user_ids,
    }
    for kind, model in models_by_kind.items():
        insert_records(model, kind, data[kind], references[kind], ids)

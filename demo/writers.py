"""Synthetic practices written in bulk, a batch per transaction: with COPY on PostgreSQL
(``CopyWriter``, on two connections at once) and ``bulk_create`` elsewhere (``OrmWriter``).

No model signal runs: the rows carry what the signals would keep current — ``search_extra``
(see ``practices.search.index.search_extra_for``), ``available_languages`` and, on PostgreSQL,
the translations' union ``translation_vector`` (as ``practices.signals.refresh_languages``
sets it). The search vectors are PostgreSQL's to compute from the rows it receives, which is
why the rows are sent as cheaply as possible.
"""

import queue
import threading
from contextlib import contextmanager
from types import SimpleNamespace

from django.db import connection, transaction

from practices.models import Practice, PracticeTranslation

from .postgres_copy import CopyTable, copy, copy_text


@contextmanager
def given_timestamps():
    """Let bulk_create write the created/updated times set on the objects (auto_now is off for
    the duration): synthetic practices were written over years, not in one minute."""
    fields = [
        Practice._meta.get_field("created_at"),
        Practice._meta.get_field("updated_at"),
        PracticeTranslation._meta.get_field("updated_at"),
    ]
    saved = [(field, field.auto_now, field.auto_now_add) for field in fields]
    for field in fields:
        field.auto_now = field.auto_now_add = False
    try:
        yield
    finally:
        for field, auto_now, auto_now_add in saved:
            field.auto_now, field.auto_now_add = auto_now, auto_now_add


class OrmWriter:
    """Writes batches with bulk_create: on SQLite and any database but PostgreSQL."""

    def __init__(self, generator):
        self.generator = generator

    def prepare(self, made):
        return made

    def write(self, made):
        """Write one batch in one transaction, on the calling thread's database connection."""
        with transaction.atomic():
            practices = Practice.objects.bulk_create([Practice(**item[0]) for item in made])
            for relation, (through, column) in self.generator.through.items():
                through.objects.bulk_create(
                    [
                        through(practice_id=practice.pk, **{column: pk})
                        for practice, (_p, links, _t) in zip(practices, made, strict=True)
                        for pk in links[relation]
                    ]
                )
            PracticeTranslation.objects.bulk_create(
                [
                    PracticeTranslation(practice_id=practice.pk, **values)
                    for practice, (_p, _links, items) in zip(practices, made, strict=True)
                    for values in items
                ]
            )
        return len(made)


class CopyWriter:
    """Writes batches on PostgreSQL with COPY (see demo.postgres_copy), in the order that lets
    every row be written once, complete:

    1. the practices' ids are taken from their sequence beforehand (when the batch is made), so
       the rows that point at a practice can be made before it is written;
    2. its links and translations are written first — the foreign keys to the practice are
       checked at the commit (Django makes them deferrable, initially deferred);
    3. the translations' union vector (what practices.signals.refresh_languages sets) is read
       from their generated vectors and written in the practice's own row, so nothing has to
       update (and re-index) a practice after it is written.
    """

    def __init__(self, generator):
        self.generator = generator
        self.practices = CopyTable(Practice, with_pk=True)
        self.translations = CopyTable(PracticeTranslation)
        self.links = []
        for relation, (through, column) in generator.through.items():
            opts = through._meta
            columns = [opts.get_field("practice").column, opts.get_field(column).column]
            self.links.append((opts.db_table, columns, relation))
        table = Practice._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_get_serial_sequence(%s, %s)", [table, Practice._meta.pk.column]
            )
            self.sequence = cursor.fetchone()[0]
            described = connection.introspection.get_table_description(cursor, table)
        # The translations' union vector of migration 0007, kept by practices.signals.
        self.translation_vector = "translation_vector" in {column.name for column in described}

    def prepare(self, made):
        """Number the practices of a batch and turn them into COPY text (on the generating
        thread: the writing threads then mostly wait for PostgreSQL)."""
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT nextval(%s) FROM generate_series(1, %s)", [self.sequence, len(made)]
            )
            ids = sorted(row[0] for row in cursor.fetchall())
        links = []
        for table, columns, relation in self.links:
            data = "".join(
                f"{pk}\t{other}\n"
                for pk, (_p, related, _t) in zip(ids, made, strict=True)
                for other in related[relation]
            )
            links.append((table, columns, data.encode()))
        translations, translated = [], []
        for pk, (_p, _links, items) in zip(ids, made, strict=True):
            for values in items:
                translations.append({**values, "practice_id": pk})
                translated.append(pk)
        lines = []
        for pk, (practice, _links, _t) in zip(ids, made, strict=True):
            practice["id"] = pk
            lines.append(self.practices.line(practice))
        return SimpleNamespace(
            size=len(made),
            ids=ids,
            links=links,
            translations=self.translations.data(translations),
            translated=translated,
            lines=lines,
        )

    def write(self, batch):
        """Write one prepared batch in one transaction, on the calling thread's connection."""
        with transaction.atomic(), connection.cursor() as cursor:
            # Losing the last batches in a crash is fine for synthetic data.
            cursor.execute("SET LOCAL synchronous_commit TO OFF")
            for table, columns, data in batch.links:
                copy(cursor, table, columns, data)
            self.translations.copy(cursor, batch.translations)
            if self.translation_vector:
                vectors = {}
                if batch.translated:
                    # The statement of practices.signals.refresh_languages, as a query.
                    cursor.execute(
                        """SELECT t.practice_id, iccar_tsvector_agg(t.search_vector)
                             FROM practices_practicetranslation AS t
                            WHERE t.practice_id = ANY(%s)
                            GROUP BY t.practice_id""",
                        [batch.translated],
                    )
                    vectors = {pk: copy_text(vector or "") for pk, vector in cursor.fetchall()}
                data = "".join(
                    f"{line}\t{vectors.get(pk, '')}\n"
                    for pk, line in zip(batch.ids, batch.lines, strict=True)
                )
                self.practices.copy(cursor, data.encode(), extra=["translation_vector"])
            else:
                self.practices.copy(cursor, "".join(f"{line}\n" for line in batch.lines).encode())
        return batch.size


def write_all(generator, first, count, batch_size, progress, jobs=None):
    """Make practices first … first + count - 1 in batches of `batch_size` and write them.

    The batches are made here and written on `jobs` threads, each with its own database
    connection: PostgreSQL spends most of the time computing the search vectors of the rows it
    receives, and with two connections it does so on two cores while Python makes the next batch
    (the writing threads mostly wait for the server, without Python's lock). With one job
    (the default on SQLite and inside a transaction, such as a test's) everything runs here.
    """
    batches = [
        (start, min(batch_size, first + count - start))
        for start in range(first, first + count, batch_size)
    ]
    if jobs is None:
        parallel = connection.vendor == "postgresql" and not connection.in_atomic_block
        jobs = 2 if parallel else 1
    writer = (CopyWriter if connection.vendor == "postgresql" else OrmWriter)(generator)
    with given_timestamps():
        if jobs <= 1:
            for start, size in batches:
                progress.advance(writer.write(writer.prepare(generator.make_batch(start, size))))
        else:
            write_in_threads(generator, writer, batches, jobs, progress)


def write_in_threads(generator, writer, batches, jobs, progress):
    """Make the batches on this thread and write them on `jobs` others; the first failure stops
    the writing and is raised here."""
    work = queue.Queue(maxsize=jobs)
    failures = []

    def write():
        try:
            while (batch := work.get()) is not None:
                if not failures:
                    progress.advance(writer.write(batch))
        except BaseException as error:  # reported by the main thread
            failures.append(error)
            while work.get() is not None:  # let the producer finish
                pass
        finally:
            connection.close()

    threads = [threading.Thread(target=write, daemon=True) for _ in range(jobs)]
    for thread in threads:
        thread.start()
    try:
        for start, size in batches:
            if failures:
                break
            work.put(writer.prepare(generator.make_batch(start, size)))
    finally:
        for _thread in threads:
            work.put(None)
        for thread in threads:
            thread.join()
    if failures:
        raise failures[0]

"""Reading and writing table rows as they are, below the models' own behaviour.

See docs/backup-format.md.
"""

from django.core.management.color import no_style
from django.db import connection
from modeltranslation.translator import NotRegistered, translator

BATCH = 500


def raw_rows(model):
    """A queryset reading raw columns: no per-language rewriting by django-modeltranslation."""
    queryset = model._base_manager.all()
    return queryset.rewrite(False) if hasattr(queryset, "rewrite") else queryset


def _translated_columns(model):
    """The untranslated columns of the model's fields django-modeltranslation translates."""
    try:
        return sorted(translator.get_options_for_model(model).all_fields)
    except NotRegistered:
        return []


def insert_rows(model, objects):
    """Insert rows as they are, keeping the timestamps auto_now fields would overwrite and the
    untranslated columns of translated fields."""
    if not objects:
        return
    translated = _translated_columns(model)
    # Set by the constructor, as archived (django-modeltranslation reads them back in the
    # current language, with its fallbacks: that is what bulk_create would write).
    archived = [{name: obj.__dict__[name] for name in translated} for obj in objects]
    stamped = [
        each
        for each in model._meta.concrete_fields
        if getattr(each, "auto_now", False) or getattr(each, "auto_now_add", False)
    ]
    kept = [[getattr(obj, each.attname) for each in stamped] for obj in objects]
    model._base_manager.bulk_create(objects, batch_size=BATCH)
    if stamped:
        for obj, values in zip(objects, kept, strict=True):
            for each, value in zip(stamped, values, strict=True):
                setattr(obj, each.attname, value)
        # bulk_update writes the values given: no pre_save, no auto_now.
        model._base_manager.bulk_update(objects, [each.name for each in stamped], batch_size=BATCH)
    for obj, values in zip(objects, archived, strict=True):
        if any(getattr(obj, name) != value for name, value in values.items()):
            raw_rows(model).filter(pk=obj.pk).update(**values)


def reset_sequences(models_list):
    """Make the next id of each model's table come after the ids inserted explicitly."""
    statements = connection.ops.sequence_reset_sql(no_style(), models_list)
    if statements:
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)

"""What a result card shows: the title and summary in the visitor's language when the practice
is translated into it, with the searched words marked."""

from django.utils.translation import get_language

from practices.models import PracticeTranslation, practice_language_for

from .highlighting import highlight


def show_in_visitors_language(practices, text=""):
    """Give result cards the title and summary of a translation into the visitor's language."""
    wanted = practice_language_for(get_language())
    others = [practice.pk for practice in practices if practice.language != wanted]
    if not others:
        return
    translations = {
        item.practice_id: item
        for item in PracticeTranslation.objects.filter(
            practice_id__in=others, language=wanted
        ).only("practice_id", "title", "summary")
    }
    for practice in practices:
        translated = translations.get(practice.pk)
        if translated is not None:
            practice.card_title = translated.title
            practice.card_language = wanted
            practice.summary_html = highlight(translated.summary, text)

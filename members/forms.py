"""The officers' forms. Only fields officers own are here: status, city, the editors' highlight
and notes, and timestamps cannot be set through them, whatever a request carries."""

import time
from urllib.parse import urlsplit

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import PasswordResetForm
from django.contrib.auth.tokens import default_token_generator
from django.core.cache import cache
from django.core.validators import URLValidator
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext_lazy as _

from cities.models import CityOfficer
from core.after_response import after_response
from practices import uploads
from practices.forms import TransferabilityFieldsMixin
from practices.models import (
    CONTACT_FIELDS,
    DETAIL_FIELDS,
    NOTE_MAX_LENGTH,
    SECTIONS,
    TRANSFERABILITY_FIELDS,
    TRANSLATED_FIELDS,
    Commitment,
    Practice,
    PracticeAttachment,
    PracticeImage,
    PracticeTranslation,
)
from practices.notifications import outgoing, send_now
from practices.snapshots import content_from_form

# In the order of a good write-up.
OFFICER_FIELDS = [
    "title",
    "summary",
    "themes",
    "city_roles",
    "target_groups",
    "commitments",
    *SECTIONS,
    *DETAIL_FIELDS,
    "language",
    "links",
    "proposed_evidence_level",
    "evidence",
    *TRANSFERABILITY_FIELDS,
    "inspired_by",
    "image_alt",
    *CONTACT_FIELDS,
]

HELP_FOR_OFFICERS = {
    "title": _("A short, specific name another city would recognise, e.g. “Fair-housing audits”."),
    "summary": _(
        "In two or three sentences: what the city did, for whom, and what it achieved. "
        "Plain text, 600 characters at most."
    ),
    "context": _("The problem the practice answers: who was affected, and how you knew."),
    "implementation": _(
        "What was done, step by step: who led it, with whom, how long it took. "
        "Write it so another city could follow it without asking you."
    ),
    "results": _(
        "What changed, with figures where you have them. If final results are not known yet, "
        "give the preliminary ones and say when you expect more."
    ),
    "why_it_works": _("The two or three factors that made it succeed."),
    "challenges": _("What was difficult, what did not work, and what you would do differently."),
    "transferability": _(
        "What another city would need to adopt it: people, budget, partners, law."
    ),
    "links": _(
        "Web pages about the practice, one address per line. A link is not an answer: "
        "everything important must be in the text above."
    ),
}


# At most this many practices named as inspiration: a bound on what one form looks up.
MAX_INSPIRATIONS = 10


class InspirationField(forms.Field):
    """The published practices of other cities that this one adapted, named by their public
    addresses (or the last part of them), one per line."""

    widget = forms.Textarea(attrs={"rows": 2})
    default_error_messages = {
        "too_many": _("Name %(limit)s practices at most."),
        "unknown": _(
            "Not a published practice of the portal: %(lines)s. Copy the address of its page."
        ),
        "own_city": _("A practice of your own city cannot be its inspiration: %(titles)s."),
    }

    def __init__(self, *, city, **kwargs):
        self.city = city
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, str):
            return value
        items = list(value or [])
        ids = [item for item in items if isinstance(item, int)]
        slugs = dict(Practice.objects.filter(pk__in=ids).values_list("pk", "slug")) if ids else {}
        lines = [slugs.get(item, "") if isinstance(item, int) else item.slug for item in items]
        return "\n".join(line for line in lines if line)

    def to_python(self, value):
        lines = [line.strip() for line in (value or "").splitlines() if line.strip()]
        if len(lines) > MAX_INSPIRATIONS:
            raise forms.ValidationError(
                self.error_messages["too_many"], params={"limit": MAX_INSPIRATIONS}
            )
        slugs = {line: urlsplit(line).path.rstrip("/").rsplit("/", 1)[-1] for line in lines}
        found = Practice.objects.published().in_bulk(set(slugs.values()), field_name="slug")
        unknown = [line for line, slug in slugs.items() if slug not in found]
        if unknown:
            raise forms.ValidationError(
                self.error_messages["unknown"], params={"lines": ", ".join(unknown)}
            )
        practices = list({slug: found[slug] for slug in slugs.values()}.values())
        own = [practice.title for practice in practices if practice.city_id == self.city.pk]
        if own:
            raise forms.ValidationError(
                self.error_messages["own_city"], params={"titles": ", ".join(own)}
            )
        return practices


class PracticeForm(TransferabilityFieldsMixin, forms.ModelForm):
    """The officer's write-up of a practice, with the version it was opened on (and, for an
    update of a published practice, the public version it started from)."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    base_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    reply = forms.CharField(
        label=_("Your note to the editors"),
        required=False,
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Sent with your submission: for example, what you changed since their message."
        ),
    )

    class Meta:
        model = Practice
        fields = OFFICER_FIELDS
        widgets = {
            "themes": forms.CheckboxSelectMultiple,
            "city_roles": forms.CheckboxSelectMultiple,
            "target_groups": forms.CheckboxSelectMultiple,
            "commitments": forms.CheckboxSelectMultiple,
            "summary": forms.Textarea(attrs={"rows": 4, "maxlength": 600}),
            "context": forms.Textarea(attrs={"rows": 6}),
            "implementation": forms.Textarea(attrs={"rows": 8}),
            "results": forms.Textarea(attrs={"rows": 6}),
            "why_it_works": forms.Textarea(attrs={"rows": 4}),
            "challenges": forms.Textarea(attrs={"rows": 4}),
            "transferability": forms.Textarea(attrs={"rows": 4}),
            "partners": forms.Textarea(attrs={"rows": 3}),
            "resources": forms.Textarea(attrs={"rows": 2}),
            "links": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, city, allow_image=True, **kwargs):
        super().__init__(*args, **kwargs)
        for name, text in HELP_FOR_OFFICERS.items():
            self.fields[name].help_text = text
        self.fields["inspired_by"] = InspirationField(
            city=city,
            label=_("Adapted from"),
            required=False,
            help_text=_(
                "If your practice adapts other cities' practices on this portal, paste the "
                "address of each one's page, one per line (%(limit)s at most)."
            )
            % {"limit": MAX_INSPIRATIONS},
        )
        # Commitments of the city's own coalition only.
        self.fields["commitments"].queryset = Commitment.objects.filter(
            coalition_id=city.coalition_id
        ).select_related("coalition")
        if allow_image:
            self.fields["image"] = uploads.ImageUploadField(
                label=_("Main image"),
                required=False,
                help_text=_("JPEG, PNG or WebP, at most 10 MB. Describe it in the next field."),
            )
            self.order_fields([*OFFICER_FIELDS[: OFFICER_FIELDS.index("image_alt")], "image"])

    def clean_links(self):
        check = URLValidator(schemes=["http", "https"])
        lines = [line.strip() for line in self.cleaned_data["links"].splitlines() if line.strip()]
        for line in lines:
            try:
                check(line)
            except forms.ValidationError:
                raise forms.ValidationError(
                    _("“%(link)s” is not a web address starting with https:// or http://."),
                    params={"link": line[:80]},
                ) from None
        return "\n".join(lines)

    def clean(self):
        data = super().clean()
        start, end = data.get("start_year"), data.get("end_year")
        if start and end and end < start:
            self.add_error("end_year", _("The end year cannot come before the start year."))
        return data

    def content(self):
        """Return the content to save, classifications by id."""
        return content_from_form(self.cleaned_data)


class PracticeImageForm(forms.ModelForm):
    prefix = "image"
    upload = uploads.ImageUploadField(
        label=_("Image"), help_text=_("JPEG, PNG or WebP, at most 10 MB.")
    )
    field_order = ["upload", "alt_text"]

    class Meta:
        model = PracticeImage
        fields = ["alt_text"]


class PracticeAttachmentForm(forms.ModelForm):
    prefix = "document"
    upload = uploads.PdfUploadField(
        label=_("PDF file"), help_text=_("A report or an evaluation, at most 20 MB.")
    )
    field_order = ["upload", "title"]

    class Meta:
        model = PracticeAttachment
        fields = ["title"]


class PracticeTranslationForm(forms.ModelForm):
    """The practice's text in another language; empty sections show the original."""

    class Meta:
        model = PracticeTranslation
        fields = TRANSLATED_FIELDS
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 4, "maxlength": 600}),
            "context": forms.Textarea(attrs={"rows": 5}),
            "implementation": forms.Textarea(attrs={"rows": 6}),
            "results": forms.Textarea(attrs={"rows": 5}),
            "why_it_works": forms.Textarea(attrs={"rows": 3}),
            "challenges": forms.Textarea(attrs={"rows": 3}),
            "transferability": forms.Textarea(attrs={"rows": 3}),
            "resources": forms.Textarea(attrs={"rows": 2}),
        }


class AccountForm(forms.ModelForm):
    """The officer's own settings: the language of the e-mails they receive."""

    class Meta:
        model = CityOfficer
        fields = ["preferred_language"]


class AccountPasswordResetForm(PasswordResetForm):
    """Django's reset form, which also reaches invited officers who never set a password, links
    to the site's configured address, and sends through the outbox after the answer.

    Django skips accounts without a usable password; an officer whose invitation link expired
    is exactly such an account, and must be able to get a fresh link on their own.
    """

    def get_users(self, email):
        email_field = get_user_model().get_email_field_name()
        users = get_user_model()._default_manager.filter(
            **{f"{email_field}__iexact": email, "is_active": True}
        )
        return (user for user in users if getattr(user, email_field).lower() == email.lower())

    def save(
        self,
        *,
        subject_template_name="registration/password_reset_subject.txt",
        email_template_name="registration/password_reset_email.html",
        token_generator=default_token_generator,
        html_email_template_name=None,
        extra_email_context=None,
        **ignored,
    ):
        """Send each account of the address a one-time link to choose a password.

        The link points at SITE_URL, never at the host or scheme the request claimed: a forged
        Host header must not send an officer's reset token to another address. The accounts
        are read now, the same way for any address; the link, the e-mail and the count of links
        already sent come after the answer, so its time tells nothing.
        """
        site = urlsplit(settings.SITE_URL)
        users = list(self.get_users(self.cleaned_data["email"]))
        language = translation.get_language()

        def send():
            with translation.override(language):
                for user in users:
                    if not _one_more_reset_mail(user):
                        continue
                    context = {
                        # The template writes {{ protocol }}://{{ domain }}{% url … %}.
                        "email": user.email,
                        "domain": site.netloc + site.path,
                        "site_name": site.netloc + site.path,
                        "uid": urlsafe_base64_encode(force_bytes(user.pk)),
                        "user": user,
                        "token": token_generator.make_token(user),
                        "protocol": site.scheme,
                        **(extra_email_context or {}),
                    }
                    self.send_mail(
                        subject_template_name,
                        email_template_name,
                        context,
                        None,
                        user.email,
                        html_email_template_name=html_email_template_name,
                    )

        after_response(send)

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        """Write the e-mail to the outbox, which sends it and keeps no copy of the link."""
        html = ""
        if html_email_template_name is not None:
            html = render_to_string(html_email_template_name, context)
        message = outgoing(
            to=to_email,
            subject=render_to_string(subject_template_name, context),
            body_text=render_to_string(email_template_name, context),
            body_html=html,
            kind="password_reset",
        )
        send_now([message])


# A reset link is sent at most this many times an hour to one account: asking more often sends
# nothing more, and says the same.
RESET_MAILS_PER_ACCOUNT = 3


def _one_more_reset_mail(user):
    key = f"password-reset:mails:{user.pk}:{int(time.time()) // 3600}"
    cache.add(key, 0, 3600)
    try:
        return cache.incr(key) <= RESET_MAILS_PER_ACCOUNT
    except ValueError:  # the hour ended between the two calls
        return True

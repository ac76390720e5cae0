from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import PasswordResetForm


class AccountPasswordResetForm(PasswordResetForm):
    """Django's reset form, which also reaches invited officers who never set a password, and
    whose link always points at the site's configured address.

    Django skips accounts without a usable password; an officer whose invitation link expired
    is exactly such an account, and must be able to get a fresh link on their own.
    """

    def get_users(self, email):
        email_field = get_user_model().get_email_field_name()
        users = get_user_model()._default_manager.filter(
            **{f"{email_field}__iexact": email, "is_active": True}
        )
        return (user for user in users if getattr(user, email_field).lower() == email.lower())

    def save(self, *args, **kwargs):
        """Send the link to SITE_URL, never to the host or scheme the request claimed: a
        forged Host header must not send an officer's reset token to another address."""
        site = urlsplit(settings.SITE_URL)
        # The template writes {{ protocol }}://{{ domain }}{% url … %}, as SITE_URL + reverse().
        kwargs["domain_override"] = site.netloc + site.path
        kwargs["use_https"] = site.scheme == "https"
        return super().save(*args, **kwargs)

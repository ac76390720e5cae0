from django.contrib.auth import get_user_model
from django.contrib.auth.forms import PasswordResetForm


class AccountPasswordResetForm(PasswordResetForm):
    """Django's reset form, which also reaches invited officers who never set a password.

    Django skips accounts without a usable password; an officer whose invitation link expired
    is exactly such an account, and must be able to get a fresh link on their own.
    """

    def get_users(self, email):
        email_field = get_user_model().get_email_field_name()
        users = get_user_model()._default_manager.filter(
            **{f"{email_field}__iexact": email, "is_active": True}
        )
        return (user for user in users if getattr(user, email_field).lower() == email.lower())

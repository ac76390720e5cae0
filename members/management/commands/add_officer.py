"""Create (or link) a city officer's account and e-mail them a link to choose a password."""

from django.core.mail import mailers
from django.core.mail.backends import console, dummy
from django.core.management.base import BaseCommand, CommandError

from cities.models import City
from members import invitations

# Backends that deliver nothing to the officer: the link must be shown here instead.
UNDELIVERED_BACKENDS = (console.EmailBackend, dummy.EmailBackend)


class Command(BaseCommand):
    help = (
        "Make USERNAME an officer of a city: create the account (or link an existing one) and "
        "e-mail a one-time link to choose a password. No password is ever given here."
    )

    def add_arguments(self, parser):
        parser.add_argument("username", help="User name of the new or existing account.")
        parser.add_argument("--city", required=True, help="Slug of the city, e.g. ghent.")
        parser.add_argument(
            "--email", required=True, help="E-mail address the link to choose a password goes to."
        )
        parser.add_argument(
            "--print-link",
            action="store_true",
            help="Also print the link (it is printed anyway when e-mail is not really sent).",
        )

    def handle(self, *args, username, city, email, print_link, **options):
        city_obj = City.objects.filter(slug=city).first()
        if city_obj is None:
            raise CommandError(
                f"No city has the slug “{city}”. The slug is the last part of the city's address "
                "on the site, e.g. “ghent” in /cities/ghent/."
            )
        try:
            user, created = invitations.officer_invite(
                username=username, email=email, city=city_obj
            )
        except invitations.OfficerInviteError as error:
            raise CommandError(str(error.message)) from None
        if created:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Created the account “{user.get_username()}”, officer of {city_obj.name}."
                )
            )
        else:
            self.stdout.write(
                self.style.SUCCESS(
                    f"The existing account “{user.get_username()}” is an officer of "
                    f"{city_obj.name}."
                )
            )
        undelivered = isinstance(mailers.default, UNDELIVERED_BACKENDS)
        if undelivered:
            self.stdout.write(
                self.style.WARNING(
                    "E-mail is not really sent with this EMAIL_BACKEND: give the officer the "
                    f"link below yourself, at {user.email}."
                )
            )
        else:
            self.stdout.write(f"A link to choose a password was e-mailed to {user.email}.")
        if print_link or undelivered:
            days = invitations.link_validity_days()
            self.stdout.write(
                f"Link to choose a password (works once, for {days} day{'s' if days != 1 else ''};"
                " give it only to the officer):"
            )
            self.stdout.write(invitations.set_password_url(user))

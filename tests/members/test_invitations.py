"""Giving a city officer an account: ``manage.py add_officer`` and the editors' invite form."""

import re
from io import StringIO

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.management import CommandError, call_command
from django.urls import reverse

from cities.models import CityOfficer
from members import invitations
from tests.cities.factories import CityFactory, CityOfficerFactory, UserFactory
from tests.members.test_accounts import (
    MEMBERS,
    NEW_PASSWORD,
    PASSWORD,
    link_in,
    log_in,
    set_password_through,
)

pytestmark = pytest.mark.django_db
User = get_user_model()
INVITE = reverse("admin:cities_cityofficer_invite")
LINK = re.compile(r"^https?://\S+/accounts/reset/\S+/$", re.M)


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    """Run add_officer as from a shell; return its output. E-mail goes out after the commit."""

    def run_command(*args):
        out = StringIO()
        with django_capture_on_commit_callbacks(execute=True):
            call_command("add_officer", *args, stdout=out)
        return out.getvalue()

    return run_command


# The command -----------------------------------------------------------------------------------


def test_creates_the_account_and_e_mails_a_link_that_works(client, city, run, mailoutbox, settings):
    output = run("amina", "--city", "ghent", "--email", "amina@ghent.example")
    user = User.objects.get(username="amina")
    assert user.email == "amina@ghent.example"
    assert user.is_active and not user.is_staff
    assert not user.has_usable_password()
    officer = user.city_officer
    assert officer.city == city and officer.is_active
    assert "Created the account “amina”, officer of Ghent." in output
    assert "amina@ghent.example" in output
    assert not LINK.search(output)  # mail is really sent: the link is not shown
    (message,) = mailoutbox
    assert message.to == ["amina@ghent.example"]
    assert "\n" not in message.subject and "Ghent" in message.subject
    assert "amina" in message.body and "choose your password" in message.body
    path = link_in(message)
    assert f"{settings.SITE_URL}{path}" in message.body  # an absolute link, to the public site
    # The officer follows the link, chooses a password and logs in with it.
    set_password_through(client, path)
    response = log_in(client, "amina", NEW_PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == MEMBERS
    # The link worked once.
    client.logout()
    assert client.get(path, follow=True).context["validlink"] is False


def test_the_link_is_e_mailed_from_the_site_address(settings, city, run, mailoutbox):
    settings.SITE_URL = "https://practices.example.org"
    run("amina", "--city", "ghent", "--email", "amina@ghent.example")
    assert "https://practices.example.org/accounts/reset/" in mailoutbox[0].body
    assert "https://practices.example.org/accounts/login/" in mailoutbox[0].body


def test_print_link_prints_a_working_link(client, city, run, settings):
    output = run("amina", "--city", "ghent", "--email", "amina@ghent.example", "--print-link")
    (url,) = LINK.findall(output)
    assert url.startswith(settings.SITE_URL)
    set_password_through(client, url.removeprefix(settings.SITE_URL))
    assert log_in(client, "amina", NEW_PASSWORD).status_code == 302


@pytest.mark.parametrize("backend", ["console", "dummy"])
def test_the_link_is_printed_when_e_mail_is_not_really_sent(city, run, settings, backend):
    settings.MAILERS = {"default": {"BACKEND": f"django.core.mail.backends.{backend}.EmailBackend"}}
    output = run("amina", "--city", "ghent", "--email", "amina@ghent.example")
    assert LINK.search(output)
    assert "E-mail is not really sent" in output


def test_links_an_existing_account_and_keeps_its_password(client, city, run, mailoutbox):
    UserFactory(username="olga", email="olga@ghent.example")
    output = run("olga", "--city", "ghent", "--email", "OLGA@ghent.example")
    assert "The existing account “olga” is an officer of Ghent." in output
    assert User.objects.filter(username="olga").count() == 1
    assert CityOfficer.objects.get(user__username="olga").city == city
    (message,) = mailoutbox
    assert "Your existing password still works" in message.body
    assert log_in(client, "olga", PASSWORD).status_code == 302


def test_an_existing_account_without_an_address_gets_this_one(city, run, mailoutbox):
    UserFactory(username="olga", email="")
    run("olga", "--city", "ghent", "--email", "olga@ghent.example")
    assert User.objects.get(username="olga").email == "olga@ghent.example"
    assert mailoutbox[0].to == ["olga@ghent.example"]


def test_inviting_a_switched_off_officer_of_the_same_city_switches_them_on(
    city, inactive_officer, run, mailoutbox
):
    run("former-officer", "--city", "ghent", "--email", "former-officer@example.org")
    assert CityOfficer.objects.get(user=inactive_officer).is_active
    assert CityOfficer.objects.filter(user=inactive_officer).count() == 1
    assert len(mailoutbox) == 1


def test_inviting_an_officer_again_sends_a_fresh_link(city, officer, run, mailoutbox):
    run("officer", "--city", "ghent", "--email", "officer@example.org")
    assert CityOfficer.objects.filter(user=officer).count() == 1
    assert len(mailoutbox) == 1


def test_refuses_an_account_of_another_city(city, other_city_officer, run, mailoutbox):
    with pytest.raises(CommandError, match="already represents Liège"):
        run("other-officer", "--city", "ghent", "--email", "other-officer@example.org")
    assert CityOfficer.objects.get(user=other_city_officer).city.slug == "liege"
    assert mailoutbox == []


def test_refuses_a_switched_off_officer_of_another_city(city, other_city, run):
    CityOfficerFactory(city=other_city, is_active=False, user__username="moved")
    with pytest.raises(CommandError, match="already represents Liège"):
        run("moved", "--city", "ghent", "--email", "moved@example.org")


@pytest.mark.parametrize("staff", [{"is_staff": True}, {"is_superuser": True}])
def test_refuses_editor_and_administrator_accounts(city, run, mailoutbox, staff):
    UserFactory(username="boss", email="boss@example.org", **staff)
    with pytest.raises(CommandError, match="editor or administrator account"):
        run("boss", "--city", "ghent", "--email", "boss@example.org")
    assert not CityOfficer.objects.exists()
    assert mailoutbox == []


def test_refuses_a_switched_off_account(city, run):
    UserFactory(username="gone", email="gone@example.org", is_active=False)
    with pytest.raises(CommandError, match="switched off"):
        run("gone", "--city", "ghent", "--email", "gone@example.org")
    assert not CityOfficer.objects.exists()


def test_refuses_to_send_an_existing_accounts_link_to_another_address(city, run, mailoutbox):
    UserFactory(username="olga", email="olga@ghent.example")
    with pytest.raises(CommandError, match="has another e-mail address"):
        run("olga", "--city", "ghent", "--email", "attacker@example.com")
    assert not CityOfficer.objects.exists()
    assert mailoutbox == []


def test_refuses_a_new_account_with_an_address_another_account_uses(city, officer, run):
    with pytest.raises(CommandError, match="“officer”"):
        run("olga2", "--city", "ghent", "--email", "Officer@example.org")
    assert not User.objects.filter(username="olga2").exists()


def test_an_invited_officer_whose_link_expired_can_ask_for_a_new_one(client, city, run, mailoutbox):
    run("amina", "--city", "ghent", "--email", "amina@ghent.example")
    mailoutbox.clear()
    # Unlike Django's default, the reset reaches accounts that never chose a password.
    response = client.post(reverse("password_reset"), {"email": "AMINA@ghent.example"})
    assert response["Location"] == reverse("password_reset_done")
    (message,) = mailoutbox
    set_password_through(client, link_in(message))
    assert log_in(client, "amina", NEW_PASSWORD).status_code == 302


def test_an_invited_officer_can_also_be_invited_again(client, city, run, mailoutbox):
    run("amina", "--city", "ghent", "--email", "amina@ghent.example")
    mailoutbox.clear()
    run("amina", "--city", "ghent", "--email", "amina@ghent.example")
    (message,) = mailoutbox
    set_password_through(client, link_in(message))
    assert log_in(client, "amina", NEW_PASSWORD).status_code == 302


def test_refuses_a_user_name_differing_only_in_case(city, officer, run):
    with pytest.raises(CommandError, match="An account named “officer” already exists"):
        run("Officer", "--city", "ghent", "--email", "someone@example.org")


def test_unknown_city(db, run):
    with pytest.raises(CommandError, match="No city has the slug “atlantis”"):
        run("amina", "--city", "atlantis", "--email", "amina@example.org")
    assert not User.objects.filter(username="amina").exists()


@pytest.mark.parametrize("email", ["not-an-address", "a@b", "", "x@example.org\nBcc: y@z.org"])
def test_invalid_e_mail_address(city, run, email):
    with pytest.raises(CommandError, match="Enter a valid e-mail address"):
        run("amina", "--city", "ghent", "--email", email)
    assert not User.objects.filter(username="amina").exists()


@pytest.mark.parametrize("username", ["with space", "x" * 151, "semi;colon"])
def test_invalid_user_name(city, run, username):
    with pytest.raises(CommandError, match="Enter a valid user name"):
        run(username, "--city", "ghent", "--email", "amina@example.org")


def test_there_is_no_password_option(city, run):
    with pytest.raises(CommandError, match="unrecognized arguments: --password"):
        run("amina", "--city", "ghent", "--email", "a@example.org", "--password", "secret123")
    assert not User.objects.filter(username="amina").exists()


def test_a_failing_mail_server_leaves_the_officer_created(city, run, settings, caplog):
    settings.MAILERS = {"default": {"BACKEND": "tests.practices.failing_mail.BrokenBackend"}}
    run("amina", "--city", "ghent", "--email", "amina@ghent.example", "--print-link")
    assert CityOfficer.objects.filter(user__username="amina", city=city).exists()
    assert "Could not send the set-password e-mail" in caplog.text


def test_no_mail_leaves_when_the_transaction_rolls_back(
    city, mailoutbox, django_capture_on_commit_callbacks
):
    from django.db import transaction

    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError), transaction.atomic():
            invitations.officer_invite(username="amina", email="amina@example.org", city=city)
            raise RuntimeError("something later failed")
    assert not User.objects.filter(username="amina").exists()
    assert mailoutbox == []


# The editors' invite form in the admin -------------------------------------------------------


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


def test_editors_cannot_manage_user_accounts_themselves(editor_client, editor):
    assert not editor.has_perm("auth.add_user") and not editor.has_perm("auth.change_user")
    assert editor.has_perm("cities.add_cityofficer")
    assert editor_client.get(reverse("admin:auth_user_add")).status_code == 403


def test_an_editor_opens_the_invite_form_from_the_officers_and_the_city(editor_client, city):
    changelist = editor_client.get(reverse("admin:cities_cityofficer_changelist"))
    add_url = reverse("admin:cities_cityofficer_add")
    assert add_url in changelist.content.decode()
    response = editor_client.get(add_url)
    assert response.status_code == 302
    assert response["Location"] == INVITE
    city_page = editor_client.get(reverse("admin:cities_city_change", args=[city.pk]))
    invite_for_city = f"{INVITE}?city={city.pk}"
    assert invite_for_city in city_page.content.decode()
    response = editor_client.get(invite_for_city)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Invite an officer</h1>" in html
    for name in ["username", "email", "city"]:
        assert f'<label class="required" for="id_{name}">' in html
    assert response.context["form"].initial["city"] == city
    assert f'<option value="{city.pk}" selected>Ghent</option>' in html


def test_an_editor_invites_an_officer(
    editor_client, editor, city, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(
            INVITE, {"username": "amina", "email": "amina@ghent.example", "city": city.pk}
        )
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:cities_cityofficer_changelist")
    officer = CityOfficer.objects.get(user__username="amina")
    assert officer.city == city and officer.is_active
    assert not officer.user.has_usable_password() and not officer.user.is_staff
    (message,) = mailoutbox
    assert message.to == ["amina@ghent.example"]
    assert "/accounts/reset/" in message.body
    assert "Erin Editor, an editor of the portal, has invited you." in message.body
    page = editor_client.get(response["Location"])
    assert "Created the account “amina” for Ghent" in page.content.decode()
    entry = LogEntry.objects.get(object_id=str(officer.pk))
    assert entry.user == editor
    # The invitation works for the new officer.
    editor_client.logout()
    set_password_through(editor_client, link_in(message))
    assert log_in(editor_client, "amina", NEW_PASSWORD)["Location"] == MEMBERS


def test_the_invite_form_shows_why_an_account_is_refused(
    editor_client, city, other_city_officer, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(
            INVITE,
            {"username": "other-officer", "email": "other-officer@example.org", "city": city.pk},
        )
    assert response.status_code == 200
    assert response.context["form"].errors["username"] == [
        invitations.ERROR_OTHER_CITY % {"username": "other-officer", "city": "Liège"}
    ]
    assert "already represents Liège" in response.content.decode()
    assert CityOfficer.objects.get(user=other_city_officer).city.slug == "liege"
    assert mailoutbox == []


def test_the_invite_form_refuses_an_editor_account(editor_client, editor, city):
    response = editor_client.post(
        INVITE, {"username": "editor", "email": "editor@example.org", "city": city.pk}
    )
    assert response.status_code == 200
    assert "editor or administrator account" in response.content.decode()
    assert not CityOfficer.objects.filter(user=editor).exists()


def test_staff_without_the_permission_get_403(client, city):
    staff = UserFactory(username="intern", is_staff=True)
    client.force_login(staff)
    assert client.get(INVITE).status_code == 403
    response = client.post(INVITE, {"username": "amina", "email": "a@example.org", "city": city.pk})
    assert response.status_code == 403
    assert not User.objects.filter(username="amina").exists()
    # With only the right to see officers, still no invitation.
    staff.user_permissions.add(Permission.objects.get(codename="view_cityofficer"))
    assert client.get(INVITE).status_code == 403
    city_page = client.get(reverse("admin:cities_cityofficer_changelist"))
    assert INVITE not in city_page.content.decode()


def test_officers_and_visitors_are_sent_to_the_admin_login(client, officer):
    response = client.get(INVITE)
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]
    client.force_login(officer)
    response = client.get(INVITE)
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]


def test_editors_switch_officers_off_and_set_their_language(editor_client, officer):
    record = officer.city_officer
    url = reverse("admin:cities_cityofficer_change", args=[record.pk])
    page = editor_client.get(url).content.decode()
    assert 'name="is_active"' in page and 'name="preferred_language"' in page
    assert 'name="user"' not in page  # another person is another invitation
    response = editor_client.post(
        url,
        {"city": record.city.pk, "preferred_language": "fr"},  # is_active unticked
    )
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.is_active is False and record.preferred_language == "fr"


def test_the_city_page_lists_officers_but_adds_none_there(editor_client, officer):
    city = officer.city_officer.city
    page = editor_client.get(reverse("admin:cities_city_change", args=[city.pk]))
    html = page.content.decode()
    assert f'<a href="{reverse("admin:auth_user_change", args=[officer.pk])}">officer</a>' in html
    assert 'name="officers-0-is_active"' in html
    assert 'name="officers-0-preferred_language"' in html
    assert 'name="officers-0-user"' not in html
    assert page.context["inline_admin_formsets"][0].has_add_permission is False


def test_the_city_search_of_the_invite_form_works_for_editors(editor_client, city, other_city):
    response = editor_client.get(
        reverse("admin:autocomplete"),
        {"app_label": "cities", "model_name": "cityofficer", "field_name": "city", "term": "li"},
    )
    assert response.status_code == 200
    assert [result["text"] for result in response.json()["results"]] == ["Liège"]


def test_a_new_city_has_no_invite_link_yet(editor_client):
    CityFactory()
    page = editor_client.get(reverse("admin:cities_city_add"))
    assert INVITE not in page.content.decode()

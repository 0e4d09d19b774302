"""Sign-in is rate-limited (django-axes): after AXES_FAILURE_LIMIT wrong passwords for one username
from one address, that pair is refused with a 429 page for the cool-off, even with the right password,
on the team site and the admin alike. Sessions end; weak passwords are refused."""

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-enough-passphrase"


@pytest.fixture
def person():
    user = UserFactory(username="camille", is_staff=True)
    user.set_password(PASSWORD)
    user.save()
    return user


def sign_in(client, username, password, url=None):
    return client.post(url or reverse("login"), {"username": username, "password": password})


def test_five_wrong_passwords_lock_the_username_from_that_address(client, person, settings):
    assert settings.AXES_FAILURE_LIMIT == 5
    answers = [sign_in(client, "camille", f"wrong-{i}").status_code for i in range(4)]
    assert answers == [200, 200, 200, 200]  # the form again, with its error

    assert sign_in(client, "camille", "wrong-4").status_code == 429
    locked = sign_in(client, "camille", PASSWORD)  # the right password does not help now
    assert locked.status_code == 429
    assert "Too many sign-in attempts" in locked.text
    assert locked["Retry-After"] == "900"
    assert "_auth_user_id" not in client.session
    admin = sign_in(client, "camille", PASSWORD, url=reverse("admin:login"))
    assert admin.status_code == 429


def test_the_lock_is_for_that_username_only_and_a_success_resets_the_count(client, person):
    other = UserFactory(username="dominique")
    other.set_password(PASSWORD)
    other.save()
    for i in range(5):
        sign_in(client, "camille", f"wrong-{i}")

    assert sign_in(client, "dominique", PASSWORD).status_code == 302

    client.logout()
    for i in range(4):
        sign_in(client, "dominique", f"wrong-{i}")
    assert sign_in(client, "dominique", PASSWORD).status_code == 302  # 4 failures, then a success
    client.logout()
    assert sign_in(client, "dominique", "wrong-again").status_code == 200  # counting starts again


def test_a_session_ends_after_a_working_day_and_with_the_browser(client, person, settings):
    assert sign_in(client, "camille", PASSWORD).status_code == 302
    assert client.session.get_expiry_age() == settings.SESSION_COOKIE_AGE == 8 * 3600
    assert client.session.get_expire_at_browser_close() is True


@pytest.mark.parametrize("weak", ["short-pw1", "password1234", "123456789012", "camille-2026"])
def test_weak_passwords_are_refused(person, weak):
    with pytest.raises(ValidationError):
        validate_password(weak, user=person)


def test_without_a_proxy_a_forged_forwarded_for_does_not_dodge_the_lock(client, person):
    for i in range(5):
        client.post(
            reverse("login"), {"username": "camille", "password": f"wrong-{i}"}, HTTP_X_FORWARDED_FOR=f"203.0.113.{i}"
        )
    assert sign_in(client, "camille", PASSWORD).status_code == 429


def test_behind_a_proxy_each_client_address_is_counted_on_its_own(client, person, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    for i in range(5):
        client.post(reverse("login"), {"username": "camille", "password": f"w{i}"}, HTTP_X_FORWARDED_FOR="198.51.100.7")
    locked = client.post(
        reverse("login"), {"username": "camille", "password": PASSWORD}, HTTP_X_FORWARDED_FOR="198.51.100.7"
    )
    assert locked.status_code == 429
    # Another person behind the same proxy (same REMOTE_ADDR) is not locked out; what a client writes
    # in the header itself stays to the left of what the proxy appended, and is not read.
    other = client.post(
        reverse("login"), {"username": "camille", "password": PASSWORD}, HTTP_X_FORWARDED_FOR="198.51.100.9"
    )
    assert other.status_code == 302

"""Signing in and out, resetting a password by email, and the language of the pages."""

import html
import re

import pytest
from django.core import mail
from django.urls import reverse

pytestmark = pytest.mark.django_db

PROTECTED = [
    ("web:my_use_cases", []),
    ("web:use_case_browse", []),
    ("web:use_case_new", []),
    ("web:use_case_lookup", []),
    ("web:use_case_detail", ["UC-0001"]),
    ("web:use_case_edit", ["UC-0001"]),
]


@pytest.mark.parametrize(("name", "args"), PROTECTED)
def test_every_page_sends_an_anonymous_visitor_to_log_in(client, name, args):
    url = reverse(name, args=args)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={url}"


@pytest.mark.parametrize("name", ["web:use_case_submit", "web:use_case_withdraw"])
def test_workflow_buttons_send_an_anonymous_visitor_to_log_in(client, name):
    response = client.post(reverse(name, args=["UC-0001"]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_login_page_is_styled_and_protected_by_csrf(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert "web/app.css" in response.text
    assert "csrfmiddlewaretoken" in response.text


def test_logging_in_leads_to_the_page_asked_for(client, org):
    response = client.post(
        reverse("login"),
        {"username": "alice", "password": "secret-pass-123", "next": reverse("web:use_case_browse")},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("web:use_case_browse")


def test_a_wrong_password_is_refused_with_a_message(client, org):
    response = client.post(reverse("login"), {"username": "alice", "password": "nope"})
    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.text
    assert 'id="error-summary"' in response.text


def test_logging_out_takes_a_post_and_ends_the_session(alice_client):
    response = alice_client.post(reverse("logout"))
    assert response.status_code == 302
    assert alice_client.get(reverse("web:my_use_cases")).status_code == 302


def test_password_reset_by_email_sets_a_new_password(client, org):
    response = client.post(reverse("password_reset"), {"email": org.alice.email})
    assert response.status_code == 302
    assert response["Location"] == reverse("password_reset_done")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == "Reset your AI Portfolio password"
    link = re.search(r"https?://[^/]+(/accounts/reset/\S+/)", mail.outbox[0].body).group(1)

    form = client.get(link, follow=True)
    assert "Choose a new password" in form.text
    done = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "a-much-better-pass-42", "new_password2": "a-much-better-pass-42"},
        follow=True,
    )

    assert "Password changed" in done.text
    org.alice.refresh_from_db()
    assert org.alice.check_password("a-much-better-pass-42")


def test_password_reset_for_an_unknown_address_sends_nothing_and_says_the_same(client, org):
    response = client.post(reverse("password_reset"), {"email": "nobody@example.com"}, follow=True)
    assert "Check your email" in response.text
    assert mail.outbox == []


def test_language_comes_from_the_browser(alice_client, org):
    response = alice_client.get(reverse("web:my_use_cases"), headers={"accept-language": "fr-FR,fr;q=0.9"})
    text = html.unescape(response.text)
    assert '<html lang="fr">' in text
    assert "Les cas d'usage de mon équipe" in text
    assert "Nouveau cas d'usage" in text


def test_the_switcher_in_the_header_changes_the_language(alice_client, org):
    page = alice_client.get(reverse("web:my_use_cases"))
    assert f'action="{reverse("set_language")}"' in page.text

    response = alice_client.post(reverse("set_language"), {"language": "fr", "next": reverse("web:use_case_browse")})

    assert response.status_code == 302
    assert response["Location"] == reverse("web:use_case_browse")
    assert "Explorer les cas d'usage" in html.unescape(alice_client.get(reverse("web:use_case_browse")).text)


def test_model_labels_and_statuses_are_translated_in_the_form(alice_client, org):
    org.submit(org.use_case())
    alice_client.post(reverse("set_language"), {"language": "fr"})
    form = alice_client.get(reverse("web:use_case_new")).text
    assert "Maturité des données" in form
    assert "Énoncé du problème" in form
    browse = alice_client.get(reverse("web:use_case_browse")).text
    assert '<span class="badge badge--submitted">Soumis</span>' in browse


def test_the_admin_follows_the_same_language(admin_client):
    admin_client.post(reverse("set_language"), {"language": "fr"})
    response = admin_client.get(reverse("admin:index"))
    assert "Portefeuille IA - Comité de pilotage" in response.text
    assert "Cas d'usage" in html.unescape(response.text)

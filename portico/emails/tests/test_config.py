"""Email settings from the environment: EMAIL_URL for each scheme, the plain variables, the defaults."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from portico.emails.config import MAILBOX_BACKEND, SMTP_BACKEND, email_settings, parse_email_url


def test_smtp_url_with_starttls_gives_host_port_and_credentials():
    assert parse_email_url("smtp://mailer:s3cret@mail.example.test:587?tls=1") == {
        "EMAIL_BACKEND": SMTP_BACKEND,
        "EMAIL_HOST": "mail.example.test",
        "EMAIL_PORT": 587,
        "EMAIL_HOST_USER": "mailer",
        "EMAIL_HOST_PASSWORD": "s3cret",
        "EMAIL_USE_TLS": True,
        "EMAIL_USE_SSL": False,
    }


def test_smtp_url_without_port_or_tls_uses_port_25_in_the_clear():
    config = parse_email_url("smtp://relay.internal")

    assert (
        config["EMAIL_HOST"],
        config["EMAIL_PORT"],
        config["EMAIL_USE_TLS"],
        config["EMAIL_HOST_USER"],
    ) == (
        "relay.internal",
        25,
        False,
        "",
    )


def test_smtps_url_uses_implicit_tls_on_port_465():
    config = parse_email_url("smtps://mailer:pw@mail.example.test")

    assert (config["EMAIL_PORT"], config["EMAIL_USE_SSL"], config["EMAIL_USE_TLS"]) == (465, True, False)


def test_percent_encoded_user_and_password_are_decoded():
    config = parse_email_url("smtp://me%40example.test:p%40ss%3Aw%2Frd@mail.example.test:2525?timeout=5")

    assert (config["EMAIL_HOST_USER"], config["EMAIL_HOST_PASSWORD"]) == ("me@example.test", "p@ss:w/rd")
    assert (config["EMAIL_PORT"], config["EMAIL_TIMEOUT"]) == (2525, 5)


@pytest.mark.parametrize(
    ("url", "backend"),
    [
        ("console:", "django.core.mail.backends.console.EmailBackend"),
        ("mailbox:", MAILBOX_BACKEND),
        ("dummy:", "django.core.mail.backends.dummy.EmailBackend"),
    ],
)
def test_non_smtp_schemes_choose_their_backend(url, backend):
    assert parse_email_url(url) == {"EMAIL_BACKEND": backend}


@pytest.mark.parametrize("url", ["imap://mail.example.test", "smtp://host:notaport", "smtp://host?tls=maybe"])
def test_a_wrong_email_url_is_refused_with_a_clear_error(url):
    with pytest.raises(ImproperlyConfigured):
        parse_email_url(url)


def test_with_nothing_set_development_keeps_messages_in_the_mailbox():
    assert email_settings({}, debug=True)["EMAIL_BACKEND"] == MAILBOX_BACKEND


def test_with_nothing_set_production_sends_to_localhost_port_25():
    config = email_settings({}, debug=False)

    assert (config["EMAIL_BACKEND"], config["EMAIL_HOST"], config["EMAIL_PORT"]) == (
        SMTP_BACKEND,
        "localhost",
        25,
    )


def test_the_plain_variables_alone_configure_smtp_even_in_development():
    config = email_settings(
        {
            "EMAIL_HOST": "mail.example.test",
            "EMAIL_PORT": "587",
            "EMAIL_HOST_USER": "mailer",
            "EMAIL_HOST_PASSWORD": "pw",
            "EMAIL_USE_TLS": "1",
        },
        debug=True,
    )

    assert config == {
        "EMAIL_BACKEND": SMTP_BACKEND,
        "EMAIL_HOST": "mail.example.test",
        "EMAIL_PORT": 587,
        "EMAIL_HOST_USER": "mailer",
        "EMAIL_HOST_PASSWORD": "pw",
        "EMAIL_USE_TLS": True,
        "EMAIL_USE_SSL": False,
        "EMAIL_TIMEOUT": 20,
    }


def test_plain_variables_override_the_matching_part_of_the_url():
    config = email_settings(
        {"EMAIL_URL": "smtp://mailer:old@mail.example.test:587?tls=1", "EMAIL_HOST_PASSWORD": "new"},
        debug=False,
    )

    assert (config["EMAIL_HOST"], config["EMAIL_HOST_PASSWORD"], config["EMAIL_USE_TLS"]) == (
        "mail.example.test",
        "new",
        True,
    )


def test_email_url_console_wins_over_the_development_default():
    assert email_settings({"EMAIL_URL": "console:"}, debug=True)["EMAIL_BACKEND"] == (
        "django.core.mail.backends.console.EmailBackend"
    )


def test_starttls_and_implicit_tls_together_are_refused():
    with pytest.raises(ImproperlyConfigured, match="choose one"):
        email_settings({"EMAIL_URL": "smtps://mail.example.test", "EMAIL_USE_TLS": "1"}, debug=False)


def test_a_port_that_is_not_a_number_is_refused():
    with pytest.raises(ImproperlyConfigured, match="EMAIL_PORT"):
        email_settings({"EMAIL_HOST": "mail.example.test", "EMAIL_PORT": "smtp"}, debug=False)

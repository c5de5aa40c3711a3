"""Login throttling counts failures per account and per address in the shared cache."""

from __future__ import annotations

import ipaddress
import os
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import RequestFactory

from portico.accounts.throttle import (
    address_group,
    client_ip,
    login_failure_record,
    login_locked_for,
    login_success_record,
    password_reset_request_allowed,
)

ROOT = Path(__file__).resolve().parents[3]
REDIS_URL = "redis://127.0.0.1:6379/13"


def fail(times: int, *, email: str = "pat@example.test", ip: str | None = "203.0.113.7") -> None:
    for _ in range(times):
        login_failure_record(email=email, ip=ip)


@pytest.fixture
def limits(settings):
    settings.PORTICO_LOGIN_ACCOUNT_FAILURES = 5
    settings.PORTICO_LOGIN_ADDRESS_FAILURES = 20
    settings.PORTICO_LOGIN_FAILURE_WINDOW = 15 * 60
    settings.PORTICO_LOGIN_LOCKOUT = 15 * 60
    return settings


def test_four_failures_leave_the_account_open(db, limits):
    fail(4)

    assert login_locked_for(email="pat@example.test", ip="203.0.113.7") == 0


def test_the_fifth_failure_locks_the_account_for_the_lockout_period(db, limits):
    fail(5)

    seconds = login_locked_for(email="pat@example.test", ip="203.0.113.7")
    assert 15 * 60 - 5 <= seconds <= 15 * 60


def test_a_locked_account_is_locked_from_every_address_and_whatever_the_case_of_its_email(db, limits):
    fail(5, ip="203.0.113.7")

    assert login_locked_for(email=" PAT@Example.test ", ip="198.51.100.1") > 0
    assert login_locked_for(email="pat@example.test", ip=None) > 0
    assert login_locked_for(email="someone-else@example.test", ip="198.51.100.1") == 0


def test_twenty_failures_from_one_address_lock_every_email_from_it_but_not_other_addresses(db, limits):
    for n in range(20):
        login_failure_record(email=f"guess{n}@example.test", ip="203.0.113.7")

    assert login_locked_for(email="never-tried@example.test", ip="203.0.113.7") > 0
    assert login_locked_for(email="never-tried@example.test", ip="198.51.100.1") == 0


def test_nineteen_failures_from_one_address_leave_it_open(db, limits):
    for n in range(19):
        login_failure_record(email=f"guess{n}@example.test", ip="203.0.113.7")

    assert login_locked_for(email="never-tried@example.test", ip="203.0.113.7") == 0


def test_a_successful_login_clears_the_accounts_failures(db, limits):
    fail(4)
    login_success_record(email="pat@example.test", ip="203.0.113.7")
    fail(4)

    assert login_locked_for(email="pat@example.test", ip="203.0.113.7") == 0


def test_a_successful_login_does_not_clear_the_addresses_failures(db, limits):
    for n in range(19):
        login_failure_record(email=f"guess{n}@example.test", ip="203.0.113.7")
    login_success_record(email="mine@example.test", ip="203.0.113.7")
    login_failure_record(email="guess-twenty@example.test", ip="203.0.113.7")

    assert login_locked_for(email="mine@example.test", ip="203.0.113.7") > 0


def test_the_lock_ends_when_the_lockout_period_is_over(db, limits):
    limits.PORTICO_LOGIN_LOCKOUT = 3  # long enough that a busy machine still sees the lock before it ends
    fail(5)
    assert 0 < login_locked_for(email="pat@example.test", ip="203.0.113.7") <= 3

    time.sleep(3.1)

    assert login_locked_for(email="pat@example.test", ip="203.0.113.7") == 0


def test_failures_outside_the_window_are_forgotten(db, limits):
    limits.PORTICO_LOGIN_FAILURE_WINDOW = 1
    fail(4)
    time.sleep(1.1)
    fail(1)

    assert login_locked_for(email="pat@example.test", ip="203.0.113.7") == 0


def test_ipv6_addresses_of_one_64_network_share_the_address_count(db, limits):
    """One subscriber holds a whole /64: a new address in it is no new limit."""
    for n in range(20):
        login_failure_record(email=f"guess{n}@example.test", ip=f"2001:db8:1:2::{n + 1:x}")

    assert login_locked_for(email="never-tried@example.test", ip="2001:db8:1:2:ffff:ffff:ffff:ffff") > 0
    assert login_locked_for(email="never-tried@example.test", ip="2001:db8:1:3::1") == 0


def test_ipv4_addresses_are_counted_one_by_one_also_when_written_as_ipv6():
    assert address_group("2001:db8:1:2:aaaa:bbbb:cccc:dddd") == "2001:db8:1:2::/64"
    assert address_group("203.0.113.7") == "203.0.113.7"
    assert address_group("::ffff:203.0.113.7") == "203.0.113.7"
    assert address_group("203.0.113.7") != address_group("203.0.113.8")


@pytest.fixture
def reset_limits(settings):
    settings.PORTICO_PASSWORD_RESET_EMAIL_REQUESTS = 5
    settings.PORTICO_PASSWORD_RESET_ADDRESS_REQUESTS = 20
    settings.PORTICO_PASSWORD_RESET_WINDOW = 60 * 60
    return settings


def test_five_reset_requests_for_an_email_are_allowed_and_the_sixth_is_not(db, reset_limits):
    allowed = [
        password_reset_request_allowed(email="pat@example.test", ip=f"203.0.113.{n}") for n in range(6)
    ]

    assert allowed == [True] * 5 + [False]
    assert password_reset_request_allowed(email=" PAT@example.TEST", ip="198.51.100.1") is False
    assert password_reset_request_allowed(email="someone-else@example.test", ip="198.51.100.1") is True


def test_twenty_reset_requests_from_one_address_are_allowed_and_the_next_is_not(db, reset_limits):
    allowed = [
        password_reset_request_allowed(email=f"guess{n}@example.test", ip="203.0.113.7") for n in range(21)
    ]

    assert allowed == [True] * 20 + [False]
    assert password_reset_request_allowed(email="guess99@example.test", ip="198.51.100.1") is True


def test_reset_requests_and_failed_logins_count_apart(db, limits, reset_limits):
    for _ in range(5):
        password_reset_request_allowed(email="pat@example.test", ip="203.0.113.7")

    assert login_locked_for(email="pat@example.test", ip="203.0.113.7") == 0
    fail(5)
    assert password_reset_request_allowed(email="other@example.test", ip="203.0.113.7") is True


def test_reset_requests_outside_the_window_are_forgotten(db, reset_limits):
    reset_limits.PORTICO_PASSWORD_RESET_WINDOW = 1
    for _ in range(5):
        password_reset_request_allowed(email="pat@example.test", ip=None)
    time.sleep(1.1)

    assert password_reset_request_allowed(email="pat@example.test", ip=None) is True


def request_from(remote_addr: str, forwarded_for: str | None = None):
    extra = {"REMOTE_ADDR": remote_addr}
    if forwarded_for is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded_for
    return RequestFactory().post("/office/login/", **extra)


def test_the_client_address_is_remote_addr_and_x_forwarded_for_is_ignored_by_default(settings):
    settings.PORTICO_TRUSTED_PROXIES = 0

    assert client_ip(request_from("203.0.113.7", "198.51.100.1")) == "203.0.113.7"


def test_behind_one_trusted_proxy_the_address_it_saw_counts_and_what_the_client_sent_does_not(settings):
    settings.PORTICO_TRUSTED_PROXIES = 1

    request = request_from("10.0.0.2", "6.6.6.6, 203.0.113.7")

    assert client_ip(request) == "203.0.113.7"


def test_behind_two_trusted_proxies_the_outermost_proxys_entry_counts(settings):
    settings.PORTICO_TRUSTED_PROXIES = 2

    request = request_from("10.0.0.3", "6.6.6.6, 203.0.113.7, 10.0.0.2")

    assert client_ip(request) == "203.0.113.7"


def test_a_forwarded_header_shorter_than_the_proxy_chain_falls_back_to_remote_addr(settings):
    settings.PORTICO_TRUSTED_PROXIES = 2

    assert client_ip(request_from("10.0.0.3", "203.0.113.7")) == "10.0.0.3"


def test_a_malformed_address_is_no_address(settings):
    settings.PORTICO_TRUSTED_PROXIES = 1

    assert client_ip(request_from("10.0.0.2", "not-an-address")) is None


@pytest.fixture
def empty_cache(transactional_db):
    """The cache table is no model, so a transactional test's flush leaves it alone: empty it around the test."""
    cache.clear()
    yield
    cache.clear()


def test_failures_recorded_at_once_on_two_connections_are_all_counted(empty_cache, limits):
    limits.PORTICO_LOGIN_ACCOUNT_FAILURES = 40
    limits.PORTICO_LOGIN_ADDRESS_FAILURES = 1000
    start = threading.Barrier(2)
    errors: list[BaseException] = []

    def record(times: int) -> None:
        try:
            start.wait()
            for _ in range(times):
                login_failure_record(email="pat@example.test", ip="203.0.113.7")
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=record, args=(20,)), threading.Thread(target=record, args=(19,))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert login_locked_for(email="pat@example.test", ip=None) == 0  # 39 failures: one short
    login_failure_record(email="pat@example.test", ip=None)
    assert login_locked_for(email="pat@example.test", ip=None) > 0  # the 40th locks: none was lost


def redis_answers(url: str) -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=0.5).ping())
    except redis.RedisError:
        return False


@pytest.mark.skipif(not redis_answers(REDIS_URL), reason=f"no Redis answers at {REDIS_URL}")
def test_two_processes_sharing_redis_share_the_lockout(settings):
    """Another process records the failures; this one, with its own Redis connection, sees the lock."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "portico",
        }
    }
    # Names of their own, so that runs side by side don't meet; the entries expire with the lock-out.
    email = f"pat-{uuid.uuid4().hex}@example.test"
    ip = str(
        ipaddress.IPv6Address(f"2001:db8:{uuid.uuid4().hex[:4]}:{uuid.uuid4().hex[:4]}::1")
    )  # its own /64
    script = (
        "import django; django.setup()\n"
        "from portico.accounts.throttle import login_failure_record\n"
        f"for _ in range(5): login_failure_record(email={email!r}, ip={ip!r})\n"
    )
    environment = {
        **{k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY", "DATABASE_URL"}},
        "REDIS_URL": REDIS_URL,
        "DJANGO_SETTINGS_MODULE": "portico.settings",
    }
    assert login_locked_for(email=email, ip="198.51.100.1") == 0

    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=environment, capture_output=True, text=True
    )

    assert result.returncode == 0, result.stderr
    assert login_locked_for(email=email, ip="198.51.100.1") > 0
    login_success_record(email=email, ip="198.51.100.1")  # clears the count, not a running lock
    assert login_locked_for(email=email, ip="198.51.100.1") > 0

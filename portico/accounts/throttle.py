"""Login throttling: failed logins are counted per account and per client address in Django's cache.

The cache is shared by every app process (Redis when ``REDIS_URL`` is set, the database otherwise), so a
lock-out holds whichever process answers the next attempt. After ``PORTICO_LOGIN_ACCOUNT_FAILURES``
failures for one email, or ``PORTICO_LOGIN_ADDRESS_FAILURES`` from one address, within a fixed window of
``PORTICO_LOGIN_FAILURE_WINDOW`` seconds (counted from the first failure), further attempts are refused
for ``PORTICO_LOGIN_LOCKOUT`` seconds without checking the password.

Unknown emails are counted like known ones, so the lock-out never tells whether an account exists.

Password reset requests are counted with the same counters under their own keys and limits
(``PORTICO_PASSWORD_RESET_EMAIL_REQUESTS`` per email, ``PORTICO_PASSWORD_RESET_ADDRESS_REQUESTS`` per address,
per ``PORTICO_PASSWORD_RESET_WINDOW`` seconds): :func:`password_reset_request_allowed`.

An IPv6 client is counted by its /64 network: one subscriber usually holds a whole /64 and can pick any
address in it, so counting single addresses would give them billions of fresh limits.
"""

from __future__ import annotations

import hashlib
import ipaddress
import math
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

_PREFIX = "portico:login"
_RESET_PREFIX = "portico:reset"


def _limits() -> tuple[int, int, int, int]:
    return (
        settings.PORTICO_LOGIN_ACCOUNT_FAILURES,
        settings.PORTICO_LOGIN_ADDRESS_FAILURES,
        settings.PORTICO_LOGIN_FAILURE_WINDOW,
        settings.PORTICO_LOGIN_LOCKOUT,
    )


def normalise_email(email: str) -> str:
    return email.strip().lower()


def _digest(value: str) -> str:
    # Hashed, so that cache keys are short, safe for any backend and don't spell out emails.
    return hashlib.sha256(value.encode()).hexdigest()[:32]


def address_group(ip: str) -> str:
    """What an address is counted as: an IPv4 address itself (also when IPv4-mapped), an IPv6 address's /64."""
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return ip
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.IPv6Network((address, 64), strict=False))
    return str(address)


def _scopes(*, email: str, ip: str | None, account_limit: int, address_limit: int) -> list[tuple[str, int]]:
    """The counters one attempt touches, as (key suffix, limit)."""
    scopes = [(f"account:{_digest(normalise_email(email))}", account_limit)]
    if ip:
        scopes.append((f"address:{_digest(address_group(ip))}", address_limit))
    return scopes


def _login_scopes(*, email: str, ip: str | None) -> list[tuple[str, int]]:
    account_limit, address_limit, _window, _lockout = _limits()
    return _scopes(email=email, ip=ip, account_limit=account_limit, address_limit=address_limit)


def login_locked_for(*, email: str, ip: str | None) -> int:
    """Seconds until the account or the address may try again; 0 when an attempt is allowed."""
    lock_keys = [f"{_PREFIX}:lock:{scope}" for scope, _limit in _login_scopes(email=email, ip=ip)]
    now = time.time()
    until = max(cache.get_many(lock_keys).values(), default=0)
    return max(0, math.ceil(until - now))


def _count(key: str, window: int) -> int:
    """Add one to a window's counter atomically and return the new count."""
    for _attempt in range(3):
        if cache.add(key, 1, timeout=window):
            return 1
        try:
            count = cache.incr(key)
        except ValueError:  # the window ended between add and incr: start a new one
            continue
        if count == 1:
            # Redis recreates a key that expired between its existence check and INCR without an expiry.
            cache.touch(key, timeout=window)
        return count
    return 1


def login_failure_record(*, email: str, ip: str | None) -> None:
    """Count a failed login against the account and the address; lock whichever reached its limit."""
    _account_limit, _address_limit, window, lockout = _limits()
    for scope, limit in _login_scopes(email=email, ip=ip):
        count = _count(f"{_PREFIX}:failures:{scope}", window)
        if count >= limit:
            # ``add``: further failures during a lock-out don't extend it.
            cache.add(f"{_PREFIX}:lock:{scope}", time.time() + lockout, timeout=lockout)


def login_success_record(*, email: str, ip: str | None) -> None:
    """Clear the account's failure count. The address keeps its count: logging in to one's own account
    between guesses must not reset the guesses at others."""
    account_scope, _limit = _login_scopes(email=email, ip=None)[0]
    cache.delete(f"{_PREFIX}:failures:{account_scope}")


def password_reset_request_allowed(*, email: str, ip: str | None) -> bool:
    """Count one password reset request against the email and the address; False when either has already
    made its limit of requests in the current window (``PORTICO_PASSWORD_RESET_*``).

    Every request counts, known email or not, so the answer says nothing about which accounts exist.
    """
    window = settings.PORTICO_PASSWORD_RESET_WINDOW
    scopes = _scopes(
        email=email,
        ip=ip,
        account_limit=settings.PORTICO_PASSWORD_RESET_EMAIL_REQUESTS,
        address_limit=settings.PORTICO_PASSWORD_RESET_ADDRESS_REQUESTS,
    )
    counts = [(_count(f"{_RESET_PREFIX}:requests:{scope}", window), limit) for scope, limit in scopes]
    return all(count <= limit for count, limit in counts)


def client_ip(request: HttpRequest | None) -> str | None:
    """The client's address: ``REMOTE_ADDR``, or with ``PORTICO_TRUSTED_PROXIES = n`` (n reverse proxies in
    front of Portico, each appending to ``X-Forwarded-For``) the address the outermost proxy saw.

    Entries left of that one are whatever the client sent and are never trusted.
    """
    if request is None:
        return None
    address = request.META.get("REMOTE_ADDR")
    proxies = settings.PORTICO_TRUSTED_PROXIES
    if proxies > 0:
        forwarded = [item.strip() for item in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [item for item in forwarded if item]
        if len(forwarded) >= proxies:
            address = forwarded[-proxies]
    try:
        return str(ipaddress.ip_address(address)) if address else None
    except ValueError:
        return None

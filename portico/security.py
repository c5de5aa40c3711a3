"""Security plumbing shared by every page: the Permissions-Policy header and a database cache whose counters
count right when several processes write at once.

The Content-Security-Policy comes from django-csp (``CONTENT_SECURITY_POLICY`` in settings); the other
headers from Django's ``SecurityMiddleware`` and ``XFrameOptionsMiddleware``.
"""

from __future__ import annotations

import base64
import pickle
from collections.abc import Callable

from django.conf import settings
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.db import DatabaseCache
from django.db import connections, router, transaction
from django.http import HttpRequest, HttpResponse


def permissions_policy_header(policy: dict[str, list[str]]) -> str:
    """``{"camera": [], "payment": ["self"]}`` → ``camera=(), payment=(self)``."""
    return ", ".join(f"{feature}=({' '.join(allowed)})" for feature, allowed in policy.items())


class PermissionsPolicyMiddleware:
    """Adds ``Permissions-Policy`` (``PORTICO_PERMISSIONS_POLICY``) to responses that don't set their own."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response
        self.header = permissions_policy_header(getattr(settings, "PORTICO_PERMISSIONS_POLICY", {}))

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if self.header:
            response.headers.setdefault("Permissions-Policy", self.header)
        return response


class AtomicDatabaseCache(DatabaseCache):
    """Django's database cache, with ``add`` and ``incr`` safe against concurrent writers.

    Django's ``DatabaseCache.incr`` reads, adds and writes back without a lock (two processes counting a
    login failure at once store one) and resets the entry's expiry to the default timeout. Here the
    entry's row is locked for the read-modify-write (``SELECT … FOR UPDATE`` on PostgreSQL; SQLite's
    immediate transactions take the write lock at BEGIN), and ``incr`` keeps the expiry it had.
    """

    def _lock_row(self, db: str, key: str) -> None:
        connection = connections[db]
        if not connection.features.has_select_for_update:
            return  # SQLite: the immediate transaction already holds the database's write lock
        quote_name = connection.ops.quote_name
        # The table is the cache's configured name, quoted; the key is a parameter.
        sql = f"SELECT 1 FROM {quote_name(self._table)} WHERE {quote_name('cache_key')} = %s FOR UPDATE"  # noqa: S608
        with connection.cursor() as cursor:
            cursor.execute(sql, [key])

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        made_key = self.make_and_validate_key(key, version=version)
        db = router.db_for_write(self.cache_model_class)
        with transaction.atomic(using=db):
            # An expired row is overwritten by ``add``: lock it, so two adders can't both succeed.
            self._lock_row(db, made_key)
            return self._base_set("add", made_key, value, timeout)

    def incr(self, key, delta=1, version=None):
        made_key = self.make_and_validate_key(key, version=version)
        db = router.db_for_write(self.cache_model_class)
        connection = connections[db]
        quote_name = connection.ops.quote_name
        with transaction.atomic(using=db):
            self._lock_row(db, made_key)
            value = self.get(key, self._missing_key, version=version)
            if value is self._missing_key:
                raise ValueError(f"Key '{key}' not found")
            new_value = value + delta
            encoded = base64.b64encode(pickle.dumps(new_value, self.pickle_protocol)).decode("latin1")
            table, value_column, key_column = (quote_name(n) for n in (self._table, "value", "cache_key"))
            sql = f"UPDATE {table} SET {value_column} = %s WHERE {key_column} = %s"  # noqa: S608
            with connection.cursor() as cursor:
                cursor.execute(sql, [encoded, made_key])
        return new_value

    def decr(self, key, delta=1, version=None):
        return self.incr(key, -delta, version=version)

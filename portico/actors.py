"""Who does something: every service that writes takes an :class:`Actor`.

The office, the portal, the JSON API, signed document links and scheduled jobs all reach the same services; the
actor tells the service, the audit trail and the notifications who acted — a staff member, a customer's contact
person, an API client or Portico itself — without the service knowing which path it was called from.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from portico.accounts.models import User
    from portico.customers.models import ContactPerson


class ActorKind(enum.StrEnum):
    STAFF = "staff"
    CONTACT = "contact"
    API = "api"
    SYSTEM = "system"


@dataclass(frozen=True, kw_only=True)
class Actor:
    """A staff member, a portal contact, an API client or the system. Build one with the class methods."""

    kind: ActorKind
    #: The staff member, or the login account a contact acted through.
    user: User | None = None
    contact: ContactPerson | None = None
    #: What names an API client or a system job ("quote expiry", "demo data").
    name: str = ""
    ip_address: str | None = None

    @classmethod
    def staff(cls, user: User, *, ip_address: str | None = None) -> Actor:
        if user is None or not getattr(user, "is_authenticated", False):
            raise ValueError("A staff actor is a signed-in user.")
        return cls(kind=ActorKind.STAFF, user=user, ip_address=ip_address)

    @classmethod
    def for_contact(
        cls, contact: ContactPerson, *, user: User | None = None, ip_address: str | None = None
    ) -> Actor:
        if contact is None:
            raise ValueError("A contact actor needs its contact person.")
        return cls(kind=ActorKind.CONTACT, contact=contact, user=user, ip_address=ip_address)

    @classmethod
    def api(cls, name: str, *, user: User | None = None, ip_address: str | None = None) -> Actor:
        if not name:
            raise ValueError("An API actor is named after its client.")
        return cls(kind=ActorKind.API, name=name, user=user, ip_address=ip_address)

    @classmethod
    def system(cls, name: str, *, ip_address: str | None = None) -> Actor:
        """Portico itself: a scheduled job, the demo data, or a visitor not yet signed in (with their address)."""
        if not name:
            raise ValueError("A system actor is named after the job that acts.")
        return cls(kind=ActorKind.SYSTEM, name=name, ip_address=ip_address)

    @property
    def is_staff(self) -> bool:
        return self.kind == ActorKind.STAFF

    @property
    def is_contact(self) -> bool:
        return self.kind == ActorKind.CONTACT

    @property
    def label(self) -> str:
        """How the audit trail names the actor."""
        if self.contact is not None:
            return self.contact.full_name or self.contact.email
        if self.kind == ActorKind.STAFF:
            return str(self.user)
        return self.name

    def __str__(self) -> str:
        return f"{self.kind}: {self.label}"

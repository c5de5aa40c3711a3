"""The Configure Customer Portal page: one "Give portal access" checkbox per contact person of a customer."""

from __future__ import annotations

from dataclasses import dataclass, field

from django import forms
from django.utils.translation import gettext as _

from portico.customers.models import ContactPerson, PortalAccess

#: Access that counts as given: the contact was invited or has accepted.
GRANTED = (PortalAccess.Status.INVITED, PortalAccess.Status.ACTIVE)


def access_of(contact: ContactPerson) -> PortalAccess | None:
    """The contact's portal access, if they were ever invited (load contacts with ``select_related``)."""
    return getattr(contact, "portal_access", None)


def has_access(access: PortalAccess | None) -> bool:
    return access is not None and access.status in GRANTED


@dataclass
class PortalAccessChanges:
    """What saving the page does: who gets invited, whose access is disabled."""

    invite: list[ContactPerson] = field(default_factory=list)
    disable: list[PortalAccess] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.invite or self.disable)


class PortalAccessForm(forms.Form):
    """A ticked box means "this person should have portal access"; saving brings each contact to that state.

    A contact without an email cannot be ticked (the invitation goes by email); one who has access anyway can
    still be unticked. When the organization's portal is off, nothing can be changed.
    """

    def __init__(self, data=None, *, contacts, portal_enabled: bool):
        super().__init__(data)
        self.contacts = list(contacts)
        self.portal_enabled = portal_enabled
        for contact in self.contacts:
            granted = has_access(access_of(contact))
            name = self.field_name(contact)
            self.fields[name] = forms.BooleanField(
                label=_("Give portal access to %(name)s") % {"name": contact.full_name},
                required=False,
                initial=granted,
                disabled=not portal_enabled or (not contact.email and not granted),
            )
            if not contact.email:  # the page says why the box can't be ticked, next to the missing email
                self.fields[name].widget.attrs["aria-describedby"] = f"id_{name}_reason"

    @staticmethod
    def field_name(contact: ContactPerson) -> str:
        return f"contact_{contact.pk}"

    def rows(self) -> list[tuple[ContactPerson, PortalAccess | None, forms.BoundField]]:
        return [(c, access_of(c), self[self.field_name(c)]) for c in self.contacts]

    def changes(self) -> PortalAccessChanges:
        """Compare the ticked boxes with each contact's access now; unchanged contacts are left alone."""
        changes = PortalAccessChanges()
        for contact in self.contacts:
            access = access_of(contact)
            wanted = self.cleaned_data[self.field_name(contact)]
            if wanted and not has_access(access):
                changes.invite.append(contact)
            elif not wanted and has_access(access):
                changes.disable.append(access)
        return changes

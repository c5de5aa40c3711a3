"""Reads about organizations and their staff."""

from __future__ import annotations

from .models import Membership, Organization


def organization_for_staff(*, user) -> Organization | None:
    """The organization whose back office a staff user works in, or None for anyone else."""
    if not getattr(user, "is_authenticated", False) or not user.is_active or not user.is_staff:
        return None
    membership = (
        Membership.objects.select_related("organization")
        .filter(user=user)
        .order_by("created_at", "id")
        .first()
    )
    return membership.organization if membership else None

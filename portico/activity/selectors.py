"""Reads of the "Viewed" markers the portal keeps, for the back office's document pages and lists.

Both select the marker through its content type's app label and model name, joined in the same query, so they
never cost a separate content-type lookup (and a list's query count does not depend on a warm cache).
"""

from __future__ import annotations

from django.db import models
from django.db.models import Exists, OuterRef

from .models import ViewEvent


def _markers_of(model: type[models.Model]) -> models.QuerySet[ViewEvent]:
    opts = model._meta
    return ViewEvent.objects.filter(
        content_type__app_label=opts.app_label, content_type__model=opts.model_name
    )


def view_marker_for(*, document: models.Model) -> ViewEvent | None:
    """The document's "Viewed" marker with its first and last contacts, in one query; None if never viewed."""
    return (
        _markers_of(type(document))
        .filter(object_id=document.pk)
        .select_related("first_contact", "last_contact")
        .first()
    )


def viewed_exists(model: type[models.Model]) -> Exists:
    """An ``EXISTS`` expression telling, for each row of a queryset of ``model``, whether a contact viewed it."""
    return Exists(_markers_of(model).filter(object_id=OuterRef("pk")))

"""Reads of the activity on documents: their comments, and the "Viewed" markers the portal keeps, for the back
office's document pages and lists.

Both select the marker through its content type's app label and model name, joined in the same query, so they
never cost a separate content-type lookup (and a list's query count does not depend on a warm cache).
"""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Exists, OuterRef

from .models import Comment, ViewEvent


def comments_for(*, target: models.Model, portal: bool = False) -> models.QuerySet[Comment]:
    """The comments on a document, oldest first; in the portal only those meant for the customer."""
    qs = Comment.objects.filter(
        content_type=ContentType.objects.get_for_model(target), object_id=target.pk
    ).select_related("author_user", "author_contact")
    if portal:
        qs = qs.visible_to_customer()
    return qs


def _markers_of(model: type[models.Model]) -> models.QuerySet[ViewEvent]:
    opts = model._meta
    return ViewEvent.objects.filter(
        content_type__app_label=opts.app_label, content_type__model=opts.model_name
    )


def document_version(document: models.Model) -> int:
    """The version of the document a marker belongs to: a quote's current version, 1 for everything else."""
    return getattr(document, "version", None) or 1


def _has_versions(model: type[models.Model]) -> bool:
    return any(field.name == "version" for field in model._meta.concrete_fields)


def view_marker_for(*, document: models.Model) -> ViewEvent | None:
    """The "Viewed" marker of the document's current version with its first and last contacts, in one query;
    None if that version was never viewed."""
    return (
        _markers_of(type(document))
        .filter(object_id=document.pk, version=document_version(document))
        .select_related("first_contact", "last_contact")
        .first()
    )


def viewed_exists(model: type[models.Model]) -> Exists:
    """An ``EXISTS`` expression telling, for each row of a queryset of ``model``, whether a contact viewed its
    current version."""
    version = OuterRef("version") if _has_versions(model) else 1
    return Exists(_markers_of(model).filter(object_id=OuterRef("pk"), version=version))

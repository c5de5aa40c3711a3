"""A contact's comment on one of their documents, from any document page of the portal."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from portico.activity.services import comment_add

from ..context import PortalContext


def comment_post(
    request: HttpRequest, portal: PortalContext, *, target: models.Model, detail_url: str
) -> HttpResponse:
    """Add the posted comment to ``target`` (already loaded through the contact's scope) and go back to it."""
    try:
        comment = comment_add(target=target, body=request.POST.get("body", ""), actor=portal.actor)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(detail_url + "#comments")
    messages.success(request, _("Your comment was added."))
    return redirect(detail_url + f"#comment-{comment.pk}")

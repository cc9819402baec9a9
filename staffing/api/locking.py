"""Optimistic locking for the API (RFC 9110 conditional requests, RFC 6585 428).

A detail GET answers with a strong `ETag`, the version of the record (staffing.versions). Every
PUT and PATCH must send it back in `If-Match`: without it the answer is 428 Precondition
Required, and when the record changed since it was read, 412 Precondition Failed, so an edit
made from a stale copy never overwrites someone else's. The comparison and the write run in one
transaction with the row locked, so two writers holding the same ETag cannot both pass.

Operations with a state machine (approve, reject, cancel, publish...) are POSTs that refuse a
second decision with 409 on their own; they do not need If-Match.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db import models, transaction
from django.http import HttpResponseBase
from django.utils.translation import gettext_lazy as _
from drf_spectacular.openapi import AutoSchema
from rest_framework import exceptions, serializers, status
from rest_framework.request import Request

from ..versions import record_version

HEADER = "If-Match"
UPDATE_METHODS = frozenset({"PUT", "PATCH"})

IF_MATCH_REQUIRED = _(
    "Send the If-Match header with the ETag of your last read of this record: "
    "edits need it so that nobody's change is overwritten unseen."
)
IF_MATCH_STALE = _(
    "The record changed after you read it (the If-Match ETag is no longer current): "
    "read it again, check the changes and repeat your edit."
)


class _PreconditionError(exceptions.APIException):
    rule = ""

    def __init__(self, message: Any) -> None:
        # the project's error shape, naming the header at fault and the reason
        super().__init__({"detail": message, "rule": self.rule, "header": HEADER})


class PreconditionRequired(_PreconditionError):
    status_code = status.HTTP_428_PRECONDITION_REQUIRED
    rule = "if_match_required"


class PreconditionFailed(_PreconditionError):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    rule = "stale_version"


def etag_of(instance: models.Model) -> str:
    return f'"{record_version(instance)}"'


def parse_if_match(value: str) -> set[str]:
    """The strong ETags listed in an If-Match header. A weak tag (W/"...") never matches
    (If-Match compares strongly), and "*" would match any version, so neither counts."""
    tags = set()
    for part in value.split(","):
        tag = part.strip()
        if len(tag) >= 2 and tag.startswith('"') and tag.endswith('"'):
            tags.add(tag)
    return tags


class OptimisticLockingMixin:
    """For (Model)ViewSets: ETag on detail reads and updates, If-Match required on updates."""

    _lock_checked = False
    _etag_instance: models.Model | None = None

    def dispatch(self, request: Any, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.method not in UPDATE_METHODS:
            return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]
        with transaction.atomic():
            response = super().dispatch(request, *args, **kwargs)  # type: ignore[misc]
            if response.status_code >= 400:
                # an error answer leaves nothing behind, whatever ran before it
                transaction.set_rollback(True)
            elif not self._lock_checked:
                raise ImproperlyConfigured(
                    f"{type(self).__name__} updated without get_object(): If-Match unchecked."
                )
        return response

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)  # type: ignore[misc]
        if request.method in UPDATE_METHODS:
            # after authentication and permissions (401/403 first), before the lookup
            self._if_match = parse_if_match(request.headers.get(HEADER, ""))
            if not self._if_match:
                raise PreconditionRequired(IF_MATCH_REQUIRED)

    def get_object(self) -> Any:
        instance = super().get_object()  # type: ignore[misc]
        if self.request.method in UPDATE_METHODS:  # type: ignore[attr-defined]
            model = type(instance)
            # lock the row and read what is committed now; a prefetch made before the lock
            # may be older, so it is dropped
            instance.refresh_from_db(from_queryset=model._default_manager.select_for_update())
            getattr(instance, "_prefetched_objects_cache", {}).clear()
            if etag_of(instance) not in self._if_match:
                raise PreconditionFailed(IF_MATCH_STALE)
            self._lock_checked = True
        self._etag_instance = instance
        return instance

    def finalize_response(self, request: Request, response: Any, *args: Any, **kwargs: Any) -> Any:
        response = super().finalize_response(request, response, *args, **kwargs)  # type: ignore[misc]
        instance = self._etag_instance
        if instance is None or response.status_code != status.HTTP_200_OK:
            return response
        if request.method in UPDATE_METHODS:
            # the stored row, not the one in memory: the new ETag must equal the next GET's
            fresh = type(instance)._default_manager.filter(pk=instance.pk).first()
            if fresh is not None:
                response["ETag"] = etag_of(fresh)
        elif request.method in ("GET", "HEAD") and getattr(self, "action", None) == "retrieve":
            response["ETag"] = etag_of(instance)
        return response


class PreconditionErrorSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text=_("Why the request was refused."))
    rule = serializers.ChoiceField(choices=["if_match_required", "stale_version"])
    header = serializers.CharField(help_text=_("The request header at fault: If-Match."))


class LockingAutoSchema(AutoSchema):
    """The OpenAPI schema says which operations need If-Match and which answers carry an ETag,
    so schema-driven clients know to read before they write."""

    def get_operation(self, *args: Any, **kwargs: Any) -> Any:
        operation = super().get_operation(*args, **kwargs)
        if operation is None or not isinstance(self.view, OptimisticLockingMixin):
            return operation
        etag_header = {
            "ETag": {
                "schema": {"type": "string"},
                "description": str(_("The record's version; send it as If-Match to edit it.")),
            }
        }
        if self.method in UPDATE_METHODS:
            operation.setdefault("parameters", []).append(
                {
                    "in": "header",
                    "name": HEADER,
                    "required": True,
                    "schema": {"type": "string"},
                    "description": str(
                        _("The ETag of your last read of the record (from its detail GET).")
                    ),
                }
            )
            error = {
                "application/json": {
                    "schema": self.resolve_serializer(PreconditionErrorSerializer, "response").ref
                }
            }
            responses = operation.setdefault("responses", {})
            responses["412"] = {"description": str(IF_MATCH_STALE), "content": error}
            responses["428"] = {"description": str(IF_MATCH_REQUIRED), "content": error}
            if "200" in responses:
                responses["200"].setdefault("headers", {}).update(etag_header)
        elif self.method == "GET" and getattr(self.view, "action", None) == "retrieve":
            response = operation.get("responses", {}).get("200")
            if response is not None:
                response.setdefault("headers", {}).update(etag_header)
        return operation

"""JSON errors with field-level messages for every API failure.

Services raise Django's ValidationError (with a field dict where a field is at fault) and
PermissionDenied; DRF only knows its own exceptions, so they are translated here.
"""

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, OperationalError
from django.db.models import ProtectedError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext_lazy as _
from django.views import defaults
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

from scheduler.services.errors import Conflict

CONCURRENT_CHANGE = _(
    "This conflicts with a change made at the same moment by someone else: reload and try again."
)
NOT_FOUND = _("Not found.")
OVERLAPPING_SHIFT = _("The agent would hold two overlapping shifts.")
# PostgreSQL: deadlock_detected, serialization_failure, lock_not_available
RETRYABLE_SQLSTATES = {"40P01", "40001", "55P03"}


def _conflict(detail: Any, rule: str) -> Response:
    set_rollback()
    return Response({"detail": detail, "rule": rule}, status=status.HTTP_409_CONFLICT)


def _django_errors(error: DjangoValidationError) -> Any:
    if hasattr(error, "error_dict"):
        return {
            ("non_field_errors" if field == "__all__" else field): messages
            for field, messages in error.message_dict.items()
        }
    return {"non_field_errors": list(error.messages)}


def exception_handler(exc: Exception, context: dict) -> Response | None:
    if isinstance(exc, Conflict):
        return _conflict(exc.text, exc.rule)
    if isinstance(exc, IntegrityError):
        if "assignment_no_live_overlap" in str(exc):
            return _conflict(OVERLAPPING_SHIFT, "no_overlap")
        return _conflict(CONCURRENT_CHANGE, "concurrent_change")
    if isinstance(exc, OperationalError) and (
        getattr(getattr(exc, "__cause__", None), "sqlstate", None) in RETRYABLE_SQLSTATES
        or "database is locked" in str(exc)
    ):
        return _conflict(CONCURRENT_CHANGE, "concurrent_change")
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(detail=_django_errors(exc))
    elif isinstance(exc, ProtectedError):
        return Response(
            {"detail": _("This record is still in use and cannot be deleted.")},
            status=status.HTTP_409_CONFLICT,
        )
    return drf_exception_handler(exc, context)


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """A URL no route matches (an id with a dot, a mistyped path): JSON under /api/, as every
    other API answer is, and the site's page elsewhere."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": str(NOT_FOUND)}, status=404)
    return defaults.page_not_found(request, exception)

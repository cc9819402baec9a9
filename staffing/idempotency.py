"""The Idempotency-Key header for API writes (IETF draft "The Idempotency-Key HTTP Header").

A client that may repeat a POST, PUT, PATCH or DELETE (a retry after a timeout, a double tap)
sends `Idempotency-Key: <unique value>`. The first request with a key runs; a repeat of the same
request with the same key gets the first answer again (header `Idempotent-Replayed: true`) and
creates nothing; a repeat while the first still runs gets 409; the same key with a different
request gets 422. Keys are per user and kept for IDEMPOTENCY_KEY_HOURS (default 24).
A 5xx answer is not kept, so the client may retry it; nor is a refused If-Match precondition
(412, 428: nothing was done), and the If-Match header is part of what makes two requests equal.
"""

from __future__ import annotations

import datetime
import hashlib
import re
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import IdempotencyRecord

HEADER = "HTTP_IDEMPOTENCY_KEY"
WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})
KEY_PATTERN = re.compile(r"^[A-Za-z0-9._:-]{8,200}$")
MAX_STORED_BYTES = 1_000_000
# Precondition answers (412 stale If-Match, 428 missing If-Match) did nothing: like a 5xx they
# are not kept, so the same request is checked again rather than replayed.
NOT_KEPT = frozenset({412, 428})
# Headers of the first answer that a replay repeats: the version to send in If-Match next, and
# where a created record lives.
REPLAYED_HEADERS = ("ETag", "Location")


def _api_user(request: HttpRequest) -> Any:
    """The caller as the API would authenticate them (session or token)."""
    from rest_framework.request import Request
    from rest_framework.settings import api_settings

    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return user
    wrapped = Request(request)
    authenticators: list[Any] = list(api_settings.DEFAULT_AUTHENTICATION_CLASSES)
    for authenticator_class in authenticators:
        try:
            found = authenticator_class().authenticate(wrapped)
        except Exception:  # noqa: BLE001 - the view answers bad credentials itself
            return None
        if found is not None:
            return found[0]
    return None


def _fingerprint(request: HttpRequest) -> str:
    digest = hashlib.sha256()
    digest.update((request.method or "").encode())
    digest.update(request.get_full_path().encode())
    # the same edit based on another version of the record is another request
    digest.update(request.META.get("HTTP_IF_MATCH", "").encode())
    if (request.content_type or "").startswith("multipart/"):
        # uploads may exceed what Django reads into memory: their length stands for the body
        digest.update(request.META.get("CONTENT_LENGTH", "").encode())
    else:
        digest.update(request.body)
    return digest.hexdigest()


def _problem(status: int, detail: str) -> JsonResponse:
    return JsonResponse({"detail": detail, "rule": "idempotency_key"}, status=status)


class IdempotencyKeyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        key = request.META.get(HEADER)
        if not key or request.method not in WRITES or not request.path.startswith("/api/"):
            return self.get_response(request)
        if not KEY_PATTERN.match(key):
            return _problem(
                400, _("An Idempotency-Key is 8 to 200 letters, digits, dots, colons or dashes.")
            )
        user = _api_user(request)
        if user is None:
            return self.get_response(request)
        fingerprint = _fingerprint(request)
        hours = getattr(settings, "IDEMPOTENCY_KEY_HOURS", 24)
        IdempotencyRecord.objects.filter(
            user=user, key=key, created_at__lt=timezone.now() - datetime.timedelta(hours=hours)
        ).delete()
        try:
            with transaction.atomic():
                record = IdempotencyRecord.objects.create(
                    user=user, key=key, fingerprint=fingerprint
                )
        except IntegrityError:
            first = IdempotencyRecord.objects.filter(user=user, key=key).first()
            if first is None:
                return _problem(409, _("A request with this Idempotency-Key is in progress."))
            if first.fingerprint != fingerprint:
                return _problem(422, _("This Idempotency-Key was used for a different request."))
            if first.status_code is None:
                return _problem(409, _("A request with this Idempotency-Key is in progress."))
            replay = HttpResponse(
                bytes(first.body), status=first.status_code, content_type=first.content_type
            )
            for name, value in (first.headers or {}).items():
                replay[name] = value
            replay["Idempotent-Replayed"] = "true"
            return replay
        try:
            response = self.get_response(request)
        except Exception:
            record.delete()
            raise
        body = getattr(response, "content", b"") if not response.streaming else b""
        if (
            response.status_code >= 500
            or response.status_code in NOT_KEPT
            or len(body) > MAX_STORED_BYTES
        ):
            record.delete()
            return response
        record.status_code = response.status_code
        record.content_type = response.get("Content-Type", "application/json")
        record.body = body
        record.headers = {name: response[name] for name in REPLAYED_HEADERS if name in response}
        record.save(update_fields=["status_code", "content_type", "body", "headers"])
        return response

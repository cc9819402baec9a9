"""The OpenAPI schema documents the errors every operation really answers, not only success.

drf-spectacular describes the 200/201/204 of each view; the refusals come from shared code
(authentication, permissions, serializers, config.api_errors, the Idempotency-Key middleware),
so they are added here for every operation, from what the operation takes (and writes take
the Idempotency-Key header of staffing.idempotency):

* 400 - the request body or a query parameter is invalid (field -> messages), or the JSON or
  the Idempotency-Key is malformed (detail);
* 403 - not signed in (session authentication comes first, so DRF answers 403, not 401), or
  the role or the record's owner does not allow it;
* 404 - a record in the path, or a page of a list, that does not exist (or is not visible);
* 409 - writes refused by the roster's state or a concurrent change (detail and rule), or a
  record still in use; 422 - an Idempotency-Key reused for another request.
"""

from typing import Any

from drf_spectacular.plumbing import ResolvedComponent
from drf_spectacular.utils import Direction, OpenApiParameter
from rest_framework import serializers

from staffing.api.locking import LockingAutoSchema
from staffing.idempotency import KEY_PATTERN

WRITES = ("POST", "PUT", "PATCH", "DELETE")
# A time of day as DRF writes it ("07:00:00"); the OpenAPI "time" format is RFC 3339's
# full-time, which needs a UTC offset that a shift's local start time does not have.
TIME_OF_DAY = {
    "type": "string",
    "format": "partial-time",
    "pattern": r"^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,6})?)?$",
    "example": "07:00:00",
}

ERROR_DETAIL = {
    "type": "object",
    "description": "Why the request was refused.",
    "properties": {
        "detail": {"type": "string"},
        "rule": {
            "type": "string",
            "description": "The business rule that refused it, for 409 and Idempotency-Key errors.",
        },
    },
    "required": ["detail"],
}
VALIDATION_ERRORS = {
    "type": "object",
    "description": (
        "Messages per field at fault (nested for nested fields, by index for list items); "
        "non_field_errors when no single field is."
    ),
    "properties": {"non_field_errors": {"type": "array", "items": {"type": "string"}}},
    "additionalProperties": {
        "oneOf": [{"type": "array"}, {"type": "object"}],
    },
}


class ErrorDocumentingAutoSchema(LockingAutoSchema):
    def get_override_parameters(self) -> list[Any]:
        parameters = list(super().get_override_parameters())
        if self.method in WRITES:
            parameters.append(
                OpenApiParameter(
                    "Idempotency-Key",
                    str,
                    OpenApiParameter.HEADER,
                    description=(
                        "Makes a retried write safe: a repeat with the same key replays the "
                        "first answer (header Idempotent-Replayed: true) and changes nothing."
                    ),
                    pattern=KEY_PATTERN.pattern,
                )
            )
        return parameters

    def _map_serializer_field(
        self, field: Any, direction: str, bypass_extensions: bool = False
    ) -> dict[str, Any]:
        schema = super()._map_serializer_field(field, direction, bypass_extensions)
        if isinstance(field, serializers.TimeField) and schema.get("format") == "time":
            return {**schema, **TIME_OF_DAY}
        return schema

    def _error(self, name: str, schema: dict[str, Any]) -> dict[str, Any]:
        component = ResolvedComponent(
            name=name, type=ResolvedComponent.SCHEMA, object=name, schema=schema
        )
        self.registry.register_on_missing(component)
        return component.ref

    def _get_response_bodies(self, direction: Direction = "response") -> dict[str, Any]:
        responses = super()._get_response_bodies(direction)
        detail = self._error("ErrorDetail", ERROR_DETAIL)
        fields = self._error("ValidationErrors", VALIDATION_ERRORS)
        has_path = "{" in self.path
        has_query = any(parameter.get("in") == "query" for parameter in self._get_parameters())
        errors: dict[str, tuple[str, dict[str, Any]]] = {
            "403": ("Not signed in, or not allowed to do this.", detail),
        }
        if self.method in WRITES or has_query:
            errors["400"] = (
                "The request is not valid.",
                {"anyOf": [fields, detail]},
            )
        if has_path or has_query:
            errors["404"] = ("Not found, or not visible to you.", detail)
        if self.method in WRITES:
            errors["409"] = ("Refused by the current state of the records.", detail)
            errors["422"] = ("The Idempotency-Key was used for another request.", detail)
        for code, (description, schema) in errors.items():
            responses.setdefault(
                code,
                {"content": {"application/json": {"schema": schema}}, "description": description},
            )
        return dict(sorted(responses.items()))

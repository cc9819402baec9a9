"""Refusals that depend on the current state rather than on the input's form.

A ``Conflict`` is a ValidationError (services and pages treat it like any refusal) that the API
answers with HTTP 409 and the rule that refused it: a swap into a rest violation, a shift taken
by someone else a moment earlier, a request already decided.
"""

from typing import Any

from django.core.exceptions import ValidationError


class Conflict(ValidationError):
    def __init__(
        self, message: Any, *, rule: str = "conflict", params: dict[str, Any] | None = None
    ) -> None:
        super().__init__(message, code=rule, params=params)
        self.rule = rule

    @property
    def text(self) -> str:
        return " ".join(str(message) for message in self.messages)

"""Helpers for tests that write through the API.

`send` adds If-Match when the resource answers with an ETag (optimistic locking makes PUT and
PATCH without it a 428), so the write tests keep working when that lands. `HostileClient` is
an APIClient that slips extra fields into every JSON write, for the mass-assignment tests."""

from typing import Any

from django.db import models
from django.urls import resolve
from rest_framework.test import APIClient


def if_match(client: APIClient, method: str, path: str) -> dict[str, str]:
    """The If-Match header for a PUT or PATCH, when the resource has an ETag."""
    if method.lower() not in ("put", "patch"):
        return {}
    probe = APIClient.get(client, path)
    etag = probe.get("ETag") if probe.status_code == 200 else None
    return {"HTTP_IF_MATCH": etag} if etag else {}


def send(client: APIClient, method: str, path: str, data: Any = None, **extra: Any) -> Any:
    extra = {**if_match(client, method, path), **extra}
    return getattr(client, method.lower())(path, data, format="json", **extra)


def model_for(path: str) -> type[models.Model] | None:
    """The model behind the view serving path, when the view says."""
    view = getattr(resolve(path).func, "cls", None)
    serializer = getattr(view, "serializer_class", None)
    meta = getattr(serializer, "Meta", None)
    if meta is not None and hasattr(meta, "model"):
        return meta.model
    queryset = getattr(view, "queryset", None)
    return queryset.model if queryset is not None else None


class HostileClient(APIClient):
    """Adds ``hostile`` fields to every JSON write, except those ``permitted`` (legitimate input
    of this endpoint for this role, checked by the permission matrices) and the ones the call
    already sends. ``sent`` records what was slipped in, per call."""

    def __init__(
        self, hostile: dict[str, Any], permitted: frozenset[str] = frozenset(), **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        self.hostile = hostile
        self.permitted = permitted
        self.sent: list[tuple[str, str, dict[str, Any]]] = []

    def _hostile_call(self, method: str, path: str, data: Any, **extra: Any) -> Any:
        if isinstance(data, dict) or data is None:
            data = dict(data or {})
            added = {
                key: value
                for key, value in self.hostile.items()
                if key not in self.permitted and key not in data
            }
            data.update(added)
            self.sent.append((method, path, added))
            extra.setdefault("format", "json")
        extra = {**if_match(self, method, path), **extra}
        return getattr(super(), method)(path, data, **extra)

    def post(self, path: str, data: Any = None, **extra: Any) -> Any:  # type: ignore[override]
        if extra.get("format") == "multipart":
            return super().post(path, data, **extra)
        return self._hostile_call("post", path, data, **extra)

    def put(self, path: str, data: Any = None, **extra: Any) -> Any:  # type: ignore[override]
        return self._hostile_call("put", path, data, **extra)

    def patch(self, path: str, data: Any = None, **extra: Any) -> Any:  # type: ignore[override]
        return self._hostile_call("patch", path, data, **extra)


class PoliteClient(APIClient):
    """The same calls without extra fields, but with If-Match like HostileClient."""

    def put(self, path: str, data: Any = None, **extra: Any) -> Any:  # type: ignore[override]
        return super().put(path, data, **{**if_match(self, "put", path), **extra})

    def patch(self, path: str, data: Any = None, **extra: Any) -> Any:  # type: ignore[override]
        return super().patch(path, data, **{**if_match(self, "patch", path), **extra})

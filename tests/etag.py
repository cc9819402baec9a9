"""Edits through the API need If-Match (staffing.api.locking): these helpers read the record's
ETag first, as a well-behaved client does, then send the edit with it."""

from typing import Any

from rest_framework.test import APIClient

#: sent when the caller cannot read the record, so the answer is the API's own (403, 404)
UNREAD = '"unread"'


def etag(client: APIClient, url: str) -> str:
    return client.get(url).get("ETag") or UNREAD


def put_fresh(client: APIClient, url: str, data: Any = None, **extra: Any) -> Any:
    return client.put(url, data, HTTP_IF_MATCH=etag(client, url), **extra)


def patch_fresh(client: APIClient, url: str, data: Any = None, **extra: Any) -> Any:
    return client.patch(url, data, HTTP_IF_MATCH=etag(client, url), **extra)


def version_of(instance: Any) -> str:
    """The version a page shows for a record (its hidden "version" input), read as stored."""
    from staffing.versions import record_version

    return record_version(type(instance)._base_manager.get(pk=instance.pk))

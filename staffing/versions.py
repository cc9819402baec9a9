"""Optimistic locking: the version of a record is a hash of what is stored in it.

Two people who open the same record and both save would otherwise silently overwrite each
other ("lost update"). Every read hands out the record's version (an ETag in the API, a hidden
field in the pages); a write names the version it was based on and is refused when the record
has changed since. The version is a hash of the row's concrete field values (and the ids of its
many-to-many links), so any committed change alters it and no extra column is needed.

The check is only sound when it runs in the same transaction as the write, with the row locked
(select_for_update): otherwise two writers holding the same version could both pass it.
"""

from __future__ import annotations

import datetime
import decimal
import hashlib
import json
from collections.abc import Iterable
from typing import Any

from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _

STALE_RECORD = _(
    "Someone else changed this record after you opened it, so nothing was saved. "
    "The current values are shown: check them and submit again."
)


def _stable(value: Any) -> Any:
    """One spelling per stored value, whether it was just assigned or read back from the
    database (an aware datetime in any zone, 1.50 and 1.5)."""
    if isinstance(value, datetime.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(datetime.UTC)
        return value.isoformat()
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value.normalize()) if value.is_finite() else str(value)
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, bytes | memoryview):
        return hashlib.sha256(bytes(value)).hexdigest()
    if isinstance(value, int | str | bool) or value is None:
        return value
    return str(value)


def values_version(values: Iterable[Any]) -> str:
    """The version of any sequence of stored values (a roster cell is several rows)."""
    text = json.dumps([_stable(value) for value in values], separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def record_version(instance: models.Model) -> str:
    """The version of one saved record: changes whenever any stored value of it changes."""
    meta = instance._meta
    values: list[Any] = [meta.label_lower]
    for field in meta.concrete_fields:
        values.append(getattr(instance, field.attname))
    for field in meta.many_to_many:
        # .all() uses a prefetch when the view made one; the order is the ids'
        values.append(sorted(related.pk for related in getattr(instance, field.name).all()))
    return values_version(values)


def version_is_current(*, form: forms.Form, submitted: str | None, current: str) -> bool:
    """True when the version a page was showing is the record's current one; otherwise the
    form gets the stale-record error. A missing version counts as stale: nothing is overwritten.
    Pages render the version of what they show in a hidden input named "version"."""
    if submitted and submitted == current:
        return True
    form.add_error(None, STALE_RECORD)
    return False

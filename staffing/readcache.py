"""Cached reads that a committed write makes obsolete at once: entries keyed by generations.

The pages read most (an agent's schedule, their shifts in the API, a team lead's roster board)
change far less often than they are read. Rather than expire cached copies on a timer (stale
for that long) or delete them by hand in every service (one forgotten path is a stale page),
each *tracked* model has a **generation**: a token in the shared cache that changes whenever a
row of that model is written. A reader

1. takes the generations of every model its result depends on, *before* reading the database,
   together with the copy stored under its own arguments (one round trip);
2. uses that copy only if it was stored under the same generations;
3. otherwise reads the database, and stores the result with the generations taken in step 1.

A write changes the generation of its model after its transaction commits
(``transaction.on_commit``): a reader that took the old generation may have read the database
just before the commit and stored the old rows, but with the old generation, which no reader
accepts after the commit. Before the commit only the writing connection sees the new rows (and
nobody ever, if the transaction rolls back): a read inside the writing transaction that depends
on what it wrote goes to the database and stores nothing. (So tests, whose transaction never
commits, check the cache itself in transactional tests.)

What counts as a write, for a tracked model: ``save()`` and ``delete()`` (``post_save`` /
``post_delete``; ``QuerySet.delete`` sends ``post_delete`` per row), many-to-many changes
(``m2m_changed``), and the audited models' bulk writes (``QuerySet.update``, ``bulk_create``,
``bulk_update``), which staffing.audit reports here. A bulk ``update()`` of a tracked model that
is *not* audited sends nothing: such a model must not be tracked unless its writes go through
``save()``; entries also expire after ``READ_CACHE_SECONDS`` as a backstop.

Enabled by the ``READ_CACHE`` setting, which defaults to on only when the cache is shared by
every server process (Redis, Memcached, the database): a per-process memory cache would not see
another process's new generation. If the cache fails, reads fall back to the database (logged);
a generation change lost that way is bounded by the entry lifetime.
"""

from __future__ import annotations

import hashlib
import itertools
import logging
import os
import pickle
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import caches
from django.db import models, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

log = logging.getLogger(__name__)
T = TypeVar("T")

#: Model labels (``app_label.modelname``, lower case) whose writes change their generation.
_tracked: set[str] = set()
_counter = itertools.count()
_PREFIX = "wfm:rc:"


def enabled() -> bool:
    return bool(getattr(settings, "READ_CACHE", False))


def _cache() -> Any:
    return caches[getattr(settings, "READ_CACHE_ALIAS", "default")]


def _label(model: type[models.Model] | str) -> str:
    return model if isinstance(model, str) else model._meta.label_lower


def _new_token() -> str:
    # Unique across processes and restarts: a generation key evicted and created again never
    # takes a value an old entry was stored under.
    return f"{time.time_ns():x}.{os.getpid():x}.{next(_counter):x}"


# --- writes --------------------------------------------------------------------------------------


def track(*model_list: type[models.Model]) -> None:
    """Give these models a generation: their writes make cached reads of them obsolete.

    Called from the apps' ``ready()``. Connects per model (not to every model), so models that
    are not tracked keep Django's fast bulk delete."""
    for model in model_list:
        label = _label(model)
        if label in _tracked:
            continue
        _tracked.add(label)
        post_save.connect(_on_row_write, sender=model, dispatch_uid=f"readcache-save-{label}")
        post_delete.connect(_on_row_write, sender=model, dispatch_uid=f"readcache-del-{label}")
        for field in model._meta.local_many_to_many:
            through = field.remote_field.through
            assert through is not None  # Django fills it in before ready()
            m2m_changed.connect(
                _on_m2m_write, sender=through, dispatch_uid=f"readcache-m2m-{through._meta.label}"
            )


def tracked() -> frozenset[str]:
    return frozenset(_tracked)


def _on_row_write(sender: type[models.Model], **kwargs: Any) -> None:
    changed(sender, using=kwargs.get("using") or "default")


def _on_m2m_write(sender: type[models.Model], instance: Any, action: str, **kwargs: Any) -> None:
    if not action.startswith("post_"):
        return
    # Both ends of the relation read it: the model that declares the field and the other one.
    labels = {_label(type(instance))}
    model = kwargs.get("model")
    if model is not None:
        labels.add(_label(model))
    for label in labels & _tracked:
        changed(label, using=kwargs.get("using") or "default")


class _CommitBump:
    """The on-commit callback for one label (comparable, so a transaction registers it once)."""

    __slots__ = ("label",)

    def __init__(self, label: str) -> None:
        self.label = label

    def __call__(self) -> None:
        _local.dirty.discard(self.label)
        _bump(self.label)


class _Local(threading.local):
    def __init__(self) -> None:
        # Labels written in this thread's open transaction. Only this thread's connection sees
        # those rows before the commit (and nobody ever, if it rolls back): its reads of them go
        # to the database and store nothing.
        self.dirty: set[str] = set()


_local = _Local()


def changed(model: type[models.Model] | str, *, using: str = "default") -> None:
    """Rows of ``model`` were written: cached reads of it are obsolete now and after commit."""
    label = _label(model)
    if label not in _tracked or not enabled():
        return
    connection = transaction.get_connection(using)
    if not connection.in_atomic_block:
        _bump(label)
        return
    _local.dirty.add(label)
    pending = connection.run_on_commit
    if not any(
        isinstance(callback, _CommitBump) and callback.label == label for _, callback, _ in pending
    ):
        transaction.on_commit(_CommitBump(label), using=using)


def _bump(label: str) -> None:
    try:
        _cache().set(_PREFIX + "gen:" + label, _new_token(), timeout=None)
    except Exception:  # noqa: BLE001 - a cache outage must not fail a committed write
        log.exception("read cache: could not renew the generation of %s", label)


# --- reads ---------------------------------------------------------------------------------------


def _labels(labels: Iterable[type[models.Model] | str]) -> list[str]:
    ordered = [_label(label) for label in labels]
    unknown = [label for label in ordered if label not in _tracked]
    if unknown:
        # A developer error: a cached read that depends on an untracked model would go stale.
        raise LookupError(f"read cache: {', '.join(unknown)} not tracked")
    return ordered


def _generations_of(cache: Any, keys: list[str], found: dict[str, Any]) -> tuple[str, ...]:
    for key in keys:
        if key not in found:
            cache.add(key, _new_token(), timeout=None)
            found[key] = cache.get(key)
    return tuple(str(found[key]) for key in keys)


def generations(labels: Iterable[type[models.Model] | str]) -> tuple[str, ...]:
    """The current (committed) generation of each label, created when missing, in order."""
    keys = [_PREFIX + "gen:" + label for label in _labels(labels)]
    cache = _cache()
    return _generations_of(cache, keys, cache.get_many(keys))


def _entry_key(name: str, parts: tuple[Any, ...]) -> str:
    digest = hashlib.blake2b(pickle.dumps(parts, protocol=4), digest_size=16)
    return f"{_PREFIX}{name}:{digest.hexdigest()}"


def cached(
    name: str,
    *,
    parts: tuple[Any, ...],
    depends_on: Iterable[type[models.Model] | str],
    compute: Callable[[], T],
    seconds: int | None = None,
) -> T:
    """``compute()``, or the copy stored for the same ``name``/``parts`` while no model in
    ``depends_on`` was written since. ``parts`` must hold everything else the result depends on
    (the user or their scope, filters, language, time zone, the day when it shows "today").
    The result must pickle. Without the read cache, just ``compute()``.

    The entry is stored with the generations it was read under, and one round trip
    (``get_many``) fetches the current generations and the entry together: a copy is used only
    when its generations are the current ones."""
    if not enabled():
        return compute()
    labels = _labels(depends_on)
    if not transaction.get_connection().in_atomic_block:
        _local.dirty.clear()  # no transaction open: what was written was committed or undone
    elif _local.dirty.intersection(labels):
        return compute()  # this transaction's own writes: read them, share nothing
    cache = _cache()
    try:
        keys = [_PREFIX + "gen:" + label for label in labels]
        key = _entry_key(name, parts)
        found = cache.get_many([*keys, key])
        gens = _generations_of(cache, keys, found)
    except Exception:  # noqa: BLE001 - the database still answers when the cache does not
        log.exception("read cache: lookup of %s failed; reading the database", name)
        return compute()
    entry = found.get(key)
    if isinstance(entry, tuple) and len(entry) == 2 and entry[0] == gens:
        return entry[1]  # type: ignore[no-any-return]
    value = compute()  # after the generations were taken: a write now gives them new ones
    try:
        cache.set(key, (gens, value), timeout=seconds or settings.READ_CACHE_SECONDS)
    except Exception:  # noqa: BLE001
        log.exception("read cache: could not store %s", name)
    return value

"""Shared by the permission matrices: every API operation, read from the URL conf itself."""

from django.urls import URLPattern, URLResolver, get_resolver


def api_operations(namespace: str = ":api:staffing") -> set[tuple[str, str]]:
    """Every (name, method) served under an API namespace, read from the URL conf itself."""
    found: set[tuple[str, str]] = set()

    def walk(patterns: list, current: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = f"{current}:{pattern.namespace}" if pattern.namespace else current
                walk(pattern.url_patterns, inner)
            elif isinstance(pattern, URLPattern):
                if current != namespace or "format" in str(pattern.pattern):
                    continue
                callback = pattern.callback
                actions = getattr(callback, "actions", None)
                if actions:
                    # HEAD is answered as GET by the same code path
                    methods = {method.upper() for method in actions if method != "head"}
                else:
                    view_class = callback.view_class  # type: ignore[attr-defined]
                    methods = {
                        method.upper()
                        for method in view_class.http_method_names
                        if hasattr(view_class, method) and method not in ("options", "head")
                    }
                for method in methods:
                    found.add((pattern.name or "", method))

    walk(get_resolver().url_patterns, "")
    return found

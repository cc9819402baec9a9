"""State conflicts (HTTP 409 in the API). The class lives in staffing so that staffing's own
services can raise it too (staffing never imports scheduler); it is re-exported here."""

from staffing.services.errors import Conflict

__all__ = ["Conflict"]

"""Writes with business rules. Each is a keyword-only function named <entity>_<action>."""

"""Scheduler models arrive with the demand and lifecycle issues."""

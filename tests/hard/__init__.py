"""Hardening checks: run by make check-hard (marker ``hard``), not by make test."""

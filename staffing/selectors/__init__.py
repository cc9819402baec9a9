"""Reads. Plain keyword-only functions named <entity>_<query>."""

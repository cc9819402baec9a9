"""Security checks: authorization matrices, scoping, mass assignment, privacy and sessions."""

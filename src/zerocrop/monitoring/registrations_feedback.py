"""Registrations of feedback upward (exports, indicators)."""


def register() -> None:
    pass

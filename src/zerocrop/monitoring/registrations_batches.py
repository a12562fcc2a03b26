"""Registrations of batch import (upload route, the batch file's evidence owner)."""


def register() -> None:
    pass

"""Registrations of targets and their verification (menu, photos, upload route, tasks)."""


def register() -> None:
    pass

"""Registrations of sampling designs and estimates (menu, tasks)."""


def register() -> None:
    pass

"""Registrations of pairing and devices: their menu items."""

from __future__ import annotations


def register() -> None:
    from zerocrop.field.menu import register_menu_items

    register_menu_items()

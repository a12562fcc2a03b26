"""Everything the field app adds to other apps' registries, called once from `ready()`.

Each part registers its own contributions from its module's `register()`.
"""

from __future__ import annotations


def register_all() -> None:
    from zerocrop.field.capabilities import register_capabilities

    register_capabilities()

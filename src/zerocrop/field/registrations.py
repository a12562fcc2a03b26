"""Everything the field app adds to other apps' registries, called once from `ready()`.

Each part registers its own contributions from its module's `register()`.
"""

from __future__ import annotations


def register_all() -> None:
    from zerocrop.field import registrations_app, registrations_devices, registrations_records
    from zerocrop.field.capabilities import register_capabilities

    register_capabilities()
    registrations_devices.register()
    registrations_records.register()
    registrations_app.register()

"""Everything monitoring adds to other apps' registries, called once from `ready()`.

Each part of the app registers its own contributions from its module's `register()`.
"""

from __future__ import annotations


def register_all() -> None:
    from zerocrop.monitoring import (
        registrations_batches,
        registrations_feedback,
        registrations_sampling,
        registrations_targets,
    )
    from zerocrop.monitoring.capabilities import register_capabilities

    register_capabilities()
    registrations_batches.register()
    registrations_targets.register()
    registrations_feedback.register()
    registrations_sampling.register()

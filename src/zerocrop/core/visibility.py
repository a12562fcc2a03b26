"""The one hook through which core's registries ask "may this user see an entry that needs X?".

Panels and menu items may name a capability, but the capability table lives in org, above core,
and core must not import it. So org hands its check down instead: `OrgConfig.ready()` calls
`set_visibility_check(fn)` with `fn(user, capability) -> bool` (org's `can` with no unit, i.e.
"anywhere in the user's scope"). Until a check is installed, an entry that names a capability
is an error rather than silently shown or hidden.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

VisibilityCheck = Callable[[Any, str], bool]

_check: VisibilityCheck | None = None


def set_visibility_check(check: VisibilityCheck | None) -> VisibilityCheck | None:
    """Install the capability check; returns the one it replaces (tests restore it)."""
    global _check
    previous, _check = _check, check
    return previous


def user_may_see(user: Any, capability: str | None) -> bool:
    if capability is None:
        return True
    if _check is None:
        raise RuntimeError(f"no visibility check installed to decide capability {capability!r}")
    return _check(user, capability)

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from zerocrop.core.navigation import menu_for


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The side menu for `base.html`, built only by a page that shows it."""
    return {"menu": SimpleLazyObject(lambda: menu_for(request))}

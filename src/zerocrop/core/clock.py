from datetime import date

from django.conf import settings
from django.utils import timezone


def today() -> date:
    """Today's date in the configured time zone, or ZEROCROP_TODAY for training and demos."""
    if settings.ZEROCROP_TODAY:
        return date.fromisoformat(settings.ZEROCROP_TODAY)
    return timezone.localdate()

"""Pairing, the worker and their offline package, device self-tests (docs/field-sync.md)."""

from __future__ import annotations

"""Records by client UUID, resumable files by hash, export bundles (docs/field-sync.md)."""

from __future__ import annotations

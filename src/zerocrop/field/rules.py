"""The sync protocol's numbers, in one place (docs/field-sync.md explains each)."""

from __future__ import annotations

from datetime import timedelta

# The wire format's current version; records of every older version are still accepted
# (zerocrop.field.schema upgrades them).
SCHEMA_VERSION = 2
OLDEST_SCHEMA_VERSION = 1

# Files are uploaded in chunks of at most this many bytes, announced by /sync/ping.
MAX_CHUNK_BYTES = 1024 * 1024
# A whole record (its JSON body) may not exceed this.
MAX_RECORD_BYTES = 2 * 1024 * 1024
# One file may not exceed this (photos are a few MB; track files less).
MAX_FILE_BYTES = 25 * 1024 * 1024

PAIRING_TTL = timedelta(minutes=10)
# The app's address (its service worker's scope); a pairing QR opens `APP_PATH#pair=<code>`.
APP_PATH = "/field/app/"
TOKEN_BYTES = 32

# Client retry: 1 s doubling to 5 min (Enketo's exponential-backoff.js).
BACKOFF_FIRST_S = 1
BACKOFF_MAX_S = 300

# The probe's body; a cached fallback page cannot contain it.
PING_BODY = "zerocrop-sync-ok"

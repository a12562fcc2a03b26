"""The default synthetic town (seed 22, 300 plots), generated once per test module.

Here `town` is the generator's output, not the demo AdminUnit of tests/conftest.py: these
tests need no database.
"""

from __future__ import annotations

import pytest

from zerocrop.demo.synthetic import SyntheticTown, generate_town


@pytest.fixture(scope="module")
def town() -> SyntheticTown:
    return generate_town()

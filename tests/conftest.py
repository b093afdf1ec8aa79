"""Fixtures shared by every test folder."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from google_fake import GoogleFake, isolated_network


@pytest.fixture
def google_fake() -> Iterator[GoogleFake]:
    """A running loopback Google for account me@example.com; the network beyond
    loopback is refused while it runs, and the test fails if the fake noted a problem."""
    with isolated_network(), GoogleFake() as fake:
        yield fake
    assert not fake.problems, "GoogleFake problems:\n" + "\n".join(fake.problems)

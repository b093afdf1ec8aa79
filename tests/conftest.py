"""Fixtures shared by every test folder."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from caldav_servers import Radicale, Xandikos
from google_fake import GoogleFake, isolated_network


@pytest.fixture
def google_fake() -> Iterator[GoogleFake]:
    """A running loopback Google for account me@example.com; the network beyond
    loopback is refused while it runs, and the test fails if the fake noted a problem."""
    with isolated_network(), GoogleFake() as fake:
        yield fake
    assert not fake.problems, "GoogleFake problems:\n" + "\n".join(fake.problems)


@pytest.fixture(scope="session")
def radicale(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Radicale]:
    """One Radicale for the whole run, over http on loopback, with USER signing in."""
    server = Radicale(tmp_path_factory.mktemp("radicale")).start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def xandikos(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Xandikos]:
    """One Xandikos for the whole run, over https on localhost with its own certificate."""
    server = Xandikos(tmp_path_factory.mktemp("xandikos")).start()
    yield server
    server.stop()

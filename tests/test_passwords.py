"""Passwords from a command, the environment or the keyring, and never in a message."""

from __future__ import annotations

import sys
import types

import pytest

from daemon.config import Credentials
from daemon.core.protocols import ConnectorError
from daemon.passwords import password_getter

SECRET = "correct horse battery staple"


def command(code: str) -> tuple[str, ...]:
    return (sys.executable, "-c", code)


def test_a_command_gives_its_first_line_each_time_it_is_asked(tmp_path):
    store = tmp_path / "store"
    store.write_text(f"{SECRET}\nuser: alex\n")
    get = password_getter(
        Credentials("alex", password_command=command(f"print(open({str(store)!r}).read())")),
        "the IMAP account",
    )
    assert get() == SECRET
    store.write_text("rotated\n")
    assert get() == "rotated"  # asked again at each sign-in, never cached


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        (
            # The secret is spelt backwards so that only its output, not the command, holds it.
            f"import sys; print({SECRET[::-1]!r}[::-1]); "
            "sys.stderr.write('gpg: decryption failed'); sys.exit(2)",
            "failed with exit 2: gpg: decryption failed",
        ),
        ("pass", "printed nothing"),
    ],
)
def test_a_failing_command_says_why_without_what_it_printed(code, expected):
    get = password_getter(Credentials("alex", password_command=command(code)), "the calendar")
    with pytest.raises(ConnectorError) as raised:
        get()
    assert expected in str(raised.value)
    assert "the password command for the calendar" in str(raised.value)
    assert SECRET not in str(raised.value)


def test_a_missing_command_is_named():
    get = password_getter(Credentials("a", password_command=("no-such-pass-tool",)), "IMAP")
    with pytest.raises(ConnectorError, match="not found: no-such-pass-tool"):
        get()


def test_the_environment_is_read_when_asked(monkeypatch):
    get = password_getter(Credentials("a", password_env="FOLLOWUP_TEST_PW"), "IMAP")
    monkeypatch.delenv("FOLLOWUP_TEST_PW", raising=False)
    with pytest.raises(ConnectorError, match=r"\$FOLLOWUP_TEST_PW, which is not set"):
        get()
    monkeypatch.setenv("FOLLOWUP_TEST_PW", SECRET)
    assert get() == SECRET


def test_no_source_means_no_password():
    assert password_getter(Credentials(), "a public calendar")() == ""


class _KeyringError(Exception):
    pass


def keyring_holding(stored: dict[tuple[str, str], str], *, locked: bool = False) -> object:
    """A stand-in for the `keyring` library with what the system keyring would hold."""

    def get_password(service: str, username: str) -> str | None:
        if locked:
            raise _KeyringError("the collection is locked")
        return stored.get((service, username))

    errors = types.SimpleNamespace(KeyringError=_KeyringError)
    return types.SimpleNamespace(get_password=get_password, errors=errors)


def test_the_keyring_is_asked_for_the_service_and_user(monkeypatch):
    fake = keyring_holding({("followup-imap", "alex"): SECRET})
    monkeypatch.setitem(sys.modules, "keyring", fake)
    monkeypatch.setitem(sys.modules, "keyring.errors", fake.errors)
    get = password_getter(Credentials("alex", keyring_service="followup-imap"), "IMAP")
    assert get() == SECRET
    other = password_getter(Credentials("sam", keyring_service="followup-imap"), "IMAP")
    with pytest.raises(ConnectorError, match="`keyring set followup-imap sam`"):
        other()


def test_a_locked_keyring_says_so(monkeypatch):
    fake = keyring_holding({}, locked=True)
    monkeypatch.setitem(sys.modules, "keyring", fake)
    monkeypatch.setitem(sys.modules, "keyring.errors", fake.errors)
    get = password_getter(Credentials("alex", keyring_service="followup-imap"), "IMAP")
    with pytest.raises(ConnectorError, match="the keyring cannot give the password for IMAP"):
        get()


def test_without_the_keyring_library_the_extra_to_install_is_named(monkeypatch):
    monkeypatch.setitem(sys.modules, "keyring", None)  # what Python does for a missing module
    get = password_getter(Credentials("alex", keyring_service="followup-imap"), "IMAP")
    with pytest.raises(ConnectorError, match=r"interview-followup\[keyring\]"):
        get()

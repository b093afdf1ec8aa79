"""Passwords for servers, asked for when a connection is made, never kept in the settings.

`password_getter(credentials, what)` returns a callable a connector calls each
time it signs in, so a password changed in `pass` or the keyring is used at the
next cycle without a restart. The sources are those of vdirsyncer, aerc and
mbsync: a command that prints the password (its first line), an environment
variable, or the system keyring (the optional `keyring` package). Every failure
is a `ConnectorError` saying in one line which source failed and why; the
password never reaches a message or a log.
"""

from __future__ import annotations

import logging
import os
import subprocess
from collections.abc import Callable

from daemon.config import Credentials
from daemon.core.protocols import ConnectorError
from daemon.core.text import one_line

log = logging.getLogger(__name__)

COMMAND_TIMEOUT_SECONDS = 60.0
"""How long a password command may take: long enough to type a GPG passphrase."""


def password_getter(credentials: Credentials, what: str) -> Callable[[], str]:
    """A function that fetches the password for `what` (e.g. "the IMAP account") from the
    configured source; "" when no source is configured (a server without sign-in)."""
    if credentials.password_command:
        return lambda: from_command(credentials.password_command, what)
    if credentials.password_env:
        return lambda: from_environment(credentials.password_env, what)
    if credentials.keyring_service:
        return lambda: from_keyring(credentials.keyring_service, credentials.username, what)
    return lambda: ""


def from_command(command: tuple[str, ...], what: str) -> str:
    """The first line the command prints; it is run without a shell."""
    shown = one_line(" ".join(command), 80)
    try:
        done = subprocess.run(
            command,
            capture_output=True,
            timeout=COMMAND_TIMEOUT_SECONDS,
            check=False,
            stdin=subprocess.DEVNULL,
        )
    except FileNotFoundError:
        raise ConnectorError(f"the password command for {what} is not found: {shown}") from None
    except subprocess.TimeoutExpired:
        raise ConnectorError(
            f"the password command for {what} ({shown}) did not finish within "
            f"{COMMAND_TIMEOUT_SECONDS:.0f} s"
        ) from None
    except OSError as error:
        raise ConnectorError(
            f"the password command for {what} ({shown}) cannot be run: {error.strerror}"
        ) from None
    if done.returncode != 0:
        # stderr may say why (a locked key); stdout may hold the secret and is never shown.
        reason = one_line(done.stderr.decode("utf-8", "replace"), 160) or "no message"
        raise ConnectorError(
            f"the password command for {what} ({shown}) failed with exit {done.returncode}: "
            f"{reason}"
        )
    password = done.stdout.decode("utf-8", "replace").partition("\n")[0].rstrip("\r")
    if not password:
        raise ConnectorError(f"the password command for {what} ({shown}) printed nothing")
    return password


def from_environment(name: str, what: str) -> str:
    """The password in the environment variable `name`."""
    password = os.environ.get(name, "")
    if not password:
        raise ConnectorError(
            f"the password for {what} is read from ${name}, which is not set "
            "(for the service: an Environment= line in a drop-in of the unit)"
        )
    return password


def from_keyring(service: str, username: str, what: str) -> str:
    """The password stored in the system keyring under (`service`, `username`)."""
    try:
        import keyring
        import keyring.errors
    except ImportError:
        raise ConnectorError(
            f"the password for {what} is in the keyring, but the keyring library is not "
            "installed: pip install 'interview-followup[keyring]'"
        ) from None
    try:
        password = keyring.get_password(service, username)
    except keyring.errors.KeyringError as error:
        raise ConnectorError(
            f"the keyring cannot give the password for {what}: {one_line(str(error), 160)}"
        ) from None
    if not password:
        raise ConnectorError(
            f"the keyring has no password for {username} under {service!r}; store one with "
            f"`keyring set {service} {username}`"
        )
    return str(password)

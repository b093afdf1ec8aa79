"""A throwaway Dovecot IMAP server on loopback, run by the tests as their own process.

Everything it needs lives in one temporary folder: its configuration, a
passwd-file of users (one fresh user, so one empty mailbox, per test), a test
certificate authority and a server certificate for 127.0.0.1 and localhost,
the Maildirs, its sockets and its log. It listens on two free loopback ports,
plain (for STARTTLS, and for tls = "none") and implicit TLS, and is stopped
with its whole process group, so no helper process outlives the tests.

As root, the mail processes run as the `dovecot` account the package creates
(Dovecot refuses mail access as root) and the login processes as `dovenull`;
as anyone else, everything runs as that user without chroots.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import grp
import imaplib
import ipaddress
import itertools
import os
import pwd
import shutil
import signal
import socket
import ssl
import subprocess
import time
from dataclasses import dataclass, replace
from pathlib import Path

from connectors.imap import ImapAccount, Security

USERS = 500
PASSWORD = 'pa ss "wörd" 1'
"""Every user's: spaces, quotes and a letter beyond ASCII, so that quoting is tested too."""

REQUIRED = bool(os.environ.get("FOLLOWUP_REQUIRE_DOVECOT"))
"""Set in CI: a missing Dovecot fails the IMAP tests instead of skipping them."""

_CONFIG = """\
protocols = imap
listen = 127.0.0.1
base_dir = {root}/run
state_dir = {root}/state
instance_name = followup-test-{imap}
log_path = {root}/dovecot.log
default_internal_user = {internal_user}
default_internal_group = {internal_group}
default_login_user = {login_user}
ssl = yes
ssl_cert = <{root}/tls/server.crt
ssl_key = <{root}/tls/server.key
ssl_min_protocol = TLSv1.2
auth_mechanisms = plain login
disable_plaintext_auth = no
# Refused sign-ins are tested: answer them at once, and never hold back the next one.
auth_failure_delay = 0
passdb {{
  driver = passwd-file
  args = username_format=%u {root}/users
}}
userdb {{
  driver = static
  args = uid={mail_uid} gid={mail_gid} home={root}/home/%u
}}
first_valid_uid = {mail_uid}
first_valid_gid = {mail_gid}
mail_location = maildir:~/Maildir
namespace inbox {{
  inbox = yes
  separator = /
  mailbox Drafts {{
    special_use = \\Drafts
    auto = subscribe
  }}
  mailbox Sent {{
    special_use = \\Sent
    auto = subscribe
  }}
  mailbox Trash {{
    special_use = \\Trash
    auto = subscribe
  }}
}}
service imap-login {{
{login_chroot}  inet_listener imap {{
    address = 127.0.0.1
    port = {imap}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {imaps}
    ssl = yes
  }}
}}
service anvil {{
{chroot}  unix_listener anvil-auth-penalty {{
    mode = 0
  }}
}}
{unprivileged}
"""

_UNPRIVILEGED = """\
service ipc {
  chroot =
}
"""


def dovecot_binary() -> str | None:
    """The dovecot program, if installed."""
    return shutil.which("dovecot") or next(
        (p for p in ("/usr/sbin/dovecot",) if Path(p).is_file()), None
    )


class Dovecot:
    """One running Dovecot; `add_user` gives each test its own empty account."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.imap_port = 0
        self.imaps_port = 0
        self._process: subprocess.Popen[bytes] | None = None
        self._numbers = itertools.count(1)

    @property
    def ca_file(self) -> Path:
        return self.root / "tls" / "ca.crt"

    def start(self) -> None:
        self.imap_port, self.imaps_port = _free_ports(2)
        self._write_files()
        binary = dovecot_binary()
        assert binary is not None
        with (self.root / "stdout.log").open("wb") as out:
            self._process = subprocess.Popen(
                [binary, "-F", "-c", str(self.root / "dovecot.conf")],
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group: stopped as one
            )
        try:
            self._wait_until_listening()
        except BaseException:
            self.stop()
            raise

    def stop(self) -> None:
        """Stop the master and every helper it started (they share its process group)."""
        process, self._process = self._process, None
        if process is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)
        # Helpers of connections still open may outlive the master: none may stay.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)

    def add_user(self) -> str:
        """A user nobody signed in as yet, so an empty mailbox; its name. The users are
        all written before the start: Dovecot reads its passwd-file again at most once
        a second, too seldom for a user made per test."""
        number = next(self._numbers)
        assert number <= USERS, "more tests than prepared users: raise USERS"
        return _user(number)

    def log_text(self) -> str:
        path = self.root / "dovecot.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def client(self, user: str, password: str) -> imaplib.IMAP4_SSL:
        """A plain IMAP client signed in as `user`: the tests play the user's mail client."""
        context = ssl.create_default_context(cafile=str(self.ca_file))
        client = imaplib.IMAP4_SSL("127.0.0.1", self.imaps_port, ssl_context=context, timeout=10)
        # AUTHENTICATE PLAIN carries UTF-8; LOGIN would refuse a password beyond ASCII.
        client.authenticate("PLAIN", lambda _: f"\0{user}\0{password}")
        return client

    def _write_files(self) -> None:
        root = self.root
        for sub in ("home", "run", "state"):
            (root / sub).mkdir(parents=True, exist_ok=True)
        users = (f"{_user(n)}:{{PLAIN}}{PASSWORD}::::::\n" for n in range(1, USERS + 1))
        (root / "users").write_text("".join(users))
        make_certificates(root / "tls")
        if os.geteuid() == 0:
            mail = pwd.getpwnam("dovecot")
            names = {"internal_user": "root", "internal_group": "root", "login_user": "dovenull"}
            mail_ids = (mail.pw_uid, mail.pw_gid)
            chroots = {"login_chroot": "", "chroot": "", "unprivileged": ""}
        else:
            user = pwd.getpwuid(os.geteuid()).pw_name
            group = grp.getgrgid(os.getegid()).gr_name
            names = {"internal_user": user, "internal_group": group, "login_user": user}
            mail_ids = (os.geteuid(), os.getegid())
            chroots = {
                "login_chroot": "  chroot =\n",
                "chroot": "  chroot =\n",
                "unprivileged": _UNPRIVILEGED,
            }
        text = _CONFIG.format(
            root=root,
            imap=self.imap_port,
            imaps=self.imaps_port,
            mail_uid=mail_ids[0],
            mail_gid=mail_ids[1],
            **names,
            **chroots,
        )
        (root / "dovecot.conf").write_text(text)
        if os.geteuid() == 0:
            # The mail processes (uid dovecot) must reach their homes through every parent.
            for folder in (root, *root.parents):
                mode = folder.stat().st_mode
                if mode & 0o011 != 0o011:
                    folder.chmod((mode & 0o7777) | 0o011)
            os.chown(root / "home", *mail_ids)

    def _wait_until_listening(self, timeout: float = 20.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self._process is not None
            if self._process.poll() is not None:
                raise RuntimeError(f"dovecot exited while starting:\n{self._early_output()}")
            try:
                with socket.create_connection(("127.0.0.1", self.imap_port), timeout=1) as s:
                    s.settimeout(2)
                    if s.recv(64).startswith(b"* OK"):
                        return
            except OSError:
                pass
            time.sleep(0.05)
        raise RuntimeError(f"dovecot did not start within {timeout:.0f} s:\n{self._early_output()}")

    def _early_output(self) -> str:
        out = self.root / "stdout.log"
        text = out.read_text(errors="replace") if out.exists() else ""
        return (text + self.log_text())[-4000:]


def make_certificates(folder: Path) -> None:
    """A test authority (ca.crt) and a server certificate it signed for 127.0.0.1 and
    localhost (server.crt, server.key), valid for two days."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    folder.mkdir(parents=True, exist_ok=True)
    now = dt.datetime.now(dt.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "followup test authority")])
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=2))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                key_cert_sign=True,
                crl_sign=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), False)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    names = [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
    server = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")]))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=2))
        .add_extension(x509.SubjectAlternativeName(names), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), False
        )
        .sign(ca_key, hashes.SHA256())
    )
    pem = serialization.Encoding.PEM
    (folder / "ca.crt").write_bytes(ca.public_bytes(pem))
    (folder / "server.crt").write_bytes(server.public_bytes(pem))
    key_file = folder / "server.key"
    key_file.write_bytes(
        key.private_bytes(pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    key_file.chmod(0o600)


def _user(number: int) -> str:
    return f"kim{number}@example.com"


def _free_ports(count: int) -> list[int]:
    """Free loopback ports, all bound at once so that they differ."""
    sockets = [socket.socket() for _ in range(count)]
    try:
        for s in sockets:
            s.bind(("127.0.0.1", 0))
        return [s.getsockname()[1] for s in sockets]
    finally:
        for s in sockets:
            s.close()


@dataclass(frozen=True)
class Account:
    """A fresh account on the test Dovecot, as the connector and as the user's client see it."""

    server: Dovecot
    user: str
    password: str

    def settings(self, **changes: object) -> ImapAccount:
        """How the connector reaches it: implicit TLS, the test authority trusted."""
        account = ImapAccount(
            host="127.0.0.1",
            port=self.server.imaps_port,
            security=Security.IMPLICIT,
            username=self.user,
            password=lambda: self.password,
            ca_file=self.server.ca_file,
            timeout=5.0,
        )
        return replace(account, **changes)  # type: ignore[arg-type]

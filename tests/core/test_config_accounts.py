"""Settings for servers reached with an account: vdir and CalDAV calendars, IMAP drafts."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from daemon.config import (
    CalendarKind,
    ConfigError,
    Credentials,
    MailboxKind,
    Tls,
    is_loopback,
    parse_settings,
)

YOU = '[you]\nname = "Alex Rivera"\nemail = "alex@example.com"\n'
MAILDIR = '[drafts]\nkind = "maildir"\npath = "Drafts"\n'
ICS = '[[calendar]]\nkind = "ics"\npath = "a.ics"\n'


def parse(text: str):
    return parse_settings(tomllib.loads(YOU + text), source="config.toml", base=Path("/cfg"))


def problems(text: str) -> list[str]:
    with pytest.raises(ConfigError) as raised:
        parse(text)
    return raised.value.problems


def test_a_caldav_calendar_keeps_its_account_and_never_a_password():
    settings = parse(
        '[[calendar]]\nkind = "caldav"\nurl = "https://dav.example.com/cal/alex/interviews/"\n'
        'username = "alex"\npassword_command = ["pass", "show", "dav"]\n' + MAILDIR
    )
    [calendar] = settings.calendars
    assert calendar.kind is CalendarKind.CALDAV
    assert calendar.credentials == Credentials("alex", ("pass", "show", "dav"))
    assert calendar.name.startswith("caldav:dav.example.com#")
    assert "interviews" not in calendar.name  # the address may carry a secret


def test_a_vdir_calendar_needs_its_folder():
    settings = parse('[[calendar]]\nkind = "vdir"\npath = "~/.calendars/personal"\n' + MAILDIR)
    assert settings.calendars[0].kind is CalendarKind.VDIR
    assert settings.calendars[0].name.startswith("vdir:")
    assert problems('[[calendar]]\nkind = "vdir"\n' + MAILDIR) == [
        "calendar[0].path: a vdir calendar needs the path of its folder"
    ]


@pytest.mark.parametrize(
    ("url", "accepted"),
    [
        ("http://127.0.0.1:5232/alex/cal/", True),
        ("http://localhost:5232/", True),
        ("http://[::1]:5232/", True),
        ("http://dav.example.com/", False),
        ("ftp://dav.example.com/", False),
    ],
)
def test_plain_http_caldav_is_refused_beyond_this_computer(url, accepted):
    text = f'[[calendar]]\nkind = "caldav"\nurl = "{url}"\n' + MAILDIR
    if accepted:
        assert parse(text).calendars[0].url == url
    else:
        assert len(problems(text)) == 1


def test_imap_drafts_take_defaults_from_the_protection_chosen():
    settings = parse(
        ICS + '[drafts]\nkind = "imap"\nhost = "imap.example.com"\nusername = "alex@example.com"\n'
        'password_env = "FOLLOWUP_IMAP_PASSWORD"\n'
    )
    imap = settings.drafts.imap
    assert settings.drafts.kind is MailboxKind.IMAP and imap is not None
    assert (imap.host, imap.port, imap.tls, imap.inbox_folder) == (
        "imap.example.com",
        993,
        Tls.IMPLICIT,
        "INBOX",
    )
    assert settings.drafts.sees_replies
    starttls = parse(
        ICS + '[drafts]\nkind = "imap"\nhost = "mail.example.com"\ntls = "starttls"\n'
        'username = "alex"\nkeyring_service = "followup"\n'
    ).drafts.imap
    assert starttls is not None and (starttls.port, starttls.tls) == (143, Tls.STARTTLS)


@pytest.mark.parametrize(
    ("drafts", "expected"),
    [
        (
            'host = "imap.example.com"\ntls = "none"\nusername = "a"\npassword_env = "P"\n',
            ['drafts.tls: "none" is refused except on this computer; use "implicit"'],
        ),
        (
            'host = "imap.example.com"\nusername = "a"\n',
            ["drafts: needs password_command, password_env or keyring_service for the password"],
        ),
        (
            'host = "imap.example.com"\nusername = "a"\npassword_env = "P"\n'
            'password_command = ["pass"]\n',
            ["drafts: give one password source, not password_command and password_env"],
        ),
        (
            'host = "imap.example.com"\npassword_env = "P"\n',
            ["drafts.username: required: the account to sign in as"],
        ),
        (
            'host = "imap.example.com"\nusername = "a"\npassword = "hunter2"\npassword_env = "P"\n',
            [
                "drafts.password: unknown key; expected one of ca_file, drafts_folder, host, "
                "inbox_folder, inbox_path, keyring_service, kind, password_command, "
                "password_env, path, port, sent_folder, sent_path, tls, username"
            ],
        ),
    ],
    ids=["no tls off loopback", "no password source", "two sources", "no username", "password"],
)
def test_imap_mistakes_are_named(drafts, expected):
    found = problems(ICS + '[drafts]\nkind = "imap"\n' + drafts)
    assert found == expected
    assert all("hunter2" not in problem for problem in found)


def test_no_tls_is_allowed_to_a_server_on_this_computer():
    imap = parse(
        ICS + '[drafts]\nkind = "imap"\nhost = "127.0.0.1"\nport = 1143\ntls = "none"\n'
        'username = "a"\npassword_env = "P"\n'
    ).drafts.imap
    assert imap is not None and (imap.port, imap.tls) == (1143, Tls.NONE)


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        *[("localhost", True), ("127.0.0.2", True), ("::1", True), ("[::1]", True)],
        *[("10.0.0.1", False), ("localhost.example.com", False), ("", False)],
    ],
)
def test_loopback_means_this_computer_only(host, expected):
    assert is_loopback(host) is expected

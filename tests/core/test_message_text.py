"""Draft messages are safe to hand to any mailbox whatever the calendar said."""

from __future__ import annotations

from email import message_from_bytes, policy

import pytest
from builders import NOW

from daemon.core.message import DraftMessage, UnsafeDraftError, message_id_for
from daemon.core.model import DraftKey
from daemon.core.text import is_plain_address, one_line, plain_text

BREAKS = ["\r\n", "\n", "\r", "\u2028", "\u2029", "\x85", "\x0b", "\x0c", "\x1c", "\x00"]


def draft(**fields) -> DraftMessage:
    values = {
        "from_name": "Alex Rivera",
        "from_email": "alex@example.com",
        "to_name": "José Müller",
        "to_email": "jose.muller@acme.example",
        "subject": "Thank you – Senior Engineer at Zürich AG",
        "body": "Hi José,\n\nDanke!\n\nAlex Rivera\n",
        "message_id": "<followup.abc@example.com>",
        "date": NOW,
    } | fields
    return DraftMessage(**values)


def reparse(message):
    return message_from_bytes(message.as_bytes(), policy=policy.default)


def test_non_ascii_names_and_subjects_are_encoded_and_read_back():
    raw = draft().as_email().as_bytes()
    assert raw.isascii()
    parsed = message_from_bytes(raw, policy=policy.default)
    assert str(parsed["To"]) == "José Müller <jose.muller@acme.example>"
    assert str(parsed["Subject"]) == "Thank you – Senior Engineer at Zürich AG"
    assert parsed.get_content() == "Hi José,\n\nDanke!\n\nAlex Rivera\n"


@pytest.mark.parametrize("brk", BREAKS)
def test_line_breaks_in_names_and_subjects_never_add_a_header(brk):
    evil = f"Priya{brk}Bcc: victim@example.org{brk}"
    parsed = reparse(
        draft(to_name=evil, subject=f"Thanks{brk}Bcc: victim@example.org{brk}").as_email()
    )
    assert parsed["Bcc"] is None
    assert sorted(parsed.keys()) == sorted(
        [
            "From",
            "To",
            "Subject",
            "Date",
            "Message-ID",
            "Content-Type",
            "Content-Transfer-Encoding",
            "MIME-Version",
        ]
    )
    assert "victim@example.org" in str(parsed["Subject"])  # kept as text, on one line


def test_the_message_id_is_derived_from_the_key():
    key = DraftKey("ics:cal", "uid-1", "20261126T120000Z", "priya@acme.example")
    same = DraftKey("ics:cal", "uid-1", "20261126T120000Z", "priya@acme.example")
    other = DraftKey("ics:cal", "uid-1", "20261126T120000Z", "jose@acme.example")
    assert message_id_for(key, "alex@example.com") == message_id_for(same, "alex@example.com")
    assert message_id_for(key, "alex@example.com") != message_id_for(other, "alex@example.com")
    assert message_id_for(key, "alex@example.com").endswith("@example.com>")


@pytest.mark.parametrize(
    ("address", "ok"),
    [
        ("priya.raman@acme.example", True),
        ("p+tag@sub.acme.co.uk", True),
        ("no at sign", False),
        ("a@b", False),
        ("a..b@acme.example", False),
        ("priya@acme.example\n", False),
        ("<priya@acme.example>", False),
        ("pri ya@acme.example", False),
        ("prîya@acme.example", False),
    ],
)
def test_only_plain_addresses_pass(address, ok):
    assert is_plain_address(address) is ok


def test_one_line_flattens_and_bounds():
    assert one_line("a\r\nb\u2028c\td") == "a b c d"
    assert len(one_line("x" * 500, 100)) == 100


def test_html_descriptions_become_plain_text():
    text = plain_text(
        "<p>Role: <b>Engineer</b></p><script>alert(1)</script><br>Topics: A &amp; B&nbsp;C"
    )
    assert text == "Role: Engineer\nTopics: A & B C"


def test_plain_descriptions_are_left_alone():
    assert plain_text("Role: Engineer\r\nx < y") == "Role: Engineer\nx < y"


@pytest.mark.parametrize(
    "field",
    [
        {"to_name": "=?utf-8?q?Jose_=3Cspy=40evil=2Eexample=3E=2C?="},
        {"to_name": "=?us-ascii?Q?Acme=0D=0ABcc:_spy@evil.example?="},
        {"subject": "=?us-ascii?Q?Thanks=0D=0ABcc:_spy@evil.example?="},
        {"subject": "=?utf-8?b?VGhhbmtzDQpCY2M6IHNweUBldmlsLmV4YW1wbGU=?="},
    ],
)
def test_encoded_words_from_calendars_never_become_headers_or_recipients(field):
    parsed = reparse(draft(**field).as_email())
    assert parsed["Bcc"] is None
    assert [a.addr_spec for a in parsed["To"].addresses] == ["jose.muller@acme.example"]
    assert "\n" not in str(parsed["Subject"]) and "\r" not in str(parsed["Subject"])


def test_a_draft_that_reads_back_differently_is_refused():
    with pytest.raises(UnsafeDraftError):
        draft(to_email="jose@acme.example, spy@evil.example").as_email()

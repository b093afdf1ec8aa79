"""`followup init`'s first configuration: the example with the user's answers, valid as written."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from daemon.config import CalendarKind, MailboxKind, parse_settings
from daemon.starter import Answers, ask, config_text, write_config


def settings_of(text: str):
    return parse_settings(tomllib.loads(text), source="test", base=Path("/home/alex"))


def test_answers_fill_the_example_and_keep_its_comments():
    text = config_text(Answers('Zoë O\'Brien "Z"', "zoe@example.com", "~/cal.ics", "~/Mail/Drafts"))
    settings = settings_of(text)
    assert settings.you.name == 'Zoë O\'Brien "Z"'
    assert settings.calendars[0].kind is CalendarKind.ICS
    assert settings.drafts.kind is MailboxKind.MAILDIR
    assert "# quiet_hours" in text or "quiet_hours = [" in text  # the rest stays documented


def test_google_and_gmail_and_a_calendar_address():
    google = settings_of(config_text(Answers("Alex", "a@example.com", "google", "gmail")))
    assert google.calendars[0].kind is CalendarKind.GOOGLE
    assert google.drafts.kind is MailboxKind.GMAIL
    feed = settings_of(config_text(Answers("Alex", "a@example.com", "https://cal.example/x.ics")))
    assert feed.calendars[0].url == "https://cal.example/x.ics"


def test_questions_are_asked_only_for_what_is_missing_with_defaults():
    asked: list[str] = []
    replies = iter(["alex@example.com", "", ""])

    def prompt(question: str) -> str:
        asked.append(question)
        return next(replies)

    answers = ask(Answers(name="Alex"), prompt)
    assert answers == Answers("Alex", "alex@example.com", "google", "gmail")
    assert len(asked) == 3 and asked[1].endswith("[google]: ")


def test_an_address_that_is_not_one_is_refused_before_anything_is_written(tmp_path):
    with pytest.raises(Exception, match="email"):
        config_text(Answers("Alex", "not an address", "~/cal.ics"))


def test_an_existing_configuration_is_never_overwritten(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text("mine")
    with pytest.raises(FileExistsError):
        write_config(path, "theirs")
    assert path.read_text() == "mine"

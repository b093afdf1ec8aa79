"""Configuration: typed settings, every problem reported at once with its key."""

from __future__ import annotations

import re
import tomllib
from datetime import time
from pathlib import Path

import pytest

from daemon.config import ConfigError, default_config_path, load_settings, parse_settings

GOOD = """
[you]
name = "Alex Rivera"
email = "Alex@Example.com"
aliases = ["alex.rivera@example.org"]

[[calendar]]
kind = "ics"
path = "interviews.ics"

[[calendar]]
kind = "ics"
url = "webcal://calendar.example.com/secret/basic.ics"

[drafts]
kind = "maildir"
path = "~/Mail/Drafts"

[deadline]
remind_before_hours = [2, 6]
"""


def parse(text: str, base: Path = Path("/cfg")):
    return parse_settings(tomllib.loads(text), source="config.toml", base=base)


def test_a_good_file_becomes_typed_settings(monkeypatch):
    monkeypatch.setenv("HOME", "/home/alex")
    settings = parse(GOOD)
    assert settings.you.email == "alex@example.com"
    assert settings.you.addresses == {"alex@example.com", "alex.rivera@example.org"}
    assert settings.calendars[0].path == Path("/cfg/interviews.ics")
    assert settings.calendars[0].name == "ics:/cfg/interviews.ics"
    assert settings.calendars[1].url == "webcal://calendar.example.com/secret/basic.ics"
    assert settings.drafts.path == Path("/home/alex/Mail/Drafts")
    assert settings.deadline.remind_before_hours == (6.0, 2.0)
    assert (
        settings.interviews.grace_minutes,
        settings.interviews.lookback_hours,
        settings.deadline.hours,
    ) == (
        10,
        48,
        24,
    )


def test_every_problem_is_reported_at_once_with_its_key():
    bad = """
    [you]
    name = ""
    email = "not an address"
    colour = "blue"

    [[calendar]]
    kind = "outlook"

    [[calendar]]
    kind = "ics"
    url = "http://calendar.example.com/x.ics"

    [drafts]
    kind = "maildir"

    [interviews]
    grace_minutes = -5
    lookback_hours = "two days"

    [deadline]
    remind_before_hours = [6, "soon"]
    """
    with pytest.raises(ConfigError) as caught:
        parse(bad)
    problems = caught.value.problems
    expected_keys = [
        "you.colour",
        "you.name",
        "you.email",
        "calendar[0].kind",
        "calendar[1].url",
        "drafts.path",
        "interviews.grace_minutes",
        "interviews.lookback_hours",
        "deadline.remind_before_hours",
    ]
    for key in expected_keys:
        assert any(p.startswith(key + ":") for p in problems), (key, problems)
    assert str(caught.value).startswith(f"config.toml: {len(problems)} problems:\n  - ")


def test_missing_sections_are_named():
    with pytest.raises(ConfigError) as caught:
        parse("")
    assert [p.split(":")[0] for p in caught.value.problems] == [
        "you",
        "you.name",
        "you.email",
        "calendar",
        "drafts",
        "drafts.kind",
    ]


def test_an_unknown_time_zone_is_a_problem():
    with pytest.raises(
        ConfigError, match=re.escape("you.timezone: unknown time zone 'Mars/Olympus'")
    ):
        parse(GOOD.replace("[you]\n", '[you]\ntimezone = "Mars/Olympus"\n'))


def test_file_errors_are_one_line_without_traceback(tmp_path):
    with pytest.raises(ConfigError, match="file not found"):
        load_settings(tmp_path / "missing.toml")
    broken = tmp_path / "broken.toml"
    broken.write_text("[you\nname=", encoding="utf-8")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_settings(broken)


def test_the_config_path_comes_from_the_environment_or_xdg(monkeypatch, tmp_path):
    monkeypatch.setenv("FOLLOWUP_CONFIG", str(tmp_path / "f.toml"))
    assert default_config_path() == tmp_path / "f.toml"
    monkeypatch.delenv("FOLLOWUP_CONFIG")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    assert default_config_path() == tmp_path / "xdg" / "interview-followup" / "config.toml"


def test_the_shipped_example_is_valid():
    example = Path(__file__).parents[2] / "config" / "config.example.toml"
    settings = load_settings(example)
    assert settings.you.name == "Alex Rivera"


def test_a_calendar_url_is_never_spelt_out_in_its_default_name():
    settings = parse(GOOD)
    name = settings.calendars[1].name
    assert name.startswith("ics:calendar.example.com#") and "secret" not in name


def test_relative_paths_give_the_same_identity_however_the_config_is_named(tmp_path, monkeypatch):
    (tmp_path / "config.toml").write_text(GOOD, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    relative = load_settings(Path("config.toml")).calendars[0].name
    absolute = load_settings(tmp_path / "config.toml").calendars[0].name
    assert relative == absolute == f"ics:{tmp_path.resolve() / 'interviews.ics'}"


def test_windows_that_can_never_find_or_remind_are_problems():
    text = GOOD.replace(
        "[deadline]", "[interviews]\ngrace_minutes = 180\nlookback_hours = 2\n\n[deadline]"
    )
    text = text.replace("remind_before_hours = [2, 6]", "remind_before_hours = [30, 2]")
    with pytest.raises(ConfigError) as caught:
        parse(text)
    assert [p.split(":")[0] for p in caught.value.problems] == [
        "interviews.grace_minutes",
        "deadline.remind_before_hours",
    ]


def test_google_endpoints_of_the_wrong_form_are_problems():
    text = GOOD + '[google]\ngmail_endpoint = "http://127.0.0.1:9/gmail/v1/"\n'
    text += 'calendar_endpoint = "http://127.0.0.1:9/"\n'
    with pytest.raises(ConfigError) as caught:
        parse(text)
    assert [p.split(":")[0] for p in caught.value.problems] == [
        "google.calendar_endpoint",
        "google.gmail_endpoint",
    ]


def test_reading_drafts_is_off_unless_the_file_turns_it_on():
    assert parse(GOOD).google.read_drafts is False
    assert parse(GOOD + "[google]\nread_drafts = true\n").google.read_drafts is True
    assert parse(GOOD + "[google]\nread_drafts = false\n").google.read_drafts is False


@pytest.mark.parametrize("value", ['"yes"', "1", "[true]"])
def test_read_drafts_must_be_true_or_false(value):
    with pytest.raises(ConfigError) as caught:
        parse(GOOD + f"[google]\nread_drafts = {value}\n")
    [problem] = caught.value.problems
    assert problem.startswith("google.read_drafts: expected true or false, got ")


def test_quiet_hours_and_check_in_days_are_validated():
    text = GOOD.replace(
        "remind_before_hours = [2, 6]",
        'remind_before_hours = [2, 6]\nquiet_hours = ["22:00+01:00", "07:00"]',
    )
    text += "[check_in]\nafter_business_days = 2.5\n"
    with pytest.raises(ConfigError) as caught:
        parse(text)
    assert [p.split(":")[0] for p in caught.value.problems] == [
        "deadline.quiet_hours",
        "check_in.after_business_days",
    ]


def test_quiet_hours_default_to_the_night_and_can_be_turned_off():
    assert parse(GOOD).deadline.quiet_hours == (time(22, 0), time(7, 0))
    off = GOOD.replace(
        "remind_before_hours = [2, 6]", "remind_before_hours = [2, 6]\nquiet_hours = []"
    )
    assert parse(off).deadline.quiet_hours is None

"""Generated configuration files: a valid one with random changes (the known keys given values
of every TOML type, unknown tables and keys, nested arrays and tables, NULs, `~user` paths,
huge numbers, raw TOML that nests a thousand deep). Reading one gives Settings or one
ConfigError whose every problem is one line; nothing else, ever.
"""

from __future__ import annotations

import json
import re
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from daemon.config import ConfigError, Settings, load_settings, parse_settings
from daemon.templates import load_fulfilments, load_template, thank_you_template

KNOWN = {
    "you": ["name", "email", "aliases", "own_domains", "timezone", "strengths"],
    "drafts": ["kind", "path", "sent_path", "inbox_path"],
    "interviews": ["grace_minutes", "lookback_hours", "check_every_minutes"],
    "deadline": ["hours", "remind_before_hours", "quiet_hours"],
    "check_in": ["after_business_days"],
    "state": ["dir"],
    "notes": ["tone", "template", "check_in_template", "min_words", "max_words", "rewrite_command"],
    "google": [
        "client_secrets",
        "token_file",
        "gmail_endpoint",
        "calendar_endpoint",
        "read_drafts",
    ],
    "promises": ["portfolio", "code_sample"],
    "calendar": ["kind", "name", "path", "url", "calendar_id"],
}
BASE: dict[str, Any] = {
    "you": {"name": "Alex Rivera", "email": "alex@example.com"},
    "calendar": [{"kind": "ics", "path": "week.ics"}],
    "drafts": {"kind": "maildir", "path": "Mail/Drafts"},
}
ODD_TEXT = [
    "~nosuchuser/x",
    "~",
    "$HOME/x",
    "${NOSUCHVAR}/x",
    "a\0b",
    "/dev/zero",
    "x" * 300,
    "/" + "/".join(["y" * 200] * 25),
    "relative/path",
    "https://example.com/p",
    "webcal://",
    "Europe/Berlin",
    "../../etc/passwd",
    "alex@example.com",
    "",
    " ",
    "line\nbreak",
]
RAW = [  # TOML source for a value, beyond what the writer below makes
    "1" * 5000,
    "0x" + "f" * 4000,
    "inf",
    "-nan",
    "1979-05-27T07:32:00Z",
    "07:32:00",
    '"\\u0000"',
    "{ a = { b = { c = [] } } }",
]

keys = st.one_of(st.sampled_from(sorted({k for ks in KNOWN.values() for k in ks})), st.text())
scalars = st.one_of(
    st.booleans(),
    st.integers(-(10**40), 10**40),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(ODD_TEXT),
    st.text(max_size=30),
    st.dates(),
    st.times(),
    st.datetimes(),
)
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(keys, inner, max_size=3),
    max_leaves=10,
)
raw_values = st.one_of(
    st.sampled_from(RAW),
    st.integers(1, 3000).map(lambda depth: "[" * depth + "]" * depth),
    st.integers(1, 3000).map(lambda depth: "{ a = " * depth + "1" + " }" * depth),
)


class Raw(str):
    """TOML source written as it is."""


def toml_key(key: str) -> str:
    return key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else json.dumps(key, ensure_ascii=False)


def toml_value(value: Any) -> str:
    if isinstance(value, Raw):
        return str(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return {"inf": "inf", "-inf": "-inf", "nan": "nan"}.get(repr(value), repr(value))
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return "[" + ", ".join(map(toml_value, value)) + "]"
    if isinstance(value, dict):
        pairs = (f"{toml_key(k)} = {toml_value(v)}" for k, v in value.items())
        return "{" + ", ".join(pairs) + "}"
    return value.isoformat()  # a date, a time, a date-time


def toml_document(document: dict[str, Any]) -> str:
    lines = []
    for name, table in document.items():
        tables = (
            table if isinstance(table, list) and all(isinstance(t, dict) for t in table) else None
        )
        if tables is not None and tables:
            for each in tables:
                lines.append(f"[[{toml_key(name)}]]")
                lines += [f"{toml_key(k)} = {toml_value(v)}" for k, v in each.items()]
        elif isinstance(table, dict):
            lines.append(f"[{toml_key(name)}]")
            lines += [f"{toml_key(k)} = {toml_value(v)}" for k, v in table.items()]
        else:
            lines.insert(0, f"{toml_key(name)} = {toml_value(table)}")
    return "\n".join(lines) + "\n"


@st.composite
def documents(draw: st.DrawFn) -> dict[str, Any]:
    """The valid BASE with random keys changed, added and removed."""
    document = json.loads(json.dumps(BASE))
    for _ in range(draw(st.integers(0, 6))):
        table = draw(st.sampled_from([*KNOWN, "calendar", "colour"]))
        key = draw(st.one_of(st.sampled_from(KNOWN.get(table, ["x"])), keys))
        value = draw(st.one_of(values, raw_values.map(Raw), st.none()))
        target = document.setdefault(table, {})
        if isinstance(target, list):
            target = target[0] if target else target.append({}) or target[0]
        if value is None:
            target.pop(key, None)
        else:
            target[key] = value
    if draw(st.booleans()):
        document[draw(keys)] = draw(values)
    return document


def problems_are_lines(error: ConfigError) -> None:
    assert error.problems
    assert all("\n" not in problem for problem in error.problems)


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents())
def test_any_generated_file_reads_to_settings_or_one_config_error(document: dict[str, Any]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "config.toml"
        path.write_text(toml_document(document), encoding="utf-8")
        try:
            loaded = load_settings(path)
        except ConfigError as error:
            problems_are_lines(error)
            return
        assert isinstance(loaded, Settings)
        # What the daemon reads next, named by the file: the templates and promised files.
        try:
            thank_you_template(loaded.notes.template, loaded.notes.tone)
            load_template(loaded.notes.check_in_template, "check-in")
            load_fulfilments(loaded.promises)
        except ConfigError as error:
            problems_are_lines(error)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(keys, values, max_size=6) | documents())
def test_any_parsed_document_is_settings_or_one_config_error(document: dict[str, Any]) -> None:
    document = {k: v for k, v in document.items() if not isinstance(v, Raw)}
    try:
        parsed = parse_settings(document, source="config.toml", base=Path("/cfg"))
    except ConfigError as error:
        problems_are_lines(error)
        return
    assert isinstance(parsed, Settings)


@settings(deadline=None)  # as the others: a slow CI machine's stall is no finding
@given(st.binary(max_size=200))
def test_any_bytes_read_to_settings_or_one_config_error(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "config.toml"
        path.write_bytes(data)
        try:
            load_settings(path)
        except ConfigError as error:
            problems_are_lines(error)

"""Read interview candidates from a CalDAV calendar (Nextcloud, Fastmail, iCloud, Radicale…).

`CaldavCalendar` is a `CalendarSource`. Its `url` may be the calendar itself,
or a server, principal or calendar home holding exactly one calendar of
events; `calendars()` lists what a server holds, with the address of each.
Discovery follows RFC 6764 and RFC 4791: `/.well-known/caldav`, the
current-user-principal, its calendar-home-set, then the calendars in it.

Each read asks only for the events in the window (a calendar-query REPORT
with a time-range filter) and, where the server can, has it expand recurring
series into instances; a server that cannot gets the query again without,
and any series still carrying its rules is expanded here, by the same reader
as an ICS file (`connectors.ics.CalendarReader`). Expanded instances keep
their UID and RECURRENCE-ID, so a draft's key is the same either way. They
come in UTC: UTC (and floating) times are shown in the calendar's own zone
(its calendar-timezone property), else the user's.

A thin client on the standard library: Basic authentication with the password
asked of a callable at every read, TLS verified (`ca_file` adds a trusted
certificate), a timeout on every request, answers bounded in size and time,
and XML that declares a DOCTYPE or an entity refused. Every failure is one
`ConnectorError` line; the password and the Authorization header are never
logged.
"""

from __future__ import annotations

import base64
import enum
import http.client
import ipaddress
import logging
import re
import socket
import ssl
import time
import urllib.parse
import xml.etree.ElementTree as ElementTree
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo
from pathlib import Path

from connectors.ics import MAX_CALENDAR_BYTES, CalendarReader, Document
from connectors.zones import local_zone, zone_named
from daemon.core.model import Event
from daemon.core.protocols import ConnectorError
from daemon.core.text import one_line

log = logging.getLogger(__name__)

DEFAULT_TIMEOUT = 30.0
"""Seconds any request may wait for the server to connect or to send more."""
MAX_ANSWER_SECONDS = 60.0
"""An answer still arriving after this long (however slowly it trickles) is abandoned."""
MAX_ANSWER_BYTES = MAX_CALENDAR_BYTES
"""An answer larger than this is refused rather than read into memory."""
MAX_REDIRECTS = 5
"""Redirects followed for one request (`.well-known/caldav` usually answers with one)."""

_DAV = "DAV:"
_CALDAV = "urn:ietf:params:xml:ns:caldav"
_CHUNK_BYTES = 256 * 1024
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
# What a server that does not support <expand> may answer a query that asks for it.
_NO_EXPAND = frozenset({400, 403, 415, 422, 500, 501})
# An XML document declaring these can make a parser expand entities without end.
_DECLARATIONS = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)
_TZID = re.compile(r"^TZID[;:](?:[^:\r\n]*:)?([^\r\n]+)", re.MULTILINE)


def _tag(namespace: str, name: str) -> str:
    return f"{{{namespace}}}{name}"


_RESPONSE = _tag(_DAV, "response")
_HREF = _tag(_DAV, "href")
_PROPSTAT = _tag(_DAV, "propstat")
_STATUS = _tag(_DAV, "status")
_PROP = _tag(_DAV, "prop")
_RESOURCETYPE = _tag(_DAV, "resourcetype")
_DISPLAYNAME = _tag(_DAV, "displayname")
_PRINCIPAL = _tag(_DAV, "current-user-principal")
_HOME = _tag(_CALDAV, "calendar-home-set")
_CALENDAR = _tag(_CALDAV, "calendar")
_COMPONENTS = _tag(_CALDAV, "supported-calendar-component-set")
_TIMEZONE = _tag(_CALDAV, "calendar-timezone")
_CALENDAR_DATA = _tag(_CALDAV, "calendar-data")

_PROPFIND = (
    '<?xml version="1.0" encoding="utf-8"?>'
    f'<d:propfind xmlns:d="{_DAV}" xmlns:c="{_CALDAV}"><d:prop>'
    "<d:resourcetype/><d:displayname/><d:current-user-principal/><c:calendar-home-set/>"
    "<c:supported-calendar-component-set/><c:calendar-timezone/>"
    "</d:prop></d:propfind>"
).encode()


class Expansion(enum.Enum):
    """Who expands recurring series into instances."""

    SERVER = "server"
    CLIENT = "client"


@dataclass(frozen=True)
class CalendarInfo:
    """A calendar of events found on a server: its address and its name."""

    url: str
    name: str
    zone: str = ""  # the TZID of its calendar-timezone, if it has one


@dataclass(frozen=True)
class _Resource:
    """One <response> of a multistatus: its address and the properties found (status 200)."""

    url: str
    props: dict[str, ElementTree.Element] = field(default_factory=dict)

    def href(self, name: str) -> str | None:
        """The address a property holds in its <href>, made absolute."""
        prop = self.props.get(name)
        href = None if prop is None else prop.find(_HREF)
        if href is None or not (href.text or "").strip():
            return None
        return urllib.parse.urljoin(self.url, (href.text or "").strip())

    def text(self, name: str) -> str:
        prop = self.props.get(name)
        return "" if prop is None else "".join(prop.itertext()).strip()

    @property
    def is_calendar(self) -> bool:
        kinds = self.props.get(_RESOURCETYPE)
        return kinds is not None and kinds.find(_CALENDAR) is not None

    @property
    def holds_events(self) -> bool:
        """Whether the calendar takes events; a server that does not say takes everything."""
        components = self.props.get(_COMPONENTS)
        if components is None or len(components) == 0:
            return True
        return any(c.get("name", "").upper() == "VEVENT" for c in components)

    def info(self) -> CalendarInfo:
        name = self.text(_DISPLAYNAME) or _last_segment(self.url)
        match = _TZID.search(self.text(_TIMEZONE))
        return CalendarInfo(self.url, one_line(name, 80), match.group(1).strip() if match else "")


@dataclass(frozen=True)
class _Answer:
    status: int
    body: bytes
    url: str


class CaldavCalendar:
    """A `CalendarSource` reading one CalDAV calendar on every call."""

    def __init__(
        self,
        name: str,
        url: str,
        *,
        username: str = "",
        password: Callable[[], str] = lambda: "",
        ca_file: Path | None = None,
        default_tz: tzinfo | None = None,
        timeout: float = DEFAULT_TIMEOUT,
        expansion: Expansion = Expansion.SERVER,
    ) -> None:
        """Read the calendar at `url` (or the one calendar of events of the server,
        principal or home at `url`), signing in as `username` with the password
        `password()` returns at each read (no sign-in without a username).

        `ca_file` is a PEM certificate (or several) to trust besides the
        system's; `default_tz` the zone of floating times when the calendar names
        none (None: the system's); `expansion` who expands series first (a
        server that cannot is noticed, and the client does).
        """
        self._name = name
        self._url = url.strip()
        self._where = _shown(self._url)
        self._username = username
        self._password = password
        self._ca_file = ca_file
        self._timeout = timeout
        self._expansion = expansion
        self._default_tz = default_tz
        self._calendar: CalendarInfo | None = None
        self._reader = CalendarReader(name, default_tz=default_tz)

    @property
    def name(self) -> str:
        """The identifier given at construction; part of every draft key."""
        return self._name

    def events(self, start: datetime, end: datetime) -> list[Event]:
        """Timed occurrences overlapping [start, end), sorted by start.

        Raises `ConnectorError` when the calendar cannot be read at all.
        """
        if start.tzinfo is None or end.tzinfo is None:
            raise ValueError("events() needs timezone-aware start and end")
        client = self._client()
        calendar = self._calendar or self._choose(_find_calendars(client, self._url))
        self._calendar = calendar
        own = zone_named(calendar.zone) if calendar.zone else None
        self._reader.calendar_zone = own or self._default_tz or local_zone()
        documents = self._query(client, calendar.url, start, end)
        where = _shown(calendar.url)
        return self._reader.events(where, documents, start, end, skip_broken=True)

    def calendars(self) -> list[CalendarInfo]:
        """The calendars of events at `url`: itself if it is one, else those of its server."""
        return _find_calendars(self._client(), self._url)

    def _client(self) -> _Client:
        context = _tls_context(self._ca_file, self._where)
        password = self._password() if self._username else ""
        return _Client(self._where, self._username, password, context, self._timeout)

    def _choose(self, calendars: list[CalendarInfo]) -> CalendarInfo:
        if len(calendars) == 1:
            return calendars[0]
        if not calendars:
            raise ConnectorError(f"calendar {self._where}: no calendar of events found there")
        listed = "; ".join(f"{c.name} = {c.url}" for c in calendars[:10])
        raise ConnectorError(
            f"calendar {self._where}: holds {len(calendars)} calendars, set url to the one to "
            f"read ({listed}); `followup calendars` lists them"
        )

    def _query(self, client: _Client, url: str, start: datetime, end: datetime) -> list[Document]:
        if self._expansion is Expansion.SERVER:
            answer = client.request("REPORT", url, _query_body(start, end, expand=True), "1")
            if answer.status not in _NO_EXPAND:
                return _calendar_data(client.multistatus(answer))
            log.info(
                "calendar %s: the server cannot expand series (HTTP %d); expanding them here",
                self._where,
                answer.status,
            )
            self._expansion = Expansion.CLIENT
        answer = client.request("REPORT", url, _query_body(start, end, expand=False), "1")
        return _calendar_data(client.multistatus(answer))


class _Client:
    """Requests to one server with one sign-in; every failure a `ConnectorError`."""

    def __init__(
        self,
        where: str,
        username: str,
        password: str,
        context: ssl.SSLContext,
        timeout: float,
    ) -> None:
        self._where = where
        self._context = context
        self._timeout = timeout
        self._headers = {
            "User-Agent": "interview-followup",
            "Content-Type": "application/xml; charset=utf-8",
        }
        if username:
            token = base64.b64encode(f"{username}:{password}".encode()).decode("ascii")
            self._headers["Authorization"] = f"Basic {token}"

    def request(self, method: str, url: str, body: bytes, depth: str) -> _Answer:
        """The server's answer, redirects followed; raises for a failure of the connection."""
        for _ in range(MAX_REDIRECTS + 1):
            answer, location = self._once(method, url, body, depth)
            if location is None:
                return answer
            url = self._redirect(url, location)
        raise ConnectorError(f"calendar {self._where}: more than {MAX_REDIRECTS} redirects")

    def multistatus(self, answer: _Answer) -> list[_Resource]:
        """The resources of a 207 answer; raises for any other answer, or one not CalDAV."""
        if answer.status != 207:
            raise ConnectorError(f"calendar {_shown(answer.url)}: {_status_problem(answer.status)}")
        return _resources(_parse_xml(answer.body, _shown(answer.url)), answer.url)

    def _once(self, method: str, url: str, body: bytes, depth: str) -> tuple[_Answer, str | None]:
        parts = urllib.parse.urlsplit(url)
        where = _shown(url)
        path = urllib.parse.urlunsplit(("", "", parts.path or "/", parts.query, ""))
        headers = {**self._headers, "Depth": depth, "Content-Length": str(len(body))}
        connection = self._connection(parts)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            location = response.getheader("Location") if response.status in _REDIRECTS else None
            data = _read_bounded(response, where)
        except ConnectorError:
            raise
        except Exception as exc:  # any failure of the connection: one line, no trace
            raise ConnectorError(
                f"calendar {where}: {_connection_problem(exc, self._timeout)}"
            ) from None
        finally:
            connection.close()
        return _Answer(response.status, data, url), location

    def _connection(self, parts: urllib.parse.SplitResult) -> http.client.HTTPConnection:
        host = parts.hostname or ""
        try:
            port = parts.port
        except ValueError:
            raise ConnectorError(f"calendar {self._where}: the port is not a number") from None
        if parts.scheme == "https":
            return http.client.HTTPSConnection(
                host, port, timeout=self._timeout, context=self._context
            )
        if parts.scheme == "http" and _is_loopback(host):
            return http.client.HTTPConnection(host, port, timeout=self._timeout)
        raise ConnectorError(
            f"calendar {_shown(urllib.parse.urlunsplit(parts))}: refused, only https:// "
            "(or http:// on this computer) is used"
        )

    def _redirect(self, url: str, location: str) -> str:
        target = urllib.parse.urljoin(url, location.strip())
        parts = urllib.parse.urlsplit(target)
        # The password goes with every request: never to plain http beyond this computer.
        if parts.scheme != "https" and not (
            parts.scheme == "http" and _is_loopback(parts.hostname or "")
        ):
            raise ConnectorError(f"calendar {self._where}: refused a redirect to {_shown(target)}")
        return target


def _find_calendars(client: _Client, url: str) -> list[CalendarInfo]:
    """The calendars of events at `url`: itself, or those of the home of its principal."""
    answer = client.request("PROPFIND", url, _PROPFIND, "0")
    if answer.status in (404, 405, 403, 501) and _is_root(url):
        answer = client.request("PROPFIND", _well_known(url), _PROPFIND, "0")
    [resource, *_] = client.multistatus(answer) or [_Resource(answer.url)]
    if resource.is_calendar:
        if not resource.holds_events:
            raise ConnectorError(
                f"calendar {_shown(resource.url)}: a calendar of tasks, not events"
            )
        return [resource.info()]
    home = resource.href(_HOME) or _home_of(client, resource, url)
    listing = client.multistatus(client.request("PROPFIND", home, _PROPFIND, "1"))
    return [r.info() for r in listing if r.is_calendar and r.holds_events]


def _home_of(client: _Client, resource: _Resource, url: str) -> str:
    """The calendar home of the principal `resource` names (asked of `.well-known/caldav`
    when it names none)."""
    principal = resource.href(_PRINCIPAL)
    if principal is None and not _is_well_known(url):
        answer = client.request("PROPFIND", _well_known(url), _PROPFIND, "0")
        if answer.status == 207:
            found = client.multistatus(answer)
            principal = found[0].href(_PRINCIPAL) if found else None
    if principal is None:
        raise ConnectorError(
            f"calendar {_shown(url)}: not a CalDAV calendar or server (it names no principal)"
        )
    [owner, *_] = client.multistatus(client.request("PROPFIND", principal, _PROPFIND, "0")) or [
        _Resource(principal)
    ]
    home = owner.href(_HOME)
    if home is None:
        raise ConnectorError(f"calendar {_shown(principal)}: the account names no calendar home")
    return home


def _query_body(start: datetime, end: datetime, *, expand: bool) -> bytes:
    """A calendar-query for the events overlapping [start, end), expanded or not."""
    low, high = _utc(start), _utc(end)
    expansion = f'<c:expand start="{low}" end="{high}"/>' if expand else ""
    return (
        '<?xml version="1.0" encoding="utf-8"?>'
        f'<c:calendar-query xmlns:d="{_DAV}" xmlns:c="{_CALDAV}">'
        f"<d:prop><d:getetag/><c:calendar-data>{expansion}</c:calendar-data></d:prop>"
        '<c:filter><c:comp-filter name="VCALENDAR"><c:comp-filter name="VEVENT">'
        f'<c:time-range start="{low}" end="{high}"/>'
        "</c:comp-filter></c:comp-filter></c:filter></c:calendar-query>"
    ).encode()


def _calendar_data(resources: Iterable[_Resource]) -> list[Document]:
    """The iCalendar text of each resource that has one."""
    documents = []
    for resource in resources:
        data = resource.props.get(_CALENDAR_DATA)
        if data is not None and data.text:
            documents.append(Document(_shown(resource.url), data.text.encode("utf-8")))
    return documents


def _parse_xml(data: bytes, where: str) -> ElementTree.Element:
    """The root of a multistatus; a document that is not one, or declares a DOCTYPE or an
    entity (which a parser may expand into gigabytes), is refused."""
    # Without NUL bytes the document is in an ASCII-compatible encoding, where a
    # declaration cannot hide from the search below.
    if b"\x00" in data or _DECLARATIONS.search(data):
        raise ConnectorError(f"calendar {where}: the server's answer is not plain XML, refused")
    try:
        root = ElementTree.fromstring(data)
    except ElementTree.ParseError:
        raise ConnectorError(f"calendar {where}: the server's answer is not XML") from None
    if root.tag != _tag(_DAV, "multistatus"):
        raise ConnectorError(f"calendar {where}: the server's answer is not a WebDAV multistatus")
    return root


def _resources(root: ElementTree.Element, base: str) -> list[_Resource]:
    resources = []
    for response in root.findall(_RESPONSE):
        href = response.find(_HREF)
        if href is None or not (href.text or "").strip():
            continue
        resource = _Resource(urllib.parse.urljoin(base, (href.text or "").strip()))
        for propstat in response.findall(_PROPSTAT):
            status = propstat.find(_STATUS)
            prop = propstat.find(_PROP)
            if prop is not None and status is not None and " 200" in (status.text or ""):
                resource.props.update((child.tag, child) for child in prop)
        resources.append(resource)
    return resources


def _read_bounded(response: http.client.HTTPResponse, where: str) -> bytes:
    started = time.monotonic()
    chunks: list[bytes] = []
    size = 0
    while chunk := response.read(_CHUNK_BYTES):
        size += len(chunk)
        if size > MAX_ANSWER_BYTES:
            raise ConnectorError(
                f"calendar {where}: the answer is larger than {MAX_ANSWER_BYTES // 2**20} MiB"
            )
        if time.monotonic() - started > MAX_ANSWER_SECONDS:
            raise ConnectorError(
                f"calendar {where}: the answer is still arriving after {MAX_ANSWER_SECONDS:g} s"
            )
        chunks.append(chunk)
    return b"".join(chunks)


def _tls_context(ca_file: Path | None, where: str) -> ssl.SSLContext:
    context = ssl.create_default_context()
    if ca_file is not None:
        try:
            context.load_verify_locations(cafile=str(ca_file))
        except (OSError, ssl.SSLError) as exc:
            reason = getattr(exc, "strerror", None) or one_line(str(exc), 120)
            raise ConnectorError(
                f"calendar {where}: ca_file {ca_file} cannot be used ({reason})"
            ) from None
    return context


def _status_problem(status: int) -> str:
    """What an HTTP status means for the user, in a few words."""
    if status == 401:
        return "the server refused the username or password (HTTP 401)"
    if status == 403:
        return "the account may not read this (HTTP 403)"
    if status == 404:
        return "not found (HTTP 404): check the address"
    if status == 405:
        return "not a CalDAV address (HTTP 405)"
    if 500 <= status < 600:
        return f"the server failed (HTTP {status}); it may be down"
    return f"unexpected answer HTTP {status}"


def _connection_problem(exc: Exception, timeout: float) -> str:
    """Why a request failed, without the request (its headers hold the password)."""
    if isinstance(exc, ssl.SSLCertVerificationError):
        reason = one_line(str(exc.verify_message or exc.reason or "not trusted"), 120)
        return f"its certificate is not trusted ({reason}); for a self-signed server set ca_file"
    if isinstance(exc, ssl.SSLError):
        return f"TLS failed ({one_line(str(exc.reason or exc), 120)})"
    if isinstance(exc, TimeoutError | socket.timeout):
        return f"no answer within {timeout:g} s"
    if isinstance(exc, ConnectionRefusedError):
        return "connection refused: is the server running, and the address right?"
    if isinstance(exc, http.client.HTTPException | ConnectionResetError):
        return "the server's answer is not HTTP, or it hung up"
    if isinstance(exc, socket.gaierror):
        return f"the host name cannot be resolved ({exc.strerror})"
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return type(exc).__name__


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _shown(url: str) -> str:
    """`url` without user name, password, query or fragment: safe for a message."""
    try:
        parts = urllib.parse.urlsplit(url)
        host = parts.hostname or "?"
        port = f":{parts.port}" if parts.port else ""
    except ValueError:
        return "<malformed URL>"
    return f"{parts.scheme}://{host}{port}{parts.path}"


def _is_root(url: str) -> bool:
    return urllib.parse.urlsplit(url).path in ("", "/")


def _is_well_known(url: str) -> bool:
    return urllib.parse.urlsplit(url).path.rstrip("/") == "/.well-known/caldav"


def _well_known(url: str) -> str:
    return urllib.parse.urljoin(url, "/.well-known/caldav")


def _last_segment(url: str) -> str:
    return urllib.parse.unquote(urllib.parse.urlsplit(url).path.rstrip("/").rpartition("/")[2])


def _is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False

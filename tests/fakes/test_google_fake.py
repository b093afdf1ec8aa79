"""Proof that `GoogleFake` answers the real Google client libraries as Google would.

Every test drives google-api-python-client (static discovery), google-auth or
google-auth-oauthlib against the fake on loopback, so these tests also pin
down the client behaviour the connectors rely on: which paths are requested,
what retries, what raises.
"""

from __future__ import annotations

import base64
import contextlib
import socket
import threading
import time
import webbrowser
from collections.abc import Callable
from email.message import EmailMessage
from typing import Any

import google_auth_httplib2
import httplib2
import pytest
from google.auth.exceptions import RefreshError, TransportError
from google_auth_oauthlib.flow import InstalledAppFlow
from google_fake import (
    CALENDAR_READONLY,
    DEFAULT_SCOPES,
    GMAIL_COMPOSE,
    GoogleFake,
    NetworkBlockedError,
)
from googleapiclient.discovery import build
from googleapiclient.errors import HttpError
from googleapiclient.http import HttpRequest, MediaInMemoryUpload

RECRUITER = "recruiter@acme.example"


# --------------------------------------------------------------------------- helpers


def _thank_you(number: int = 1, *, subject: str = "Thank you") -> EmailMessage:
    message = EmailMessage()
    message["From"] = "me@example.com"
    message["To"] = RECRUITER
    message["Subject"] = subject
    message["Message-ID"] = f"<thanks-{number}@followup.local>"
    message.set_content(f"Thank you for interview number {number}.")
    return message


def _raw(message: EmailMessage) -> str:
    return base64.urlsafe_b64encode(message.as_bytes()).decode("ascii")


def _draft_body(message: EmailMessage, thread_id: str | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"raw": _raw(message)}
    if thread_id:
        body["threadId"] = thread_id
    return {"message": body}


def _no_backoff(request: HttpRequest) -> HttpRequest:
    """Skip the client's real backoff (rand() * 2**n seconds) between retries."""
    request._sleep = lambda seconds: None
    return request


def _event(summary: str, start: str, end: str, **extra: Any) -> dict[str, Any]:
    key = "date" if len(start) == 10 else "dateTime"
    return {"summary": summary, "start": {key: start}, "end": {key: end}} | extra


def _summaries(response: dict[str, Any]) -> list[str]:
    return [item["summary"] for item in response.get("items", [])]


@pytest.fixture
def gmail(google_fake: GoogleFake) -> Any:
    return build(
        "gmail",
        "v1",
        credentials=google_fake.credentials(),
        static_discovery=True,
        client_options={"api_endpoint": google_fake.gmail_endpoint},
    )


@pytest.fixture
def calendar(google_fake: GoogleFake) -> Any:
    return build(
        "calendar",
        "v3",
        credentials=google_fake.credentials(),
        static_discovery=True,
        client_options={"api_endpoint": google_fake.calendar_endpoint},
    )


def _create_draft(gmail: Any, message: EmailMessage, thread_id: str | None = None) -> Any:
    return (
        gmail.users().drafts().create(userId="me", body=_draft_body(message, thread_id)).execute()
    )


# --------------------------------------------------------------------------- routing


def test_endpoints_make_the_client_request_the_discovery_paths(
    google_fake: GoogleFake, gmail: Any, calendar: Any
) -> None:
    assert google_fake.gmail_endpoint == google_fake.base_url
    assert google_fake.calendar_endpoint.endswith("/calendar/v3/")
    gmail.users().getProfile(userId="me").execute()
    _create_draft(gmail, _thank_you())
    calendar.events().list(calendarId="primary", singleEvents=True).execute()

    seen = [(r.method, r.path, r.route) for r in google_fake.requests()]
    assert seen == [
        ("GET", "/gmail/v1/users/me/profile", "gmail.users.getProfile"),
        # A JSON body with "raw" uses the plain path, not /upload/.
        ("POST", "/gmail/v1/users/me/drafts", "gmail.users.drafts.create"),
        ("GET", "/calendar/v3/calendars/primary/events", "calendar.events.list"),
    ]


def test_unknown_path_is_a_google_style_404(google_fake: GoogleFake) -> None:
    http = google_auth_httplib2.AuthorizedHttp(google_fake.credentials(), http=httplib2.Http())
    response, content = http.request(google_fake.base_url + "gmail/v1/users/me/nothing", "GET")
    assert response.status == 404
    error = HttpError(response, content).content
    assert b'"reason": "notFound"' in error and b'"status": "NOT_FOUND"' in error


def test_profile_describes_the_account(gmail: Any) -> None:
    profile = gmail.users().getProfile(userId="me").execute()
    assert profile["emailAddress"] == "me@example.com"
    assert {"messagesTotal", "threadsTotal", "historyId"} <= profile.keys()


def test_method_the_fake_lacks_is_a_loud_400(google_fake: GoogleFake, gmail: Any) -> None:
    with pytest.raises(HttpError) as caught:
        gmail.users().labels().list(userId="me").execute()
    assert caught.value.status_code == 400
    assert google_fake.problems == ["google_fake does not implement gmail.users.labels.list"]
    google_fake.problems.clear()


def test_media_upload_never_reaches_the_fake(google_fake: GoogleFake, gmail: Any) -> None:
    # The client keeps the discovery document's https scheme for /upload/ URLs.
    media = MediaInMemoryUpload(_thank_you().as_bytes(), mimetype="message/rfc822")
    with pytest.raises(OSError):  # ssl.SSLError
        gmail.users().drafts().create(userId="me", body={}, media_body=media).execute()
    assert [r.route for r in google_fake.requests()] == ["tls-handshake"]
    assert "media uploads" in google_fake.problems[0]
    google_fake.problems.clear()


def test_network_beyond_loopback_is_refused(google_fake: GoogleFake) -> None:
    with pytest.raises(NetworkBlockedError):
        socket.create_connection(("gmail.googleapis.com", 443), timeout=1)


def test_stop_frees_the_port_promptly() -> None:
    with GoogleFake() as fake:
        port = int(fake.base_url.rsplit(":", 1)[1].strip("/"))
        fake.delay("gmail.users.getProfile", 1.0)
        gmail = fake.gmail_service()
        waiting = threading.Thread(target=lambda: _swallow(gmail.users().getProfile(userId="me")))
        waiting.start()
        _wait_until(lambda: bool(fake.requests()))
        started = time.monotonic()
    waiting.join(2)
    assert time.monotonic() - started < 0.5  # the pending delay did not hold stop()
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", port), timeout=1)


def _wait_until(condition: Callable[[], bool], timeout: float = 2.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.005)  # polling a background thread, not waiting out a timer


def _swallow(request: HttpRequest) -> None:
    with contextlib.suppress(Exception):  # the fake stops under it, as intended
        request.execute()


# --------------------------------------------------------------------------- drafts


def test_draft_round_trips_raw_bytes(google_fake: GoogleFake, gmail: Any) -> None:
    message = _thank_you()
    created = _create_draft(gmail, message)

    assert created["message"]["labelIds"] == ["DRAFT"]
    stored = google_fake.draft(created["id"])
    assert stored.raw == message.as_bytes()
    assert stored.email["Subject"] == "Thank you"
    assert stored.email.get_content().strip() == "Thank you for interview number 1."

    fetched = gmail.users().drafts().get(userId="me", id=created["id"], format="raw").execute()
    assert base64.urlsafe_b64decode(fetched["message"]["raw"]) == message.as_bytes()


def test_draft_formats(gmail: Any) -> None:
    draft_id = _create_draft(gmail, _thank_you())["id"]
    drafts = gmail.users().drafts()

    full = drafts.get(userId="me", id=draft_id).execute()["message"]
    body = base64.urlsafe_b64decode(full["payload"]["body"]["data"]).decode()
    assert body.startswith("Thank you for interview")
    metadata = drafts.get(userId="me", id=draft_id, format="metadata").execute()["message"]
    headers = {h["name"]: h["value"] for h in metadata["payload"]["headers"]}
    assert headers["Message-ID"] == "<thanks-1@followup.local>"
    minimal = drafts.get(userId="me", id=draft_id, format="minimal").execute()["message"]
    assert "payload" not in minimal and minimal["snippet"].startswith("Thank you")


def test_drafts_list_pages(gmail: Any) -> None:
    created = {_create_draft(gmail, _thank_you(n))["id"] for n in range(5)}
    drafts = gmail.users().drafts()

    seen, pages = [], 0
    request = drafts.list(userId="me", maxResults=2)
    while request is not None:
        response = request.execute()
        seen += [draft["id"] for draft in response["drafts"]]
        pages += 1
        request = drafts.list_next(request, response)
    assert pages == 3
    assert sorted(seen) == sorted(created)


def test_empty_lists_leave_the_key_out(gmail: Any) -> None:
    # As Gmail does: connectors must use .get("drafts", []).
    assert gmail.users().drafts().list(userId="me").execute() == {"resultSizeEstimate": 0}
    assert "messages" not in gmail.users().messages().list(userId="me").execute()


def test_rfc822msgid_query_finds_the_draft(gmail: Any) -> None:
    wanted = _create_draft(gmail, _thank_you(1))["id"]
    _create_draft(gmail, _thank_you(2))
    drafts = gmail.users().drafts()

    found = drafts.list(userId="me", q="rfc822msgid:<thanks-1@followup.local>").execute()
    assert [draft["id"] for draft in found["drafts"]] == [wanted]
    bare = drafts.list(userId="me", q="rfc822msgid:thanks-1@followup.local").execute()
    assert [draft["id"] for draft in bare["drafts"]] == [wanted]


def test_unsupported_search_operator_is_rejected(gmail: Any) -> None:
    with pytest.raises(HttpError) as caught:
        gmail.users().drafts().list(userId="me", q="has:attachment").execute()
    assert caught.value.status_code == 400


def test_user_sends_draft(google_fake: GoogleFake, gmail: Any) -> None:
    draft = _create_draft(gmail, _thank_you())
    sent_id = google_fake.user_sends_draft(draft["id"])

    with pytest.raises(HttpError) as caught:
        gmail.users().drafts().get(userId="me", id=draft["id"]).execute()
    assert caught.value.status_code == 404
    listed = gmail.users().messages().list(userId="me", labelIds=["SENT"]).execute()
    assert listed["messages"] == [{"id": sent_id, "threadId": draft["message"]["threadId"]}]
    assert sent_id != draft["message"]["id"]
    sent = (
        gmail.users()
        .messages()
        .get(userId="me", id=sent_id, format="metadata", metadataHeaders=["Message-ID"])
        .execute()
    )
    assert sent["payload"]["headers"] == [
        {"name": "Message-ID", "value": "<thanks-1@followup.local>"}
    ]
    assert sent["labelIds"] == ["SENT"]


def test_user_sends_draft_with_a_new_message_id_header(google_fake: GoogleFake, gmail: Any) -> None:
    draft = _create_draft(gmail, _thank_you())
    sent_id = google_fake.user_sends_draft(draft["id"], new_message_id_header=True)
    assert google_fake.message(sent_id).message_id != "<thanks-1@followup.local>"


def test_user_edits_and_deletes_draft(google_fake: GoogleFake, gmail: Any) -> None:
    draft = _create_draft(gmail, _thank_you())
    new_id = google_fake.user_edits_draft(draft["id"], body="Edited by hand.")

    fetched = gmail.users().drafts().get(userId="me", id=draft["id"]).execute()
    assert fetched["message"]["id"] == new_id != draft["message"]["id"]
    assert google_fake.draft(draft["id"]).email.get_content().strip() == "Edited by hand."

    google_fake.user_deletes_draft(draft["id"])
    assert google_fake.drafts() == []


def test_drafts_update_keeps_the_draft_id(google_fake: GoogleFake, gmail: Any) -> None:
    draft = _create_draft(gmail, _thank_you())
    updated = (
        gmail.users()
        .drafts()
        .update(userId="me", id=draft["id"], body=_draft_body(_thank_you(subject="Thanks!")))
        .execute()
    )
    assert updated["id"] == draft["id"]
    assert updated["message"]["id"] != draft["message"]["id"]
    assert google_fake.draft(draft["id"]).email["Subject"] == "Thanks!"


def test_drafts_delete(google_fake: GoogleFake, gmail: Any) -> None:
    draft = _create_draft(gmail, _thank_you())
    assert not gmail.users().drafts().delete(userId="me", id=draft["id"]).execute()
    assert google_fake.drafts() == []


def test_reply_draft_joins_the_thread_only_when_headers_say_so(
    google_fake: GoogleFake, gmail: Any
) -> None:
    invite = EmailMessage()
    invite["From"], invite["To"], invite["Subject"] = RECRUITER, "me@example.com", "Interview"
    invite["Message-ID"] = "<invite@acme.example>"
    invite.set_content("See you Tuesday.")
    thread_id = google_fake.receive_message(invite)

    reply = _thank_you(subject="Re: Interview")
    reply["In-Reply-To"] = reply["References"] = "<invite@acme.example>"
    joined = _create_draft(gmail, reply, thread_id)
    orphan = _create_draft(gmail, _thank_you(2, subject="Re: Interview"), thread_id)

    assert joined["message"]["threadId"] == thread_id
    assert orphan["message"]["threadId"] != thread_id  # no In-Reply-To/References


def test_reply_arrives_in_the_thread(google_fake: GoogleFake, gmail: Any) -> None:
    draft = _create_draft(gmail, _thank_you())
    google_fake.user_sends_draft(draft["id"])
    thread_id = draft["message"]["threadId"]
    reply_id = google_fake.receive_reply(thread_id, RECRUITER, body="Thanks, talk soon.")

    thread = (
        gmail.users()
        .threads()
        .get(userId="me", id=thread_id, format="metadata", metadataHeaders=["From"])
        .execute()
    )
    assert [m["id"] for m in thread["messages"]][-1] == reply_id
    assert thread["messages"][-1]["payload"]["headers"] == [{"name": "From", "value": RECRUITER}]
    assert google_fake.message(reply_id).email["In-Reply-To"] == "<thanks-1@followup.local>"


def test_messages_send_to_self_lands_in_inbox(google_fake: GoogleFake, gmail: Any) -> None:
    reminder = EmailMessage()
    reminder["To"] = "me@example.com"
    reminder["Subject"] = "Send your thank-you note"
    reminder.set_content("It is still a draft.")
    sent = gmail.users().messages().send(userId="me", body={"raw": _raw(reminder)}).execute()

    assert sent["labelIds"] == ["SENT", "INBOX", "UNREAD"]
    inbox = gmail.users().messages().list(userId="me", q="in:inbox subject:thank-you").execute()
    assert inbox["messages"][0]["id"] == sent["id"]
    assert google_fake.message(sent["id"]).message_id  # Gmail adds a Message-ID


def test_history_lists_what_changed(google_fake: GoogleFake, gmail: Any) -> None:
    start = gmail.users().getProfile(userId="me").execute()["historyId"]
    draft = _create_draft(gmail, _thank_you())
    google_fake.user_sends_draft(draft["id"])

    history = gmail.users().history().list(userId="me", startHistoryId=start).execute()
    added = [
        m["message"]["labelIds"] for h in history["history"] for m in h.get("messagesAdded", [])
    ]
    assert added == [["DRAFT"], ["SENT"]]

    google_fake.expire_history()
    with pytest.raises(HttpError) as caught:
        gmail.users().history().list(userId="me", startHistoryId=start).execute()
    assert caught.value.status_code == 404


def _history(gmail: Any, start: str) -> list[dict[str, Any]]:
    answer = gmail.users().history().list(userId="me", startHistoryId=start).execute()
    return list(answer.get("history", []))


def test_history_ids_grow_with_every_change_and_label_changes_are_recorded(
    google_fake: GoogleFake, gmail: Any
) -> None:
    start = gmail.users().getProfile(userId="me").execute()["historyId"]
    draft = _create_draft(gmail, _thank_you())
    sent = google_fake.user_sends_draft(draft["id"], in_place=True)
    google_fake.user_labels_message(sent, add=["STARRED"])

    history = _history(gmail, start)
    ids = [int(h["id"]) for h in history]
    assert ids == sorted(set(ids)) and ids[0] > int(start)
    assert [h["labelsRemoved"][0]["labelIds"] for h in history if "labelsRemoved" in h] == [
        ["DRAFT"]
    ]
    added = [h["labelsAdded"][0]["labelIds"] for h in history if "labelsAdded" in h]
    assert added == [["SENT"], ["STARRED"]]
    assert google_fake.message(sent).label_ids == ("SENT", "STARRED")


def test_history_keeps_only_its_window(google_fake: GoogleFake, gmail: Any) -> None:
    google_fake.history_kept = 2
    start = gmail.users().getProfile(userId="me").execute()["historyId"]
    _create_draft(gmail, _thank_you())
    assert len(_history(gmail, start)) == 1
    for _ in range(3):
        _create_draft(gmail, _thank_you())
    with pytest.raises(HttpError) as caught:
        _history(gmail, start)
    assert caught.value.status_code == 404
    latest = gmail.users().getProfile(userId="me").execute()["historyId"]
    assert _history(gmail, str(int(latest) - 2)) != []


def test_a_subject_edit_can_move_the_draft_to_a_new_thread(
    google_fake: GoogleFake, gmail: Any
) -> None:
    draft = _create_draft(gmail, _thank_you())
    google_fake.user_edits_draft(draft["id"], subject="Thanks!", new_thread=True)
    moved = gmail.users().drafts().get(userId="me", id=draft["id"]).execute()
    assert moved["message"]["threadId"] != draft["message"]["threadId"]


def test_requests_are_counted_per_route(google_fake: GoogleFake, gmail: Any) -> None:
    gmail.users().getProfile(userId="me").execute()
    gmail.users().getProfile(userId="me").execute()
    assert google_fake.request_counts()["gmail.users.getProfile"] == 2


# --------------------------------------------------------------------------- calendar


def test_events_list_pages_across_three_pages(google_fake: GoogleFake, calendar: Any) -> None:
    for day in (7, 3, 5, 1, 6, 2, 4):  # added out of order on purpose
        google_fake.add_event(
            "primary",
            _event(f"day {day}", f"2025-03-0{day}T10:00:00Z", f"2025-03-0{day}T11:00:00Z"),
        )
    events = calendar.events()

    summaries, pages = [], []
    request = events.list(
        calendarId="primary", singleEvents=True, orderBy="startTime", maxResults=3
    )
    while request is not None:
        response = request.execute()
        pages.append(response)
        summaries += _summaries(response)
        request = events.list_next(request, response)
    assert [len(page["items"]) for page in pages] == [3, 3, 1]
    assert summaries == [f"day {day}" for day in range(1, 8)]
    assert "nextSyncToken" in pages[-1] and "nextPageToken" not in pages[-1]


def test_events_list_time_window(google_fake: GoogleFake, calendar: Any) -> None:
    add = google_fake.add_event
    add("primary", _event("ends at timeMin", "2025-03-10T09:00:00Z", "2025-03-10T10:00:00Z"))
    add("primary", _event("overlaps start", "2025-03-10T09:30:00Z", "2025-03-10T10:30:00Z"))
    add("primary", _event("inside", "2025-03-10T11:00:00+01:00", "2025-03-10T13:00:00+01:00"))
    add("primary", _event("starts at timeMax", "2025-03-10T12:00:00Z", "2025-03-10T13:00:00Z"))
    add("primary", _event("all day", "2025-03-10", "2025-03-11"))
    add("primary", _event("next day", "2025-03-11T10:00:00Z", "2025-03-11T11:00:00Z"))

    response = (
        calendar.events()
        .list(
            calendarId="primary",
            singleEvents=True,
            orderBy="startTime",
            timeMin="2025-03-10T10:00:00Z",
            timeMax="2025-03-10T12:00:00Z",
        )
        .execute()
    )
    assert _summaries(response) == ["all day", "overlaps start", "inside"]


def test_events_list_event_types(google_fake: GoogleFake, calendar: Any) -> None:
    for summary, event_type in [
        ("Interview", "default"),
        ("Holiday", "outOfOffice"),
        ("Deep work", "focusTime"),
        ("Office", "workingLocation"),
    ]:
        google_fake.add_event(
            "primary",
            _event(summary, "2025-03-10T10:00:00Z", "2025-03-10T11:00:00Z", eventType=event_type),
        )
    events = calendar.events()

    def listed(**kwargs: Any) -> set[str]:
        response = events.list(calendarId="primary", singleEvents=True, **kwargs).execute()
        return set(_summaries(response))

    assert listed(eventTypes=["default"]) == {"Interview"}
    assert listed(eventTypes=["outOfOffice", "focusTime"]) == {"Holiday", "Deep work"}
    assert len(listed()) == 4


def test_events_list_hides_cancelled_unless_asked(google_fake: GoogleFake, calendar: Any) -> None:
    event_id = google_fake.add_event(
        "primary", _event("Interview", "2025-03-10T10:00:00Z", "2025-03-10T11:00:00Z")
    )
    google_fake.cancel_event("primary", event_id)
    events = calendar.events()

    assert events.list(calendarId="primary", singleEvents=True).execute()["items"] == []
    shown = events.list(calendarId="primary", singleEvents=True, showDeleted=True).execute()
    assert [item["status"] for item in shown["items"]] == ["cancelled"]


def test_events_keep_google_shape(google_fake: GoogleFake, calendar: Any) -> None:
    attendee = {"email": RECRUITER, "displayName": "Rita", "responseStatus": "accepted"}
    event_id = google_fake.add_event(
        "primary",
        _event(
            "Interview",
            "2025-03-10T10:00:00Z",
            "2025-03-10T11:00:00Z",
            description="<b>Panel</b>",
            attendees=[attendee, {"email": "me@example.com", "self": True}],
        ),
    )
    event = calendar.events().get(calendarId="primary", eventId=event_id).execute()
    assert event["attendees"][0] == attendee
    assert event["organizer"] == {"email": "me@example.com", "self": True}
    assert event["status"] == "confirmed" and event["eventType"] == "default"
    assert event["htmlLink"].startswith("https://www.google.com/calendar/event?eid=")
    primary = calendar.calendarList().get(calendarId="primary").execute()
    assert primary["id"] == "me@example.com" and primary["primary"] is True


def test_events_list_insists_on_single_events(calendar: Any) -> None:
    with pytest.raises(HttpError) as caught:
        calendar.events().list(calendarId="primary").execute()
    assert caught.value.status_code == 400


def test_page_token_is_bound_to_its_query(google_fake: GoogleFake, calendar: Any) -> None:
    for day in (1, 2):
        google_fake.add_event(
            "primary", _event("x", f"2025-03-0{day}T10:00:00Z", f"2025-03-0{day}T11:00:00Z")
        )
    events = calendar.events()
    token = events.list(calendarId="primary", singleEvents=True, maxResults=1).execute()[
        "nextPageToken"
    ]
    with pytest.raises(HttpError) as caught:
        events.list(calendarId="primary", singleEvents=True, q="other", pageToken=token).execute()
    assert caught.value.status_code == 400


# --------------------------------------------------------------------------- auth


def test_revoked_refresh_token_raises_refresh_error(google_fake: GoogleFake) -> None:
    creds = google_fake.credentials()
    gmail = google_fake.gmail_service(creds)
    google_fake.revoke(creds.refresh_token)

    with pytest.raises(RefreshError, match="invalid_grant"):
        gmail.users().getProfile(userId="me").execute()


def test_expired_access_token_is_refreshed_transparently(
    google_fake: GoogleFake, gmail: Any
) -> None:
    google_fake.expire_access_tokens()
    assert gmail.users().getProfile(userId="me").execute()["emailAddress"] == "me@example.com"
    assert [(r.route, r.status) for r in google_fake.requests()] == [
        ("gmail.users.getProfile", 401),
        ("oauth2.token", 200),
        ("gmail.users.getProfile", 200),
    ]
    assert google_fake.requests("oauth2.token")[0].form["grant_type"] == "refresh_token"


def test_credentials_known_to_be_stale_refresh_before_the_call(google_fake: GoogleFake) -> None:
    gmail = google_fake.gmail_service(google_fake.credentials(expired=True))
    gmail.users().getProfile(userId="me").execute()
    assert [r.route for r in google_fake.requests()] == ["oauth2.token", "gmail.users.getProfile"]


def test_refresh_over_a_broken_connection_raises_transport_error(
    google_fake: GoogleFake, gmail: Any
) -> None:
    # Not ConnectionError: google-auth wraps transport failures while refreshing.
    google_fake.expire_access_tokens()
    google_fake.drop("oauth2.token", times=2)
    with pytest.raises(TransportError):
        gmail.users().getProfile(userId="me").execute()


def test_persistent_401_surfaces_after_two_refreshes(google_fake: GoogleFake, gmail: Any) -> None:
    google_fake.fail("gmail.users.getProfile", 401, times=None)
    with pytest.raises(HttpError) as caught:
        gmail.users().getProfile(userId="me").execute()
    assert caught.value.status_code == 401
    assert len(google_fake.requests("oauth2.token")) == 2


def test_missing_scope_is_a_403(google_fake: GoogleFake) -> None:
    gmail = google_fake.gmail_service(google_fake.credentials([CALENDAR_READONLY]))
    with pytest.raises(HttpError) as caught:
        gmail.users().drafts().list(userId="me").execute()
    assert caught.value.status_code == 403
    assert "insufficient authentication scopes" in caught.value.reason


def test_consent_flow_and_an_unticked_scope(
    google_fake: GoogleFake, monkeypatch: pytest.MonkeyPatch
) -> None:
    # requests-oauthlib refuses http:// token URLs without this.
    monkeypatch.setenv("OAUTHLIB_INSECURE_TRANSPORT", "1")
    monkeypatch.setattr(webbrowser, "get", lambda using=None: _Browser(google_fake))

    def sign_in() -> Any:
        flow = InstalledAppFlow.from_client_config(
            google_fake.client_config(), scopes=list(DEFAULT_SCOPES)
        )
        return flow.run_local_server(port=0, authorization_prompt_message="", timeout_seconds=5)

    creds = sign_in()
    assert creds.refresh_token and set(creds.granted_scopes) == set(DEFAULT_SCOPES)

    google_fake.consent([GMAIL_COMPOSE, CALENDAR_READONLY])
    with pytest.raises(Warning, match="Scope has changed"):
        sign_in()
    monkeypatch.setenv("OAUTHLIB_RELAX_TOKEN_SCOPE", "1")
    creds = sign_in()
    assert set(creds.granted_scopes) == {GMAIL_COMPOSE, CALENDAR_READONLY}


class _Browser:
    """Stands in for the user's browser: approves on the fake's consent page."""

    def __init__(self, fake: GoogleFake) -> None:
        self._fake = fake

    def open(self, url: str, new: int = 0, autoraise: bool = True) -> bool:
        # The flow only starts listening after open() returns.
        threading.Thread(target=self._fake.visit_authorization_url, args=(url,)).start()
        return True


def test_authorization_code_is_single_use(google_fake: GoogleFake) -> None:
    code = google_fake.add_auth_code()
    http = httplib2.Http()
    form = (
        f"grant_type=authorization_code&code={code}&client_id={google_fake.client_id}"
        f"&client_secret={google_fake.client_secret}&redirect_uri=http://127.0.0.1:1/"
    )
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    first, content = http.request(google_fake.token_uri, "POST", body=form, headers=headers)
    assert first.status == 200 and b"refresh_token" in content
    second, content = http.request(google_fake.token_uri, "POST", body=form, headers=headers)
    assert second.status == 400 and b"invalid_grant" in content


# --------------------------------------------------------------------------- faults


def test_injected_500_then_success(google_fake: GoogleFake, gmail: Any) -> None:
    google_fake.fail("gmail.users.getProfile", 500)
    with pytest.raises(HttpError) as caught:
        gmail.users().getProfile(userId="me").execute(num_retries=0)
    assert caught.value.status_code == 500

    google_fake.fail("gmail.users.getProfile", 500)
    request = _no_backoff(gmail.users().getProfile(userId="me"))
    assert request.execute(num_retries=1)["emailAddress"] == "me@example.com"
    statuses = [r.status for r in google_fake.requests("gmail.users.getProfile")]
    assert statuses == [500, 500, 200]


def test_rate_limit_403_is_retried_but_missing_permission_is_not(
    google_fake: GoogleFake, gmail: Any
) -> None:
    google_fake.fail("gmail.users.drafts.list", 403, reason="userRateLimitExceeded")
    _no_backoff(gmail.users().drafts().list(userId="me")).execute(num_retries=1)

    google_fake.fail("gmail.users.drafts.list", 403, reason="insufficientPermissions")
    with pytest.raises(HttpError) as caught:
        _no_backoff(gmail.users().drafts().list(userId="me")).execute(num_retries=3)
    assert caught.value.status_code == 403
    assert len(google_fake.requests("gmail.users.drafts.list")) == 3


def test_repeated_fault_lasts_until_cleared(google_fake: GoogleFake, calendar: Any) -> None:
    google_fake.fail("calendar.*", 503, times=None)
    assert google_fake.pending_faults() == ["calendar.*: status 503 (forever)"]
    for _ in range(2):
        with pytest.raises(HttpError):
            calendar.events().list(calendarId="primary", singleEvents=True).execute()
    google_fake.clear_faults()
    calendar.events().list(calendarId="primary", singleEvents=True).execute()


def test_fault_on_a_misspelt_route_is_refused(google_fake: GoogleFake) -> None:
    with pytest.raises(ValueError, match="unknown route"):
        google_fake.fail("gmail.drafts.create", 500)


def test_slow_response_times_out(google_fake: GoogleFake) -> None:
    http = google_auth_httplib2.AuthorizedHttp(
        google_fake.credentials(), http=httplib2.Http(timeout=0.5)
    )
    gmail = google_fake.gmail_service(http=http)
    google_fake.delay("gmail.users.getProfile", 1.0)

    with pytest.raises(TimeoutError):
        gmail.users().getProfile(userId="me").execute()
    # The connection recovers for the next call.
    assert gmail.users().getProfile(userId="me").execute()["emailAddress"] == "me@example.com"


def test_dropped_response_raises_connection_error(google_fake: GoogleFake, gmail: Any) -> None:
    # httplib2 silently re-sends once when a connection yields no answer, so
    # one drop goes unnoticed and it takes two for the caller to see it.
    google_fake.drop("gmail.users.getProfile")
    gmail.users().getProfile(userId="me").execute()

    google_fake.drop("gmail.users.getProfile", times=2)
    with pytest.raises(ConnectionError):
        gmail.users().getProfile(userId="me").execute()


def test_lost_create_leaves_the_draft_stored(google_fake: GoogleFake, gmail: Any) -> None:
    google_fake.lose_response("gmail.users.drafts.create")
    google_fake.drop("gmail.users.drafts.create")  # and the silent re-send goes unanswered

    with pytest.raises(ConnectionError):
        _create_draft(gmail, _thank_you())
    assert [d.message_id for d in google_fake.drafts()] == ["<thanks-1@followup.local>"]
    creates = google_fake.requests("gmail.users.drafts.create")
    assert [(r.status, r.fault) for r in creates] == [(200, "lose_response"), (None, "drop")]


def test_one_lost_create_response_duplicates_the_draft(google_fake: GoogleFake, gmail: Any) -> None:
    # The hazard connectors must handle: httplib2 re-sends the POST by itself.
    google_fake.lose_response("gmail.users.drafts.create")
    _create_draft(gmail, _thank_you())
    assert len(google_fake.drafts()) == 2

"""Which events are finished interviews of yours, and who gets a note."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
from builders import ME, NOW, YOU, event, person

from daemon.core.detect import finished_interviews, interview_from, interviewers
from daemon.core.model import EventStatus, Recipient, ResponseStatus, You

GRACE = timedelta(minutes=10)
JAMIE = person("jamie.fox@acme.example", "Jamie Fox")
LOOKBACK = timedelta(hours=48)


def detect(*events):
    return finished_interviews(events, YOU, NOW, grace=GRACE, lookback=LOOKBACK)


def test_a_finished_screen_is_an_interview_with_its_interviewer():
    [interview] = detect(event())
    assert interview.recipients == (Recipient("priya.raman@acme.example", "Priya Raman"),)
    assert interview.company == "Acme"


@pytest.mark.parametrize(
    ("ended_ago", "found"),
    [
        (timedelta(minutes=5), False),  # inside the grace period
        (timedelta(minutes=10), True),
        (timedelta(hours=47), True),
        (timedelta(hours=49), False),  # beyond the lookback
        (timedelta(hours=-2), False),  # still to come
    ],
)
def test_only_interviews_ended_between_lookback_and_grace_count(ended_ago, found):
    assert bool(detect(event(ended_ago=ended_ago))) is found


@pytest.mark.parametrize(
    "title",
    [
        "Interview with Acme",
        "Acme <> Alex – Technical Screen",
        "Phone screen: Acme",
        "Acme onsite – final round",
        "Hiring Manager chat (Acme)",
        "Recruiter call – Acme",
    ],
)
def test_interview_titles_are_recognised(title):
    assert detect(event(title))


@pytest.mark.parametrize("title", ["Panel: Acme platform team", "System design – Acme", "Onsite"])
def test_words_that_need_context_count_only_with_it(title):
    assert detect(event(title)) == []
    assert detect(event(title, description="Your interview for the Staff Engineer role"))
    assert detect(event(f"Acme <> Alex – {title}"))


@pytest.mark.parametrize(
    "title",
    [
        "Mock interview with Jordan",
        "Interview prep",
        "Prep for Acme interview",
        "Weekly team sync",
        "Lunch",
        "Interview debrief – Acme",
        "Podcast interview with TechTalk",
        "User interviews: onboarding flow",
        "Screen share: quarterly numbers",
        "Panel: the future of platform teams",
        "System design review: payments",
    ],
)
def test_events_that_are_not_your_interview_produce_nothing(title):
    assert detect(event(title)) == []


def test_an_ats_invite_without_the_word_in_the_title_is_recognised_from_its_description():
    invite = event(
        "Alex Rivera / Acme",
        organizer=person("no-reply@greenhouse.io", "Greenhouse"),
        description="Your interview for Senior Backend Engineer has been scheduled.",
    )
    [interview] = detect(invite)
    assert [r.email for r in interview.recipients] == ["priya.raman@acme.example"]


def test_cancelled_and_declined_interviews_produce_nothing():
    declined_me = replace(ME, response=ResponseStatus.DECLINED)
    declined = event(attendees=(declined_me, person("priya.raman@acme.example", "Priya")))
    assert detect(event(status=EventStatus.CANCELLED), declined) == []


def test_interviews_you_conduct_with_a_colleague_and_a_candidate_produce_nothing():
    you = replace(YOU, own_domains=("currentco.example",))
    conducted = event(
        "Interview: Jordan Smith – Backend Engineer",
        attendees=(ME, person("bob.jones@currentco.example", "Bob"), person("jordan@gmail.com")),
    )
    assert interview_from(conducted, you) is None
    assert interview_from(conducted, YOU) is not None  # without own_domains it looks external


def test_your_work_address_domain_is_your_own_domain_by_default():
    you = You("Alex Rivera", "alex@currentco.example")
    me = person("alex@currentco.example", "Alex Rivera")
    conducted = event(attendees=(me, person("bob@currentco.example"), person("jordan@gmail.com")))
    assert interview_from(conducted, you) is None


def test_an_interview_you_are_not_invited_to_is_not_yours():
    shared = event(attendees=(person("priya.raman@acme.example"), person("morgan@gmail.com")))
    assert detect(shared) == []


def test_an_interviewer_at_an_ats_vendor_is_thanked():
    invite = event(
        "Interview with Workday", attendees=(ME, person("jane.doe@workday.com", "Jane Doe"))
    )
    [interview] = detect(invite)
    assert interview.recipients == (Recipient("jane.doe@workday.com", "Jane Doe"),)
    assert interview.company == "Workday"


def test_one_broken_event_is_skipped_and_the_rest_still_count(caplog):
    broken = event(uid="broken\nERROR forged", attendees=None)  # type: ignore[arg-type]
    assert [i.event.uid for i in detect(broken, event(uid="good"))] == ["good"]
    assert "skipped the event 'Acme <> Alex – Technical Screen'" in caplog.text
    assert "\nERROR forged" not in caplog.text  # a forged log line never reaches the log


@pytest.mark.parametrize(
    ("candidate", "yours"),
    [("Morgan Smith", False), ("Alex Chen", False), ("Alex Rivera", True), ("alex", True)],
)
def test_an_ats_invite_naming_another_candidate_is_not_yours(candidate, yours):
    invite = event(description=f"Candidate: {candidate}\nInterviewers: Priya Raman")
    assert bool(detect(invite)) is yours


def test_panel_recipients_exclude_you_rooms_declined_optional_silent_and_schedulers():
    panel = event(
        attendees=(
            ME,
            person("priya.raman@acme.example", "Priya Raman"),
            person("JOSE.MULLER@acme.example", "José Müller"),
            person("everest@acme.example", "Everest (6)", is_resource=True),
            person("c_188@resource.calendar.google.com", "Room 4"),
            person("dan@acme.example", "Dan", response=ResponseStatus.DECLINED),
            person("coord@acme.example", "Coordinator", non_participant=True),
            person("no-reply@acme.example", "Acme"),
            person("recruiting+invites@acme.example", "Acme Recruiting"),
            person("alex@example.com", "Alex again"),
        ),
        organizer=person("scheduling@acme.example", "Acme Scheduling"),
    )
    assert interviewers(panel, YOU) == (
        Recipient("priya.raman@acme.example", "Priya Raman"),
        Recipient("jose.muller@acme.example", "José Müller"),
    )


def test_an_organiser_who_only_schedules_is_not_thanked():
    invite = event(organizer=person("jamie.coordinator@acme.example", "Jamie Coordinator"))
    assert [r.email for r in interviewers(invite, YOU)] == ["priya.raman@acme.example"]


def test_the_organiser_is_thanked_when_nobody_else_is_invited():
    invite = event(attendees=(ME,), organizer=person("sam.taylor@globex.example", "Sam Taylor"))
    assert interviewers(invite, YOU) == (Recipient("sam.taylor@globex.example", "Sam Taylor"),)


def test_interviewers_named_only_in_an_ats_invite_are_thanked():
    invite = event(
        attendees=(ME,),
        organizer=person("acme@myworkday.com", "Acme – Talent Acquisition"),
        description=(
            "Entrevistadores:\nLaura Gómez – Directora de Ventas – laura.gomez@acme.example\n"
            "Pablo Ruiz (pablo.ruiz@acme.example)\n"
            "¿Preguntas? Escribe a Marta, marta.sanz@acme.example"
        ),
    )
    assert [r.email for r in interviewers(invite, YOU)] == [
        "laura.gomez@acme.example",
        "pablo.ruiz@acme.example",
    ]


@pytest.mark.parametrize(
    "sentence",
    [
        "Jamie Fox is copied for administrative purposes only.",
        "Jamie ist nur zur Koordination eingeladen und nimmt nicht teil.",
        "Jamie Fox no participará en la entrevista.",
    ],
)
def test_a_guest_the_invite_says_is_not_taking_part_is_not_thanked(sentence):
    invite = event(
        attendees=(ME, person("priya.raman@acme.example", "Priya Raman"), JAMIE),
        description=f"Priya will walk you through the case. {sentence}",
    )
    assert [r.email for r in interviewers(invite, YOU)] == ["priya.raman@acme.example"]


def test_the_guest_who_signs_i_wont_be_joining_is_not_thanked():
    invite = event(
        attendees=(ME, person("priya.raman@acme.example", "Priya Raman"), JAMIE),
        description="You will meet Priya.\nI won't be joining the call.\n\nJamie Fox | Acme Talent",
    )
    assert [r.email for r in interviewers(invite, YOU)] == ["priya.raman@acme.example"]


def test_someone_merely_named_beside_an_absence_is_still_thanked():
    invite = event(
        attendees=(ME, person("priya.raman@acme.example", "Priya Raman"), JAMIE),
        description="You will meet Dr. Priya Raman; Mr. Stone from HR will not join.",
    )
    assert len(interviewers(invite, YOU)) == 2


def test_an_organiser_who_says_they_are_not_there_is_not_thanked_even_alone():
    invite = event(
        attendees=(ME,),
        organizer=person("lena@acme.example", "Lena Berg"),
        description="Mit dabei ist Tom Weiss (tom@acme.example). Ich bin diesmal nicht dabei.",
    )
    assert [r.email for r in interviewers(invite, YOU)] == ["tom@acme.example"]


def test_an_interviewers_line_narrows_the_recipients():
    invite = event(
        attendees=(
            ME,
            person("priya.raman@acme.example", "Priya Raman"),
            person("jamie@acme.example", "Jamie Coordinator"),
        ),
        description="Interviewers: Priya Raman",
    )
    assert [r.name for r in interviewers(invite, YOU)] == ["Priya Raman"]


@pytest.mark.parametrize(
    "address",
    ["bad address@acme.example", "x@acme.example\r\nBcc: evil@example.org", "nobody", "a@b"],
)
def test_unusable_addresses_are_skipped_and_logged(address, caplog):
    invite = event(attendees=(ME, person(address, "Mallory")))
    assert interviewers(invite, YOU) == ()
    assert "unusable address" in caplog.text


def test_the_interviewers_line_matches_whole_names_and_addresses():
    invite = event(
        attendees=(
            ME,
            person("li@acme.example", "Li Wei"),
            person("eli@acme.example", "Eli Stone"),
            person("ann@acme.example", "Ann"),
            person("annabel@acme.example", "Annabel Lee"),
        ),
        description="Interviewers: Annabel Lee, eli@acme.example",
    )
    assert [r.email for r in interviewers(invite, YOU)] == [
        "eli@acme.example",
        "annabel@acme.example",
    ]


@pytest.mark.parametrize(
    ("cn", "name"),
    [("Smith, Jane", "Jane Smith"), ("Dr. Priya Raman", "Priya Raman"), ("Prof Li", "Li")],
)
def test_names_are_written_the_way_they_are_spoken(cn, name):
    [recipient] = interviewers(event(attendees=(ME, person("x@acme.example", cn))), YOU)
    assert recipient.name == name


def test_a_name_is_guessed_from_a_dotted_address_only():
    invite = event(attendees=(ME, person("priya.raman@acme.example"), person("pr@acme.example")))
    assert [r.name for r in interviewers(invite, YOU)] == ["Priya Raman", ""]


def test_names_with_line_breaks_are_flattened():
    invite = event(
        attendees=(ME, person("priya.raman@acme.example", "Priya\r\nBcc: x@evil.example"))
    )
    [recipient] = interviewers(invite, YOU)
    assert "\n" not in recipient.name and "\r" not in recipient.name


def test_company_role_topics_and_promises_come_from_the_notes():
    notes = (
        "<p><b>Company:</b> ACME Robotics</p><p>Role: Staff Engineer</p>"
        "<p>Topics: event sourcing; on-call</p><p>Promised: send my portfolio</p>"
    )
    interview = interview_from(event(description=notes), YOU)
    assert interview is not None
    assert (interview.company, interview.role) == ("ACME Robotics", "Staff Engineer")
    assert interview.notes.everyone.topics == ("event sourcing", "on-call")
    assert interview.notes.everyone.promises == ("send my portfolio",)


def test_company_keeps_the_titles_spelling_of_the_interviewers_domain():
    title = "DeepMind-ish <> Alex: Onsite"
    invite = event(title, attendees=(ME, person("li@deepmind-ish.example", "Li")))
    interview = interview_from(invite, YOU)
    assert interview is not None
    assert interview.company == "DeepMind-ish"


@pytest.mark.parametrize("address", ["li@globex.example", "li.wei@monzo.co.uk"])
def test_a_company_is_never_guessed_from_a_domain_alone(address):
    invite = event("Technical interview", attendees=(ME, person(address, "Li Wei")))
    interview = interview_from(invite, YOU)
    assert interview is not None
    assert interview.company == ""


def test_role_from_a_for_the_role_phrase():
    interview = interview_from(event("Interview for the Senior Data Engineer role"), YOU)
    assert interview is not None
    assert interview.role == "Senior Data Engineer"


def test_a_spoken_promise_in_the_notes_is_found():
    interview = interview_from(
        event(description="Great chat. I'll send my portfolio tomorrow."), YOU
    )
    assert interview is not None
    assert interview.notes.everyone.promises == ("send my portfolio tomorrow",)

"""What kind of interview it was: it shapes what a note thanks for.

Pure. From the title, the description and, for one interviewer of a panel,
the name of their part of the schedule: a take-home review, system design,
a technical interview, a final round, a hiring-manager conversation, a panel
or onsite, a recruiter screen, or simply an interview.
"""

from __future__ import annotations

import enum

from daemon.core.vocabulary import fold, phrases


class Kind(enum.StrEnum):
    """The kinds a note is shaped by, in the words templates test against."""

    TAKE_HOME = "take-home review"
    SYSTEM_DESIGN = "system design"
    TECHNICAL = "technical"
    FINAL = "final round"
    HIRING_MANAGER = "hiring manager"
    PANEL = "panel"
    RECRUITER = "recruiter screen"
    GENERAL = "interview"


# The first kind whose words appear wins: the more specific before the more general.
_WORDS = (
    (Kind.TAKE_HOME, phrases(
        "take-home", "take home", "assignment", "case study", "case presentation",
        "presentation of your", "review of your", "portfolio review", "portfolio presentation",
        "opdracht", "prueba tecnica", "caso practico", "teste tecnico", "case tecnico",
        "presentacao do case", "hausaufgabe", "fallstudie", "etude de cas", "mise en situation",
    )),
    (Kind.SYSTEM_DESIGN, phrases(
        "system design", "systems design", "architecture", "design interview", "deep dive",
        "systemdesign", "systementwurf", "diseno de sistemas",
    )),
    (Kind.TECHNICAL, phrases(
        "technical", "tech screen", "coding", "live coding", "pair programming", "pairing",
        "algorithms", "technisch*", "tecnica", "tecnico", "technique", "technisch", "techniczna",
        "fachgesprach", "teknisk",
    )),
    (Kind.FINAL, phrases(
        "final", "final round", "final stage", "last round", "finale", "final interview",
        "abschlussgesprach", "eindgesprek", "entrevista final", "entretien final",
    )),
    (Kind.HIRING_MANAGER, phrases(
        "hiring manager", "manager conversation", "manager chat", "with the manager",
        "team lead", "head of", "gestor", "responsable", "fuhrungskraft",
    )),
    (Kind.PANEL, phrases(
        "panel", "onsite", "on-site", "virtual onsite", "loop", "meet the team", "team interview",
        "committee", "kommission", "comite", "comision", "selectiecommissie", "assessment",
    )),
    (Kind.RECRUITER, phrases(
        "recruiter", "phone screen", "screening", "intro call", "introductory", "first call",
        "hr interview", "talent acquisition", "kennenlern*", "erstgesprach", "entretien rh",
        "entrevista rh", "prequalification", "preselection", "telefoninterview",
    )),
)  # fmt: skip


def kind_of(*texts: str) -> Kind:
    """The kind the texts (most specific first: a segment, the title, the description) say."""
    for text in texts:
        folded = fold(text)
        for kind, words in _WORDS:
            if words.search(folded):
                return kind
    return Kind.GENERAL

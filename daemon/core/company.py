"""The company and the role an interview is for, as the invite writes them.

Pure. The company comes from the notes (`Company:`), else wherever the invite
spells the interviewers' domain ("Brightwave Health" for brightwavehealth.com),
else phrases such as "…role at Brightline", "Interview with Acme" or "founder
of Mossgrove", else the part of the title that is neither the interview nor
the job, else the organiser's team name ("Acme Recruiting"), else another
invite from the same domain. A domain is never squashed into a name: when
nothing spells the company it is "", and the note says "the team". The role
comes from the notes (`Role:`), else phrases such as "for the Staff Engineer
role", "für die Stelle als …", "pour le poste de …", else the part of the
title that names a job (with its specialisation: "Product Manager,
Payments"), without gender markers such as "(m/w/d)".
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from daemon.core.model import Event, Person, You
from daemon.core.people import PUBLIC_MAIL_DOMAINS, domain_of, is_ats, organisation_of
from daemon.core.text import one_line, plain_text
from daemon.core.vocabulary import INTERVIEW, INTERVIEW_COMPOUNDS, STAGE, fold, phrases

# Words that end a company's name, kept only when the invite writes them.
_SUFFIXES = frozenset(
    {
        "gmbh", "ag", "se", "ab", "asa", "a/s", "oy", "sa", "s.a.", "s.a", "sas", "sarl", "spa",
        "s.p.a.", "srl", "s.r.l.", "bv", "b.v.", "nv", "n.v.", "ltd", "ltd.", "limited", "llc",
        "inc", "inc.", "corp", "corp.", "plc", "sp.", "z", "o.o.", "s.r.o.", "kg", "lda", "lda.",
        "ltda", "ltda.", "s.l.", "sl", "cie", "co.", "&",
    }
)  # fmt: skip
_CONNECTORS = frozenset({"&", "de", "da", "do", "dos", "das", "del", "y", "e", "und", "and", "of"})
# Phrases that put a company after them.
_AT = re.compile(
    r"(?:\b(?:at|bei|chez|en|na|no|na empresa|presso|bij|hos|ve|u|@|join|joining"
    r"|(?:co-?)?founder of|ceo of|cto of|team of|equipo de|equipe de|time da|time do)\s+|@\s*)"
    r"(?=[A-Z0-9À-Þ])",
    re.IGNORECASE,
)
_WITH = re.compile(
    r"\b(?:interview|call|chat|meeting|entrevista|entretien|colloquio)\s+(?:with|mit|con|avec|com|met|z|med)\s+(?=[A-Z0-9À-Þ])",
    re.IGNORECASE,
)
_TEAM = phrases(
    "talent acquisition", "candidate experience", "recruiting team", "hiring team", "people team",
    "recruiting", "recruitment", "talent", "talents", "talentos", "careers", "career", "hiring",
    "people", "hr", "team", "jobs", "karriere", "recrutement", "recrutamento", "reclutamiento",
    "selezione", "werving", "rekrutacja", "rekrytering", "scheduling", "no-reply", "noreply",
    "equipe", "equipo", "time de", "time", "de", "dos", "das",
)  # fmt: skip
_GENDER = re.compile(
    r"\s*[(\[]\s*(?:all genders|alle geschlechter"
    r"|[mwfdhxvk*]{1,2}(?:\s*/\s*[mwfdhxvk*]{1,2})+)\s*[)\]]"
    r"|\s+\b(?:m/w/d|w/m/d|m/f/d|f/m/x|m/v/x|H/F|F/H|k/m)\b",
    re.IGNORECASE,
)
_TAG = re.compile(r"^\s*\[[^\]]{1,30}\]\s*|\s*\((?:round|part|runde|teil|ronda|tour)[^)]*\)", re.I)
_EMOJI = re.compile(r"[\U0001F000-\U0001FFFF\u2600-\u27BF\uFE0F]")
_SEPARATOR = re.compile(r"\s+[–—|/]\s+|\s+-\s+|\s*<>\s*|\s+x\s+|\s+@\s+|\s*[()]\s*|:\s+")
# A job, in the languages of the invites; the second part also ends compound words
# ("Backendutvecklare", "Produktmanager").
_JOB = re.compile(
    r"(?<!\w)(?:engineer|developer|designer|manager|scientist|analyst|architect|lead|director"
    r"|specialist|consultant|administrator|researcher|writer|coordinator|officer|intern"
    r"|associate|owner|head|vp|cto|ceo|trainee|werkstudent\w*|praktikant\w*|stagiaire|becari[oa]"
    r"|estagi[aá]ri[oa]|stagista|responsable|gerente|analista|ingeniero|ingeniera|desarrollador\w*"
    r"|dise[nñ]ador\w*|engenheir[oa]|desenvolvedor\w*|ingegnere|sviluppatore|progettista"
    r"|d[ée]veloppeu\w*|ing[ée]nieur\w*|consultor\w*|berater\w*|leiter\w*|teamleiter\w*"
    r"|programista|in[zż]ynier\w*|projektant\w*|konsultant\w*|ontwikkelaar|ontwerper|adviseur"
    r"|utvecklare|ingenjör|ingenjor|udvikler|vyvojar|kierownik\w*|referent\w*|sachbearbeiter\w*"
    r"|entwickler\w*|chef|directeur|directrice|charg[ée]e?|teamlead|analityk|specjalista"
    r"|produkt[äa]gare|\w+[äa]gare)(?!\w)"
    r"|\w+(?:entwickler|manager\w*|leiter\w*|utvecklare|ontwerper|ontwikkelaar|designer|engineer"
    r"|architekt\w*|analytiker|berater\w*|ingenieur\w*|spezialist\w*|projektant\w*)(?!\w)",
    re.IGNORECASE,
)
# A phrase that puts the job after it, and the words that end the job in that language.
_ROLE_INTROS = (
    (r"\b(?:role|position) (?:of|as)", "at|with|in"),
    (r"f[üu]r die (?:Stelle|Position)(?: als| des| der)?", "bei|in|im"),
    (r"(?:Stelle|Position) als", "bei|in|im"),
    (r"para (?:el|la) (?:puesto|posici[oó]n|vacante) de", "en|con"),
    (r"pour le poste d[e'’]", "chez|au sein|à|a"),
    (r"(?:para )?a vaga de", "na|no|em"),
    (r"per (?:la|il) (?:posizione|ruolo) di", "presso|in"),
    (r"voor de (?:functie|vacature)(?: van| als)?", "bij|in"),
    (r"na stanowisko", "w|we"),
    (r"(?:till|för) tjänsten som", "hos|på|vid"),
)
# A role phrase never runs across another "for": "our CTO for the Staff Engineer role"
# is about the Staff Engineer role.
_ROLE_WORDS = r"(?:(?!\bfor\b)[^.;:()])"
_ROLE_NOUN = r"(?:role|position|opening|vacancy)\b"
_ROLE_AFTER = re.compile(
    "|".join(
        [
            rf"\bfor (?:the|a|an|our)\s+(?P<en>{_ROLE_WORDS}+?)\s+{_ROLE_NOUN}",
            rf"\b(?:the|our)\s+(?P<the>[A-Z]{_ROLE_WORDS}*?)\s+{_ROLE_NOUN}",
            *(
                rf"{intro}\s*(?P<r{n}>[^.;:()]+?)(?=\s+(?:{stops})\b|[,.;:)(–—|@]|$)"
                for n, (intro, stops) in enumerate(_ROLE_INTROS)
            ),
            r"\bfor\s+(?P<for>(?:[A-Z][\w/+.-]*\s+){0,4}?[A-Za-z][\w/+.-]*)"
            r"(?=\s*(?:$|[,.;:)(–—|@]|\s+at\b|\s+-\s))",
        ]
    ),
    re.IGNORECASE,
)
_NOT_COMPANIES = frozenset(
    {
        "zoom", "google meet", "meet", "teams", "microsoft teams", "webex", "us", "you", "me",
        "the team", "our team", "monday", "tuesday", "wednesday", "thursday", "friday",
        "interview", "call", "chat", "final round", "onsite", "fragen", "interesse",
        "ruckfragen", "bedarf", "questions", "preguntas", "perguntas", "domande", "vragen",
        "invitation", "updated invitation", "einladung", "invitacion", "convite", "convocation",
        "uitnodiging", "zaproszenie", "inbjudan", "invito",
    }
)  # fmt: skip


def company_of(
    event: Event,
    people: Iterable[Person],
    notes: Mapping[str, str],
    known: Mapping[str, str] | None = None,
    you: You | None = None,
) -> str:
    """The company as the invite writes it, or "" when nothing spells it."""
    if notes.get("company"):
        return one_line(notes["company"], 80)
    domains = _company_domains(people)
    title = _clean_title(event.title)
    text = one_line(plain_text(event.description), 4000)
    names = _people_names(event, you)
    for domain in domains:
        for where in (title, text):
            spelt = _spelt(organisation_of(domain), where)
            if spelt:
                return spelt
    return (
        _phrased(title, names)
        or _phrased(text, names)
        or _title_part(title, names)
        or _team_name(event.organizer)
        or next((known[d] for d in domains if known and known.get(d)), "")
    )


def _company_domains(people: Iterable[Person]) -> list[str]:
    domains = [domain_of(p.email) for p in people if not is_ats(p.email)]
    return [d for d in dict.fromkeys(domains) if d and d not in PUBLIC_MAIL_DOMAINS]


def _people_names(event: Event, you: You | None) -> set[str]:
    people = [*event.attendees, *([event.organizer] if event.organizer else [])]
    names = {fold(p.name) for p in people if p.name}
    if you is not None:
        names.add(fold(you.name))
    return names | {w for n in list(names) for w in n.split()}


def _clean_title(title: str) -> str:
    """A title without emoji, tags such as "[Interview]" or "(Round 2/3)", and people named
    with their own title ("Jordan Blake (Hiring Manager)")."""
    text = _TAG.sub(" ", _EMOJI.sub(" ", one_line(title, 300)))
    return _PERSON_TITLED.sub(_unless_a_job, text).strip()


def _unless_a_job(found: re.Match[str]) -> str:
    """Drop "Jordan Blake (Hiring Manager)"; keep "Product Owner (Gelateria Nova)"."""
    named, said = found["named"], found["said"]
    return " " if _JOB.search(said) and not _JOB.search(named) else found.group(0)


def _tokens(text: str) -> list[re.Match[str]]:
    return list(re.finditer(r"[^\s,;:|()\[\]<>–—]+", text))


def _spelt(label: str, text: str) -> str:
    """The company name in `text` that spells a domain's label ("Brightwave Health" for
    brightwavehealth), with the rest of its name ("Corvid Systems", "Banco Meridiano")."""
    wanted = re.sub(r"[^a-z0-9]", "", fold(label))
    if len(wanted) < 3:
        return ""
    tokens = _tokens(text)
    for first in range(len(tokens)):
        joined = ""
        for last in range(first, len(tokens)):
            piece = re.sub(r"[^a-z0-9]", "", fold(tokens[last].group(0)))
            if not piece or not wanted.startswith(joined + piece):
                break
            joined += piece
            if joined == wanted:
                return _whole_name(text, tokens, first, last)
    return ""


def _whole_name(text: str, tokens: list[re.Match[str]], first: int, last: int) -> str:
    """The name around tokens[first:last+1]: capitalised words and company suffixes on
    either side, up to a separator."""
    while first > 0 and _name_word(tokens[first - 1].group(0)) and _joined(text, tokens, first - 1):
        first -= 1
    while (
        last + 1 < len(tokens)
        and not _ends_sentence(tokens[last].group(0))
        and _joined(text, tokens, last)
        and _continues(tokens[last + 1].group(0))
    ):
        last += 1
    while last > first and fold(tokens[last].group(0)) in _CONNECTORS - {"&"}:
        last -= 1
    name = text[tokens[first].start() : tokens[last].end()]
    return name if fold(tokens[last].group(0)) in _SUFFIXES else name.rstrip(".,;:!?)")


def _ends_sentence(word: str) -> bool:
    """A word with a full stop that is not an abbreviation of a company suffix ends a name."""
    return word.endswith((".", "!", "?")) and fold(word) not in _SUFFIXES


def _joined(text: str, tokens: list[re.Match[str]], index: int) -> bool:
    """Whether only spaces (or ", " before a suffix) lie between tokens[index] and the next."""
    between = text[tokens[index].end() : tokens[index + 1].start()]
    following = fold(tokens[index + 1].group(0))
    return between.strip() == "" or (between.strip() == "," and following in _SUFFIXES)


def _name_word(word: str) -> bool:
    return bool(re.match(r"[A-Z0-9À-Þ&]", word)) and fold(word) not in _NOT_NAMES


def _continues(word: str) -> bool:
    folded = fold(word)
    return folded in _SUFFIXES or folded in _CONNECTORS or _name_word(word)


_NOT_NAMES = frozenset({"interview", "call", "chat", "round", "final", "onsite"})
_ROUND = re.compile(r"^(?:round|part|stage|runde|teil|ronda|etapa|tour|fase|etap)\s*\d", re.I)
# A person with their title in a title: "Interview with Jordan Blake (Hiring Manager)".
_PERSON_TITLED = re.compile(r"\b(?P<named>[A-Z][a-z]+\s+[A-Z][a-z]+)\s*\((?P<said>[^)]*)\)")


def _phrased(text: str, names: set[str]) -> str:
    """A company named by a phrase: "…role at Brightline", "founder of Mossgrove"."""
    for pattern in (_AT, _WITH):
        for match in pattern.finditer(text):
            name = _name_from(text, match.end())
            if name and _looks_like_company(name, names):
                return name
    return ""


def _name_from(text: str, start: int) -> str:
    tokens = _tokens(text[start:])
    if not tokens or not _name_word(tokens[0].group(0)):
        return ""
    return _whole_name(text[start:], tokens, 0, 0)


def _looks_like_company(name: str, names: set[str]) -> bool:
    """Not a person on the invite (nor you), not a job, not a weekday or a video service."""
    folded = fold(name)
    words = folded.split()
    if folded in names or (words and words[0] in names and len(words) <= 3):
        return False
    if _JOB.search(name) or folded in _NOT_COMPANIES or INTERVIEW.search(folded):
        return False
    return len(folded) > 1


def _title_part(title: str, names: set[str]) -> str:
    """The part of a title that is neither the interview, nor the job, nor a person:
    "Final Interview – Machine Learning Engineer – Pebble Pay"."""
    parts = [p.strip() for p in _SEPARATOR.split(_GENDER.sub("", title)) if p and p.strip()]
    if len(parts) < 2:
        return ""
    for part in reversed(parts):
        folded = fold(part)
        if INTERVIEW.search(folded) or INTERVIEW_COMPOUNDS.search(folded) or STAGE.search(folded):
            continue
        if _ROUND.match(part):
            continue
        if _name_word(part) and len(part.split()) <= 4 and _looks_like_company(part, names):
            return str(part)
    return ""


def _team_name(organiser: Person | None) -> str:
    """The company in an organiser's team name: "Acme Recruiting" is Acme,
    "Time de Talentos Caju Saúde" is Caju Saúde."""
    if organiser is None or not organiser.name or "@" in organiser.name:
        return ""
    words = organiser.name.split()
    team = [bool(_TEAM.fullmatch(fold(w))) for w in words]
    for index in range(len(words) - 1):  # two-word phrases: "Talent Acquisition"
        if _TEAM.fullmatch(fold(f"{words[index]} {words[index + 1]}")):
            team[index] = team[index + 1] = True
    kept = [w for w, dropped in zip(words, team, strict=True) if not dropped]
    name = " ".join(kept).strip(" -–|,")
    return name if name and len(kept) < len(words) and _name_word(name) else ""


def role_of(event: Event, notes: Mapping[str, str], company: str = "") -> str:
    """The job title, from the notes or phrases of the invite, without gender markers;
    `company` is never taken for part of it."""
    for label in ("role", "position", "job title", "job", "opening"):
        if notes.get(label):
            return _clean_role(notes[label])
    title = _clean_title(event.title)
    for text in (title, one_line(plain_text(event.description), 4000)):
        for match in _ROLE_AFTER.finditer(_GENDER.sub("", text)):
            role = _clean_role(next(v for v in match.groupdict().values() if v))
            if _JOB.search(role):
                return role
    return _role_in_title(title, fold(company))


def _role_in_title(title: str, company: str) -> str:
    """The part of the title naming a job, with a short specialisation after a comma or a
    dash ("Product Manager, Payments"; "Staff Software Engineer – Storage")."""
    text = _GENDER.sub("", title)
    pieces = re.split(r"(\s+[–—|/]\s+|\s+-\s+|\s*<>\s*|\s+@\s+|\s*[()]\s*|:\s+|,\s+)", text)
    for index in range(0, len(pieces), 2):
        part = pieces[index].strip()
        if not part or not _JOB.search(part) or _person_led(part):
            continue
        part = _without_interview_words(part)
        if not _JOB.search(part):
            continue
        extra = pieces[index + 2].strip() if index + 2 < len(pieces) else ""
        separator = pieces[index + 1].strip() if index + 1 < len(pieces) else ""
        special = _specialisation(extra) and fold(extra) != company
        if extra and separator in {",", "–", "—", "-"} and special:
            return _clean_role(f"{part}{',' if separator == ',' else ' ' + separator} {extra}")
        return _clean_role(part)
    return ""


def _without_interview_words(part: str) -> str:
    """A title part without the words that name the interview: "Hiring Manager Interview" is
    nothing, "Kennenlerngespräch Produktmanager:in" is Produktmanager:in."""
    folded = fold(part)
    for pattern in (INTERVIEW, STAGE):
        folded = pattern.sub(" ", folded)
    remaining = folded.split()
    kept = [w for w in part.split() if fold(w) in remaining]
    return " ".join(w for w in kept if not INTERVIEW_COMPOUNDS.search(fold(w)))


def _person_led(part: str) -> bool:
    """A title part like "Interview with Jordan Blake" names people."""
    return bool(re.search(r"\b(?:with|mit)\s+[A-Z][a-z]+\s+[A-Z][a-z]+\b", part))


def _specialisation(part: str) -> bool:
    """A short capitalised qualifier of a job ("Payments", "Storage"), not a company suffix,
    not an interview word, not a round."""
    words = part.split()
    folded = fold(part)
    return (
        1 <= len(words) <= 3
        and part[:1].isupper()
        and not _ROUND.match(part)
        and not INTERVIEW.search(folded)
        and not STAGE.search(folded)
        and folded not in _SUFFIXES
        and not _JOB.search(part)
    )


def _clean_role(role: str) -> str:
    text = _GENDER.sub("", one_line(role, 100)).strip(" ,.;:-–—")
    return re.sub(r"^(?:the|a|an)\s+", "", text, flags=re.IGNORECASE)

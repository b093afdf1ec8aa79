"""The words invites use, in the languages job seekers in Europe and the Americas meet.

Pure data and matching: every phrase list here is matched against text
folded by `fold()` (lower case, accents and special letters reduced to ASCII,
so "Vorstellungsgespräch", "VORSTELLUNGSGESPRACH" and "vorstellungsgesprach"
are one word). Languages: English, German, Spanish, French, Portuguese,
Italian, Dutch, Polish, Swedish, Danish, Norwegian and Czech.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

# Letters NFKD does not split into a base letter and an accent.
_SPECIAL = str.maketrans(
    {"ß": "ss", "ł": "l", "Ł": "l", "ø": "o", "Ø": "o", "æ": "ae", "Æ": "ae", "đ": "d", "œ": "oe"}
)


def fold(text: str) -> str:
    """`text` in lower case with accents removed: what every phrase here is matched against."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_SPECIAL))
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return stripped.casefold().replace("’", "'")


def phrases(*words: str) -> re.Pattern[str]:
    """A pattern matching any of `words` (already folded) as whole words; a trailing `*`
    lets a word continue ("entrevist*" matches "entrevista", "entrevistas")."""
    alternatives = (re.escape(w.rstrip("*")) + (r"\w*" if w.endswith("*") else "") for w in words)
    return re.compile(r"(?<!\w)(?:" + "|".join(alternatives) + r")(?!\w)")


def compounds(*stems: str) -> re.Pattern[str]:
    """A pattern matching `stems` anywhere inside a word (German and Dutch compounds)."""
    return re.compile("|".join(re.escape(stem) for stem in stems))


def first_match(patterns: Iterable[re.Pattern[str]], text: str) -> str:
    """The first phrase any pattern finds in `text` (folded), or ""."""
    for pattern in patterns:
        found = pattern.search(text)
        if found:
            return found.group(0)
    return ""


# A job interview, named as such.
INTERVIEW = phrases(
    # English
    "interview", "interviews", "interviewing", "job interview", "phone screen", "phone screening",
    "screening call", "screening interview", "technical screen", "tech screen", "recruiter screen",
    "recruiter call", "recruiter chat", "hiring manager", "final round", "final stage",
    "onsite interview",
    "on-site interview", "virtual onsite", "interview loop", "panel interview",
    "assessment centre", "assessment center",
    "case interview", "take-home review", "take home review", "team match*", "team-match*",
    "job talk", "search committee", "faculty interview", "campus visit", "teaching demo*",
    "comite de selection", "comision de seleccion",
    "comite de selecao", "commissione giudicatrice", "selectiecommissie", "komisja rekrutacyjna",
    # German
    "jobinterview", "telefoninterview", "videointerview", "bewerbertag",
    # Spanish, Portuguese
    "entrevista", "entrevistas", "entrevista de trabajo", "entrevista tecnica",
    "entrevista de emprego",
    # French
    "entretien", "entretiens", "entrevue", "entretien d'embauche",
    # Italian
    "colloquio", "colloqui",
    # Dutch
    "eindgesprek", "tweede gesprek", "derde gesprek", "selectiegesprek",
    # Polish
    "rozmowa rekrutacyjna", "rozmowa kwalifikacyjna", "rozmowa techniczna", "rozmowy rekrutacyjnej",
    "rozmowe rekrutacyjna", "rozmowe kwalifikacyjna", "rekrutacja", "rekrutacji",
    # Swedish, Danish, Norwegian
    "intervju", "intervjun", "anstallningsintervju", "jobbintervju", "jobsamtale",
    "ansaettelsessamtale", "jobbsamtale",
    # Czech
    "pohovor", "pohovoru", "prijimaci pohovor",
)  # fmt: skip
# Compound nouns that name a job interview wherever they occur inside a word.
INTERVIEW_COMPOUNDS = compounds(
    "vorstellungsgesprach", "bewerbungsgesprach", "kennenlerngesprach", "fachgesprach",
    "auswahlgesprach", "zweitgesprach", "drittgesprach", "abschlussgesprach",
    "vorstellungstermin", "sollicitatiegesprek", "kennismakingsgesprek", "sollicitatie-gesprek",
    "berufungsverfahren", "probevortrag", "kommissionsgesprach", "berufungskommission",
    "auswahlkommission", "lehrprobe", "anstallningsintervju", "jobbintervju",
    "rekryteringsintervju",
)  # fmt: skip
# A stage of a hiring loop: an interview when something else says so, not on its own
# ("Panel: the future of platform teams" is a talk).
STAGE = phrases(
    "panel", "onsite", "on-site", "hearing", "audition", "tribunal", "system design",
    "systems design", "coding", "live coding", "pair programming",
    "pairing session", "case study", "take-home", "take home", "culture fit", "culture add",
    "values", "meet the team", "deep dive", "technical round", "final", "hiring manager",
    "kennenlernen", "erstgesprach", "probearbeiten", "probetag", "fit cultural", "fit culturel",
    "prueba tecnica", "caso practico", "dinamica de grupo", "teste tecnico", "case tecnico",
    "conheca o time", "conheca a equipe", "bate-papo", "bate papo", "prova tecnica",
    "presentazione del portfolio", "portfolio presentation", "portfoliopresentatie",
    "spotkanie z zespolem", "zadanie rekrutacyjne", "kennismaking", "cultuurgesprek",
    "assignment", "exercise", "case", "caso", "exercice", "etude de cas", "opdracht",
    "designopdracht", "zadanie", "uppgift", "opgave", "ukol", "esercitazione",
)  # fmt: skip
# A hiring process or your application, spoken of: what makes a neutral title an interview.
PROCESS = phrases(
    # English
    "your application", "application for", "applied for", "you applied", "hiring process",
    "interview process", "recruitment process", "recruiting process", "selection process",
    "next step in the process", "next step in our process", "next stage", "stage of the process",
    "step of the process", "first step in our", "first stage of", "final stage", "final round",
    "interview loop", "loop for", "candidacy", "applying for", "the process for",
    "internal vacancy", "your interview panel",
    # German
    "ihre bewerbung", "deine bewerbung", "ihrer bewerbung", "deiner bewerbung", "bewerbung",
    "bewerbungsprozess", "bewerbungsverfahren", "auswahlprozess", "auswahlverfahren",
    "nachste runde", "finale runde", "finalen runde", "zweite runde", "erste runde",
    "recruitingprozess",
    # Spanish
    "tu candidatura", "su candidatura", "candidatura", "proceso de seleccion", "fase del proceso",
    "etapa del proceso", "siguiente fase", "siguiente etapa", "postulacion", "postulaste",
    "proceso de contratacion",
    # Portuguese
    "processo seletivo", "processo de selecao", "processo de recrutamento", "sua candidatura",
    "etapa do processo", "fase do processo", "proxima etapa", "ultima etapa", "primeira etapa",
    "segunda etapa", "etapa final", "do processo para", "primeira conversa do processo",
    "etapa de fit", "proceso para", "del proceso para",
    # French
    "votre candidature", "ta candidature", "processus de recrutement", "processus de selection",
    "etape du processus", "prochaine etape", "derniere etape", "premier tour", "second tour",
    "recrutement",
    # Italian
    "la tua candidatura", "la sua candidatura", "processo di selezione", "iter di selezione",
    "fase di selezione", "prossima fase", "ricerca di personale", "selezione",
    # Dutch
    "je sollicitatie", "uw sollicitatie", "sollicitatie", "sollicitatieprocedure",
    "selectieprocedure", "tweede ronde", "eerste ronde", "laatste ronde", "volgende ronde",
    # Polish
    "twoja aplikacja", "twojej aplikacji", "proces rekrutacji", "procesie rekrutacji",
    "etap rekrutacji", "etapie rekrutacji", "procesu rekrutacyjnego", "rekrutacyjn*",
    # Swedish, Danish, Norwegian, Czech
    "din ansokan", "ansokan", "rekryteringsprocess*", "din ansogning", "ansogning",
    "rekrutteringsproces*", "soknad", "vyberove rizeni", "vyberoveho rizeni", "vasi prihlasku",
)  # fmt: skip
# A job or a vacancy named: some evidence of a hiring context, not much on its own.
ROLE_CONTEXT = phrases(
    "candidate", "candidat*", "kandidat*", "bewerber*", "the role", "the position", "this role",
    "this position", "the opening", "the vacancy", "job opening", "open role", "die stelle",
    "die position", "stellenausschreibung", "el puesto", "la vacante", "vacante", "la posicion",
    "a vaga", "vaga", "le poste", "la posizione", "posizione di", "vacature", "de functie",
    "stanowisko", "na stanowisko", "tjansten", "stillingen", "pozici", "pozice",
)  # fmt: skip
# The invite says which job it is for: "for the Staff Engineer role", "pour le poste de …".
FOR_A_ROLE = re.compile(
    r"(?<!\w)(?:for (?:the|a|an|our) [\w /&+.-]{2,60}? (?:role|position|opening|vacancy)"
    r"|(?:role|position) (?:of|as) [\w /&+.-]{2,60}?(?: at| with|[,.;]|$)"
    r"|fur die (?:stelle|position) (?:als|des|der)|(?:stelle|position) als"
    r"|para (?:el|la) (?:puesto|posicion|vacante) de|pour le poste d[e']"
    r"|para a (?:vaga|posicao) de|per (?:la|il) (?:posizione|ruolo) di"
    r"|voor de (?:functie|vacature) (?:van|als)|na stanowisko|till tjansten som"
    r"|til stillingen som|na pozici)"
)
# A word that turns what follows into its opposite: "not part of a hiring process".
# ("No âmbito do processo" is Portuguese for "within the process": a bare "no" is not one.)
NEGATION = re.compile(
    r"(?<!\w)(?:not|nothing|never|kein\w*|nicht|nada|ningun\w*|sin|sem|nao|pas|aucun\w*"
    r"|non|niet|geen|nie|inte|ingen|ikke|no es|no forma|no hay|no sera)(?!\w)[^.;:!?\n]{0,25}$"
)
# About interviews but not a job interview of yours: a practice run, a talk, research.
NOT_AN_INTERVIEW = phrases(
    # English
    "mock", "mock interview", "practice interview", "practice", "practise", "prep", "rehearsal",
    "debrief", "calibration", "interviewer training", "hiring committee", "shadowing session",
    "reverse interview", "podcast", "press interview",
    "user interview", "user interviews", "customer interview", "customer interviews",
    "research interview", "research interviews", "usability", "user research", "exit interview",
    "stay interview", "webinar", "workshop", "info session", "information session",
    "open day", "open house", "career fair", "job fair", "meetup", "masterclass",
    "reference call", "reference check", "interview skills", "interview tips",
    "referenstagning", "referenssamtal", "webbinarium", "webinarium", "salon virtuel",
    "feria virtual", "feira virtual", "sesion informativa", "sessao informativa",
    "seance d'information", "sessione informativa", "informatiebijeenkomst",
    # German
    "probeinterview", "probe-interview", "ubungsinterview", "jahresgesprach",
    "mitarbeitergesprach", "austrittsgesprach", "karrieremesse", "jobmesse",
    "infoveranstaltung", "informationsveranstaltung", "infoabend", "tag der offenen tur",
    "referenzgesprach", "bewerbungstraining",
    # Spanish, Portuguese
    "simulacro", "simulacion", "simulacao", "entrevista simulada", "ensayo", "taller",
    "feria de empleo", "feira de emprego", "charla informativa", "jornada de puertas abiertas",
    "entrevista de salida", "entrevista de desligamento", "entrevista con la familia",
    "reunion de padres", "mentoria", "treino de entrevista",
    # French
    "entretien annuel", "entretien de depart", "entretien blanc", "simulation", "atelier",
    "webinaire", "forum emploi", "salon de l'emploi", "journee portes ouvertes",
    # Italian
    "simulazione", "colloquio annuale", "fiera del lavoro", "incontro informativo",
    # Dutch
    "oefengesprek", "proefinterview", "functioneringsgesprek", "exitgesprek",
    "beoordelingsgesprek", "banenmarkt", "voorlichting", "open dag",
    # Polish
    "probna rozmowa", "rozmowa probna", "warsztat*", "targi pracy", "rozmowa roczna",
    "dzien otwarty", "spotkanie informacyjne", "szkolenie",
    # Swedish, Danish, Norwegian, Czech
    "ovningsintervju", "medarbetarsamtal", "medarbejdersamtale", "medarbeidersamtale",
    "utviklingssamtale", "pohovor nanecisto", "skoleni",
)  # fmt: skip
# Compound nouns for practice and coaching, wherever they occur inside a word.
PRACTICE_COMPOUNDS = compounds(
    "intervjutraning", "intervjutrening", "interviewtraining", "sollicitatietraining",
    "bewerbungstraining", "karriarcoach", "karrierecoach", "loopbaancoach", "jobcoach",
    "provintervju", "ovningsintervju", "probeinterview", "bewerbungscoaching",
)  # fmt: skip
# Ordinary meetings and learning: not an interview, though an interview word may appear.
ORDINARY = phrases(
    "preparation", "coaching", "training", "class", "course", "lecture", "tutorial",
    "office hours", "performance review", "1:1", "one-on-one", "retro", "standup", "stand-up",
    "all hands", "all-hands", "vorbereitung", "vortrag", "schulung", "practica", "preparacion",
    "preparacao", "seminario", "tutoria", "conference", "preparazione", "voorbereiding",
    "przygotowanie",
)  # fmt: skip
# The press: an interview for an audience, not for a job.
PRESS = phrases(
    "journalist", "journaliste", "periodista", "jornalista", "giornalista", "dziennikarz",
    "magazine", "magazin", "zeitung", "newspaper", "blog", "article", "articolo", "artikel",
    "artigo", "articulo", "radio", "tv", "television", "broadcast", "recording", "episode",
    "ep", "emission", "reportage", "portrait", "portrat", "redaction", "redazione", "redaktion",
)  # fmt: skip
# An offer or its negotiation: after the interviews, not one.
OFFER = phrases(
    "offer", "offer call", "job offer", "salary", "compensation", "negotiation", "angebot",
    "vertragsangebot", "gehalt", "oferta", "propuesta", "proposta", "salario", "remuneracao",
    "offre", "salaire", "offerta", "aanbod", "salaris", "oferta pracy", "wynagrodzenie",
    "erbjudande", "tilbud", "nabidka",
)  # fmt: skip
# A recruiter's placeholder, to be replaced by the real invite.
HOLD = phrases(
    "hold", "on hold", "placeholder", "tentative hold", "details to follow", "details tbc",
    "preliminart", "preliminar", "detaljer kommer", "bloqueio", "detalhes a seguir",
    "pre-reserva", "pre-reserve", "reservation", "voorlopig", "wstepnie", "provisorisk",
    "details folgen", "einladung folgt", "invite to follow", "full invite to follow",
    "details tbd", "tbc", "tbd", "blocker", "reserved", "save the date", "platzhalter",
    "reserviert", "vorlaufig", "details folgen", "reserva", "bloqueo", "por confirmar",
    "a confirmar", "reserve", "a confirmer", "details a suivre", "riservato", "da confermare",
    "gereserveerd", "volgt nog", "rezerwacja", "do potwierdzenia", "preliminar",
)  # fmt: skip
# The description says plainly that it is not an interview.
SAYS_NOT_AN_INTERVIEW = phrases(
    "not an interview", "not a formal interview", "no interview", "kein vorstellungsgesprach",
    "kein interview", "kein bewerbungsgesprach", "no es una entrevista", "nao e uma entrevista",
    "ce n'est pas un entretien", "non e un colloquio", "geen sollicitatiegesprek",
    "to nie jest rozmowa rekrutacyjna", "inte en intervju", "ikke en jobsamtale",
)  # fmt: skip
# Job titles: a role named in an invite.
JOB_NOUNS = (
    "engineer", "developer", "designer", "manager", "scientist", "analyst", "architect", "lead",
    "director", "specialist", "consultant", "administrator", "researcher", "writer", "coordinator",
    "officer", "intern", "entwickler", "ingenieur", "berater", "ingeniero", "desarrollador",
    "analista", "disenador", "ingenieur", "developpeur", "concepteur", "chef de projet",
    "sviluppatore", "progettista", "ontwikkelaar", "ontwerper", "programista", "inzynier",
    "projektant", "utvecklare", "udvikler", "vyvojar",
)  # fmt: skip
# Words a person writes when they, the organiser, will be there too.
ORGANISER_JOINS = phrases(
    "i will join", "i'll join", "i will be joining", "i'll be joining", "i'll also join",
    "i will also join", "i'll be there", "i will be there", "joined by me", "with me and",
    "together with me", "and myself", "and me", "ich bin auch dabei", "ich bin dabei",
    "sowie ich", "und ich", "mit mir", "gemeinsam mit mir", "je serai present*", "avec moi",
    "et moi-meme", "et moi", "conmigo", "y yo", "y yo misma", "y yo mismo", "estare presente",
    "comigo", "e eu", "estarei presente", "con me", "e io", "saro present*", "anch'io",
    "met mij", "en ik", "ik ben ook aanwezig", "ik schuif aan", "ze mna", "i ja", "bede obecn*",
    "med mig", "och jag", "og jeg", "se mnou", "a ja",
)  # fmt: skip
# Words a person writes when they only organised the interview.
ORGANISER_ABSENT = phrases(
    "i won't join", "i will not join", "i won't be joining", "i will not be joining",
    "i won't attend", "i will not attend", "without me", "on behalf of", "i'm only scheduling",
    "i only scheduled", "ich bin nicht dabei", "selbst nicht dabei", "nicht dabei", "ohne mich",
    "nehme nicht teil", "nur organisiert", "no estare", "no participare",
    "nao estarei", "nao vou participar", "je ne serai pas", "non saro present*",
    "ik ben er niet bij", "nie bede", "nie wezme udzialu", "jag deltar inte",
)  # fmt: skip
# Someone who only watches an interview: a shadow, an observer, a trainee.
OBSERVER = phrases(
    "shadow", "shadowing", "reverse shadow", "observer", "observes", "only listens", "listen in",
    "listening in", "in training", "trainee", "hospitant*", "hospitier*", "hort zu", "zuhorend",
    "beobachte*", "oyente", "observador*", "solo escucha", "solo para escuchar", "en formacion",
    "sin evaluar", "ouvinte", "en observation", "observation",
    "sem avaliar", "so observa", "observateur", "observatrice", "ecoute", "osservator*",
    "ascolta", "luistert mee", "kijkt mee", "meeluisteren", "obserwator*", "przysluchuje",
    "observator*", "to observe", "observe", "will not ask questions", "won't ask questions",
    "not ask questions", "inga fragor", "keine fragen", "stellt keine fragen", "protokoll",
    "fuhrt das protokoll", "minute-taker", "minute taker", "takes the minutes", "note-taker",
    "takes notes", "prend des notes", "toma notas", "anota", "sans poser de questions",
    "sin hacer preguntas", "sem fazer perguntas", "senza fare domande",
)  # fmt: skip
# A line about how to reach someone, not about who interviews.
CONTACT = phrases(
    "question", "questions", "contact", "reach me", "reach out", "get in touch", "write to",
    "fragen", "kontakt", "pregunta*", "contacto", "duvida*", "contato", "contacter",
    "domande", "contatto", "vragen", "pytania", "fragor", "sporgsmal", "dotaz*", "help",
    "hilfe", "ayuda", "ajuda", "aide", "aiuto", "hulp", "pomoc", "hjalp",
)  # fmt: skip
# What a calendar kept for the job search tends to be called.
JOB_SEARCH_CALENDAR = phrases(
    "job search", "job hunt", "jobsearch", "interviews", "applications", "recruiting",
    "bewerbung*", "jobsuche", "busqueda de empleo", "busca de emprego", "recherche d'emploi",
    "candidatures", "ricerca lavoro", "sollicitaties", "rekrutacje", "jobbsok", "jobsogning",
    "procura de emprego", "job hunting", "job-hunt", "jobsoeken", "szukanie pracy",
)  # fmt: skip

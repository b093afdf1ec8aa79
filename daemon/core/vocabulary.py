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
    "interview", "interviews", "interviewing", "interviewer", "interviewers", "job interview",
    "phone screen", "phone screening",
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
    "hausubung", "hausaufgabe", "domaci ukol", "home assignment", "tarea tecnica",
    "technicke kolo", "parove programovani", "seznameni s tymem", "prakticky ukol",
    "round 1", "round 2", "round 3", "round 4", "round one", "round two", "round three",
    "first round", "second round", "third round", "1st round", "2nd round", "3rd round",
    "runde 2", "runde 3", "2. runde", "3. runde", "ronda 2", "segunda ronda", "tercera ronda",
    "rodada 2", "segunda rodada", "2e tour", "2eme tour", "deuxieme tour", "secondo round",
    "ronde 2", "tweede ronde", "runda 2", "druga runda", "andra rundan", "anden runde",
    "2. kolo", "druhe kolo", "prvni kolo", "finalni kolo",
    "assessment", "assessment center", "assessment centre",
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
    "du poste", "au poste", "ce poste", "un poste", "la plaza", "a posicao", "il ruolo",
    "de vacature", "het vacature", "volne misto",
)  # fmt: skip
# The invite asks about you as a candidate: your background, your pay, when you could start.
ABOUT_YOU = phrases(
    # English
    "your background", "your experience", "your profile", "your cv", "your resume",
    "your career so far", "your journey", "salary expectation*", "compensation expectation*",
    "notice period", "when you could start", "what you would do here", "what you'd do here",
    "walk me through your",
    # German
    "deinen werdegang", "ihren werdegang", "deine erfahrung*", "ihre erfahrung*",
    "deinen lebenslauf", "ihren lebenslauf", "gehaltsvorstellung*", "kundigungsfrist",
    # Spanish
    "tu experiencia", "su experiencia", "tu trayectoria", "su trayectoria", "tu perfil",
    "su perfil", "expectativa* salarial*", "pretension* salarial*", "tu disponibilidad",
    # Portuguese
    "sua experiencia", "sua trajetoria", "seu perfil", "seu curriculo",
    "pretensao salarial", "expectativa salarial", "sua disponibilidade",
    # French
    "ton parcours", "votre parcours", "ton profil", "votre profil", "ton experience",
    "votre experience", "pretentions salariales", "ton preavis", "votre preavis",
    # Italian
    "il tuo percorso", "il suo percorso", "la tua esperienza", "la sua esperienza",
    "il tuo profilo", "il suo profilo", "aspettative economiche", "preavviso",
    # Dutch
    "je achtergrond", "jouw achtergrond", "uw achtergrond", "je ervaring", "jouw ervaring",
    "uw ervaring", "salarisindicatie", "salariswens*", "opzegtermijn",
    # Polish
    "twoje doswiadczenie", "pana doswiadczenie", "pani doswiadczenie",
    "oczekiwania finansowe", "oczekiwania placowe", "okres wypowiedzenia",
    # Swedish, Danish, Norwegian
    "din bakgrund", "din erfarenhet", "loneansprak", "uppsagningstid", "din baggrund",
    "din erfaring", "oppsigelsestid", "opsigelsesvarsel",
    # Czech
    "tve zkusenosti", "vase zkusenosti", "tvuj zivotopis", "vas zivotopis",
    "platove predstavy", "vypovedni lhut*", "co bys u nas", "co byste u nas",
)  # fmt: skip
# The people on the invite say they are hiring: what a founder or a manager writes.
HIRING = phrases(
    # English
    "we're hiring", "we are hiring", "about to hire", "looking to hire", "hire our first",
    "hiring our first", "our first hire", "we're looking for a", "we are looking for a",
    "growing the team", "grow the team", "building the team", "build out the team",
    # German
    "wir suchen", "wir stellen ein", "unser team verstarken", "verstarkung fur",
    # Spanish
    "estamos contratando", "estamos buscando", "buscamos a", "armando el equipo",
    "creciendo el equipo", "sumarte al equipo", "unirte al equipo",
    # Portuguese
    "estamos buscando", "procuramos", "reforcar o time", "reforcar a equipe",
    "fazer parte do time", "fazer parte da equipe",
    # French
    "nous recrutons", "on recrute", "nous cherchons", "on cherche", "rejoindre l'equipe",
    "rejoindre notre equipe", "renforcer l'equipe", "les recrutements",
    # Italian
    "stiamo assumendo", "stiamo cercando", "cerchiamo", "entrare nel team",
    "rafforzare il team",
    # Dutch
    "we zoeken", "wij zoeken", "ons team versterken", "versterking voor",
    # Polish
    "szukamy", "rekrutujemy", "zatrudniamy", "dolaczyc do zespolu",
    # Swedish, Danish, Norwegian
    "vi soker", "vi anstaller", "vi soger", "vi ansaetter", "vi ansetter",
    # Czech
    "hledame", "nabirame", "prijimame", "posilu do tymu",
)  # fmt: skip
# The invite says which job it is for: "for the Staff Engineer role", "pour le poste de …".
FOR_A_ROLE = re.compile(
    r"(?<!\w)(?:(?:for|about|regarding) (?:the|a|an|our) [\w /&+.-]{2,60}?"
    r" (?:role|position|opening|vacancy)"
    r"|(?:role|position) (?:of|as) [\w /&+.-]{2,60}?(?: at| with|[,.;]|$)"
    r"|fur die (?:stelle|position) (?:als|des|der)|(?:stelle|position) als"
    r"|(?:para|sobre|de) (?:el|la) (?:puesto|posicion|vacante|plaza) de"
    r"|(?:pour|sur|du|au) (?:le )?poste d[e']"
    r"|(?:para|sobre) a (?:vaga|posicao) de|per (?:la|il) (?:posizione|ruolo) di"
    r"|voor de (?:functie|vacature) (?:van|als)|na stanowisko|till tjansten som"
    r"|til stillingen som|na pozici"
    r"|^[ \t*•-]*(?:role|position|job|pozice|puesto|poste|posicao|vaga|stelle|functie"
    r"|stanowisko|ruolo|posizione|tjanst|stilling)[ \t]*:[ \t]*\S)",
    re.MULTILINE,
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
# Words said of a guest who is on the invite but will not take part.
ABSENT = phrases(
    "will not be present", "won't be present", "will not be on the call", "won't be on the call",
    "will not be joining", "won't be joining", "will not join", "won't join", "not attending",
    "will not attend", "won't attend", "administrative purposes", "for information only",
    "fyi only", "for visibility only", "nicht teil", "nicht teilnehmen", "nur zur koordination",
    "nur zur information", "nicht anwesend", "nicht dabei", "no participara", "no asistira",
    "no estara presente", "solo en copia", "nao participara", "nao estara presente",
    "apenas em copia", "ne participera pas", "ne sera pas present*", "en copie pour information",
    "pour information seulement", "non partecipera", "non sara present*", "solo in copia",
    "neemt niet deel", "niet aanwezig", "alleen ter informatie", "nie wezmie udzialu",
    "nie bedzie obecn*", "tylko do wiadomosci", "deltar inte", "deltager ikke", "deltar ikke",
    "neucastni se", "nebude pritomn*", "jen pro informaci", "pouze pro informaci",
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
    "stellensuche", "busqueda", "busqueda de trabajo", "hledani prace", "hledani zamestnani",
    "poszukiwanie pracy", "cerca lavoro", "recherche de poste", "arbetssokande", "jobsoging",
)  # fmt: skip

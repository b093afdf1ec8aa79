"""Which name to greet someone by: their given name, read with the help of their address.

Pure. A calendar shows names in many orders ("Trần Thị Lan", "Lim Jia Hui",
"Smith, Jane", "Boer, W. de (Willem)"); an address's local part often says
which word is the given name (`lan.tran@`, `jiahui.lim@`). `given_name`
returns the given name when the name and the address agree on it, the first
word for a name in the Western order when nothing says otherwise, and the
full name when it stays unclear: "Hi Trần Thị Lan" is better than "Hi Trần".
"""

from __future__ import annotations

import re

from daemon.core.vocabulary import fold

# Family names that usually come first: a name starting with one is not greeted by its
# first word unless the address says so.
FAMILY_FIRST = frozenset(
    {
        # Chinese (Mandarin and Cantonese spellings), Singaporean, Malaysian
        "wang", "li", "zhang", "liu", "chen", "yang", "huang", "zhao", "wu", "zhou", "xu",
        "sun", "ma", "zhu", "hu", "guo", "he", "lin", "luo", "gao", "zheng", "liang", "xie",
        "tang", "song", "han", "feng", "deng", "cao", "peng", "zeng", "xiao", "tian", "dong",
        "pan", "yuan", "cai", "jiang", "yu", "du", "ye", "cheng", "wei", "su", "lu", "ding",
        "ren", "shen", "yao", "jin", "qian", "lim", "tan", "ong", "goh", "teo", "ng", "chua",
        "koh", "chan", "wong", "cheung", "leung", "lau", "tsang", "yeung", "fung", "kwok",
        # Korean
        "kim", "lee", "park", "choi", "jung", "jeong", "kang", "cho", "yoon", "jang", "shin",
        "yoo", "ryu", "hwang", "ahn", "oh", "seo", "kwon", "hong",
        # Vietnamese
        "nguyen", "tran", "le", "pham", "hoang", "huynh", "phan", "vu", "vo", "dang", "bui",
        "do", "ho", "ngo", "duong", "ly",
        # Japanese
        "sato", "suzuki", "takahashi", "tanaka", "watanabe", "ito", "yamamoto", "nakamura",
        "kobayashi", "kato", "yoshida", "yamada", "sasaki", "yamaguchi", "matsumoto", "inoue",
        "kimura", "hayashi", "shimizu", "yamazaki", "mori", "abe", "ikeda", "hashimoto",
        # Hungarian
        "nagy", "kovacs", "toth", "szabo", "horvath", "varga", "kiss", "molnar", "nemeth",
        "farkas", "balogh", "papp", "takacs", "juhasz", "lakatos", "meszaros", "olah", "simon",
    }
)  # fmt: skip
_HONORIFIC = re.compile(
    r"^(?:dr|dra|prof|professor|mr|mrs|ms|miss|mx|sir|dame|herr|frau|sr|sra|srta|mme|mlle|m"
    r"|dott|dott\.ssa|ing|mgr|ir|drs|mag)\.?$",
    re.IGNORECASE,
)
_INITIAL = re.compile(r"^[^\W\d_]\.?$|^(?:[^\W\d_]\.){2,}$")


def given_name(name: str, address: str = "") -> str:
    """The name to greet someone by (see the module docstring); "" when there is none."""
    local = _local_words(address)
    preferred = _preferred(name, local)
    if preferred:
        return preferred
    words = _cased(_words(name))
    if not words:
        return _from_address(address)
    start, end = _spelt_by_address(words, local)
    family_first = len(words) > 1 and fold(words[0]) in FAMILY_FIRST
    if end and (start or not family_first):
        return " ".join(words[start:end])
    if _INITIAL.match(words[0]):
        return _from_initial(words, local) or " ".join(words)
    if family_first:
        return " ".join(words)
    if len(words) >= 4 and not _PARTICLES & {fold(w) for w in words}:
        return " ".join(words[:2])  # two given names, two family names: María José García López
    return words[0]


_PARTICLES = frozenset({"van", "der", "den", "de", "von", "di", "da", "du", "del", "la", "le"})


def _words(name: str) -> list[str]:
    """The words of a name, honorifics and bracketed departments left out."""
    text = re.sub(r"\([^)]*\)|\[[^]]*\]", " ", name)
    if "@" in text:
        return []
    return [w for w in re.split(r"\s+", text.strip().strip(",")) if w and not _HONORIFIC.match(w)]


def _cased(words: list[str]) -> list[str]:
    """A name from an HR system in capitals, written as a name: RAVI PATEL is Ravi Patel."""
    if len(words) == 1 and len(words[0]) <= 3:
        return words  # initials: JS
    if all(w.isupper() for w in words if any(c.isalpha() for c in w)):
        return [w.title() if len(w.strip(".")) > 1 else w for w in words]
    return words


def _preferred(name: str, local: list[str]) -> str:
    """A preferred name in brackets the address confirms: "Wong Ka Wai (Kevin)", kevin.wong@."""
    for inside in re.findall(r"\(([^()]{2,30})\)", name):
        if local and re.sub(r"[^a-z]", "", fold(inside)) == local[0]:
            return str(inside).strip()
    return ""


def _from_initial(words: list[str], local: list[str]) -> str:
    """ "J. Smith" at john.smith@: the address spells out what the initial stands for."""
    initial = fold(words[0])[:1]
    family = re.sub(r"[^a-z]", "", fold(words[-1]))
    if (
        len(local) >= 2
        and local[0].startswith(initial)
        and len(local[0]) > 2
        and local[-1] == family
    ):
        return local[0].capitalize()
    return ""


def _local_words(address: str) -> list[str]:
    local = address.split("@", 1)[0] if "@" in address else ""
    return [w for w in re.split(r"[._+-]+|\d+", fold(local)) if w]


def _spelt_by_address(words: list[str], local: list[str]) -> tuple[int, int]:
    """The run of name words (start, end) the address's first word spells: `jiahui` is
    Jia Hui, `lan` is Lan; (0, 0) when the address spells none."""
    if not local:
        return 0, 0
    folded = [re.sub(r"[^a-z]", "", fold(w)) for w in words]
    for start in range(len(folded)):
        joined = ""
        for end in range(start, len(folded)):
            joined += folded[end]
            initials = all(_INITIAL.match(w) for w in words[start : end + 1])
            if joined == local[0] and not initials:
                return start, end + 1
            if not local[0].startswith(joined):
                break
    return 0, 0


def _from_address(address: str) -> str:
    """A given name from a `first.last` address when the name is unknown, else ""."""
    local = re.sub(r"\d+$", "", address.split("@", 1)[0] if "@" in address else "")
    parts = re.split(r"[._]", local)
    if len(parts) == 2 and all(p.replace("-", "").isalpha() and len(p) > 1 for p in parts):
        return "-".join(piece.capitalize() for piece in parts[0].split("-"))
    return ""

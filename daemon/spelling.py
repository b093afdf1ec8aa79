"""The English dictionary notes are checked against: pyspellchecker's, plus the terms of the trade.

The dictionary is read on first use (a quarter of a second), so commands that
do not write or check notes never pay for it. Words of the interview itself
(names, the company, the role, your notes) are allowed by the proofreader;
this module adds the technical and hiring vocabulary a general dictionary
lacks.
"""

from __future__ import annotations

import contextlib
import ctypes
import functools
import gc
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spellchecker import SpellChecker

# Words of software, data and hiring that a general English dictionary does not know.
TERMS = frozenset(
    {
        "api", "apis", "backend", "backends", "frontend", "frontends", "fullstack", "devops",
        "devsecops", "sre", "mlops", "dataops", "kubernetes", "docker", "terraform", "ansible",
        "postgres", "postgresql", "mysql", "sqlite", "redis", "kafka", "rabbitmq", "graphql",
        "grpc", "json", "yaml", "html", "css", "javascript", "typescript", "nodejs", "golang",
        "rust", "scala", "kotlin", "swift", "python", "django", "flask", "fastapi", "react", "vue",
        "angular", "nextjs", "microservice", "microservices", "monolith", "serverless", "lambda",
        "saas", "paas", "iaas", "onboarding", "offboarding", "roadmap", "roadmaps", "okr", "okrs",
        "kpi", "kpis", "ux", "ui", "ui/ux", "figma", "wireframe", "wireframes", "prototyping",
        "jira", "confluence", "github", "gitlab", "bitbucket", "ci", "cd", "ci/cd", "observability",
        "opentelemetry", "prometheus", "grafana", "datadog", "sentry", "dashboard", "dashboards",
        "etl", "elt", "dbt", "airflow", "snowflake", "bigquery", "redshift", "databricks", "spark",
        "pyspark", "hadoop", "llm", "llms", "nlp", "ml", "ai", "genai", "pytorch", "tensorflow",
        "scikit", "sklearn", "pandas", "numpy", "jupyter", "mlflow", "a/b", "ab", "experimentation",
        "stakeholder", "stakeholders", "upskilling", "reskilling", "fintech", "healthtech",
        "edtech", "proptech", "insurtech", "startup", "startups", "scaleup", "scaleups", "b2b",
        "b2c", "gtm", "crm", "erp", "sap", "salesforce", "hubspot", "webhook", "webhooks", "oauth",
        "sso", "idempotent", "idempotency", "latency", "throughput", "sharding", "failover",
        "runbook", "runbooks", "postmortem", "postmortems", "on-call", "oncall", "pagerduty",
        "sprint", "sprints", "scrum", "kanban", "retro", "retros", "standup", "standups",
    }
)  # fmt: skip


@functools.cache
def _checker() -> SpellChecker:
    # Suggestions one edit away only: two edits cost seconds on a long unknown word, and a
    # note from a stranger's calendar must never stall proofreading.
    from spellchecker import SpellChecker  # only when a note is checked: see the docstring

    return SpellChecker(language="en", distance=1)


def release_dictionary() -> None:
    """Let the dictionary go (it is read again when next needed), and hand the memory it
    and the cycle held back to the system, where the C library allows it."""
    _checker.cache_clear()
    gc.collect()
    # glibc keeps freed memory otherwise; elsewhere the next load reuses it instead.
    with contextlib.suppress(AttributeError, OSError):
        ctypes.CDLL(None).malloc_trim(0)


# Answers kept across cycles, so composing the same notes again needs no dictionary.
_REMEMBERED = 20_000


class EnglishLexicon:
    """`known(word)`: whether a lower-case word is English or a term of the trade.

    Answers are remembered (up to `_REMEMBERED` words), so that a daemon composing
    the same notes at every cycle, to see whether they changed, does not read the
    dictionary again once `release_dictionary` let it go.
    """

    def __init__(self) -> None:
        self._answers: dict[str, bool] = {}

    def known(self, word: str) -> bool:
        """Whether `word` is in the dictionary or the terms."""
        lowered = word.lower().strip("'’-")
        if lowered.endswith(("'s", "’s")):
            lowered = lowered[:-2]
        parts = [p for p in lowered.split("-") if p]  # "take-home": each part is a word
        return all(self._known_part(part) for part in parts)

    def _known_part(self, part: str) -> bool:
        if part in TERMS or not any(c.isalpha() for c in part):
            return True
        answer = self._answers.get(part)
        if answer is None:
            if len(self._answers) >= _REMEMBERED:
                self._answers.clear()
            answer = self._answers[part] = bool(_checker().known([part]))
        return answer

    def suggestion(self, word: str) -> str:
        """The dictionary's likeliest correction of `word`, or "" when it has none."""
        corrected = _checker().correction(word.lower())
        return corrected if corrected and corrected != word.lower() else ""

"""How a command's errors and warnings read, in the configured language: `evalkit <command>: error: …` (`fejl`,
`advarsel` in Danish). The rules send a command's output to its log; the workflow's handlers find these lines
there by that form (evalkit.guard) and repeat them last on the console, where people look.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Mapping
from typing import ClassVar

from evalkit.duck import ENV_VAR, MEMORY_SHARE, Resources

LANGUAGES = ("da", "en")
# The configured language, set by the workflow for every job: the language of the messages only, so a change of
# it reruns nothing (a param or the command line would).
LANGUAGE_ENV = "EVALKIT_LANGUAGE"


def language(configured: str | None = None) -> str:
    """The language messages are in where a command is not told (--lang): the configured one where the command was
    given a config, else the workflow's (EVALKIT_LANGUAGE), else Danish."""
    if configured in LANGUAGES:
        return configured
    return os.environ.get(LANGUAGE_ENV) if os.environ.get(LANGUAGE_ENV) in LANGUAGES else "da"


def text(catalogue: Mapping[str, Mapping[str, str]], code: str, language: str = "en", /, **params: object) -> str:
    """A message of a catalogue {"da": {code: text}, "en": {code: text}}, its {placeholders} filled in."""
    return catalogue["da" if language == "da" else "en"][code].format(**params)


class Failure(Exception):
    """An error told in the language of whoever shows it: a code of the class's TEXT catalogue (see text()) and the
    values its text names. str() is the English text; message(language) the text in a language."""

    TEXT: ClassVar[Mapping[str, Mapping[str, str]]] = {"da": {}, "en": {}}

    def __init__(self, code: str, **params: object):
        self.code, self.params = code, params
        super().__init__(self.message())

    def message(self, language: str = "en") -> str:
        return text(self.TEXT, self.code, language, **self.params)


SEVERITY = {"error": {"en": "error", "da": "fejl"}, "warning": {"en": "warning", "da": "advarsel"}}
# A line a command wrote with say(), in either language.
LINE = re.compile(
    r"^evalkit [\w-]+: (?P<severity>" + "|".join(word for words in SEVERITY.values() for word in words.values()) + "): "
)
ERROR_WORDS = frozenset(SEVERITY["error"].values())


def line(command: str, severity: str, message: str, language: str = "en") -> str:
    """`evalkit <command>: <severity>: message`, severity error or warning in the language."""
    return f"evalkit {command}: {SEVERITY[severity]['da' if language == 'da' else 'en']}: {message}"


def say(command: str, severity: str, message: str, language: str = "en") -> None:
    """Write line(...) to stderr (the job's log, where the rule sends it)."""
    print(line(command, severity, message, language), file=sys.stderr)


# Added to a delivery problem that stops the run only because the config asks for strict deliveries.
STRICT = {
    "en": "strict_deliveries is true in the config, so the run stops here and no figure is made from these "
    "deliveries. Run again once they are right; if the delivery is intended as it is, set strict_deliveries: false, "
    "which only warns.",
    "da": "strict_deliveries er true i konfigurationen, så kørslen stopper her, og ingen figur laves ud fra disse "
    "leverancer. Kør igen, når de er rettet; er leverancen tilsigtet, som den er, så sæt strict_deliveries: false, "
    "som kun advarer.",
}


def strict_note(language: str = "en") -> str:
    return STRICT["da" if language == "da" else "en"]


OUT_OF_MEMORY = {
    "en": "{stage} ran out of memory at DuckDB's limit of {limit} ({why}). {what}",
    "da": "{stage} løb tør for hukommelse ved DuckDB's grænse på {limit} ({why}). {what}",
}
_STAGE = {
    "warehouse": {"en": "the warehouse", "da": "lageret (warehouse)"},
    "tables": {"en": "the figure tables", "da": "figurtabellerne"},
    "ingest": {"en": "the ingest", "da": "indlæsningen"},
}
_WHY = {
    "env": {"en": "set by {env}={value}", "da": "sat af {env}={value}"},
    "default": {"en": "DuckDB's default", "da": "DuckDB's standard"},
    "rule": {
        "en": "{share:.0f} % of the rule's resources mem_mb={mem_mb}",
        "da": "{share:.0f} % af reglens resources mem_mb={mem_mb}",
    },
}
_WHAT = {
    "default": {
        "en": "Give the command --memory-mb, or set {env} (e.g. 4GB), within the machine's memory, and run again.",
        "da": "Giv kommandoen --memory-mb, eller sæt {env} (fx 4GB), inden for maskinens hukommelse, og kør igen.",
    },
    "env": {
        "en": "Raise {env} (e.g. 4GB) or unset it, within the machine's memory, and run again.",
        "da": "Hæv {env} (fx 4GB) eller fjern den, inden for maskinens hukommelse, og kør igen.",
    },
    "rule": {
        "en": "Raise resources mem_mb for the rule, e.g. snakemake --set-resources {rule}:mem_mb={more} --resources "
        "mem_mb={more} (or set {env}, e.g. 4GB, which overrides the limit), within the machine's memory, and run "
        "again.",
        "da": "Hæv reglens resources mem_mb, fx snakemake --set-resources {rule}:mem_mb={more} --resources "
        "mem_mb={more} (eller sæt {env}, fx 4GB, som tilsidesætter grænsen), inden for maskinens hukommelse, og kør "
        "igen.",
    },
}
# The Snakemake rule each command runs in, for the advice.
_RULE = {"warehouse": "warehouse", "tables": "figure_tables", "ingest": "ingest"}


def out_of_memory(stage: str, resources: Resources, language: str = "en") -> str:
    """What to do when DuckDB hit its memory limit in a stage: the limit, where it came from, how to raise it."""
    lang = "da" if language == "da" else "en"
    source = "env" if os.environ.get(ENV_VAR) else "rule" if resources.memory_mb else "default"
    values = {
        "env": ENV_VAR,
        "value": os.environ.get(ENV_VAR, ""),
        "share": MEMORY_SHARE * 100,
        "mem_mb": resources.memory_mb,
        "rule": _RULE[stage],
        "more": 2 * (resources.memory_mb or 0),
    }
    limit = resources.memory_limit or "?"
    return OUT_OF_MEMORY[lang].format(
        stage=_STAGE[stage][lang],
        limit=limit,
        why=_WHY[source][lang].format(**values),
        what=_WHAT[source][lang].format(**values),
    )

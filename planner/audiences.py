"""Who a session is for: one vocabulary, shown in French, used by the API, the booking form,
the feeds' filters and the pages. Free-typed tags fragmented the filters ("16-25", "jeunes",
"jeunes-16-25" were three audiences); :data:`SYNONYMS` is how the tags typed before map onto it.
"""

from __future__ import annotations

from enum import StrEnum

from geo.text import fold


class Audience(StrEnum):
    """An audience a session is meant for (codes are stable: feeds' addresses use them)."""

    YOUNG = "jeunes-16-25"
    JOBSEEKERS = "demandeurs-emploi"
    WOMEN = "femmes"
    RSA = "allocataires-rsa"
    CREATORS = "createurs"
    SENIORS = "seniors"
    DISABILITY = "handicap"
    PARENTS = "parents"
    EVERYONE = "tous-publics"


AUDIENCE_LABELS: dict[Audience, str] = {
    Audience.YOUNG: "jeunes de 16 à 25 ans",
    Audience.JOBSEEKERS: "demandeurs d'emploi",
    Audience.WOMEN: "femmes",
    Audience.RSA: "allocataires du RSA",
    Audience.CREATORS: "créateurs et créatrices d'entreprise",
    Audience.SENIORS: "seniors (50 ans et plus)",
    Audience.DISABILITY: "personnes en situation de handicap",
    Audience.PARENTS: "parents",
    Audience.EVERYONE: "tous publics",
}
"""French labels, as pages and calendar CATEGORIES show them."""

SYNONYMS: dict[str, Audience] = {
    **{fold(a.value): a for a in Audience},
    "16 25": Audience.YOUNG,
    "jeunes": Audience.YOUNG,
    "jeune": Audience.YOUNG,
    "moins de 26 ans": Audience.YOUNG,
    "demandeurs": Audience.JOBSEEKERS,
    "demandeurs d emploi": Audience.JOBSEEKERS,
    "demandeur d emploi": Audience.JOBSEEKERS,
    "de": Audience.JOBSEEKERS,
    "chomeurs": Audience.JOBSEEKERS,
    "femme": Audience.WOMEN,
    "rsa": Audience.RSA,
    "beneficiaires rsa": Audience.RSA,
    "allocataires du rsa": Audience.RSA,
    "createur": Audience.CREATORS,
    "creation": Audience.CREATORS,
    "creation d entreprise": Audience.CREATORS,
    "entrepreneurs": Audience.CREATORS,
    "senior": Audience.SENIORS,
    "50 ans et plus": Audience.SENIORS,
    "rqth": Audience.DISABILITY,
    "personnes handicapees": Audience.DISABILITY,
    "tous": Audience.EVERYONE,
    "tout public": Audience.EVERYONE,
    "tous public": Audience.EVERYONE,
    "grand public": Audience.EVERYONE,
}
"""Tags typed before the vocabulary (folded: case, accents and dashes ignored) and the audience
each meant; a tag not listed meant none and is dropped by the migration."""


def audience_of(tag: str) -> Audience | None:
    """The audience an old free-typed ``tag`` meant, if any."""
    return SYNONYMS.get(fold(tag))


def audience_label(code: str) -> str:
    """The French label of an audience code (the code itself for one outside the vocabulary)."""
    try:
        return AUDIENCE_LABELS[Audience(code)]
    except ValueError:
        return code

"""Audiences from one vocabulary: each free-typed tag becomes the audience it meant
(``planner.audiences.SYNONYMS``: "16-25" and "jeunes" are both ``jeunes-16-25``), a tag meaning
none is dropped, and the sessions concerned get a new shown version (their feeds change).

The mapping is written out here, as it stood, so that this migration means the same forever.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04 07:00:00
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0009'
down_revision: str | None = '0008'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CODES = (
    'jeunes-16-25', 'demandeurs-emploi', 'femmes', 'allocataires-rsa', 'createurs', 'seniors',
    'handicap', 'parents', 'tous-publics',
)
SYNONYMS = {
    '16 25': 'jeunes-16-25', 'jeunes': 'jeunes-16-25', 'jeune': 'jeunes-16-25',
    'moins de 26 ans': 'jeunes-16-25', 'demandeurs': 'demandeurs-emploi',
    'demandeurs d emploi': 'demandeurs-emploi', 'demandeur d emploi': 'demandeurs-emploi',
    'de': 'demandeurs-emploi', 'chomeurs': 'demandeurs-emploi', 'femme': 'femmes',
    'rsa': 'allocataires-rsa', 'beneficiaires rsa': 'allocataires-rsa',
    'allocataires du rsa': 'allocataires-rsa', 'createur': 'createurs', 'creation': 'createurs',
    'creation d entreprise': 'createurs', 'entrepreneurs': 'createurs', 'senior': 'seniors',
    '50 ans et plus': 'seniors', 'rqth': 'handicap', 'personnes handicapees': 'handicap',
    'tous': 'tous-publics', 'tout public': 'tous-publics', 'tous public': 'tous-publics',
    'grand public': 'tous-publics',
}
_SEPARATORS = re.compile(r"[\s'’`\-_.,;/]+")


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize('NFKD', text.casefold())
    stripped = ''.join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SEPARATORS.sub(' ', stripped).strip()


def _meant(tag: str) -> str | None:
    folded = _fold(tag)
    for code in CODES:
        if _fold(code) == folded:
            return code
    return SYNONYMS.get(folded)


def upgrade() -> None:
    connection = op.get_bind()
    rows = connection.execute(sa.text('SELECT session_id, tag FROM session_audience')).all()
    wanted: dict[int, set[str]] = {}
    for session_id, tag in rows:
        code = _meant(tag)
        wanted.setdefault(session_id, set())
        if code is not None:
            wanted[session_id].add(code)
    changed = [
        session_id
        for session_id, codes in wanted.items()
        if codes != {tag for sid, tag in rows if sid == session_id}
    ]
    for session_id in changed:
        connection.execute(
            sa.text('DELETE FROM session_audience WHERE session_id = :id'), {'id': session_id}
        )
        for code in sorted(wanted[session_id]):
            connection.execute(
                sa.text('INSERT INTO session_audience (session_id, tag) VALUES (:id, :tag)'),
                {'id': session_id, 'tag': code},
            )
        connection.execute(
            sa.text(
                'UPDATE outreach_session SET shown_version = shown_version + 1 WHERE id = :id'
            ),
            {'id': session_id},
        )


def downgrade() -> None:
    """The vocabulary's codes stay: they were valid free tags too."""

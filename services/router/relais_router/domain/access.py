"""Who may see what: roles and (site, team) memberships, as pure rules.

An agent sees the conversations of their own (site, team) memberships; a lead sees every
team of the sites they belong to; an admin sees everything. Anything else is answered as
if it did not exist (404), so an outsider cannot even learn that an id is in use.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Literal

Role = Literal["agent", "lead", "admin"]
ROLES: tuple[Role, ...] = ("agent", "lead", "admin")


@dataclass(frozen=True)
class Principal:
    """A signed-in person (never a bare token: every audit row names someone)."""

    user_id: uuid.UUID
    username: str
    role: Role
    memberships: frozenset[tuple[str, str]]  # (site_id, team_id)
    display_name: str = ""

    @property
    def sites(self) -> frozenset[str]:
        return frozenset(site for site, _ in self.memberships)

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    @property
    def is_lead(self) -> bool:
        """Leads and admins: see whole sites, assign, read the audit log."""
        return self.role in ("lead", "admin")

    def teams_at(self, site_id: str) -> frozenset[str]:
        return frozenset(team for site, team in self.memberships if site == site_id)

    def can_see(self, site_id: str, team: str) -> bool:
        """May this person see a conversation of `team` at `site_id`?"""
        if self.role == "admin":
            return True
        if self.role == "lead":
            return site_id in self.sites
        return (site_id, team) in self.memberships

    def can_see_site(self, site_id: str) -> bool:
        return self.role == "admin" or site_id in self.sites

    def scope(self) -> Scope:
        """The same rule as `can_see`, in the shape a SQL filter takes."""
        if self.role == "admin":
            return Scope(everything=True, sites=(), pairs=())
        if self.role == "lead":
            return Scope(everything=False, sites=tuple(sorted(self.sites)), pairs=())
        return Scope(everything=False, sites=(), pairs=tuple(sorted(self.memberships)))


@dataclass(frozen=True)
class Scope:
    """What a principal sees: everything, whole sites, or (site, team) pairs."""

    everything: bool
    sites: tuple[str, ...]
    pairs: tuple[tuple[str, str], ...]

    def sql(self, site_column: str, team_column: str, first_param: int) -> tuple[str, list]:
        """A WHERE fragment and its parameters (numbered from `first_param`)."""
        if self.everything:
            return "true", []
        if self.sites:
            return f"{site_column} = ANY(${first_param}::text[])", [list(self.sites)]
        if not self.pairs:
            return "false", []
        p, q = first_param, first_param + 1
        return (
            (f"({site_column}, {team_column}) IN "
             f"(SELECT * FROM unnest(${p}::text[], ${q}::text[]))"),
            [[s for s, _ in self.pairs], [t for _, t in self.pairs]],
        )

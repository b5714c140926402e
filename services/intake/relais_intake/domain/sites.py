"""Which site a clinic number belongs to."""

from __future__ import annotations

from collections.abc import Mapping

from relais_shared.phones import normalise_phone


class SiteDirectory:
    """Maps a recipient number (any parseable format) to a site id, else the default site."""

    def __init__(self, numbers: Mapping[str, str], default_site: str, region: str = "FR") -> None:
        self.default_site = default_site
        self.region = region
        self._by_number = {normalise_phone(n, region).address: s for n, s in numbers.items()}

    def site_for(self, number: str | None) -> str:
        """The site owning `number`, or the default site when it is not listed."""
        if not number:
            return self.default_site
        return self._by_number.get(normalise_phone(number, self.region).address, self.default_site)

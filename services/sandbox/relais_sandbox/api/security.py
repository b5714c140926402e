"""Headers for the sandbox's pages (a strict CSP) and the same-origin check of their POSTs."""

from __future__ import annotations

from urllib.parse import urlsplit

from fastapi import Request
from relais_shared.http import Problem

# Scripts, styles and fetches from the sandbox itself only: no inline script or style, no
# eval, no plugin, not framable. Patient text is inserted as text nodes, never as markup.
PAGE_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
    "img-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
# A page without any script at all (the mail list).
STATIC_PAGE_CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)


def page_headers(csp: str = PAGE_CSP) -> dict[str, str]:
    return {
        "Content-Security-Policy": csp,
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
        "X-Frame-Options": "DENY",
        "Cache-Control": "no-store",
    }


def same_origin(origin: str | None, host: str | None) -> bool:
    """A request without Origin (curl, tests) or from the page's own origin."""
    if origin is None:
        return True
    if host is None:
        return False
    return urlsplit(origin).netloc.lower() == host.lower()


def require_same_origin(request: Request) -> None:
    """Refuse cross-site POSTs: another site open in the browser must not text the clinic."""
    if not same_origin(request.headers.get("origin"), request.headers.get("host")):
        raise Problem(403, "cross-origin", "Cross-origin request refused")

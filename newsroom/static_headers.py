"""Headers for the static files WhiteNoise serves.

WhiteNoise answers before Django's CSP middleware runs, so stylesheets and
the SVG favicon went out with no policy. Opened on their own, an SVG is a
document that could run script; this policy lets static files load only
our own styles and images, and nothing at all may frame them.
Wired in as ``WHITENOISE_ADD_HEADERS_FUNCTION``.
"""

STATIC_CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self' data:; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)


def static_file_headers_add(headers, path, url):
    """WhiteNoise hook: called once per file with its ``wsgiref`` headers."""
    headers["Content-Security-Policy"] = STATIC_CSP
    headers["X-Content-Type-Options"] = "nosniff"

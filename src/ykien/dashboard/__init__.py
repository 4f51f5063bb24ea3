"""The consultation dashboard: grouped figures (service) drawn as server-side SVG (charts)."""

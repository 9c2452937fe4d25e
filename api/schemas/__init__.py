"""Request and response schemas (msgspec), one module per subject."""

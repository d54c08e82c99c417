"""The targets stage's rulebook sections (filled in by the lint module's defaults)."""

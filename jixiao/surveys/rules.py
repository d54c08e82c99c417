"""The survey stage's rulebook section "survey" (DOMAIN.md §6.4): being written."""

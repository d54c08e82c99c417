"""Evaluation (绩效评价, DOMAIN.md §6): self-evaluation scoring and whole-unit evaluation."""

"""Fixtures of the targets stage live in the root conftest (later stages use them too)."""

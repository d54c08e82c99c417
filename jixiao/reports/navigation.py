"""Menu entries of the statistics stage (registered at start-up, see core.navigation)."""

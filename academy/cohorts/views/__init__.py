"""Pages of the cohorts domain, split by concern."""

"""Pages of the statistics stage: the policy documents registry (`policies`), the dashboards
and their drill-down lists (`dashboards`)."""

"""Authorization: the Casbin model and policy, the role vocabulary, the enforcer."""

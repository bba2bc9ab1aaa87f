"""GraphQL object types. They wrap ORM rows (kept private) and resolve relations via loaders."""

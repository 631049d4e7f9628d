"""The schema's revisions, oldest first: each one moves a database from the one before it."""

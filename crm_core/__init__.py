"""The CRM domain: schema, database access, read queries and write services (no UI)."""

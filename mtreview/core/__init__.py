"""The domain core: plain data, the store, projects, ingestion. Never imports a UI."""

"""Report ingestion and review: a report of an event read, its items reviewed, confirmed."""

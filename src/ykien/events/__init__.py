"""Events: ingestion of event reports, minutes and written submissions (pure parts)."""

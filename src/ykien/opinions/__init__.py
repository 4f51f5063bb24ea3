"""opinions domain."""

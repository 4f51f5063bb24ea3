"""drafts domain."""

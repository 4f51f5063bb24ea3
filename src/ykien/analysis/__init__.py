"""Analysis engine: machine proposals (campaigns, themes, sections, kinds, flags) that people confirm."""

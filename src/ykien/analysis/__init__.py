"""Analysis engine: machine proposals (campaigns, themes, sections, kinds, flags) people confirm."""

"""Written submissions: an organisation's comment letter split into opinions and confirmed."""

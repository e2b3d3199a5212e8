"""Altair chart builders, one module per screen; each function returns an alt.Chart."""

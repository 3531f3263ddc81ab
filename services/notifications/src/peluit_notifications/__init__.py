"""Peluit package."""

"""Louyu: supervision platform for broadband access in commercial buildings."""

"""Tapedeck: read, search and review recorded LLM traffic (VCR cassettes and their kin)."""

__version__ = "0.1.0"

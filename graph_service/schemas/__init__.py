"""Pydantic models of what goes in and out of the API."""

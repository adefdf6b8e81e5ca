"""Dialogs: record editors (with validation next to the field), settings, database problems."""

"""Thin adapters between the daemon and calendars and mailboxes."""

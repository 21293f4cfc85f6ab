"""Behaviour: plain async functions per domain. No strawberry here."""

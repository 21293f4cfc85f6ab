"""Livelihood projects under public supervision (民生实事): behaviour, by sub-topic."""

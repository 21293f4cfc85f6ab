"""Leaf package: settings, database config, broker, clock, errors, security primitives.

Nothing here imports from the rest of gongzhi.
"""

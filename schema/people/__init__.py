"""The people domain's schema: places, residents, workbench, notices, delegates, visits."""

"""The people domain: places, staff, residents, tags, threads, notices, delegates, visits."""

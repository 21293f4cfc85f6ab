"""All Tortoise models, one module per domain. Tenant-owned rows derive from ``TenantModel``."""

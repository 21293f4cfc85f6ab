"""Streets (tenants): registry, hierarchy, per-request resolution and the scoped query layer."""

"""One module per domain: the capabilities (resource, action) it declares, with what each allows."""

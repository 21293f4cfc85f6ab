"""The audit log (留痕) as a verifiable log: sequencing, proofs, checkpoints, witnesses,
verification. See ``models.audit`` for what is stored."""

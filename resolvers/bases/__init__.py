"""The three reals (三实): houses, rented homes, floating population, organisations."""

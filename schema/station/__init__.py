"""The station domain's schema (基层单元, 代表联络站)."""

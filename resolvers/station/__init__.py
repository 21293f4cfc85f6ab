"""The liaison station (基层单元, 代表联络站)."""

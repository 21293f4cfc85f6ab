"""The consultation bell (小区协商铃): rings, nine steps, meetings, the case library."""

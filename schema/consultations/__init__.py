"""The consultation bell (小区协商铃) in GraphQL."""

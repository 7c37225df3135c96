"""The domain of regional party building: kinds of nodes and relationships, and their models."""

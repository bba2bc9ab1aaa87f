"""The Web API under `/v1`, split by area."""

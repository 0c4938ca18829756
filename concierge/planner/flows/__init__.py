"""The conversation flows of the offline planner, one module per flow; ``dispatch.decide`` picks one."""

"""Playbooks: rules that turn risk into the next action, the worklist, action tracking, forecast."""

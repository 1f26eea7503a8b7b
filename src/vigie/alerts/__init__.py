"""Alerts: YAML rules over scores, signals, review queue and actions, sent to webhook and email."""

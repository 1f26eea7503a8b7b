"""Churn prediction and backtesting: labels, point-in-time features, models, metrics, reports."""

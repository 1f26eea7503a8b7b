"""Early-warning signals: point-in-time, vectorised over accounts and dates, stored in `signals`."""

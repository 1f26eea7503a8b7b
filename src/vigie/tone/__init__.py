"""Tone of what customers and CSMs write: language, tone and churn-intent phrases per text.

Texts are scored once, at import, into the derived `texts` table
(`vigie.tone.store`), so metrics and signals only aggregate stored numbers.
"""

"""Findings and eradication (发现与铲除): findings, eradications, key persons, cases."""

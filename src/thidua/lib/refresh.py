"""Refreshing rows from reference data (the award catalogue, the provinces): a loader reads the rows already there
once, sets each one's values from its file and writes only the rows that changed, in bulk."""

from __future__ import annotations


def assign(obj, values: dict) -> bool:
    """Set `values` on `obj`; True when any of them differed (the row needs writing)."""
    changed = False
    for name, value in values.items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            changed = True
    return changed

"""Strap: the Bluetooth Heart Rate Service, HA-free.

`protocol` holds the pure parsers of the GATT characteristics; `client` holds the bleak-based
connection to one strap. Relative imports only, so this package can be imported top-level.
"""

"""The rule profiles (`*.toml`) as package data: installed as `service.rules` (see service/paths.py)."""

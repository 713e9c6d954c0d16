"""The model files as package data: installed as `service.models` (see service/paths.py and README.md here)."""

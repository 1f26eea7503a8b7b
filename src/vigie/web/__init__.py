"""The web dashboard and JSON API (FastAPI): `vigie serve`, `create_app(workspace_dir)`."""

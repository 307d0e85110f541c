"""The bundled demo project: a fictional corpus written by us (see demo/README.md)."""

"""Operating the installation: init, serve, demo, doctor, backup and restore."""

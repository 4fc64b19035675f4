"""Operating the installation: backups and restores."""

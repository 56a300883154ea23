"""Administration des imports (lancement par dépôt du fichier, avancement, rapport)."""

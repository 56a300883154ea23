"""Petits lecteurs typés de variables d'environnement (à la manière de healthchecks).

Les réglages ne viennent que de l'environnement : chaque lecteur convertit la chaîne
et laisse une valeur par défaut sûre pour la production.
"""

import os


def chaine(nom: str, defaut: str = "") -> str:
    return os.environ.get(nom, defaut)


def booleen(nom: str, defaut: bool = False) -> bool:
    valeur = os.environ.get(nom)
    if valeur is None or valeur == "":
        return defaut
    return valeur.strip().lower() in {"1", "true", "vrai", "oui", "yes", "on"}


def entier(nom: str, defaut: int) -> int:
    valeur = os.environ.get(nom)
    if valeur is None or valeur == "":
        return defaut
    return int(valeur)


def liste(nom: str, defaut: str = "") -> list[str]:
    return [element.strip() for element in chaine(nom, defaut).split(",") if element.strip()]

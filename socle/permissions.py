"""Qui peut voir quoi, pour les objets du socle."""

from collections.abc import Callable
from typing import Any

from socle.models import Document

# « app.Modele » → prédicat (utilisateur, objet rattaché) ; chaque application déclare
# la règle de ses objets dans son AppConfig.ready().
_REGLES_DOCUMENTS: dict[str, Callable[[Any, Any], bool]] = {}


def regle_acces_documents(modele: str) -> Callable[[Callable[[Any, Any], bool]], Callable[[Any, Any], bool]]:
    def enregistrer(predicat: Callable[[Any, Any], bool]) -> Callable[[Any, Any], bool]:
        _REGLES_DOCUMENTS[modele] = predicat
        return predicat

    return enregistrer


def peut_voir_document(utilisateur: Any, document: Document) -> bool:
    if not utilisateur.is_authenticated or not utilisateur.is_active:
        return False
    if document.depose_par_id == utilisateur.pk:
        return True
    if utilisateur.has_perm("socle.view_document"):
        return True
    if document.objet_type_id is None:
        return False
    regle = _REGLES_DOCUMENTS.get(document.objet_type.model_class()._meta.label)  # type: ignore[union-attr]
    return bool(regle and document.objet is not None and regle(utilisateur, document.objet))

"""Qui peut voir quoi, pour les objets du socle."""

from collections.abc import Callable
from typing import Any

from socle.models import Document

# « app.Modele » → (prédicat (utilisateur, objet rattaché), prioritaire) ; chaque application
# déclare la règle de ses objets dans son AppConfig.ready().
_REGLES_DOCUMENTS: dict[str, tuple[Callable[[Any, Any], bool], bool]] = {}


def regle_acces_documents(
    modele: str, *, prioritaire: bool = False
) -> Callable[[Callable[[Any, Any], bool]], Callable[[Any, Any], bool]]:
    """Déclare qui voit les documents rattachés aux objets de `modele`.

    Une règle ordinaire s'ajoute aux droits généraux : qui a déposé le document, et les agents
    qui ont `socle.view_document`, le voient aussi. Une règle `prioritaire` décide seule (le
    superutilisateur mis à part) : pour les brouillons du bilan annuel, réservés au secrétariat
    et aux co-présidents, même l'agent qui administre les documents ne passe pas."""

    def enregistrer(predicat: Callable[[Any, Any], bool]) -> Callable[[Any, Any], bool]:
        _REGLES_DOCUMENTS[modele] = (predicat, prioritaire)
        return predicat

    return enregistrer


def peut_voir_document(utilisateur: Any, document: Document) -> bool:
    if not utilisateur.is_authenticated or not utilisateur.is_active:
        return False
    if utilisateur.is_superuser:
        return True
    regle, prioritaire = None, False
    if document.objet_type_id is not None:
        modele = document.objet_type.model_class()._meta.label  # type: ignore[union-attr]
        regle, prioritaire = _REGLES_DOCUMENTS.get(modele, (None, False))
    if not prioritaire and (
        document.depose_par_id == utilisateur.pk or utilisateur.has_perm("socle.view_document")
    ):
        return True
    return bool(regle and document.objet is not None and regle(utilisateur, document.objet))

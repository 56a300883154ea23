"""Ce que les services du Conseil partagent."""

from typing import Any

from conseil.models import Reunion

Acteur = Any


def reunion_verrouillee(reunion: Reunion) -> Reunion:
    """La séance relue sous verrou : deux écritures sur une même séance passent l'une après
    l'autre (deux secrétaires, un membre et le secrétariat)."""
    return Reunion.objects.select_for_update().select_related("instance").get(pk=reunion.pk)

"""(en cours d'écriture : remplacé par les vraies vues)"""

from django.http import Http404


def py(request, **kwargs):  # type: ignore[no-untyped-def]
    raise Http404


def calendrier_public(request, **kwargs):  # type: ignore[no-untyped-def]
    raise Http404


def calendrier_public_ics(request, **kwargs):  # type: ignore[no-untyped-def]
    raise Http404


def abonnement(request, **kwargs):  # type: ignore[no-untyped-def]
    raise Http404


def flux_prive(request, **kwargs):  # type: ignore[no-untyped-def]
    raise Http404

"""(en cours d'écriture : remplacé par les vraies vues)"""

from django.http import Http404


def py(request, **kwargs):  # type: ignore[no-untyped-def]
    raise Http404


def accueil(request, **kwargs):  # type: ignore[no-untyped-def]
    raise Http404


def instance_detail(request, **kwargs):  # type: ignore[no-untyped-def]
    raise Http404


def reunion_detail(request, **kwargs):  # type: ignore[no-untyped-def]
    raise Http404


def reponse(request, **kwargs):  # type: ignore[no-untyped-def]
    raise Http404


def procuration(request, **kwargs):  # type: ignore[no-untyped-def]
    raise Http404


def procuration_retirer(request, **kwargs):  # type: ignore[no-untyped-def]
    raise Http404

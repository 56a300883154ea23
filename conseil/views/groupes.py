"""(en cours d'écriture : remplacé par les vraies vues)"""

from django.http import Http404


def py(request, **kwargs):  # type: ignore[no-untyped-def]
    raise Http404


def groupe_liste(request, **kwargs):  # type: ignore[no-untyped-def]
    raise Http404


def groupe_detail(request, **kwargs):  # type: ignore[no-untyped-def]
    raise Http404


def livrable_avancement(request, **kwargs):  # type: ignore[no-untyped-def]
    raise Http404


def programme_liste(request, **kwargs):  # type: ignore[no-untyped-def]
    raise Http404


def programme_detail(request, **kwargs):  # type: ignore[no-untyped-def]
    raise Http404


def programme_adopter(request, **kwargs):  # type: ignore[no-untyped-def]
    raise Http404

"""(en cours d'écriture : remplacé par les vraies vues)"""

from django.http import Http404


def py(request, **kwargs):  # type: ignore[no-untyped-def]
    raise Http404


def reunion_creer(request, **kwargs):  # type: ignore[no-untyped-def]
    raise Http404


def reunion_modifier(request, **kwargs):  # type: ignore[no-untyped-def]
    raise Http404


def point_ajouter(request, **kwargs):  # type: ignore[no-untyped-def]
    raise Http404


def point_modifier(request, **kwargs):  # type: ignore[no-untyped-def]
    raise Http404


def point_supprimer(request, **kwargs):  # type: ignore[no-untyped-def]
    raise Http404


def point_deplacer(request, **kwargs):  # type: ignore[no-untyped-def]
    raise Http404


def point_document_deposer(request, **kwargs):  # type: ignore[no-untyped-def]
    raise Http404


def convoquer(request, **kwargs):  # type: ignore[no-untyped-def]
    raise Http404


def reunion_statut(request, **kwargs):  # type: ignore[no-untyped-def]
    raise Http404


def presences(request, **kwargs):  # type: ignore[no-untyped-def]
    raise Http404


def quorum(request, **kwargs):  # type: ignore[no-untyped-def]
    raise Http404


def proces_verbal(request, **kwargs):  # type: ignore[no-untyped-def]
    raise Http404


def proces_verbal_adopter(request, **kwargs):  # type: ignore[no-untyped-def]
    raise Http404


def proces_verbal_archiver(request, **kwargs):  # type: ignore[no-untyped-def]
    raise Http404

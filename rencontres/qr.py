"""Le QR code d'une confirmation, en SVG dessiné par le serveur (aucun script, CSP inchangée) :
il porte l'adresse de la page d'accueil de la rencontre avec le code ; le téléphone de
l'organisation la lit avec son appareil photo et pointe l'arrivée.

`qrcode` (la bibliothèque des QR de la double authentification, par allauth) calcule la
matrice ; le SVG, un seul chemin d'un carré par module noir, est écrit ici : pas d'analyse de
XML, des attributs que l'on choisit (rôle et nom pour les lecteurs d'écran)."""

from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext

MARGE = 4  # modules blancs autour, comme le veut la norme


def qr_svg(donnees: str, *, libelle: str = "") -> SafeString:
    # Import local : qrcode ne se charge qu'à la première confirmation affichée.
    import qrcode

    libelle = libelle or gettext("QR code du code d'accueil")
    code = qrcode.QRCode(border=MARGE, error_correction=qrcode.constants.ERROR_CORRECT_M)
    code.add_data(donnees)
    code.make(fit=True)
    matrice = code.get_matrix()
    cote = len(matrice)
    chemin = "".join(
        f"M{x} {y}h1v1h-1z" for y, ligne in enumerate(matrice) for x, noir in enumerate(ligne) if noir
    )
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" class="qr-accueil" role="img" aria-label="{}" '
        'width="192" height="192" viewBox="0 0 {} {}" shape-rendering="crispEdges">'
        '<rect width="100%" height="100%" fill="#fff"/><path fill="#000" d="{}"/></svg>',
        libelle,
        cote,
        cote,
        chemin,
    )

"""Le procès-verbal adopté, en PDF d'archive (PDF/A-3b, WeasyPrint)."""

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from weasyprint import HTML

from conseil.models import ProcesVerbal


def proces_verbal_pdf(pv: ProcesVerbal) -> bytes:
    html = render_to_string(
        "conseil/proces_verbal_pdf.html",
        {
            "pv": pv,
            "reunion": pv.reunion,
            "paragraphes": [
                bloc.strip() for bloc in pv.texte.replace("\r\n", "\n").split("\n\n") if bloc.strip()
            ],
            "genere_le": timezone.localtime(),
            "titre": _("Procès-verbal — %(reunion)s") % {"reunion": pv.reunion},
        },
    )
    contenu = HTML(string=html).write_pdf(pdf_variant="pdf/a-3b", uncompressed_pdf=False)
    if contenu is None:  # write_pdf sans cible rend toujours des octets
        raise ValueError("WeasyPrint n'a rien écrit")
    return bytes(contenu)

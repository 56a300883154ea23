"""Le procès-verbal adopté, en PDF d'archive (PDF/A-3b, WeasyPrint)."""

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from conseil.models import ProcesVerbal
from socle.pdf import pdf_d_archive


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
    return pdf_d_archive(html)

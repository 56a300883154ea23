"""Les PDF d'archive du portail (procès-verbaux, résultats, bilan) : WeasyPrint, PDF/A-3b."""

from weasyprint import HTML


def pdf_d_archive(html: str) -> bytes:
    contenu = HTML(string=html).write_pdf(pdf_variant="pdf/a-3b", uncompressed_pdf=False)
    if contenu is None:  # write_pdf sans cible rend toujours des octets
        raise ValueError("WeasyPrint n'a rien écrit")
    return bytes(contenu)

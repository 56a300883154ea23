"""Les importeurs des registres nationaux : chaque module s'enregistre dans
`base.IMPORTEURS` en s'important."""

from territoire.importeurs import communes, cotentin, finess, fuites, rpps  # noqa: F401

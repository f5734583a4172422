"""The results contract: what each notebook hands on, and how it is stored.

(Being written: the Figure record first, the fragments next.)
"""
from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Figure"]


@dataclass(frozen=True)
class Figure:
    """One saved figure, as the report embeds it and a journal takes it.

    Attributes
    ----------
    outcome : str
        Outcome name (``prednisone_mg``).
    stem : str
        File name without suffix, shared by every format (``prednisone_mg``).
    files : tuple of str
        File names in the figures folder, SVG first (``prednisone_mg.svg``,
        ``prednisone_mg.pdf``, ``prednisone_mg.png``, ``prednisone_mg.csv``).
    caption : str
        The legend, without the "Figure N." prefix.
    alt : str
        Text alternative for a reader who cannot see it.
    width, height : int
        Display size of the SVG in CSS pixels.
    """

    outcome: str
    stem: str
    files: tuple
    caption: str
    alt: str
    width: int
    height: int

    @property
    def svg(self) -> str:
        return self.files[0]

#!/usr/bin/env python3
"""Makes the small PDF files the tests read (Tests/Fixtures/pdf/), once; they are checked in, so
neither the tests nor CI need this script's library. Run: pip install reportlab; python3 make.py

- carnet-sahel.pdf: three pages (French, Spanish, English) with known accented words, a Title in
  its document information, and a word on the second page only (`Ubangui`).
- sans-titre.pdf: one page and no Title: the title is then the first line of the text.
- chiffre.pdf: encrypted with a user password (AES-128): skipped as encrypted.
- scan.pdf: a page with only drawn shapes, no text layer: skipped as such.
"""
import os
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas
from reportlab.lib import pdfencrypt

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "..", "Tests", "Fixtures", "pdf")

PAGES = [
    ["Le fleuve Niger au Sahel",
     "Chaque année, la crue du Niger inonde le delta intérieur du Mali.",
     "Les pêcheurs bozo et les éleveurs peuls s’y partagent l’eau."],
    ["El lago Chad se encoge",
     "Nigeria, Níger, Chad y Camerún comparten el lago desde hace siglos.",
     "Se estudia un trasvase desde el río Ubangui para salvarlo."],
    ["The great mosque of Djenné",
     "Every year the crépissage renews the mud plaster of the mosque.",
     "Masons from the town climb the walls on palm-wood beams."],
]


def write(path, pages, title=None, encrypt=None):
    c = canvas.Canvas(path, pagesize=A4, encrypt=encrypt, invariant=1)
    if title is not None:
        c.setTitle(title)
    for lines in pages:
        y = 780
        c.setFont("Helvetica-Bold", 16)
        c.drawString(72, y, lines[0])
        c.setFont("Helvetica", 11)
        for line in lines[1:]:
            y -= 24
            c.drawString(72, y, line)
        c.showPage()
    c.save()


def main():
    os.makedirs(OUT, exist_ok=True)
    write(os.path.join(OUT, "carnet-sahel.pdf"), PAGES, title="Carnet de route — Sahel")
    write(os.path.join(OUT, "sans-titre.pdf"), [PAGES[0]], title="")
    lock = pdfencrypt.StandardEncryption("secret", ownerPassword="owner", strength=128)
    write(os.path.join(OUT, "chiffre.pdf"), [PAGES[0]], title="Chiffré", encrypt=lock)
    c = canvas.Canvas(os.path.join(OUT, "scan.pdf"), pagesize=A4, invariant=1)
    c.setTitle("Scan")
    c.rect(72, 600, 300, 150, fill=1)
    c.circle(300, 400, 80)
    c.showPage()
    c.save()


if __name__ == "__main__":
    main()

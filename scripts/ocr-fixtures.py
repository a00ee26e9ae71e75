#!/usr/bin/env python3
"""Scans for the OCR tests and the OCR benchmark, drawn at test time (nothing binary is checked in).

  scripts/ocr-fixtures.py OUTDIR              the test scans, and OUTDIR/expected.json
  scripts/ocr-fixtures.py --pages N --out DIR  N bench pages (PNG), and DIR/truth.json

Test scans (300 dpi, A4, black DejaVu Sans on white, 24 pt):
  scan-fr.png    French: l’armée française, N’Djamena, Côte d’Ivoire, accented words;
  scan-es.jpg    Spanish: los niños de Tombuctú, Bamako, accented words;
  scan-en.tiff   English sentences with names, two pages (a multi-page TIFF, 1 bit, Group 4);
  scanned.pdf    an image-only PDF (no text layer): page 1 French, page 2 Spanish.
expected.json maps each file to its pages and the words a search must find there, as typed:
  {"scan-fr.png": [{"page": 1, "language": "fra", "words": ["l’armée", "française", …]}], …}

Bench pages (--pages N, N >= 20): page-001.png … cycling French, Spanish and English, each a
full page of 12 pt paragraphs of real sentences (the ones below, shuffled with a fixed seed per
page); with --noisy, as if printed and scanned (grey paper, a skew under a degree, a slight blur,
specks). truth.json maps each file to its language and its words (every word drawn, in order):
  {"page-001.png": {"language": "fra", "words": […]}, …}

The output is the same on every run (no randomness but seeded, no dates). Needs Pillow
(Debian python3-pil) and the DejaVu fonts (fonts-dejavu-core).
"""
import argparse, json, os, random, re, sys, time

try:
    from PIL import Image, ImageDraw, ImageFilter, ImageFont
except ImportError:
    # A python3 of its own (pyenv, a venv) without Pillow: Debian's has it (python3-pil).
    if os.path.exists("/usr/bin/python3") and os.path.realpath(sys.executable) != os.path.realpath("/usr/bin/python3") \
            and not os.environ.get("OCR_FIXTURES_REEXEC"):
        os.environ["OCR_FIXTURES_REEXEC"] = "1"
        os.execv("/usr/bin/python3", ["/usr/bin/python3", *sys.argv])
    sys.exit("ocr-fixtures: needs Pillow (apt-get install python3-pil)")

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
DPI = 300
WIDTH, HEIGHT = 2480, 3508          # A4 at 300 dpi
MARGIN = 220
FIXED_DATE = time.strptime("2024-01-01", "%Y-%m-%d")

# The test scans: per page, its lines (wrapped to the page) and the words a search must find.
FRENCH = (
    ["Les soldats de l’armée française ont quitté N’Djamena au petit matin.",
     "La Côte d’Ivoire élève des bœufs et cultive le cacao près d’Abidjan.",
     "Au Sénégal, les pêcheurs de Saint-Louis réparent leurs pirogues.",
     "Le fleuve Niger traverse Niamey avant d’atteindre le golfe de Guinée.",
     "Une délégation du Burkina Faso est arrivée à Ouagadougou hier soir."],
    ["l’armée", "française", "N’Djamena", "Côte", "d’Ivoire", "élève", "Abidjan", "Sénégal", "pêcheurs",
     "pirogues", "Niamey", "délégation", "Ouagadougou", "arrivée", "quitté"])
SPANISH = (
    ["Los niños de Tombuctú aprenden a leer en la biblioteca del barrio.",
     "El mercado de Bamako abre temprano cada mañana, también los domingos.",
     "Los camiones cruzan el desierto del Sáhara hacia la ciudad de Agadez.",
     "La canción más conocida de Malí habla del río Níger y de sus pescadores.",
     "Los médicos españoles trabajan en el hospital de Gao desde el invierno."],
    ["niños", "Tombuctú", "biblioteca", "Bamako", "mañana", "camiones", "Sáhara", "Agadez", "canción",
     "Malí", "Níger", "médicos", "españoles", "hospital", "también"])
ENGLISH_1 = (
    ["Margaret Thompson travelled from Liverpool to Nairobi in March.",
     "The committee met Professor Okonkwo at the University of Lagos.",
     "Their report on the harvest was printed by a firm in Edinburgh."],
    ["Margaret", "Thompson", "travelled", "Liverpool", "Nairobi", "committee", "Professor", "Okonkwo",
     "University", "Lagos", "harvest", "Edinburgh"])
ENGLISH_2 = (
    ["Captain Fitzgerald sailed the schooner past Zanzibar in a storm.",
     "Doctor Whitfield catalogued the manuscripts kept in Timbuktu.",
     "Their letters are now held by the library of Cambridge."],
    ["Captain", "Fitzgerald", "schooner", "Zanzibar", "storm", "Whitfield", "catalogued", "manuscripts",
     "Timbuktu", "letters", "library", "Cambridge"])
PDF_FRENCH = (
    ["Les archives de Ségou conservent des lettres écrites à Kayes.",
     "Le général Faidherbe gouvernait le Sénégal depuis Saint-Louis.",
     "Les récoltes d’arachide étaient expédiées vers Marseille et Bordeaux."],
    ["archives", "Ségou", "lettres", "écrites", "Kayes", "général", "Faidherbe", "gouvernait", "récoltes",
     "d’arachide", "expédiées", "Marseille", "Bordeaux"])
PDF_SPANISH = (
    ["En Guinea Ecuatorial, Malabo está en la isla de Bioko.",
     "Los barcos pesqueros salían del puerto de Bata al amanecer.",
     "La población habla español, francés y portugués en el comercio."],
    ["Guinea", "Ecuatorial", "Malabo", "está", "Bioko", "barcos", "pesqueros", "salían", "puerto", "Bata",
     "amanecer", "población", "español", "francés", "portugués", "comercio"])

# The bench pages' sentences: real text, so that Tesseract's language models work as on documents.
SENTENCES = {
    "fra": [
        "Les habitants du village préparent la fête annuelle de la récolte depuis plusieurs semaines.",
        "Le ministre de l’Éducation a annoncé la construction de nouvelles écoles dans la région.",
        "Pendant la saison des pluies, les routes deviennent difficiles et les marchés sont moins fréquentés.",
        "Les chercheurs de l’université étudient l’évolution du climat et ses conséquences sur l’agriculture.",
        "Une délégation européenne a rencontré les représentants des coopératives agricoles à Bamako.",
        "Le musée national expose des masques anciens, des bijoux en bronze et des tissus teints à l’indigo.",
        "Chaque matin, les pêcheurs partent avant l’aube et reviennent avec des poissons frais.",
        "La bibliothèque municipale prête des livres, des journaux et des cartes géographiques.",
        "Le médecin conseille aux familles de boire de l’eau potable et de dormir sous une moustiquaire.",
        "Les élèves du lycée ont gagné le concours régional de mathématiques et de poésie.",
        "Au nord du pays, le désert avance lentement et les éleveurs cherchent de nouveaux pâturages.",
        "La compagnie ferroviaire promet de rénover la ligne entre Dakar et la frontière malienne.",
        "Les journalistes ont interrogé le préfet sur la sécurité des voyageurs et des commerçants.",
        "Le festival de musique attire chaque année des artistes venus du Sénégal, de Guinée et du Niger.",
        "Les ingénieurs installent des panneaux solaires sur le toit de l’hôpital régional.",
        "Après la réunion, le président de l’association a remercié les bénévoles pour leur travail.",
        "Les enfants jouent au football sur la place du marché pendant que leurs parents discutent.",
        "Le gouvernement prévoit une réforme fiscale destinée à soutenir les petites entreprises.",
        "La rivière déborde souvent en septembre et inonde les champs de riz et de mil.",
        "Un historien français a publié un ouvrage consacré aux royaumes médiévaux du Sahel.",
        "Les députés ont adopté une loi protégeant les forêts et les espèces menacées.",
        "Le boulanger du quartier vend son pain chaud dès six heures du matin.",
        "Les syndicats réclament une augmentation des salaires et de meilleures conditions de travail.",
        "Sous les arbres, les anciens racontent l’histoire des fondateurs de la ville.",
    ],
    "spa": [
        "Los agricultores del valle esperan una buena cosecha de maíz y de trigo este año.",
        "La ministra de Sanidad visitó el nuevo hospital y habló con los médicos y las enfermeras.",
        "Durante el invierno, las carreteras de montaña se cierran por la nieve y el hielo.",
        "Los investigadores de la universidad estudian la sequía y sus efectos sobre la ganadería.",
        "Una delegación africana se reunió con los representantes de las cooperativas en Madrid.",
        "El museo arqueológico exhibe cerámicas antiguas, joyas de oro y tejidos de algodón.",
        "Cada mañana, los pescadores salen del puerto antes del amanecer y vuelven al mediodía.",
        "La biblioteca pública presta libros, periódicos y mapas a todos los vecinos del barrio.",
        "El médico recomienda beber agua potable y lavarse las manos antes de comer.",
        "Los estudiantes del instituto ganaron el concurso nacional de matemáticas y poesía.",
        "En el norte del país, el desierto avanza y los pastores buscan nuevos pastos para sus rebaños.",
        "La empresa ferroviaria promete renovar la línea entre Sevilla y la frontera portuguesa.",
        "Los periodistas preguntaron al alcalde sobre la seguridad de los viajeros y comerciantes.",
        "El festival de música reúne cada verano a artistas de México, Colombia y Argentina.",
        "Los ingenieros instalan paneles solares en el tejado de la escuela municipal.",
        "Después de la reunión, la presidenta de la asociación agradeció el trabajo de los voluntarios.",
        "Los niños juegan al fútbol en la plaza mientras sus padres conversan a la sombra.",
        "El gobierno prepara una reforma fiscal para ayudar a las pequeñas empresas familiares.",
        "El río se desborda a menudo en otoño e inunda los campos de arroz y de naranjos.",
        "Una historiadora española publicó un libro sobre los reinos medievales de la península.",
        "Los diputados aprobaron una ley que protege los bosques y las especies amenazadas.",
        "El panadero del barrio vende pan caliente desde las seis de la mañana.",
        "Los sindicatos exigen un aumento de los salarios y mejores condiciones laborales.",
        "Bajo los árboles, los ancianos cuentan la historia de los fundadores del pueblo.",
    ],
    "eng": [
        "The farmers in the valley expect a good harvest of wheat and barley this autumn.",
        "The health minister visited the new hospital and spoke with the doctors and nurses.",
        "During the winter, the mountain roads are closed because of heavy snow and ice.",
        "Researchers at the university are studying drought and its effects on livestock.",
        "A delegation from Ghana met representatives of the farming cooperatives in London.",
        "The archaeological museum displays ancient pottery, golden jewellery and cotton textiles.",
        "Every morning the fishermen leave the harbour before dawn and return around noon.",
        "The public library lends books, newspapers and maps to everyone in the neighbourhood.",
        "The doctor recommends drinking clean water and washing hands before every meal.",
        "Students from the secondary school won the national competition in mathematics and poetry.",
        "In the north of the country, the desert is advancing and herders search for new pastures.",
        "The railway company promises to renovate the line between Manchester and the Scottish border.",
        "Journalists asked the mayor about the safety of travellers and shopkeepers.",
        "The music festival brings together artists from Jamaica, Nigeria and Canada every summer.",
        "Engineers are installing solar panels on the roof of the community centre.",
        "After the meeting, the chairwoman of the association thanked the volunteers for their work.",
        "Children play football in the square while their parents talk in the shade.",
        "The government is preparing a tax reform to help small family businesses.",
        "The river often floods in spring and covers the fields of potatoes and cabbages.",
        "A British historian has published a book about the medieval kingdoms of West Africa.",
        "Parliament passed a law that protects forests and endangered species.",
        "The local baker sells warm bread from six o’clock in the morning.",
        "The unions demand higher wages and better working conditions.",
        "Beneath the trees, the elders tell the story of the founders of the town.",
    ],
}
LANGUAGES = ["fra", "spa", "eng"]

# A word: letters, maybe joined by apostrophes (l’armée, N’Djamena, o’clock).
WORD = re.compile(r"[^\W\d_]+(?:[’'][^\W\d_]+)*")


def words(text):
    return WORD.findall(text)


def font(points):
    return ImageFont.truetype(FONT, round(points * DPI / 72))


def wrap(draw, text, face, width):
    """`text`'s lines, broken between words to fit `width` pixels."""
    lines, line = [], ""
    for word in text.split():
        candidate = f"{line} {word}" if line else word
        if line and draw.textlength(candidate, font=face) > width:
            lines.append(line)
            line = word
        else:
            line = candidate
    if line:
        lines.append(line)
    return lines


def page(paragraphs, points, refill=None):
    """A white A4 page at 300 dpi ("L" mode) with `paragraphs` (lists of sentences) drawn in
    black; with `refill`, more paragraphs from it until the page is full, the last one cut after
    the sentence that fits. Returns the image and the text drawn."""
    image = Image.new("L", (WIDTH, HEIGHT), 255)
    draw = ImageDraw.Draw(image)
    face = font(points)
    size = round(points * DPI / 72)
    line_height, gap = round(size * 1.45), round(size * 0.8)
    y, drawn = MARGIN, []
    queue = list(paragraphs)
    while queue:
        paragraph = queue.pop(0)
        lines = wrap(draw, " ".join(paragraph), face, WIDTH - 2 * MARGIN)
        if y + len(lines) * line_height > HEIGHT - MARGIN:
            if refill is None:
                raise SystemExit("ocr-fixtures: text does not fit on the page")
            room = (HEIGHT - MARGIN - y) // line_height
            while paragraph and len(wrap(draw, " ".join(paragraph), face, WIDTH - 2 * MARGIN)) > room:
                paragraph = paragraph[:-1]
            if not paragraph:
                break
            lines = wrap(draw, " ".join(paragraph), face, WIDTH - 2 * MARGIN)
            queue = []
        for line in lines:
            draw.text((MARGIN, y), line, font=face, fill=0)
            y += line_height
        drawn.append(" ".join(paragraph))
        y += gap
        if refill is not None and not queue and y < HEIGHT - MARGIN - line_height:
            queue = refill()
    return image, "\n\n".join(drawn)


def paragraphs_of(rng, sentences):
    """`sentences` shuffled by `rng`, in paragraphs of 4 to 6."""
    pool = list(sentences)
    rng.shuffle(pool)
    out = []
    while pool:
        n = rng.randint(4, 6)
        out.append(pool[:n])
        pool = pool[n:]
    return out


def test_scans(out):
    os.makedirs(out, exist_ok=True)
    expected = {}

    def scan(lines_words):
        image, _ = page([[line] for line in lines_words[0]], 24)
        for w in lines_words[1]:
            assert w in " ".join(lines_words[0]), w
        return image

    scan(FRENCH).save(os.path.join(out, "scan-fr.png"), dpi=(DPI, DPI), optimize=False)
    expected["scan-fr.png"] = [dict(page=1, language="fra", words=FRENCH[1])]

    scan(SPANISH).save(os.path.join(out, "scan-es.jpg"), dpi=(DPI, DPI), quality=90)
    expected["scan-es.jpg"] = [dict(page=1, language="spa", words=SPANISH[1])]

    # A fax-like scan: 1 bit a pixel, Group 4, two pages.
    en = [scan(ENGLISH_1).point(lambda v: 255 if v >= 128 else 0, mode="1"),
          scan(ENGLISH_2).point(lambda v: 255 if v >= 128 else 0, mode="1")]
    en[0].save(os.path.join(out, "scan-en.tiff"), dpi=(DPI, DPI), compression="group4", save_all=True,
               append_images=en[1:])
    expected["scan-en.tiff"] = [dict(page=1, language="eng", words=ENGLISH_1[1]),
                                dict(page=2, language="eng", words=ENGLISH_2[1])]

    # Images only: the PDF has no text layer. Title and dates fixed (Pillow's defaults: the path, now).
    pdf = [scan(PDF_FRENCH), scan(PDF_SPANISH)]
    pdf[0].save(os.path.join(out, "scanned.pdf"), save_all=True, append_images=pdf[1:], resolution=DPI,
                title="scanned", producer="ocr-fixtures.py", creator="ocr-fixtures.py",
                creationDate=FIXED_DATE, modDate=FIXED_DATE)
    expected["scanned.pdf"] = [dict(page=1, language="fra", words=PDF_FRENCH[1]),
                               dict(page=2, language="spa", words=PDF_SPANISH[1])]

    with open(os.path.join(out, "expected.json"), "w", encoding="utf-8") as f:
        json.dump(expected, f, ensure_ascii=False, indent=1)
        f.write("\n")


def scanned(image, rng):
    """`image` as if printed and scanned: grey paper and ink, a skew under a degree, a slight blur,
    and specks of dust (all drawn from `rng`)."""
    image = image.point(lambda v: 40 + v * (232 - 40) // 255)
    image = image.rotate(rng.uniform(-0.8, 0.8), resample=Image.BICUBIC, fillcolor=232)
    image = image.filter(ImageFilter.GaussianBlur(0.8))
    draw = ImageDraw.Draw(image)
    for _ in range(1500):
        x, y, r = rng.randrange(WIDTH), rng.randrange(HEIGHT), rng.choice((1, 1, 2, 3))
        draw.ellipse((x, y, x + r, y + r), fill=rng.randrange(40, 160))
    return image


def bench_pages(count, out, noisy=False):
    if count < 20:
        raise SystemExit("ocr-fixtures: --pages needs at least 20")
    os.makedirs(out, exist_ok=True)
    truth = {}
    for i in range(count):
        language = LANGUAGES[i % len(LANGUAGES)]
        rng = random.Random(1000 + i)
        refill = lambda: paragraphs_of(rng, SENTENCES[language])
        image, text = page(refill(), 12, refill)
        if noisy:
            image = scanned(image, random.Random(2000 + i))
        name = f"page-{i + 1:03d}.png"
        image.save(os.path.join(out, name), dpi=(DPI, DPI), optimize=False)
        truth[name] = dict(language=language, words=words(text))
    with open(os.path.join(out, "truth.json"), "w", encoding="utf-8") as f:
        json.dump(truth, f, ensure_ascii=False, indent=1)
        f.write("\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("outdir", nargs="?", help="where the test scans and expected.json go")
    ap.add_argument("--pages", type=int, help="bench mode: this many pages (at least 20)")
    ap.add_argument("--out", help="bench mode: where the pages and truth.json go")
    ap.add_argument("--noisy", action="store_true", help="bench mode: pages as if printed and scanned (grey, skewed, blurred, specks)")
    a = ap.parse_args()
    if a.pages is not None:
        out = a.out or a.outdir
        if not out:
            ap.error("--pages needs --out DIR")
        bench_pages(a.pages, out, a.noisy)
    elif a.outdir:
        test_scans(a.outdir)
    else:
        ap.error("give OUTDIR, or --pages N --out DIR")


if __name__ == "__main__":
    main()

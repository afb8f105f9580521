"""The demo research library: the sources the B12 Patch demo posts cite.

seed_demo calls `seed_citations()`; the demo posts cite these by their stable "key" (never by
primary key, which differs between databases). Only identifiers (PMID, DOI) we could check
against a public record are filled in; where one could not be checked it is left blank and
`url` points to a PubMed search for the title instead, so nothing here is a guess that would
send a reader to the wrong paper.

The summaries are our own plain words about what each source looked at. They describe the
research, never the product: nothing here says that B12 Patch cures, treats or prevents
anything."""

from urllib.parse import quote_plus

from django.db import transaction

from .models import Citation, CitationKind, normalise_doi


def pubmed_search(title: str) -> str:
    return f"https://pubmed.ncbi.nlm.nih.gov/?term={quote_plus(title)}"


CASE_REPORT_TITLE = (
    "Reversal of severe osteoporosis with vitamin B12 and etidronate therapy in a patient "
    "with pernicious anemia"
)
TOH_TITLE = "Pernicious anemia"

DEMO_CITATIONS: list[dict] = [
    {
        "key": "framingham-bmd",
        "authors": [
            "Tucker KL",
            "Hannan MT",
            "Qiao N",
            "Jacques PF",
            "Selhub J",
            "Cupples LA",
            "Kiel DP",
        ],
        "title": (
            "Low plasma vitamin B12 is associated with lower BMD: the Framingham Osteoporosis Study"
        ),
        "journal": "J Bone Miner Res",
        "year": 2005,
        "volume": "20",
        "issue": "1",
        "pages": "152-8",
        "pmid": "15616293",
        "doi": "10.1359/JBMR.041018",
        "kind": CitationKind.STUDY,
        "topics": ["bone health", "osteoporosis"],
        "summary": (
            "Researchers measured blood vitamin B12 and bone density in about 2,500 adults "
            "taking part in the Framingham Offspring Study. Men with the lowest B12 levels had "
            "lower bone density at the hip, and women with the lowest levels had lower density "
            "at the spine. The study shows an association at one point in time; it does not "
            "show that low B12 causes bone loss."
        ),
    },
    {
        "key": "osteoporosis-case-report",
        # Authors and journal as commonly cited; the PMID and DOI could not be checked, so the
        # link is a PubMed search for the title.
        "authors": ["Melton ME", "Kochman ML"],
        "title": CASE_REPORT_TITLE,
        "journal": "Metabolism",
        "year": 1994,
        "volume": "",
        "issue": "",
        "pages": "",
        "pmid": "",
        "doi": "",
        "url": pubmed_search(CASE_REPORT_TITLE),
        "kind": CitationKind.CASE_REPORT,
        "topics": ["bone health", "osteoporosis", "pernicious anemia"],
        "summary": (
            "A report on a single patient with pernicious anemia and severe osteoporosis whose "
            "bone density improved while being treated with vitamin B12 injections and "
            "etidronate, a bone medicine. One case cannot tell which treatment made the "
            "difference, but it prompted later studies of B12 and bone."
        ),
    },
    {
        "key": "pernicious-anaemia-bone",
        "authors": [
            "Eastell R",
            "Vieira NE",
            "Yergey AL",
            "Wahner HW",
            "Silverstein MN",
            "Kumar R",
            "Riggs BL",
        ],
        "title": "Pernicious anaemia as a risk factor for osteoporosis",
        "journal": "Clin Sci (Lond)",
        "year": 1992,
        "volume": "82",
        "issue": "6",
        "pages": "681-5",
        "pmid": "1320549",
        "doi": "10.1042/cs0820681",
        "kind": CitationKind.STUDY,
        "topics": ["bone health", "osteoporosis", "pernicious anemia"],
        "summary": (
            "This study compared bone density and calcium absorption in 21 women after "
            "menopause who had pernicious anemia with 24 women who did not. Spine bone density "
            "was about 16% lower in the women with pernicious anemia, although they absorbed "
            "calcium normally, so the authors looked for another explanation for the bone loss."
        ),
    },
    {
        "key": "ms-b12-review",
        "authors": ["Miller A", "Korem M", "Almog R", "Galboiz Y"],
        "title": "Vitamin B12, demyelination, remyelination and repair in multiple sclerosis",
        "journal": "J Neurol Sci",
        "year": 2005,
        "volume": "233",
        "issue": "1-2",
        "pages": "93-7",
        "pmid": "15896807",
        "doi": "10.1016/j.jns.2005.03.009",
        "kind": CitationKind.REVIEW,
        "topics": ["multiple sclerosis", "nerves"],
        "summary": (
            "A review of what multiple sclerosis and vitamin B12 deficiency have in common: "
            "both can damage myelin, the coating of nerve fibres, and their symptoms and scans "
            "can look alike. The authors suggest checking B12 levels in people with MS and call "
            "for more research before drawing conclusions about supplements."
        ),
    },
    {
        "key": "metformin-b12",
        "authors": [
            "de Jager J",
            "Kooy A",
            "Lehert P",
            "Wulffelé MG",
            "van der Kolk J",
            "Bets D",
            "Verburg J",
            "Donker AJ",
            "Stehouwer CD",
        ],
        "title": (
            "Long term treatment with metformin in patients with type 2 diabetes and risk of "
            "vitamin B-12 deficiency: randomised placebo controlled trial"
        ),
        "journal": "BMJ",
        "year": 2010,
        "volume": "340",
        "issue": "",
        "pages": "c2181",
        "pmid": "20488910",
        "doi": "10.1136/bmj.c2181",
        "kind": CitationKind.STUDY,
        "topics": ["metformin", "B12 deficiency", "absorption"],
        "summary": (
            "In this trial, 390 people with type 2 diabetes took either metformin or a dummy "
            "pill for just over four years. B12 levels fell in the metformin group and "
            "deficiency was more common there, so the authors suggest that people on long-term "
            "metformin have their B12 checked regularly."
        ),
    },
    {
        "key": "b12-deficiency-review",
        "authors": ["Stabler SP"],
        "title": "Vitamin B12 deficiency",
        "journal": "N Engl J Med",
        "year": 2013,
        "volume": "368",
        "issue": "2",
        "pages": "149-60",
        "pmid": "",
        "doi": "10.1056/NEJMcp1113996",
        "kind": CitationKind.REVIEW,
        "topics": ["B12 deficiency", "absorption", "pernicious anemia"],
        "summary": (
            "A clinical overview for doctors of how vitamin B12 deficiency shows itself, how it "
            "is diagnosed with blood tests, and how it is usually managed. It explains that "
            "loss of intrinsic factor, the stomach protein needed to absorb B12, is the most "
            "common cause of severe deficiency."
        ),
    },
    {
        "key": "pernicious-anemia-review",
        "authors": ["Toh BH", "van Driel IR", "Gleeson PA"],
        "title": TOH_TITLE,
        "journal": "N Engl J Med",
        "year": 1997,
        "volume": "337",
        "issue": "20",
        "pages": "1441-8",
        "pmid": "",
        "doi": "",
        "url": pubmed_search("Toh van Driel Gleeson pernicious anemia 1997"),
        "kind": CitationKind.REVIEW,
        "topics": ["pernicious anemia", "absorption"],
        "summary": (
            "A review of pernicious anemia, an autoimmune condition in which the stomach lining "
            "is damaged and stops making intrinsic factor, so B12 from food can no longer be "
            "absorbed. It describes the stomach changes, the antibodies involved and how the "
            "condition is recognised."
        ),
    },
    {
        "key": "ods-b12-fact-sheet",
        "authors": [],
        "title": "Vitamin B12: fact sheet for health professionals",
        "journal": "National Institutes of Health, Office of Dietary Supplements",
        "year": None,
        "volume": "",
        "issue": "",
        "pages": "",
        "pmid": "",
        "doi": "",
        "url": "https://ods.od.nih.gov/factsheets/VitaminB12-HealthProfessional/",
        "kind": CitationKind.WEB_PAGE,
        "topics": ["B12 deficiency", "absorption"],
        "summary": (
            "The US government's reference page on vitamin B12: how much people need at each "
            "age, which foods contain it, who is more likely to run low, and which medicines "
            "can interfere with it. It is updated from time to time, so check the date shown "
            "on the page."
        ),
    },
]

BIBLIOGRAPHIC_FIELDS = ("title", "journal", "year", "volume", "issue", "pages", "url", "kind")


def find_existing(entry: dict) -> Citation | None:
    """The citation this demo entry already is, by DOI, then PMID, then exact title."""
    doi = normalise_doi(entry.get("doi", ""))
    if doi and (found := Citation.objects.filter(doi=doi).first()):
        return found
    if entry.get("pmid") and (found := Citation.objects.filter(pmid=entry["pmid"]).first()):
        return found
    return Citation.objects.filter(title__iexact=entry["title"]).first()


@transaction.atomic
def seed_citations() -> dict[str, Citation]:
    """Create the demo citations that are missing; safe to run again. An existing citation is
    left as the editors made it, so re-seeding never undoes their summary or topics."""
    seeded: dict[str, Citation] = {}
    for entry in DEMO_CITATIONS:
        citation = find_existing(entry)
        if citation is None:
            citation = Citation(
                authors="\n".join(entry["authors"]),
                pmid=entry.get("pmid", ""),
                doi=entry.get("doi", ""),
                summary=entry["summary"],
                **{
                    field: entry.get(field) or ""
                    for field in BIBLIOGRAPHIC_FIELDS
                    if field != "year"
                },
                year=entry.get("year"),
            )
            citation.save()
            citation.topics.add(*entry["topics"])
        seeded[entry["key"]] = citation
    return seeded

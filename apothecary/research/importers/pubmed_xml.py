"""PubMed XML (.xml, a PubmedArticleSet), read with lxml without entities, DTDs or network."""

from __future__ import annotations

import re

from lxml import etree

from .common import (
    PUBMED_XML,
    FileParseError,
    ParsedRecord,
    ParseResult,
    RecordError,
    clean_text,
    collect,
    doi_from,
    first_of,
    join_name,
    kind_from_publication_types,
    parse_year,
    split_keywords,
)


def xml_parser() -> etree.XMLParser:
    """No entity expansion, no DTD or network fetches (XXE and "billion laughs" safe)."""
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )


def parse_pubmed_xml(data: bytes | str) -> ParseResult:
    result = ParseResult(PUBMED_XML)
    if isinstance(data, str):
        data = data.encode("utf-8")
    try:
        root = etree.fromstring(data, parser=xml_parser())
    except etree.XMLSyntaxError as error:
        message = re.sub(r"(, line \d+)*, column \d+$", "", error.msg or "")
        raise FileParseError(
            f"The XML is not well formed (line {error.lineno}): {message}. "
            "The file may be cut short or damaged."
        ) from None
    if root.tag == "PubmedArticle":
        articles = [root]
    elif root.tag == "PubmedArticleSet":
        articles = [el for el in root if isinstance(el.tag, str)]
    else:
        raise FileParseError(
            f"This XML is not a PubMed export (its root is <{root.tag}>, "
            "expected <PubmedArticleSet>)."
        )
    for index, article in enumerate(articles, start=1):
        if article.tag != "PubmedArticle":
            result.errors.append(
                RecordError(index, article.sourceline, f"<{article.tag}> is not supported")
            )
            continue
        collect(result, pubmed_xml_record(article, index))
    return result


def xml_text(element) -> str:
    return clean_text("".join(element.itertext())) if element is not None else ""


def pubmed_xml_record(article, index: int) -> ParsedRecord:
    citation = article.find("MedlineCitation")
    if citation is None:
        citation = etree.Element("MedlineCitation")
    art = citation.find("Article")
    if art is None:
        art = etree.Element("Article")

    def find(path: str, base=art) -> str:
        return xml_text(base.find(path))

    authors = []
    for author in art.findall("AuthorList/Author"):
        if (group := find("CollectiveName", author)) and not find("LastName", author):
            authors.append(group)
        elif last := find("LastName", author):
            initials = find("Initials", author)
            authors.append(
                f"{last} {initials}"
                if initials
                else join_name(last, find("ForeName", author).split())
            )
    issue = art.find("Journal/JournalIssue")
    year = None
    if issue is not None:
        year = parse_year(find("PubDate/Year", issue) or find("PubDate/MedlineDate", issue))
    year = year or parse_year(find("ArticleDate/Year"))
    doi = first_of(
        [xml_text(e) for e in art.findall("ELocationID") if e.get("EIdType") == "doi"],
        [
            xml_text(e)
            for e in article.findall("PubmedData/ArticleIdList/ArticleId")
            if e.get("IdType") == "doi"
        ],
    )
    return ParsedRecord(
        index=index,
        line=article.sourceline,
        title=find("ArticleTitle") or find("VernacularTitle"),
        authors=authors,
        journal=find("Journal/ISOAbbreviation") or find("Journal/Title"),
        year=year,
        volume=find("Volume", issue) if issue is not None else "",
        issue=find("Issue", issue) if issue is not None else "",
        pages=find("Pagination/MedlinePgn") or find("Pagination/StartPage"),
        pmid=find("PMID", citation),
        doi=doi_from(doi),
        kind=kind_from_publication_types(
            xml_text(e) for e in art.findall("PublicationTypeList/PublicationType")
        ),
        topics=split_keywords(xml_text(e) for e in citation.findall("KeywordList/Keyword")),
    )

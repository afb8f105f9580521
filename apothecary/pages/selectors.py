"""Reads of the page tree."""

from dataclasses import dataclass, field

from wagtail.models import Page, Site


@dataclass
class TreeNode:
    title: str
    url: str
    children: list["TreeNode"] = field(default_factory=list)


def page_tree(request) -> list[TreeNode]:
    """The site's live, public pages nested under its home page, in one query."""
    site = Site.find_for_request(request)
    if site is None:
        return []
    root = site.root_page
    pages = (
        Page.objects.live()
        .public()
        .descendant_of(root, inclusive=True)
        .only("id", "title", "path", "depth", "url_path", "live")
        .order_by("path")
    )
    by_path: dict[str, TreeNode] = {}
    top: list[TreeNode] = []
    for page in pages:
        url = page.get_url(request=request)
        if url is None:
            continue
        node = TreeNode(title="Home" if page.depth == root.depth else page.title, url=url)
        if page.depth == root.depth:
            top.append(node)
        else:
            parent = by_path.get(page.path[: -Page.steplen])
            if parent is None:  # under an unpublished or private page: not reachable
                continue
            parent.children.append(node)
        by_path[page.path] = node
    return top

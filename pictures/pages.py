"""Reading an article page's og:image (or twitter:image) when its feed carries no picture."""

from __future__ import annotations

from bs4 import BeautifulSoup, SoupStrainer

from articles.ingest.clean import clean_url

_NAMES = ("og:image", "og:image:url", "og:image:secure_url", "twitter:image")


def og_image(body: bytes, base_url: str) -> str:
    """The page's declared picture as an absolute http(s) URL, or ""."""
    # Only <meta> tags are built: a large page costs a scan, not a tree.
    soup = BeautifulSoup(body[: 1024 * 1024], "lxml", parse_only=SoupStrainer("meta"))
    for name in _NAMES:
        for tag in soup.find_all("meta"):
            if (tag.get("property") or tag.get("name") or "").strip().lower() == name and tag.get("content"):
                url = clean_url(tag["content"].strip(), base_url)
                if url:
                    return url
    return ""

"""The shared pager keeps a list's filters on its links and says where the reader is."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.template.loader import render_to_string
from django.utils import translation


def test_the_pager_keeps_the_filters_and_links_both_ways() -> None:
    page = Paginator(list(range(120)), 50).page(2)
    with translation.override("en"):
        html = render_to_string("jaring/pager.html", {"page": page, "query": "status=open&q=siti"})
    assert 'href="?status=open&amp;q=siti&page=1" rel="prev"' in html
    assert 'href="?status=open&amp;q=siti&page=3" rel="next"' in html
    assert "Page 2 / 3" in html


def test_the_pager_without_filters_links_the_page_alone_and_speaks_indonesian() -> None:
    page = Paginator(list(range(10)), 5).page(1)
    with translation.override("id"):
        html = render_to_string("jaring/pager.html", {"page": page})
    assert 'href="?page=2" rel="next"' in html and 'rel="prev"' not in html
    assert "Halaman 1 / 2" in html

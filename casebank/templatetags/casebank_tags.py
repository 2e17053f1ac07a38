from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

from casebank.search.segment import query_terms

register = template.Library()


@register.filter(needs_autoescape=True)
def highlight(text, query, autoescape=True):
    """Escape `text` and wrap the words of `query` in <mark>."""
    html = conditional_escape(text or "")
    terms = sorted({t for t in query_terms(query or "")}, key=len, reverse=True)
    for term in terms:
        html = html.replace(conditional_escape(term), f"\x00{conditional_escape(term)}\x01")
    html = str(html).replace("\x00", "<mark>").replace("\x01", "</mark>")
    while "<mark><mark>" in html:
        html = html.replace("<mark><mark>", "<mark>").replace("</mark></mark>", "</mark>")
    return mark_safe(html)

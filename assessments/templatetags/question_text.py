"""`{{ stem|stem_html:stem_format }}`: a question stem as the page shows it (docs/rules.md §5).

An HTML stem was sanitised when it was stored (import, question_save, admin edit), so it is
shown as formatting; a plain stem is escaped with its line breaks kept, as before.
"""

from django import template
from django.template.defaultfilters import linebreaksbr
from django.utils.safestring import mark_safe

from assessments.models import StemFormat

register = template.Library()


@register.filter
def stem_html(stem, stem_format=StemFormat.PLAIN):
    if stem_format == StemFormat.HTML:
        return mark_safe(stem or "")  # noqa: S308 — sanitised on the way in
    return linebreaksbr(stem or "", autoescape=True)

"""The four grades (优、良、中、差, DOMAIN.md) are the official words: they are stored, exported
and printed as they are. A page in another language shows the word with a gloss, so an English
reader sees "优 (excellent)" where a Chinese reader sees 优."""

from django.utils.translation import pgettext_lazy

GLOSSES = {
    "优": pgettext_lazy("grade", "优"),
    "良": pgettext_lazy("grade", "良"),
    "中": pgettext_lazy("grade", "中"),
    "差": pgettext_lazy("grade", "差"),
}

#: The four grades in order, best first (DOMAIN.md §4.5, §6.2).
GRADES = tuple(GLOSSES)


def glossed_grade(grade: str):
    """The grade as a page shows it in the current language; anything else unchanged."""
    return GLOSSES.get(grade, grade)

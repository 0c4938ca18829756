"""Dates and times of day as travellers write them, resolved against a frozen "now".

``read_dates`` finds every date mention in a message (ISO, "Dec 3", "3 Dec",
"3/12", "the 18th", "next Friday", "tomorrow", "in two weeks", ranges such as
"Oct 18–22" or "the 18th to the 22nd"), then gives each a role from the words
around it: "returning Sunday" and "back on the 22nd" are return dates, "for 3
nights" a length of stay. ``dateparser`` is the fallback for forms the patterns
do not know ("a week from tomorrow", "18.12.2026").

Ambiguity is reported, not guessed: a month with no day, "next week" with no
day, or a date that has already passed come back as ``question`` so the
dialogue can ask.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from functools import cache
from typing import Final

from dateparser.search import search_dates

from concierge.planner.nlu import datafiles, holidays
from concierge.planner.nlu.numbers import nights as read_nights
from concierge.planner.nlu.numbers import spoken_times, word_number
from concierge.planner.nlu.spelling import fix as fix_spelling
from tools.views import day_range, spoken_day

MONTHS: Final[dict[str, int]] = {
    "january": 1,
    "jan": 1,
    "february": 2,
    "feb": 2,
    "march": 3,
    "mar": 3,
    "april": 4,
    "apr": 4,
    "may": 5,
    "june": 6,
    "jun": 6,
    "july": 7,
    "jul": 7,
    "august": 8,
    "aug": 8,
    "september": 9,
    "sept": 9,
    "sep": 9,
    "october": 10,
    "oct": 10,
    "november": 11,
    "nov": 11,
    "december": 12,
    "dec": 12,
}
WEEKDAYS: Final[dict[str, int]] = {
    "monday": 0,
    "mon": 0,
    "tuesday": 1,
    "tues": 1,
    "tue": 1,
    "wednesday": 2,
    "wed": 2,
    "weds": 2,
    "thursday": 3,
    "thurs": 3,
    "thur": 3,
    "thu": 3,
    "friday": 4,
    "fri": 4,
    "saturday": 5,
    "sat": 5,
    "sunday": 6,
    "sun": 6,
}

# Any instant will do to ask whether words are a day at all ("a week today", "Friday"):
# the readers that only ask that (places, intents) read them at this one.
ANY_INSTANT: Final = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
_ORDINAL_WORDS: Final[dict[str, int]] = {
    "first": 1,
    "second": 2,
    "third": 3,
    "fourth": 4,
    "fifth": 5,
    "sixth": 6,
    "seventh": 7,
    "eighth": 8,
    "ninth": 9,
    "tenth": 10,
    "eleventh": 11,
    "twelfth": 12,
    "thirteenth": 13,
    "fourteenth": 14,
    "fifteenth": 15,
    "sixteenth": 16,
    "seventeenth": 17,
    "eighteenth": 18,
    "nineteenth": 19,
    "twentieth": 20,
    "thirtieth": 30,
}
for _unit, _n in list(_ORDINAL_WORDS.items())[:9]:
    _ORDINAL_WORDS[f"twenty {_unit}"] = 20 + _n
    _ORDINAL_WORDS[f"twenty-{_unit}"] = 20 + _n
_ORDINAL_WORDS["thirty first"] = _ORDINAL_WORDS["thirty-first"] = 31

SCHEDULE_DAYS: Final = 90  # how far ahead flights are on sale (the demo schedule's horizon)
_MON = r"(?P<{}>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_WD = "|".join(sorted(WEEKDAYS, key=len, reverse=True))
_ORDW = "|".join(sorted((re.escape(w) for w in _ORDINAL_WORDS), key=len, reverse=True))
_DAY = r"(?P<{}>(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?|" + _ORDW + r")"
# The second day of a range may carry its weekday: "Monday 14 to Wednesday 16 December".
_TO = r"\s*(?:-|–|—|to|until|till|til|through|thru|and)\s*(?:(?:" + _WD + r")\.?,?\s+)?(?:the\s+)?"
_YEAR = r"(?:,?\s*(?P<{}>20\d\d))?"
# Right after a weekday written out or short ("mon 14", "Wednesday 16"): one fixed-width
# look-behind per spelling.
_AFTER_WEEKDAY = "(?:" + "|".join(rf"(?<=\b{w}\s)" for w in WEEKDAYS) + ")"
# A round trip's picks by place, one a day-like ordinal ("1st out, the 6am american back",
# "2nd out + cheapest back", "4th going, the delta coming back"): the ordinal is option N of
# the way out when the way back's clause names no day (never "14th out, back the 18th",
# "9th out, 12th back": a day each way).
_OPTION_OUT = (
    r"(?!\s+(?:out(?:bound)?|going(?:\s+out)?|there)\s*[,;+&]?\s*(?:and\s+|then\s+|\+\s*)?"
    r"(?![\s,;+&]*(?:back\b|return|home\b|coming\b|fly\w*\s+back\b))"
    r"(?:(?!\d{1,2}(?:st|nd|rd|th)\b|(?:" + _ORDW + "|" + _WD + r")\b)[^,.;?!\d]|\d(?!\d?(?:st|nd|rd|th)\b))*?"
    r"\b(?:back|return(?:ing)?|home|inbound)\b)"
)


def _p(template: str, *names: str) -> str:
    return template.format(*names)


# Order matters: ranges before single dates, longer forms before shorter ones.
_PATTERNS: Final[list[tuple[str, re.Pattern[str]]]] = [
    (
        "nth_weekday",
        re.compile(
            r"\b(?:the\s+)?(?P<nth>first|1st|second|2nd|third|3rd|fourth|4th|last|final)\s+(?P<wd>"
            + _WD
            # "the last day of the month": any day counts (the month's first or last)
            + r"|day)\s+(?:of|in)\s+(?:(?P<rel>the|this|next|the following)\s+month\b|"
            + _p(_MON, "m")
            + r"\b)"
        ),
    ),
    ("iso", re.compile(r"\b(?P<y>20\d\d)-(?P<m>\d{1,2})-(?P<d>\d{1,2})\b")),
    (
        "md_range",
        re.compile(
            r"\b"
            + _p(_MON, "m1")
            + r"\s+(?:the\s+)?"
            + _p(_DAY, "d1")
            + _TO
            + r"(?:"
            + _p(_MON, "m2")
            + r"\s+(?:the\s+)?)?"
            + _p(_DAY, "d2")
            + r"\b"
            + _p(_YEAR, "y")
        ),
    ),
    (
        "dm_range",
        re.compile(
            r"\b(?:the\s+)?"
            + _p(_DAY, "d1")
            + r"(?:\s+(?:of\s+)?"
            + _p(_MON, "m1")
            + r")?"
            + _TO
            + _p(_DAY, "d2")
            + r"\s+(?:of\s+)?"
            + _p(_MON, "m2")
            + r"\b"
            + _p(_YEAR, "y")
        ),
    ),
    (
        "md",
        re.compile(
            r"\b" + _p(_MON, "m") + r"\s+(?:the\s+)?" + _p(_DAY, "d") + r"\b" + _p(_YEAR, "y")
        ),
    ),
    (
        "dm",
        re.compile(
            r"\b(?:the\s+)?"
            + _p(_DAY, "d")
            + r"\s+(?:of\s+)?"
            + _p(_MON, "m")
            + r"\b"
            + _p(_YEAR, "y")
        ),
    ),
    (
        # a day range sharing one numeric month: "21-23/12" (day first), "12/21-23" (month
        # first; "21/12-23" day first)
        "numeric_range",
        re.compile(
            r"(?<![\d/.:])(?:(?P<d0>\d{1,2})\s*(?:-|–|—|to)\s*(?P<a>\d{1,2})/(?P<b>\d{1,2})"
            r"(?:/(?P<y>\d{2}|\d{4}))?"
            r"|(?P<a2>\d{1,2})/(?P<b2>\d{1,2})(?:/(?P<y2>\d{2}|\d{4}))?\s*(?:-|–|—)\s*(?P<d9>\d{1,2}))"
            r"(?![\d/:])"
        ),
    ),
    (
        "numeric",
        re.compile(r"(?<![\d/.:])(?P<a>\d{1,2})/(?P<b>\d{1,2})(?:/(?P<y>\d{2}|\d{4}))?(?![\d/])"),
    ),
    (
        # the European day-first "21.12" / "21.12.2026" (a month up to 12; never a price,
        # a clock time "at 10.12", "10.30" or "9.45am")
        "dotted",
        re.compile(
            r"(?<![\w.:$£€,])(?<!\bat )(?<!@)(?P<d>[12]\d|3[01]|0?[1-9])\.(?P<m>1[0-2]|0?[1-9])"
            r"(?:\.(?P<y>20\d\d|\d\d))?\.?(?![\d:]|\.\d|\s*(?:am|pm|a\.m|p\.m|h\b|hrs?\b|usd|eur|gbp|dollars?|euros?|pounds?|bucks|k\b))"
        ),
    ),
    (
        "ord_range",
        re.compile(
            r"\b(?:the\s+)?(?P<d1>(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)|"
            + _ORDW
            + r")"
            + _TO
            + r"(?P<d2>(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?|"
            + _ORDW
            + r")\b"
        ),
    ),
    (
        # "actually make it 16 to 19", "change it to 8 through 10": two bare days joined
        # by a word, said as the new dates of what is being changed (the same limits as
        # a dash between them: never a count, a clock or an amount)
        "ord_range",
        re.compile(
            r"(?:(?<=\bmake it )|(?<=\bmake that )|(?<=\bchange it to )|(?<=\bchange that to )"
            r"|(?<=\bmove it to )|(?<=\bswitch it to )|(?<=\bchange to )|(?<=\bmake them )"
            r"|(?<=\bmake the dates )|(?<=\bthe dates to ))"
            r"(?P<d1>[12]\d|3[01]|0?[1-9])\s+(?:to|till|until|through|thru)\s+"
            r"(?P<d2>[12]\d|3[01]|0?[1-9])(?![\w/.:-]|\s*(?:%|am\b|pm\b|a\.m|p\.m|h\b|hrs?\b|"
            r"hours?|mins?|minutes?|people|persons?|pax|adults?|passengers?|travell?ers?|"
            r"guests?|seats?|rooms?|nights?|days?|weeks?|months?|stops?|usd|eur|gbp|dollars?|"
            r"euros?|pounds?|bucks|k\b|of\b|/|options?|results?|choices?|flights?|hotels?|"
            r"stars?|bags?|pieces?|kg\b|lbs?\b|x\b|o['’]?clock))"
        ),
    ),
    (
        # "a hotel in London 15-18": two bare days joined by a dash, the second later in
        # the month and soon after; never a count ("2-3 people", "1-2 stops"), a clock
        # ("9-11am"), an amount ("$15-20") or part of a longer number or date
        "ord_range",
        re.compile(
            r"(?<![\w$£€./:-])(?<!option )(?<!options )(?<!row )(?<!rows )(?<!seat )"
            r"(?<!seats )(?<!gate )(?<!terminal )(?<!top )(?<!between )"
            r"(?P<d1>[12]\d|3[01]|0?[1-9])\s*(?:-|–|—)\s*"
            r"(?P<d2>[12]\d|3[01]|0?[1-9])(?![\w/.:-]|\s*(?:%|am\b|pm\b|a\.m|p\.m|h\b|hrs?\b|"
            r"hours?|mins?|minutes?|people|persons?|pax|adults?|passengers?|travell?ers?|"
            r"guests?|seats?|rooms?|nights?|days?|weeks?|months?|stops?|usd|eur|gbp|dollars?|"
            r"euros?|pounds?|bucks|k\b|of\b|/|options?|results?|choices?|flights?|hotels?|"
            r"stars?|bags?|pieces?|kg\b|lbs?\b|x\b))"
        ),
    ),
    (
        "ord",
        re.compile(
            # an ordinal word is a day only after "the": "on second thought" is no date;
            # never before "one"/"option", one or two words between ("the first direct
            # one", "the 2nd cheapest option" pick from a list), nor a count of options
            # ("the cheaper of the 2 nonstops")
            r"\b(?:(?:the|on)\s+(?P<d>(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?)"
            r"|the\s+(?P<d3>" + _ORDW + r")"
            # "mon 14", "sat 19, back wed 23": a bare day right after its weekday (terse)
            r"|" + _AFTER_WEEKDAY + r"(?P<d4>[12]\d|3[01]|0?[1-9])(?![\w/.:,-]\d|\s*(?:am|pm|a\.m|p\.m|h|hrs?|hours?|mins?|minutes?|o['’]?clock)\b|[\w/:-])"
            r"|(?P<d2>(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)))\b(?![:.]\d)(?!\s*(?:one|option|flight|hotel|choice|cheapest|(?:(?!(?:for|of|at|in|on|to|and|or|with|by|from|until|till|through|back|out|just|only|then|is|are|was|please)\b)[a-z-]+\s+){1,2}(?:ones?|options?|choices?)\b(?![\s-]+(?:way|night|week|day)s?\b)|of (?:those|them|these|us|you)|(?:of|in|from|for) (?:each|every|both)\b|(?:people|persons|pax|adults|passengers|travell?ers|guests|seats|rooms|nights|colleagues|non-?stops|directs)\b|[- ]?(?:stars?|\*|★)))"
            + _OPTION_OUT
        ),
    ),
    (
        # a bare day said right after what it is the day of, with no "the" nor ordinal
        # ending ("3 nights from 15", "2 night starting 10", "return 18", "come back 13"):
        # the first night, or the day back (never a count, clock or amount after it)
        "ord",
        re.compile(
            r"\b(?:nights?\s*,?\s+(?:from|starting(?:\s+from)?|beginning|begin)"
            r"|return(?:ing)?|(?:come|coming|fly(?:ing)?|get(?:ting)?|go(?:ing)?)\s+back)"
            r"\s+(?:on\s+)?(?:day\s+)?(?P<d5>[12]\d|3[01]|0?[1-9])"
            r"(?![\w/.:-]|\s*(?:%|am\b|pm\b|a\.m|p\.m|h\b|hrs?\b|hours?|mins?|minutes?|people|"
            r"persons?|pax|adults?|passengers?|travell?ers?|guests?|seats?|rooms?|nights?|days?|"
            r"weeks?|months?|stops?|usd|eur|gbp|dollars?|euros?|pounds?|bucks|k\b|of\b|/|"
            r"options?|results?|choices?|flights?|tickets?|hotels?|stars?|bags?|pieces?|kg\b|"
            r"lbs?\b|x\b|times?\b|o['’]?clock))"
        ),
    ),
    (
        "in",
        re.compile(
            r"\b(?:in\s+(?P<n1>\d{1,2}|a|an|one|two|three|four|five|six|seven|eight|nine|ten|a couple of|a few)\s+(?P<u1>days?|weeks?|months?)"
            r"|(?P<n2>\d{1,2}|a|one|two|three|four|five|six|seven|eight|nine|ten)\s+(?P<u2>days?|weeks?)\s+from\s+(?P<base>now|today|tomorrow)"
            r"|in\s+a\s+fortnight|a\s+fortnight\s+from\s+(?:now|today))\b"
        ),
    ),
    (
        "holiday",
        re.compile(r"\b(?P<h>" + holidays.pattern() + r")\b"),  # data/holidays.yaml
    ),
    (
        "rel",
        re.compile(
            r"\b(?P<w>(?:the\s+)?day after tomorrow|overmorrow|today|tonight|asap|as soon as possible|right away|this (?:morning|afternoon|evening)|tomorrow|tmrw|tmr|tomorow|tommorow|tommorrow)\b"
        ),
    ),
    (
        "week_from",
        re.compile(
            r"\b(?:a|one|1) week (?:from|on|on from) (?:this |next )?(?P<wd>"
            + _WD
            + r"|today|tomorrow)\b"
        ),
    ),
    (
        "end_week",
        re.compile(
            r"\b(?:(?P<edge>end|back end|tail end|start|beginning|middle)\s+of[\s-]+"
            r"(?:the\s+|this\s+)?(?P<next>next\s+)?week"
            # "early next week", "late this week", "mid-next week" (never "a mid-week flight")
            r"|(?P<edge2>early|late|mid)(?:[\s-]+in)?[\s-]+(?:the\s+|this\s+|(?P<next2>next\s+))week)\b"
        ),
    ),
    (
        "weekday",
        re.compile(
            r"\b(?:(?P<mod>next|this|coming|the coming|following|the following|on)\s+)?(?P<wd>"
            + _WD
            + r")\b"
            r"(?P<after>\s+after\s+next|\s+next\s+week|\s+of\s+next\s+week|\s+week\b)?"
        ),
    ),
    (
        "weekend",
        re.compile(r"\b(?P<mod>this|next|the|over the)?\s*weekend\b(?P<after>\s+after\s+next)?"),
    ),
]

_RETURN_CUE = re.compile(
    r"\b(?:return(?:ing)?|back|come back|coming back|fly(?:ing)? back|head(?:ing)? back|home|check(?:ing)?[- ]?out(?:\s+(?:date|day))?(?:\s+(?:to|till|until|for))?|leav(?:e|ing) the hotel|till|til|until|up (?:to|until)|through|thru)\s*(?:[-–—:,]+\s*)?(?:on\s+|by\s+|the\s+|at\s+)*"
    # "until Friday the 18th", "get back - sunday 13th"
    r"(?:(?:" + _WD + r")\.?,?\s+(?:the\s+)?)?$"
)
# "… the day before and back to London on the Thursday": the way home named by where it
# goes. Read only beside a day counted from an event (the day before / after): alone,
# "red-eye from SFO back to New York on Thursday" is the one flight, home.
_BACK_TO_CUE = re.compile(
    r"\b(?:back|home|return(?:ing)?)\s+to\s+(?:[a-z][\w.'-]*\s+){1,3}?(?:on\s+|the\s+)*"
    r"(?:(?:" + _WD + r")\.?,?\s+(?:the\s+)?)?$"
)
_RETURN_CLAUSE = re.compile(
    r"\b(?:return(?:ing)?|(?:come|coming|fly|flying|head|heading|get|getting|be|being)\s+back|(?:fly|flying|head|heading|go|going|be|get|getting)\s+home|back\s+(?:on|by|home)|and back|round ?trip back"
    # "one back in the evening", "an evening one home": the flight home
    r"|(?:one|flights?)\s+(?:back|home)"
    r"|(?:back|home)(?=\s+(?:on\s+)?(?:\d|the\b|next\b|" + "|".join(MONTHS) + "|" + _WD + r"))"
    # a bare "back" with its time, as "out" with its own ("out in the morning, back in the
    # evening", "back before 6pm", "back late afternoon")
    r"|(?:back|home)(?=\s+(?:(?:early|late)\b"
    # a time, never an event ("my own way back after the workshop")
    r"|(?:after|before|by|around|about|at|no\s+later\s+than|not\s+before)\s+(?:\d|noon\b|midday\b|midnight\b|lunch\b|dinner\b)"
    r"|in\s+the\s+(?:morning|afternoon|evening|night)|in\s+time\b|(?:(?:the\s+)?same|that)\s+(?:day|morning|afternoon|evening|night)"
    r"|(?:morning|afternoon|evening|night|tonight)\b)))\b"
)


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    first: date
    last: date | None = None  # ranges
    text: str = ""
    rolled: bool = False  # a day/month that had passed, moved a year on
    weekday: int | None = None  # for "returning Sunday": the Sunday after departure
    kind: str = ""  # which pattern read it ("ord" = a bare day of the month)
    # A numeric date both orders could read ("09/12/2026"), nothing in the message
    # settling which: the other day it could be (the reply says which was taken).
    other: date | None = None


@dataclass
class DateReading:
    """What a message says about when."""

    depart: date | None = None
    ret: date | None = None
    nights: int | None = None
    mentions: list[Mention] = field(default_factory=list)
    question: str | None = None  # ask this instead of guessing
    explicit_return: bool = False  # "returning", "back on", "fly back": a flight home is wanted
    depart_after: str | None = None
    depart_before: str | None = None
    return_after: str | None = None
    return_before: str | None = None
    relative_return: bool = False  # "back the next evening": the return counts from departure
    # "sometime next week", "the week of the 14th, whichever day is cheapest",
    # "cheapest day between Dec 14 and 17": the days to compare (first, last).
    flexible: tuple[date, date] | None = None
    any_day: bool = False  # the message says any day will do ("I'm flexible, any day that week")
    # "any weekday works", "weekdays only": of the days left open, Monday to Friday only
    weekdays_only: bool = False
    corrected: date | None = None  # "the 10th, not the 8th": the day corrected away (the 8th)
    # "oops — January, not December": a month alone, no day (1-12): the trip's month
    # corrected, its days kept (the dialogue moves them).
    month_alone: int | None = None
    # "make it Friday", "the Friday": a plain weekday alone, read as one of the trip's
    # week (Friday = 4) when the dialogue has a date already chosen.
    definite_weekday: int | None = None
    # "actually, come back Thursday": a plain weekday for the way home alone, which the
    # dialogue reads in the week of the return it corrects (after the departure).
    return_weekday: int | None = None
    # "and home the day after", "back two days later" with no day of its own: the way home
    # that many days after the way out the dialogue has (never the trip moved).
    return_days: int | None = None
    # "can the return be on the 12th instead?", "the 12th for the way back": the one day
    # said is for the way home, named as such though no return word stands right before it
    # (the dialogue reads it as the return of a trip whose way out is before it).
    back_named: bool = False
    # "flying on the 15th ... a hotel from the 16th until the 19th": the stay's own first
    # night and check-out day, named apart from the flights' dates (which ignore them).
    stay: tuple[date, date] | None = None
    # The flight out is said to fly overnight ("fly out Monday, overnight if possible", "a
    # red-eye there"): it lands the next day, when a stay dated by the trip starts.
    overnight_out: bool = False
    # Numeric dates read one way of two ("09/12/2026" → 9 Dec, not 12 Sep): as written,
    # the day taken and the other.
    read_as: list[tuple[str, date, date]] = field(default_factory=list)
    # The order the message's own numeric dates settle ("28/12": day first → False), to
    # read the writer's later messages the same way; None when nothing settles it.
    month_first: bool | None = None
    # "I need to land before 2pm", "arrive by 9am for a meeting": the latest local arrival
    # of the flight out, HH:MM (the search tool filters departures only).
    arrive_before: str | None = None
    # The trip's days counted from an event's told beside them ("a conference 15–17 Dec,
    # out the night before and back Thursday"): the event's first and last days, context
    # already read (a stay "for the conference" lasts until its last day).
    around_event: tuple[date, date] | None = None


def _day(text: str) -> int:
    text = text.lower().strip()
    if text in _ORDINAL_WORDS:
        return _ORDINAL_WORDS[text]
    return int(re.sub(r"\D", "", text))


def _month_day(today: date, month: int, day: int, year: int | None) -> tuple[date, bool] | None:
    """Next occurrence of month/day; ``rolled`` when it moved to next year."""
    try:
        if year is not None:
            return date(year, month, day), False
        candidate = date(today.year, month, day)
    except ValueError:
        return None
    if candidate < today:
        try:
            return date(today.year + 1, month, day), True
        except ValueError:
            return None
    return candidate, False


def _day_of_month(today: date, day: int) -> date | None:
    """ "the 18th": this month if still ahead, else next month."""
    year, month = today.year, today.month
    for _ in range(3):
        try:
            candidate = date(year, month, day)
        except ValueError:
            candidate = None
        if candidate is not None and candidate >= today:
            return candidate
        month += 1
        if month > 12:
            year, month = year + 1, 1
    return None


def _weekday(today: date, wd: int, mod: str | None, after: str | None) -> date:
    # "Friday" / "this Friday": the coming one (never today: "Tuesday" said on a
    # Tuesday means next week's). "next Friday": the Friday of next calendar week,
    # so on a Tuesday it is not the day after tomorrow but the one after.
    ahead = (wd - today.weekday()) % 7 or 7
    result = today + timedelta(days=ahead)
    after = (after or "").strip()
    if mod == "next" and not after:
        monday_next = today + timedelta(days=7 - today.weekday())
        if result < monday_next:
            result += timedelta(days=7)
    if after in {"after next", "week"}:
        # "Monday after next"; British "Friday week": a week after the coming one.
        result += timedelta(days=7)
    elif after in {"next week", "of next week"}:
        monday_next = today + timedelta(days=7 - today.weekday())
        result = monday_next + timedelta(days=wd)
    elif mod in {"following", "the following"}:
        result += timedelta(days=7)
    return result


def _year(text: str | None) -> int | None:
    if not text:
        return None
    value = int(text)
    return value + 2000 if value < 100 else value


_NUMERIC: Final = re.compile(r"(?<![\d/.:])(\d{1,2})/(\d{1,2})(?:/(?:\d{2}|\d{4}))?(?![\d/])")


def _numeric_order(text: str, month_first: bool) -> tuple[bool, bool]:
    """The order of the numeric dates in one message, and whether the message settles
    it: a writer uses one order, so a date only one order can read ("28/12") settles
    the others ("28/12 to 02/01" ends on 2 Jan, not 1 Feb); with no such date, the
    traveller's region decides (unsettled)."""
    day_first = month_first_seen = False
    for m in _NUMERIC.finditer(text):
        a, b = int(m.group(1)), int(m.group(2))
        day_first |= a > 12 >= b
        month_first_seen |= b > 12 >= a
    if day_first != month_first_seen:
        return month_first_seen, True
    return month_first, False


def _next_to(a: Mention, b: Mention) -> bool:
    return 0 <= b.start - a.end <= 3 or 0 <= a.start - b.end <= 3


def _by_weekday_label(found: list[Mention], today: date) -> list[Mention]:
    """ "sun 3/1", "Fri 11/12": a weekday written beside a numeric date picks the order
    that falls on that weekday (Sunday 3 January, not Monday 1 March)."""
    out: list[Mention] = []
    for m in found:
        label = next(
            (w for w in found if w.kind == "weekday" and w.weekday is not None and _next_to(w, m)),
            None,
        )
        numeric = _NUMERIC.fullmatch(m.text.strip()) if m.kind == "numeric" else None
        if label is not None and numeric is not None and m.first.weekday() != label.weekday:
            a, b = int(numeric.group(1)), int(numeric.group(2))
            year = m.first.year if re.search(r"/\d+/", m.text) else None
            for month_n, day_n in ((a, b), (b, a)):
                got = _month_day(today, month_n, day_n, year) if 1 <= month_n <= 12 else None
                if got is not None and got[0].weekday() == label.weekday:
                    m = replace(m, first=got[0], rolled=got[1])
                    break
        if label is not None:
            m = replace(m, other=None)  # the weekday written beside it settles it
        out.append(m)
    return out


def _no_such_day(kind: str, m: re.Match[str], month_first: bool) -> str | None:
    """``"31 November"`` when a date the pattern read names a day its month lacks."""
    g = m.groupdict()
    pairs: list[tuple[int, int]] = []
    if kind in {"md", "dm"}:
        pairs = [(MONTHS[g["m"]], _day(g["d"]))]
    elif kind in {"md_range", "dm_range"}:
        m1 = MONTHS[g["m1"]] if g.get("m1") else None
        m2 = MONTHS[g["m2"]] if g.get("m2") else None
        if m1 or m2:
            pairs = [(m1 or m2, _day(g["d1"])), (m2 or m1, _day(g["d2"]))]  # type: ignore[list-item]
    elif kind == "numeric":
        a, b = int(g["a"]), int(g["b"])
        order = ((a, b), (b, a)) if month_first else ((b, a), (a, b))
        pairs = [next(((mo, d) for mo, d in order if 1 <= mo <= 12), order[0])]
    for month, day in pairs:
        if 1 <= month <= 12 and 1 <= day <= 31 and day > _LONGEST_MONTH[month]:
            return f"{day} {date(2000, month, 1):%B}"
    return None


# Read only when the date failed: 29 February then fails in the year it would fall in.
_LONGEST_MONTH: Final = {
    m: 28 if m == 2 else 30 if m in {4, 6, 9, 11} else 31 for m in range(1, 13)
}


def _mentions(
    text: str, today: date, month_first: bool, no_such_day: list[str] | None = None
) -> list[Mention]:
    """The dates ``text`` names; a date whose month lacks its day ("31/11") is added to
    ``no_such_day`` and read as nothing else (never as "the 31st")."""
    taken: list[tuple[int, int]] = []
    found: list[Mention] = []
    month_first, settled = _numeric_order(text, month_first)

    def free(a: int, b: int) -> bool:
        return all(b <= s or a >= e for s, e in taken)

    for kind, pattern in _PATTERNS:
        for m in pattern.finditer(text):
            if not free(m.start(), m.end()):
                continue
            mention = _interpret(kind, m, today, month_first)
            if mention is None:
                missing = _no_such_day(kind, m, month_first)
                if missing is not None and no_such_day is not None:
                    no_such_day.append(missing)
                    taken.append((m.start(), m.end()))
                continue
            taken.append((m.start(), m.end()))
            found.append(replace(mention, other=None) if settled else mention)
    found.sort(key=lambda x: x.start)
    found = _weekday_around(text, found)
    found = _by_weekday_label(found, today)
    # "Wednesday 9th December", "Dec 9 (Wed)": the weekday only labels the date next to it.
    # (A weekend labels no weekday: "this weekend, Friday and Saturday night" names both.)
    # Never across a sentence's end ("before Christmas? Saturday or Sunday"), nor beside a
    # holiday on another weekday ("Christmas, Saturday or Sunday": Christmas is a Friday).
    dated = [m for m in found if m.kind not in {"weekday", "weekend"}]

    def labels(w: Mention, o: Mention) -> bool:
        a, b = (w.end, o.start) if w.start < o.start else (o.end, w.start)
        return (
            0 <= b - a <= 3
            and not re.search(r"[.?!;]", text[a:b])
            and (o.kind != "holiday" or o.first.weekday() == w.weekday)
        )

    return [m for m in found if m.kind != "weekday" or not any(labels(m, o) for o in dated)]


_AROUND_WORDS: Final = datafiles.load("event_days")["around"]
_AROUND_SAID: Final = re.compile(
    r"(?:\b(?:the|on)\s+)*(?:\b(?P<nth>"
    + "|".join(sorted(map(re.escape, _AROUND_WORDS["nth"]), key=len, reverse=True))
    + r")\s+)?\b(?P<wd>"
    + _WD
    + r")s?\s+(?P<rel>"
    + "|".join(
        sorted(
            map(re.escape, [*_AROUND_WORDS["before"], *_AROUND_WORDS["after"]]),
            key=len,
            reverse=True,
        )
    )
    + r")\s+(?:the\s+)?$",
    re.IGNORECASE,
)
# The mentions that name one day a weekday can be counted from.
_ONE_DAY_KINDS: Final = frozenset(
    {"holiday", "iso", "md", "dm", "dotted", "numeric", "ord", "nth_weekday"}
)


def _weekday_around(text: str, found: list[Mention]) -> list[Mention]:
    """ "the last Tuesday before Christmas", "the first Monday after New Year", "the Monday
    before the 21st": a weekday counted from the day named right after it (a holiday or a
    date, data/event_days.yaml ``around``) is one day, that weekday on that side of it;
    the weekday, its ordinal and the day it is counted from are read as that one mention."""
    out = list(found)
    for anchor in found:
        if anchor.kind not in _ONE_DAY_KINDS or anchor.last is not None or anchor not in out:
            continue
        said = _AROUND_SAID.search(text[: anchor.start])
        if said is None:
            continue
        wd = WEEKDAYS[said.group("wd").lower()]
        nth = int(_AROUND_WORDS["nth"].get((said.group("nth") or "first").lower(), 1))
        day = anchor.first
        if said.group("rel").lower() in _AROUND_WORDS["before"]:
            first = day - timedelta(days=(day.weekday() - wd) % 7 or 7) - timedelta(weeks=nth - 1)
        else:
            first = day + timedelta(days=(wd - day.weekday()) % 7 or 7) + timedelta(weeks=nth - 1)
        start = said.start()
        out = [m for m in out if m is not anchor and not (start <= m.start < anchor.start)]
        said_all = text[start : anchor.end]
        out.append(Mention(start, anchor.end, first, None, said_all, anchor.rolled, None, "anchored"))
    return sorted(out, key=lambda x: x.start)


def _numeric_range(
    g: dict[str, str | None], today: date, month_first: bool, span: tuple[int, int, str]
) -> Mention | None:
    """ "21-23/12", "12/21-23": two days of one month written once. The month is the
    part of the written date that is not the day; with the day first before it ("21-23/12")
    only the day-first reading makes sense, after it either order may ("12/21-23" in the
    writer's order, else the other)."""
    year = _year(g.get("y") or g.get("y2"))
    if g.get("d0") is not None:
        orders = [(int(g["b"] or 0), int(g["d0"] or 0), int(g["a"] or 0))]
    else:
        a, b, last = int(g["a2"] or 0), int(g["b2"] or 0), int(g["d9"] or 0)
        orders = [(a, b, last), (b, a, last)] if month_first else [(b, a, last), (a, b, last)]
    for month_n, first_day, last_day in orders:
        if not (1 <= month_n <= 12) or last_day <= first_day:
            continue
        got = _month_day(today, month_n, first_day, year)
        if got is None:
            continue
        try:
            end = date(got[0].year, month_n, last_day)
        except ValueError:
            continue
        return Mention(span[0], span[1], got[0], end, span[2], got[1], None, "dm_range")
    return None


def _interpret(kind: str, m: re.Match[str], today: date, month_first: bool) -> Mention | None:
    g = m.groupdict()
    # "return 18": the day is the number; the words before it stay for the cue readers
    at = "d5" if g.get("d5") else 0
    span = (m.start(at), m.end(), m.group(0)[m.start(at) - m.start() :])

    def mk(first: date | None, last: date | None = None, rolled: bool = False) -> Mention | None:
        if first is None:
            return None
        if last is not None and last < first:
            return None
        wd = WEEKDAYS[g["wd"]] if kind == "weekday" else None
        return Mention(span[0], span[1], first, last, span[2], rolled, wd, kind)

    if kind == "iso":
        try:
            return mk(date(int(g["y"]), int(g["m"]), int(g["d"])))
        except ValueError:
            return None
    if kind in {"md", "dm"}:
        got = _month_day(today, MONTHS[g["m"]], _day(g["d"]), _year(g.get("y")))
        return mk(got[0], rolled=got[1]) if got else None
    if kind in {"md_range", "dm_range"}:
        m1 = MONTHS[g["m1"]] if g.get("m1") else None
        m2 = MONTHS[g["m2"]] if g.get("m2") else None
        first_month = m1 or m2
        last_month = m2 or m1
        if first_month is None or last_month is None:
            return None
        got1 = _month_day(today, first_month, _day(g["d1"]), _year(g.get("y")))
        if got1 is None:
            return None
        end_year = got1[0].year + (1 if last_month < first_month else 0)
        try:
            last = date(end_year, last_month, _day(g["d2"]))
        except ValueError:
            return None
        return mk(got1[0], last, got1[1])
    if kind == "dotted":
        got = _month_day(today, int(g["m"]), int(g["d"]), _year(g.get("y")))
        return mk(got[0], rolled=got[1]) if got else None
    if kind == "numeric_range":
        return _numeric_range(g, today, month_first, span)
    if kind == "numeric":
        a, b = int(g["a"]), int(g["b"])
        year = _year(g.get("y"))
        readings: list[tuple[date, bool]] = []
        for month_n, day_n in ((a, b), (b, a)) if month_first else ((b, a), (a, b)):
            if 1 <= month_n <= 12:
                got = _month_day(today, month_n, day_n, year)
                if got is not None:
                    readings.append(got)
        if not readings:
            return None
        both = [r[0] for r in readings] if len(readings) == 2 and a != b else []
        # With its year written, a reading can lie in the past: "09/12/2026" from New
        # York on 1 Dec 2026 is not 12 Sep (passed) but 9 Dec, the reading still ahead.
        ahead = [r for r in readings if r[0] >= today]
        if ahead and len(ahead) < len(readings):
            readings = ahead
        # The order the traveller writes in (their home's, or one they showed) wins, unless only
        # the other reading falls inside the schedule (about 90 days out): "3/12" from
        # New York in December is the 3rd. The reply always states the date in words.
        first, rolled = readings[0]
        if (
            len(readings) == 2
            and (first - today).days > SCHEDULE_DAYS
            and (readings[1][0] - today).days <= SCHEDULE_DAYS
        ):
            first, rolled = readings[1]
        made = mk(first, rolled=rolled)
        other = next((day for day in both if day != first), None)
        return replace(made, other=other) if made is not None else None
    if kind == "ord_range":
        start_day = _day_of_month(today, _day(g["d1"]))
        if start_day is None:
            return None
        if g["d1"].isdigit() and g["d2"].isdigit() and not 0 < int(g["d2"]) - int(g["d1"]) <= 21:
            return None  # bare numbers ("9-5", "10-30") are days only when they run forward
        return mk(start_day, _day_of_month(start_day, _day(g["d2"])))
    if kind == "ord":
        day = g.get("d") or g.get("d3") or g.get("d4") or g.get("d5") or g["d2"]
        return mk(_day_of_month(today, _day(day)))
    if kind == "holiday":
        got = holidays.next_on_or_after(g["h"], today)
        return mk(got[0], rolled=got[1]) if got else None
    if kind == "rel":
        word = g["w"]
        if "day after" in word or word == "overmorrow":  # not "this afternoon"
            return mk(today + timedelta(days=2))
        if word in {
            "today",
            "tonight",
            "asap",
            "as soon as possible",
            "right away",
        } or word.startswith("this "):
            return mk(today)
        return mk(today + timedelta(days=1))
    if kind == "in":
        if "fortnight" in m.group(0):
            return mk(today + timedelta(days=14))
        n_text = g.get("n1") or g.get("n2") or "1"
        unit = g.get("u1") or g.get("u2") or "days"
        n = 3 if n_text == "a few" else (word_number(n_text) or 1)
        base = today + timedelta(days=1) if g.get("base") == "tomorrow" else today
        if unit.startswith("week"):
            return mk(base + timedelta(days=7 * n))
        if unit.startswith("month"):
            month = base.month - 1 + n
            year = base.year + month // 12
            try:
                return mk(date(year, month % 12 + 1, base.day))
            except ValueError:
                return mk(date(year, month % 12 + 1, 28))
        return mk(base + timedelta(days=n))
    if kind == "week_from":
        word = g["wd"]
        base = (
            today
            if word == "today"
            else today + timedelta(days=1)
            if word == "tomorrow"
            else _weekday(today, WEEKDAYS[word], None, None)
        )
        return mk(base + timedelta(days=7))
    if kind == "end_week":
        # "end of the week" is its Friday, "start of next week" next Monday.
        monday = today - timedelta(days=today.weekday())
        if g.get("next") or g.get("next2"):
            monday += timedelta(days=7)
        edge = g["edge"] or g["edge2"]
        late = edge in {"end", "back end", "tail end", "late"}
        day = monday + timedelta(days=4 if late else 2 if edge in {"middle", "mid"} else 0)
        return mk(day if day >= today else day + timedelta(days=7))
    if kind == "nth_weekday":
        # "the first Monday in January", "the last Friday of the month"
        if g.get("m"):
            month = MONTHS[g["m"]]
            year = today.year if month >= today.month else today.year + 1
        else:
            year, month = _add_months(
                today, 1 if "next" in g["rel"] or "following" in g["rel"] else 0
            )
        first_day = date(year, month, 1)
        any_day = g["wd"] == "day"  # "the last day of the month", "the 2nd day of January"
        if g["nth"] in {"last", "final"}:
            last_day = date(*_add_months(first_day, 1), 1) - timedelta(days=1)
            wd = last_day.weekday() if any_day else WEEKDAYS[g["wd"]]
            day = last_day - timedelta(days=(last_day.weekday() - wd) % 7)
        else:
            nth = {"first": 1, "second": 2, "third": 3, "fourth": 4}.get(g["nth"]) or int(
                g["nth"][0]
            )
            wd = first_day.weekday() if any_day else WEEKDAYS[g["wd"]]
            week = 1 if any_day else 7
            day = first_day + timedelta(days=(wd - first_day.weekday()) % 7 + week * (nth - 1))
        if day < today and g.get("m"):
            return None
        return mk(day)
    if kind == "weekday":
        return mk(_weekday(today, WEEKDAYS[g["wd"]], g.get("mod"), g.get("after")))
    if kind == "weekend":
        saturday = _weekday(today, 5, None, None)
        if g.get("after"):
            saturday += timedelta(days=7)  # "the weekend after next", like "Monday after next"
        elif (g.get("mod") or "").strip() == "next" and (saturday - today).days < 5:
            saturday += timedelta(days=7)
        return mk(saturday, saturday + timedelta(days=1))
    return None


# A fragment dateparser may be trusted with names a calendar day: it also reads
# "2nd one" or "now" as dates. Checked on the whole text first, since a text with
# no such word cannot give an accepted hit (and search_dates costs ~5 ms).
_NAMES_A_DAY = re.compile(
    r"\b(?:" + "|".join(MONTHS) + "|" + _WD + r")\b|\d+[./]\d+|from (?:now|today|tomorrow)"
)


def _fallback(text: str, now: datetime, month_first: bool) -> list[Mention]:
    """dateparser for forms the patterns miss; only hits that name a day."""
    if not _NAMES_A_DAY.search(text):
        return []
    settings = {
        "RELATIVE_BASE": now.replace(tzinfo=None),
        "PREFER_DATES_FROM": "future",
        "RETURN_AS_TIMEZONE_AWARE": False,
        "REQUIRE_PARTS": ["day", "month"],
        "DATE_ORDER": "MDY" if month_first else "DMY",
    }
    hits = search_dates(text, languages=["en"], settings=settings) or []
    out: list[Mention] = []
    for fragment, when in hits:
        if not _NAMES_A_DAY.search(fragment.lower()):
            continue
        start = text.find(fragment)
        if when.date() < now.date():
            continue
        out.append(
            Mention(max(start, 0), max(start, 0) + len(fragment), when.date(), None, fragment)
        )
    return out


# Only worth asking dateparser when something in the text could be a date.
_DATE_HINT = re.compile(
    r"\d|\b(?:"
    + "|".join(MONTHS)
    + "|"
    + _WD
    + r"|week|fortnight|tomorrow|today|now|christmas|new year)\b"
)
_PAST = re.compile(
    r"\b(?:yesterday|last (?:week|night|month|"
    + _WD
    + r")|(?:a|one|two|three|\d+) (?:days?|weeks?) ago)\b"
)
_EVENT_ENDS: Final = re.compile(datafiles.load("event_days")["ends"])
_AROUND_DATE = re.compile(r"\b(?:the|a)\s+(?:night|day|evening)\s+(before|after)\b(?!\s+tomorrow)")
_BARE_MONTH = re.compile(
    r"\b(?:in|during|early|mid|late|end of|beginning of)[\s-]+("
    + "|".join(sorted(MONTHS, key=len, reverse=True))
    + r")\b"
)
_NEXT_WEEK = re.compile(r"\b(?:next|this|the following) week\b|\bnext month\b")


@cache
def _month_part_pattern() -> re.Pattern[str]:
    parts = sorted(datafiles.load("month_parts"), key=len, reverse=True)
    return re.compile(
        r"\b(?P<part>"
        + "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in parts)
        + r")[\s-]+(?P<month>"
        + "|".join(sorted(MONTHS, key=len, reverse=True))
        # "early next month", "the end of this month": the month counted from today's
        + r"|(?P<rel>next|this|the)\s+month)\b"
    )


_VAGUE: Final = datafiles.load("vague_dates")
_ROUGH_LENGTH: Final = re.compile("|".join(_VAGUE["rough_length"]))
_UNDECIDED: Final = re.compile("|".join(_VAGUE["undecided"]))
_COMPARE: Final = re.compile("|".join(_VAGUE["compare"]))


def _vague_days(low: str, mentions: list[Mention], today: date) -> str | None:
    """The question to ask when the days are too vague to search (``data/vague_dates.yaml``):
    a part of a month or a holiday with no day of it said, beside a stay's length only
    roughly said ("mid-December for about a week") or days said to be unsettled ("after
    Christmas, haven't settled the days yet"). None when the days are said, the length is
    firm or none is said ("mid december, 3 nights"), or the days are to be compared
    ("cheapest day")."""
    if any(m.kind != "holiday" for m in mentions) or _COMPARE.search(low):
        return None
    part = None if mentions else _month_part(low, today)
    if part is None and not mentions:
        return None
    if not (_ROUGH_LENGTH.search(low) or _UNDECIDED.search(low)):
        return None
    when = f" (I read that part of the month as {day_range(*part)}.)" if part is not None else ""
    return (
        f"Which dates would suit you?{when} Tell me the day you'd go and the day you'd come "
        "back (or the first night and how many nights), and I'll look for options."
    )


def _month_part(low: str, today: date) -> tuple[date, date] | None:
    """ "mid-December", "early Jan", "the end of December" (``data/month_parts.yaml``):
    the days of that part of the month's next occurrence, from today on; None when none
    is named or it is all past."""
    m = _month_part_pattern().search(low)
    if m is None:
        return None
    if m.group("rel"):
        year, month = _add_months(today, 1 if m.group("rel") == "next" else 0)
    else:
        month = MONTHS[m.group("month")]
        year = today.year if month >= today.month else today.year + 1
    first_day, last_day = datafiles.load("month_parts")[re.sub(r"\s+", " ", m.group("part"))]
    days_in_month = ((date(year + month // 12, month % 12 + 1, 1)) - timedelta(days=1)).day
    start = max(date(year, month, min(first_day, days_in_month)), today)
    end = date(year, month, min(last_day, days_in_month))
    return (start, end) if start <= end else None


# "09.12.2026": dots with a year are a date (never a price or a time, which have no
# second dot); read like "09/12/2026" (same length, so every position stays).
_DOTTED: Final = re.compile(r"(?<![\d.:$£€])(\d{1,2})\.(\d{1,2})\.(\d{4}|\d{2})(?![\d]|\.\d)")
# The day a change moves a booking to: "move it to Thursday 17 Dec", "bring my return
# forward to the 17th", "switch it for Friday"; never the day it moves from ("instead of
# the Friday", "from Monday").
_MOVED_TO: Final = re.compile(
    r"\b(?:to|for|onto|until|till|til)\s+(?:(?:the|this|next|that)\s+)?"
    r"(?:(?:mon|tues?|wed(?:nes)?|thu(?:rs?)?|fri|sat(?:ur)?|sun)(?:day)?,?\s+)?(?:the\s+)?$"
)
_MOVED_FROM: Final = re.compile(
    r"\b(?:instead of|rather than|not|from|off|in place of)\s+(?:(?:the|my|this|that)\s+)?"
    r"(?:(?:mon|tues?|wed(?:nes)?|thu(?:rs?)?|fri|sat(?:ur)?|sun)(?:day)?,?\s+)?(?:the\s+)?$"
)
_SENTENCE_END: Final = re.compile(r"[.!?;](?:\s|$)")


# A flight said to fly through the night: "a red-eye", "the night flight", "flying out on
# the 14th, overnight" (a flight word, then "overnight" in the same sentence). "A room
# overnight" is a one-night stay, no flight.
_OVERNIGHT_OUT: Final = re.compile(
    r"\b(?:red[- ]?eye|night flight|overnight flight|overnighter)\b"
    r"|\b(?:fly|flying|flight|flights|fly out|out|leav\w*|depart\w*)\b[^.;!?]{0,60}?\bovernight\b"
    # "an overnight from JFK to London": the flight named by how it goes
    r"|\bovernight\s+(?:from|to|out of|into)\b"
)


def moved_to(text: str, reading: DateReading, cue: int) -> date | None:
    """The day a change request moves a booking to: a day said "instead", or after "to"
    ("move my flight home to Thursday the 17th"), else a day in the sentence that asks for
    the change (``cue``: where its verb is) or after it; never a day told as context in an
    earlier sentence ("My meetings wrap up on Wednesday.", "The meeting moved to the
    16th.") nor the day moved from ("instead of the Friday")."""
    low = fix_spelling(text.lower())
    begin = max([0] + [m.end() for m in _SENTENCE_END.finditer(low) if m.end() <= cue])
    mentions = [
        m for m in reading.mentions if m.start >= begin and not _MOVED_FROM.search(low[: m.start])
    ]
    ranked = (
        [m for m in mentions if re.match(r"[\s,]*instead\b", low[m.end :])],
        [m for m in mentions if _MOVED_TO.search(low[: m.start])],
        mentions,
    )
    chosen = next((group[0] for group in ranked if group), None)
    if chosen is not None:
        return chosen.first
    return reading.depart if not reading.mentions else None


def read_dates(
    text: str, now: datetime, *, month_first: bool = True, anchor: date | None = None
) -> DateReading:
    """Everything a message says about dates; ``text`` may be in any case. ``anchor``: the
    day of an event told in a sentence left out of ``text`` (its context), by which "the
    Wednesday" is read."""
    low = _DOTTED.sub(r"\1/\2/\3", fix_spelling(text.lower()))
    today = now.date()
    reading = DateReading()
    order, settled = _numeric_order(low, month_first)
    reading.month_first = order if settled else None
    no_such_day: list[str] = []
    period = _month_week(low, today)
    if period is not None:
        # "the first week of January": its "first" is no day of the month (what is left,
        # "of January", anchors the month's bare days: "back on the 8th")
        a, b = period.span
        low = low[:a] + " " * (b - a) + low[b:]
    # "Boston to Atlanta and back in a day": the day trip's words name no day
    same_day = _SAME_DAY_TRIP.search(low)
    unsaid = low if same_day is None else _SAME_DAY_TRIP.sub(lambda m: " " * len(m.group(0)), low)
    mentions = _mentions(unsaid, today, month_first, no_such_day)
    mentions = _bare_days_listed(low, mentions)
    mentions = _days_before_month(low, mentions)
    mentions = _weekdays_offered_together(low, mentions)
    if no_such_day:
        reading.question = f"There's no {no_such_day[0]} — which day do you mean?"
        return reading
    if (
        not mentions
        and not _NEXT_WEEK.search(low)
        and _DATE_HINT.search(low)
        and _month_part(low, today) is None  # "mid december, 3 nights": no "December 3"
    ):
        mentions = _fallback(low, now, month_first)
    mentions = _offsets(low, mentions)
    mentions = _in_named_month(low, today, mentions)
    mentions, weekend_nights = _weekend_beside_a_day(low, mentions)
    if period is not None:
        week: date | None = period.monday
        mentions = _in_week(period.monday, mentions, period.floor)
    else:
        week = _named_week(low, today, mentions)
        if week is not None:
            mentions = _in_week(week, mentions)
            mentions = _part_of_named_week(low, week, mentions)
    mentions, reading.corrected = _not_negated(low, mentions)
    mentions = _corrected_in_place(low, mentions)
    mentions = _holidays_as_context(low, mentions)
    mentions, low = _today_as_context(low, mentions)
    mentions = _nights_named(low, mentions)
    stay = _stay(low, mentions, read_nights(low))
    if stay is not None:
        used, reading.stay = stay
        mentions = [m for m in mentions if m not in used]
    # After the stay: "out on 27 Dec, a hotel for the nights of the 27th to the 29th" is
    # a flight day and a stay, not a day labelling a range.
    mentions = _within_ranges(mentions)
    told = mentions
    mentions, anchored = _by_event_day(low, mentions, anchor)
    # The clause telling of the event whose day anchors the travel day ("they want
    # everyone there first thing Thursday 10th", "kickoff at 9am Monday 14th"): its time
    # is the event's, no wish about the flight on another day.
    event_clauses = [
        _clause_span(low, m.start)
        for m in told
        if anchored and m.kind in _ANCHOR_KINDS and m not in mentions
    ]
    if not anchored:
        mentions = _weekday_as_context(low, mentions)
    if (
        len(mentions) == 1
        and mentions[0].kind == "weekday"
        and _PLAIN_WEEKDAY.match(mentions[0].text.strip())
        and not re.search(r"\b(?:next|coming|following|last)\s+$", low[: mentions[0].start])
    ):
        # "make it Thursday", "the Friday would be better": a weekday alone corrects the
        # day already chosen, so the dialogue reads it in that day's week, not today's.
        reading.definite_weekday = mentions[0].weekday
    reading.any_day = _ANY_DAY.search(low) is not None
    reading.weekdays_only = _WEEKDAYS_ONLY.search(low) is not None
    reading.flexible = _flexible(low, today, week, mentions, reading.any_day)
    reading.mentions = mentions
    reading.read_as = [(m.text.strip(), m.first, m.other) for m in mentions if m.other]
    reading.nights = read_nights(low) or weekend_nights
    reading.explicit_return = _RETURN_CLAUSE.search(low) is not None
    overnight = _OVERNIGHT_OUT.search(low)
    homeward = _RETURN_CLAUSE.search(low)
    reading.overnight_out = overnight is not None and (
        homeward is None or overnight.start() < homeward.start()
    )
    timed = low
    for a, b in event_clauses:
        timed = timed[:a] + " " * (b - a) + timed[b:]
    _times(timed, reading)

    vague = _vague_days(low, mentions, today)
    if vague is not None:
        # "mid-December for about a week", "a few days after Christmas, haven't settled
        # the days yet": which days is asked, none compared or searched
        reading.flexible, reading.question = None, vague
        return reading
    if not mentions and reading.flexible is not None:
        return reading  # "sometime next week": any day of it, nothing to ask
    if not mentions and period is not None:
        start, end = max(period.monday, period.floor, today), period.monday + timedelta(days=6)
        reading.question = f"Which day that week ({spoken_day(start)} to {spoken_day(end)})?"
        return reading
    if not mentions:
        # ("mid-December", "in January" are a part of the month: which day is asked)
        reading.month_alone = None if _BARE_MONTH.search(low) else _month_alone(low)
        if reading.month_alone is not None:
            return reading
        past = _PAST.search(low)
        if past:
            reading.question = (
                f"{past.group(0).capitalize()} is in the past — which date do you want to travel?"
            )
            return reading
        in_month = _month_part(low, today)
        if in_month is not None:
            # "mid-December": any day of that part of the month; compare them, ask nothing
            reading.flexible = in_month
            return reading
        bare = _BARE_MONTH.search(low)
        if bare:
            month_name = date(2000, MONTHS[bare.group(1)], 1).strftime("%B")
            reading.question = f"Which day in {month_name}?"
        elif _NEXT_WEEK.search(low):
            reading.question = f"Which day {_NEXT_WEEK.search(low).group(0)}?"  # type: ignore[union-attr]
        return reading

    for mention in mentions:
        if mention.rolled and (mention.first - today).days > 300:
            reading.question = f"{mention.text.strip().capitalize()} has already passed this year — which date do you mean?"
            return reading

    relative = _AROUND_DATE.search(low)
    first = mentions[0]
    rel_return = _REL_RETURN.search(unsaid)  # "and back in a day" is no day later
    same_day = same_day if rel_return is None and len(mentions) == 1 else None
    if (
        (rel_return or same_day)
        and first.last is None
        and not _RETURN_CUE.search(low[: first.start])
    ):
        # "back the next evening", "coming back two days later": counted from departure;
        # "a day trip to Boston on the 9th": home the same day.
        reading.depart = first.first
        reading.ret = first.first + timedelta(days=_later_days(rel_return) if rel_return else 0)
        reading.explicit_return = reading.relative_return = True
        part = rel_return.group("part") if rel_return else None
        if part and part != "day" and not (reading.return_after or reading.return_before):
            # "back that evening": the part of the day is the return's (no context here)
            reading.return_after, reading.return_before = _window(f"in the {part}")
        return _sane_length(reading)
    if relative and not anchored:
        # "a meeting on the 9th, I need to get there the night before", "a conference
        # 15–17 December … out the night before" (the event's first day), "a workshop on
        # Wednesday 16 Dec … there the day before and back on the Thursday"
        backs = [
            m
            for m in mentions
            if _RETURN_CUE.search(low[: m.start]) or _BACK_TO_CUE.search(low[: m.start])
        ]
        events = [m for m in mentions if m not in backs]
        shift = -1 if relative.group(1) == "before" else 1
        # ("Offsite on Tuesday 15 Dec. Fly me there the day before and back on the
        # Wednesday.": the event told in a sentence of its own, ``anchor``)
        told_event = [Mention(0, 0, anchor)] if anchor is not None and not events else events
        if (
            len(told_event) == 1
            and len(backs) <= 1
            and (told_event[0].last is None or shift < 0)
            and not (backs and told_event[0].last is not None and shift > 0)
        ):
            event_day = told_event[0].first
            reading.depart = event_day + timedelta(days=shift)
            event_last = told_event[0].last
            if told_event is events:  # (an event told in a sentence left out: its own)
                reading.around_event = (event_day, event_last or event_day)
            if not backs and event_last is not None and _EVENT_ENDS.search(low):
                # "offsite 6–8 Jan … home the afternoon it ends": home on its last day
                reading.ret = event_last
                reading.explicit_return = True
                return _sane_length(reading)
            if backs:
                back_day = backs[0]
                reading.ret = (
                    _weekday(event_day, back_day.weekday, None, None)
                    if back_day.weekday is not None
                    else back_day.first
                )
                return _sane_length(reading)
            return reading
    if first.last is not None:
        reading.depart, reading.ret = first.first, first.last
        return _sane_length(reading)
    cued_return = [m for m in mentions if _RETURN_CUE.search(low[: m.start])]
    plain = [m for m in mentions if m not in cued_return]
    if plain:
        reading.depart = plain[0].first
    reading.back_named = (
        len(mentions) == 1
        and bool(plain)
        and _BACK_NAMED.search(low) is not None
        and _OUT_NAMED.search(low) is None
    )
    if cued_return:
        reading.ret = cued_return[0].first
        if (
            reading.depart is None
            and reading.nights
            and _CHECK_OUT_CUE.search(low[: cued_return[0].start])
        ):
            # "2 nights checking out on the 9th" with no first day: the nights before it
            reading.depart = reading.ret - timedelta(days=reading.nights)
    elif len(plain) > 1:
        reading.ret = plain[1].first
    if reading.depart is None and reading.ret is None:
        reading.depart = first.first
    if (
        reading.depart is None
        and len(mentions) == 1
        and first.last is None
        and _AND_BACK_ON.search(low[: first.start])
    ):
        # "New York to Chicago and back on 12/10": out and home that day
        reading.depart = first.first
        reading.explicit_return = True
    if not reading.explicit_return and reading.depart is not None:
        # "a hotel tonight and tomorrow night": the last night named is the last one slept.
        last = mentions[-1]
        if last.last is None and (
            last.text.strip() == "tonight" or _NIGHT_AFTER.match(low[last.end :])
        ):
            if reading.ret is not None and reading.ret == last.first:
                reading.ret = last.first + timedelta(days=1)
            elif reading.ret is None and len(mentions) == 1 and reading.nights is None:
                reading.nights = 1
    back = cued_return[0] if cued_return else (plain[1] if len(plain) > 1 else None)
    if back is not None and back.weekday is not None and reading.depart is not None:
        reading.ret = _weekday(reading.depart, back.weekday, None, None)
    elif (
        back is not None
        and back.kind == "weekday"
        and back.weekday is not None
        and _PLAIN_WEEKDAY.match(back.text.strip())
        and not re.search(r"\b(?:next|coming|following|last)\s+$", low[: back.start])
    ):
        # "come back Thursday" alone: the dialogue reads it after the trip's departure.
        reading.return_weekday = back.weekday
    if reading.ret is not None and reading.depart is not None and reading.ret < reading.depart:
        if _offered_days(low, mentions):
            # "on 12/17 - is 12/16 any cheaper?", "the 17th or the 16th": days compared,
            # no way back before the way there (read in calendar order, as "the 16th or 17th")
            reading.depart, reading.ret = reading.ret, reading.depart
        elif back is not None and back.kind == "ord":
            # "returning the 2nd" after a late-month departure means next month.
            moved = _day_of_month(reading.depart, reading.ret.day)
            reading.ret = moved if moved and moved > reading.depart else None
        else:
            reading.question = (
                f"The return ({spoken_day(reading.ret)}) is before the departure ({spoken_day(reading.depart)}) "
                "— which dates do you mean?"
            )
            reading.depart = reading.ret = None
    return _sane_length(reading)


# Words that introduce a stay, and what may stand between them and its first day: a
# flight or return word there ("a hotel, flying out the 15th") makes the day the flight's.
_STAY_WORD = re.compile(
    r"\b(?:hotels?|rooms?|accommodation|lodging|place to stay|somewhere to stay|stay(?:ing)?"
    r"|check(?:ing)?[- ]?in)\b"
)
_NOT_STAY = re.compile(
    r"[.;!?]|\b(?:fl(?:y|ying|ight|ights)|depart\w*|leav\w*|back|return\w*|arriv\w*|land\w*)\b"
)
_NIGHTS_OF = re.compile(r"\bnights?\s+of\s+(?:the\s+)?(?:(?:" + _WD + r")\.?,?\s+(?:the\s+)?)?$")
# "hotel nights for the 18th and 19th", "hotel nights 18th & 19th": the days listed after
# "nights" (uncounted) are the nights slept too — a list only: "nights 18th to 20th" may
# say the check-out, and "3 nights from the 18th" or "2 nights on the 18th" count them.
_NIGHTS_FOR = re.compile(r"\bnights\s+(?:for\s+|on\s+)?(?:the\s+)?$")
_NIGHTS_COUNTED = re.compile(
    r"\b(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten|few|couple of|several)\s+"
    r"(?:more\s+|extra\s+|additional\s+|further\s+)?(?:hotel\s+|room\s+)?nights\s+\S*\s*\S*$"
)
_LIST_JOIN = re.compile(r"\s(?:and|&)\s|,")
# Between two nights of one list: "the 8th and 9th", "14th, 15th and 16th", "Mon to Wed".
_JOIN_NIGHT = r"\s*(?:,\s*(?:and\s+|&\s*)?|and|&|to|through|thru|until|till|-|–|—)\s*(?:the\s+)?"
_NEXT_NIGHT = re.compile("^" + _JOIN_NIGHT + "$")
# "Dec 20, 21 and 22": further nights of the same month, written as bare numbers.
_MORE_NIGHTS = re.compile(
    _JOIN_NIGHT + r"(?P<d>[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?\b(?!\s*[:.]\d|\s*(?:am|pm)\b)"
)


# "Dec 9, 10 or 11": further days of the same month as bare numbers, the last one a choice
# ("or"); never a count ("Dec 9, 2 people"), a clock time or a price.
_BARE_DAY = re.compile(
    r"(?P<join>\s*,\s*(?:or\s+(?:maybe\s+)?)?|\s+or\s+(?:maybe\s+)?|\s*/\s*)(?:the\s+)?"
    r"(?P<d>[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?\b"
    r"(?!\s*(?:[:./]\d|am\b|pm\b|a\.m|p\.m|of\b|people|persons?|pax|adults?|passengers?"
    r"|travell?ers?|guests?|seats?|rooms?|nights?|days?|weeks?|colleagues?|usd|eur|gbp|dollars?"
    r"|\$|%|k\b|[-–—]\s*\d|to\b))"
)


def _bare_days_listed(low: str, mentions: list[Mention]) -> list[Mention]:
    """ "Dec 9, 10 or 11", "jan 4, 5 or 6": the bare numbers after a month and day are
    days of that month (each its own mention, read as "the 10th"), when the list ends
    with "or" — a choice of days, compared when the message asks for the cheapest."""
    out = list(mentions)
    for m in mentions:
        if m.kind not in {"md", "dm"} or m.last is not None:
            continue
        days: list[tuple[int, int, date]] = []
        end, last, chose = m.end, m.first, False
        while more := _BARE_DAY.match(low, end):
            try:
                day = last.replace(day=int(more.group("d")))
            except ValueError:
                break
            if day <= last or (day - m.first).days > 7:
                break
            chose = chose or "or" in more.group("join") or "/" in more.group("join")
            days.append((more.start("d"), more.end(), day))
            end, last = more.end(), day
        if not days or not chose or any(o.start < end and o.end > m.end for o in mentions):
            continue
        out += [Mention(a, b, day, None, low[a:b], m.rolled, kind="ord") for a, b, day in days]
    return sorted(out, key=lambda x: x.start)


# Between two days of a list: "the 4th, 5th or 6th", "the 4th and the 5th".
_LISTED: Final = re.compile(r"\s*(?:,\s*)?(?:(?:or|and|or maybe)\s+)?(?:(?:on\s+)?the\s+)?|\s*/\s*")


def _days_before_month(low: str, mentions: list[Mention]) -> list[Mention]:
    """ "the 4th, 5th or 6th of January", "the 9th and 10th December": the month said
    after a list of days is the month of every day in it (not the current one)."""
    out = list(mentions)
    for i, m in enumerate(mentions):
        if m.kind != "dm" or m.last is not None:
            continue
        j = i
        while (
            j > 0
            and mentions[j - 1].kind == "ord"
            and mentions[j - 1].last is None
            and mentions[j - 1].end <= mentions[j].start
            and _LISTED.fullmatch(low[mentions[j - 1].end : mentions[j].start])
        ):
            j -= 1
        for k in range(j, i):
            try:
                day = m.first.replace(day=mentions[k].first.day)
            except ValueError:
                break
            if day > m.first:
                break  # "the 28th or 2nd of Jan": not one month's list
            out[k] = replace(mentions[k], first=day, rolled=m.rolled)
    return out


def _nights_named(low: str, mentions: list[Mention]) -> list[Mention]:
    """ "the nights of the 8th and 9th", "the night of the 10th", "the nights of Monday to
    Wednesday": nights slept, so the stay checks out the morning after the last one. The
    days listed become one range from the first night to the check-out day."""
    mentions = _weekend_nights(low, mentions)
    out: list[Mention] = []
    i = 0
    while i < len(mentions):
        first = mentions[i]
        before = low[max(0, first.start - 20) : first.start]
        listed = (
            _NIGHTS_FOR.search(before)
            and not _NIGHTS_COUNTED.search(low[max(0, first.start - 40) : first.start])
            and first.last is not None
            and _LIST_JOIN.search(low[first.start : first.end])
        )
        if not (_NIGHTS_OF.search(before) or listed):
            out.append(first)
            i += 1
            continue
        chain = [first]
        while i + len(chain) < len(mentions):
            after = mentions[i + len(chain)]
            last_night = chain[-1].last or chain[-1].first
            if not _NEXT_NIGHT.match(low[chain[-1].end : after.start]) or after.first <= last_night:
                break
            chain.append(after)
        last_night = chain[-1].last or chain[-1].first
        end = chain[-1].end
        while more := _MORE_NIGHTS.match(low, end):
            try:
                night = last_night.replace(day=int(more.group("d")))
            except ValueError:
                break
            if night <= last_night:
                break
            last_night, end = night, more.end()
        out.append(
            Mention(
                first.start,
                end,
                first.first,
                last_night + timedelta(days=1),
                low[first.start : end],
                first.rolled,
                # bare days stay bare ("Jan 4, staying the nights of the 5th and 6th")
                kind="ord_range" if first.kind in {"ord", "ord_range"} else "nights",
            )
        )
        i += len(chain)
    return out


_NIGHTS_AFTER = re.compile(r"\s*nights?\b")


def _weekend_nights(low: str, mentions: list[Mention]) -> list[Mention]:
    """ "this weekend. Friday and Saturday night", "next weekend - fri & sat nights", "the
    11th and 12th nights": two or more days listed, then "night(s)", are nights slept — one
    range to the morning after the last. A weekend said beside them is their week (its
    Friday to Sunday) and only labels them."""
    weekend = next((m for m in mentions if m.kind == "weekend"), None)
    for i, first in enumerate(mentions):
        chain = [first]
        for after in mentions[i + 1 :]:
            if not _NEXT_NIGHT.match(low[chain[-1].end : after.start]):
                break
            chain.append(after)
        if len(chain) < 2 or any(m.last is not None for m in chain):
            continue
        if not _NIGHTS_AFTER.match(low, chain[-1].end):
            continue
        days = [m.first for m in chain]
        if weekend is not None and all(
            m.kind == "weekday" and m.weekday in (4, 5, 6) for m in chain
        ):
            saturday = weekend.first - timedelta(days=(weekend.first.weekday() - 5) % 7)
            days = [saturday + timedelta(days=(m.weekday or 5) - 5) for m in chain]
        if any(b != a + timedelta(days=1) for a, b in itertools.pairwise(days)):
            continue
        stay = Mention(
            first.start,
            chain[-1].end,
            days[0],
            days[-1] + timedelta(days=1),
            low[first.start : chain[-1].end],
            kind="nights",
        )
        return sorted(
            [m for m in mentions if m not in chain and m is not weekend] + [stay],
            key=lambda m: m.start,
        )
    return mentions


_STAY_TO = re.compile(
    r"^\s*,?\s*(?:to|until|till|til|'til|through|thru|-|–|—|and|check(?:ing)?[- ]?out(?: on)?)\s*"
    r"(?:(?:on\s+)?(?:" + _WD + r")\.?,?\s*)?(?:the\s+)?$"
)


# The day a stay ends, said as such: "checking out on the 12th", "(check-out Fri 11th)",
# "leaving on the 9th", "until the 9th".
_CHECK_OUT_CUE = re.compile(
    r"\b(?:check(?:ing|s)?[- ]?out|checkout|leav(?:e|es|ing)|until|till|til)\s*(?:on\s+)?"
    r"(?:the\s+)?(?:(?:" + _WD + r")\.?,?\s*)?(?:the\s+)?$"
)


def _stay(
    low: str, mentions: list[Mention], nights: int | None
) -> tuple[list[Mention], tuple[date, date]] | None:
    """The dates a message gives its hotel apart from its flights: a stay word, then (close
    by, no flight word between) a range — one mention ("16–19 Dec"), two joined by "to" /
    "until" / "check out", or a first night with "N nights" — while another date remains
    for the flights. None when the stay's dates are all the message names."""
    for word in _STAY_WORD.finditer(low):
        after = [m for m in mentions if m.start >= word.end()]
        if not after:
            break
        first = after[0]
        gap = low[word.end() : first.start]
        if len(gap) > 40 or _NOT_STAY.search(gap):
            continue
        # ("the nights of the 29th and 30th" is already one range, to the check-out day.)
        if first.last is not None:
            used, span = [first], (first.first, first.last)
        elif len(after) > 1 and _STAY_TO.match(low[first.end : after[1].start]):
            used, span = [first, after[1]], (first.first, after[1].first)
        elif nights and _CHECK_OUT_CUE.search(low[: first.start]):
            # "a room for 2 nights, checking out on the 12th": the nights before that day
            used, span = [first], (first.first - timedelta(days=nights), first.first)
        elif nights:
            used, span = [first], (first.first, first.first + timedelta(days=nights))
        else:
            continue
        others = [m for m in mentions if m not in used]
        if not others:
            continue
        flight = min(m.first for m in others)
        if all(m.kind == "weekday" and _PLAIN_WEEKDAY.match(m.text.strip()) for m in used):
            # "London next Monday, and a hotel from the Tuesday to the Friday": the days of
            # the trip's week, from its first day on (never this week's Friday)
            check_in = _weekday(flight - timedelta(days=1), used[0].weekday or 0, None, None)
            nights = (span[1] - span[0]).days
            if len(used) == 2:
                nights = ((used[1].weekday or 0) - (used[0].weekday or 0)) % 7 or 7
            span = (check_in, check_in + timedelta(days=nights))
        elif used[0].kind in {"ord", "ord_range"} and span[0] < flight:
            # "Jan 4, staying from the 5th": a bare day counts from the flight's date.
            moved = _day_of_month(flight, span[0].day)
            if moved is not None:
                span = (moved, span[1] + (moved - span[0]))
        if span[1] <= span[0]:
            continue
        return used, span
    return None


def end_from(reading: DateReading, start: date) -> date | None:
    """The last day a message names ("until Friday", "till the 19th"), counted from
    ``start`` when the message itself names no first day: the Friday after a check-in
    on Wednesday 16th is the 18th, not this week's."""
    if reading.ret is None:
        return None
    back = next((m for m in reading.mentions if m.first == reading.ret and m.last is None), None)
    if back is not None and back.weekday is not None:
        return _weekday(start, back.weekday, None, None)
    if back is not None and back.kind == "ord" and reading.ret <= start:
        return _day_of_month(start + timedelta(days=1), reading.ret.day)
    return reading.ret


# ---- anchors: a month or a week named once, days named bare ----------------------------

_MONTH_NAMES = "|".join(sorted(MONTHS, key=len, reverse=True))
_MONTH_ANCHOR = re.compile(
    r"\b(?:(?P<rel>next|the following|following|this|the coming|coming) month"
    r"|(?P<after>the month after next)"
    r"|(?:in|of|during|for|early|mid|late|(?:the )?(?:end|start|beginning|middle) of)\s+(?:early\s+|mid\s+|late\s+)?(?P<m>"
    + _MONTH_NAMES
    + r"))\b\.?(?!\s*\d)"
)
_WEEK_ANCHOR = re.compile(
    # "the week of the 14th"; "week of the 7th" (no article) only before a date
    r"\b(?:(?P<of>(?:the|that)\s+week\s+(?:of|beginning|starting|commencing)\s+"
    r"|week\s+(?:of|beginning|starting|commencing)\s+(?=(?:the\s+)?(?:\d|jan|feb|mar|apr|may|jun"
    r"|jul|aug|sep|oct|nov|dec|mon|tue|wed|thu|fri|sat|sun)))"
    r"|(?P<after>(?:the\s+)?week\s+after\s+next)"
    r"|(?P<rel>next|the following|following|this|the coming|coming)\s+week\b)"
)
_ANY_DAY = re.compile(
    r"\b(?:some ?time|any ?day|any ?week[- ]?day|any ?time|whichever day|whatever day|(?:the\s+)?cheapest day|flexible|flexi"
    r"|any of (?:those|these|the) days|which(?:ever)?(?: day| one)?(?:['’]s| is) (?:the )?cheapest"
    # "tues or weds, whichever's cheaper", "the 9th or the 10th, cheaper one please"
    r"|which(?:ever)?(?: day| one)?(?:['’]s| is)? (?:the )?cheaper|(?:the )?cheaper (?:one|day|option|fare)"
    r"|either (?:day|one)(?: is fine| works| will do)?)\b"
)
# The days left open are working days only: "any weekday works", "on a weekday", "weekdays
# only", "not the weekend" (never "weekend" itself).
_WEEKDAYS_ONLY = re.compile(
    r"\b(?:any|a|on|only|just|all)\s+(?:(?:of\s+the|the)\s+)?week[- ]?days?\b(?!\s+(?:of|before|after)\b)"
    r"|\bweek[- ]?days?\s+only\b|\b(?:not|no|never)\s+(?:on\s+)?(?:the\s+|a\s+)?weekends?\b"
)
# Two days joined by "or" ("tues or weds", "the 9th or the 10th").
# The second day may carry its weekday ("Monday 14th or Tuesday 15th").
_OR_DAYS: Final = re.compile(
    r"\s*,?\s*(?:or|or maybe|or else|/)\s*(?:on\s+)?(?:(?:" + _WD + r")\.?,?\s+)?(?:the\s+)?"
)
# A day listed before the last of several ("the 21st, 22nd or 23rd").
# ("9th 10th or 11th": ordinals listed with spaces alone)
_LIST_DAYS: Final = re.compile(r"(?:\s*,\s*|\s+)(?:(?:on\s+)?the\s+)?")
_PLAIN_WEEKDAY = re.compile(r"^(?:on\s+)?[a-z]+\.?$")


_OFFSET = re.compile(
    r"\b(?P<n>\d{1,2}|an?|one|two|three|four|five|six|seven|eight|nine|ten|a couple of|a few)\s+"
    r"(?P<unit>days?|weeks?|fortnights?)\s+(?P<prep>from|on|on from|after)?\s*$"
)


def _offsets(low: str, mentions: list[Mention]) -> list[Mention]:
    """ "2 weeks from Friday", "3 days after the 14th", British "a week today": a day counted from another."""
    out: list[Mention] = []
    for m in mentions:
        pre = _OFFSET.search(low[: m.start])
        # "a week tomorrow"; "a fortnight on Monday" (the mention holds the "on")
        bare_ok = m.text.strip() in {"today", "tomorrow", "tmrw", "tmr"} or m.text.startswith("on ")
        if (
            m.last is None
            and pre is not None
            and (pre.group("prep") or bare_ok)
            # "for a fortnight from the 1st" is a length of stay and its first day
            and not re.search(r"\bfor\s*$", low[: pre.start()])
        ):
            raw = pre.group("n")
            n = 2 if raw == "a couple of" else 3 if raw == "a few" else word_number(raw) or 1
            unit = pre.group("unit")
            days = n * (14 if unit.startswith("fortnight") else 7 if unit.startswith("week") else 1)
            m = replace(m, start=pre.start(), first=m.first + timedelta(days=days), kind="offset")
        out.append(m)
    return out


# ... also with the day's weekday ("instead of Monday the 14th").
_NEGATED: Final = re.compile(
    r"\b(?:not|instead of|rather than|in place of)\s+(?:on\s+)?(?:(?:the|my|this|that)\s+)?"
    r"(?:(?:mon|tues?|wed(?:nes)?|thu(?:rs?)?|fri|sat(?:ur)?|sun)(?:day)?,?\s+)?(?:the\s+)?$"
)


_INSTEAD_AFTER: Final = re.compile(r"[\s,]*instead\b(?!\s+of\b)")
# Words between two days that make them one trip's ends ("the 10th to the 13th instead",
# "out the 10th and back the 13th instead"), never a day and its replacement.
_CLAUSE_BREAK: Final = re.compile(r"[,.;!?]|\s[-–—]\s|\b(?:but|so|can|could|would|will)\b")
_RANGE_BETWEEN: Final = re.compile(
    r"\b(?:to|till|til|until|through|thru|back|return\w*|home|and|for)\b|[-–—]"
)


def _not_negated(low: str, mentions: list[Mention]) -> tuple[list[Mention], date | None]:
    """ "I meant the 10th, not the 8th", "the 12th instead of the 9th": the day
    corrected away is not a second date (a return, or the end of a range); it is
    returned apart, so the dialogue can tell which of the trip's dates moves."""
    kept = [m for m in mentions if not _NEGATED.search(low[: m.start])]
    if len(mentions) == 2 and len(kept) == 2:
        # "something came up on the 14th, could I fly out on the 13th instead?": the day
        # said "instead" replaces the one told before it (no range or return between them)
        first, second = mentions
        between = low[first.end : second.start]
        if (
            _INSTEAD_AFTER.match(low[second.end :])
            and _CLAUSE_BREAK.search(between)
            and not (len(between) <= 16 and _RANGE_BETWEEN.search(between))
        ):
            kept = [second]
    if not kept or len(kept) == len(mentions):
        return mentions, None
    dropped = next(m for m in mentions if m not in kept)
    return kept, dropped.first


_CORRECTIONS: Final = datafiles.load("corrections")
_CORRECTED_BY: Final = re.compile(_CORRECTIONS["between"])
_NOT_CORRECTED_BY: Final = re.compile(_CORRECTIONS["not_between"])
_RESTATED_RETURN: Final = re.compile(_CORRECTIONS["restated_return"])


def _return_restated(low: str, a: Mention, between: str) -> str:
    """The text between a return day and its correction with the return word said again
    after the correction word left out ("returning the 17th... scratch that, returning the
    16th"); ``between`` as it is otherwise."""
    said = _RESTATED_RETURN.search(low[max(0, a.start - 16) : a.start])
    fix = _CORRECTED_BY.search(between)
    again = _RESTATED_RETURN.search(between)
    if said is None or fix is None or again is None or again.start() < fix.end():
        return between
    return between[: again.start()] + " " + between[again.end() :]


def _corrected_in_place(low: str, mentions: list[Mention]) -> list[Mention]:
    """ "the 14th — actually no, make that the 15th", "Dec 17th - scratch that, Dec 18th":
    a day followed by a correction and another day is corrected away as it is said, never
    a return or the end of a range (nor a booked day moved: that is "not the 8th")."""
    for a, b in itertools.pairwise(mentions):
        between = _return_restated(low, a, low[a.end : b.start])
        if (
            len(between) <= 48
            and _CORRECTED_BY.search(between)
            and not _NOT_CORRECTED_BY.search(between)
        ):
            return [m for m in mentions if m is not a]
    return mentions


_MONTH_WORD: Final = re.compile(
    r"\b(?P<month>"
    + "|".join(
        sorted(
            (m for m in MONTHS if len(m) >= 3 and m not in {"may", "mar"}), key=len, reverse=True
        )
    )
    + r")\b\.?"
)


def _month_alone(low: str) -> int | None:
    """The one month a short message names with no day ("oops — January, not December",
    "sorry I meant Feb"), a month said not to be meant left out."""
    if len(low.split()) > int(_CORRECTIONS["month_alone_words"]) or re.search(r"\d", low):
        return None
    named = {
        MONTHS[m.group("month")]
        for m in _MONTH_WORD.finditer(low)
        if not _NEGATED.search(low[: m.start()])
    }
    return named.pop() if len(named) == 1 else None


_WEEKEND_OF: Final = re.compile(r"^\s*(?:of|(?:just\s+|right\s+)?(?P<rel>before|after))\s+$")
# "a weekend", "a long weekend", "long weekend in Miami": a length, not a calendar weekend.
_A_WEEKEND: Final = re.compile(r"(?:\ba(?:\s+(?P<long>long))?|\b(?P<bare_long>long))\s*$")


def _weekend_day(m: Mention) -> int | None:
    """A plain Friday, Saturday or Sunday, as days from its weekend's Saturday (-1, 0, 1)."""
    if m.kind == "weekday" and m.weekday in (4, 5, 6) and _PLAIN_WEEKDAY.match(m.text.strip()):
        return m.weekday - 5
    return None


def _weekend_beside_a_day(low: str, mentions: list[Mention]) -> tuple[list[Mention], int | None]:
    """A weekend said beside a day of the calendar: "the weekend of the 12th" is that
    day's weekend (its Saturday and Sunday); "a (long) weekend from Friday the 11th" is a
    length, two nights (three when long) from that day, and "a long weekend, back Monday
    the 14th" the same length up to that day; "this weekend, back Monday the 7th" leaves
    on the weekend and comes back on the day named. Alone, a weekend keeps its own dates
    ("this weekend"). Returns the mentions and the nights a length gives."""
    if all(m.kind != "weekend" for m in mentions):
        return mentions, None
    backs = [
        m
        for m in mentions
        if m.kind != "weekend" and m.last is None and _RETURN_CUE.search(low[: m.start])
    ]
    days = [
        m
        for m in mentions
        if m.kind not in {"weekend", "weekday"} and m.last is None and m not in backs
    ]
    if not days and not backs:
        return mentions, None
    out: list[Mention] = []
    nights: int | None = None
    placed: dict[int, Mention] = {}  # weekdays put in the weekend named beside a day
    consumed: set[int] = set()  # the days such weekends were named by
    for m in mentions:
        if id(m) in consumed:
            continue
        if m.kind != "weekend":
            out.append(placed.get(id(m), m))
            continue
        after = next((d for d in days if d.start >= m.end), None)
        said_of = _WEEKEND_OF.match(low[m.end : after.start]) if after is not None else None
        if after is not None and said_of is not None:
            named = after.first
            if said_of.group("rel") == "before":
                # "the weekend before Christmas": the last one whose Sunday is before the day
                saturday = named - timedelta(days=((named.weekday() - 6) % 7 or 7) + 1)
            elif said_of.group("rel") == "after":
                saturday = named + timedelta(days=(5 - named.weekday()) % 7 or 7)
            else:
                saturday = named + timedelta(days=(5 - named.weekday()) % 7)
                if named.weekday() == 6:
                    saturday = named - timedelta(days=1)
            span = Mention(
                m.start, after.end, saturday, saturday + timedelta(days=1), low[m.start : after.end]
            )
            span = replace(span, kind="weekend")
            # (the day names the weekend, no day of its own: "the weekend of the 12th")
            consumed.add(id(after))
            out = [o for o in out if o is not after]
            days = [d for d in days if d is not after]
            # "Saturday or Sunday", "out Friday, back Sunday": the days of that weekend
            # named are the days meant, the weekend only places them.
            own = {
                id(o): replace(o, first=saturday + timedelta(days=shift))
                for o in mentions
                if (shift := _weekend_day(o)) is not None
            }
            if own:
                placed.update(own)
                consumed.add(id(after))
                out = [own.get(id(o), o) for o in out]
                continue
            out.append(span)
            continue
        said = _A_WEEKEND.search(low[: m.start])
        length = 3 if said is not None and (said.group("long") or said.group("bare_long")) else 2
        if (said is not None or m.text.strip() in {"weekend", "the weekend"}) and len(days) == 1:
            # a length (a weekend no "this" or "next" places): the day named starts it,
            # and the trip ends that many nights on
            nights = length
            day = days[0]
            out = [o for o in out if o is not day]
            out.append(replace(day, last=day.first + timedelta(days=nights), kind="ord_range"))
            days = []
            continue
        if backs and not days:
            back = backs[0]
            if said is not None and back.kind != "weekday":
                # "a long weekend in Miami, back Monday the 14th": out that many nights before
                nights = length
                start = back.first - timedelta(days=length)
                out.append(replace(m, first=start, last=None, kind="ord"))
            else:
                # "this weekend, back Monday the 7th": out on the weekend, back on that day
                out.append(replace(m, last=None))
            continue
        out.append(m)
    return sorted(out, key=lambda x: x.start), nights


def _within_ranges(mentions: list[Mention]) -> list[Mention]:
    """ "new year's eve, 31 dec to 2 jan", "over Christmas, the 23rd to the 27th": a
    day named beside a range it falls in only labels the range."""
    ranges = [m for m in mentions if m.last is not None and m.kind != "weekend"]
    if not ranges:
        return mentions
    return [
        m
        for m in mentions
        if m.last is not None or not any(r.first <= m.first <= r.last for r in ranges)  # type: ignore[operator]
    ]


# "the Wednesday", "that Monday": a weekday said as one of a known week.
_DEFINITE: Final = re.compile(r"\b(?:the|that)\s+$")
_CLAUSE_CUT: Final = re.compile(r"[,;:.!?]+(?:\s|$)|\s[-–—]+\s")
_ANCHOR_KINDS: Final = frozenset({"iso", "md", "dm", "numeric", "ord", "nth_weekday"})


def _clause_span(low: str, at: int) -> tuple[int, int]:
    cuts = [0, *(m.end() for m in _CLAUSE_CUT.finditer(low)), len(low) + 1]
    a, b = next((a, b) for a, b in itertools.pairwise(cuts) if a <= at < b)
    return a, min(b, len(low))


def _clause_around(low: str, at: int) -> str:
    a, b = _clause_span(low, at)
    return low[a:b]


def _by_event_day(
    low: str, mentions: list[Mention], anchor: date | None
) -> tuple[list[Mention], bool]:
    """ "a client meeting on Tuesday the 8th ... on the Monday evening", "presenting on
    Thursday 17th December. A flight out on the Wednesday": "the <weekday>" beside the
    day of an event the message tells of (a date in a clause with no travel word, or
    ``anchor``, told in a sentence left out) is the one nearest that day ("the Sunday
    before": the one before it), and the event's day is no day of travel. A weekday for
    the way home ("back on the Friday") is left to count from the departure."""
    events = [
        m
        for m in mentions
        if m.kind in _ANCHOR_KINDS
        and m.last is None
        and not _RETURN_CUE.search(low[: m.start])
        and not _TRAVEL_WORD.search(_clause_around(low, m.start))
    ]
    day = anchor if anchor is not None else (events[0].first if events else None)
    if day is None:
        return mentions, False
    # ("… the day before and back to London on the Thursday": the way home's weekday,
    # counted from the event with the day before, read_dates)
    relative = _AROUND_DATE.search(low) is not None
    out: list[Mention] = []
    moved = False
    for m in mentions:
        if (
            m.kind == "weekday"
            and m.weekday is not None
            and _PLAIN_WEEKDAY.match(m.text.strip())
            and _DEFINITE.search(low[: m.start])
            and not _RETURN_CUE.search(low[: m.start])
            and not (relative and _BACK_TO_CUE.search(low[: m.start]))
        ):
            after = (m.weekday - day.weekday()) % 7 or 7
            before = 7 - after
            side = re.match(r"\s+(before|after)\b", low[m.end :])
            if side is not None:
                shift = -before if side.group(1) == "before" else after
            else:
                shift = after if after <= before else -before
            m = replace(m, first=day + timedelta(days=shift), weekday=None, kind="anchored")
            moved = True
        out.append(m)
    if not moved:
        return mentions, False
    return [m for m in out if m not in events], True


def _weekdays_offered_together(low: str, mentions: list[Mention]) -> list[Mention]:
    """ "next Tuesday or Wednesday", "this Thu or Fri": a weekday offered beside another
    that carries a word naming its week ("next", "this", "the following") is in that
    week too, the first on or after the other day, not the nearest one from today."""
    out: list[Mention] = []
    for m in mentions:
        prev = out[-1] if out else None
        if (
            prev is not None
            and prev.kind == "weekday"
            and prev.weekday is not None
            and not _PLAIN_WEEKDAY.match(prev.text.strip())
            and m.kind == "weekday"
            and m.weekday is not None
            and _PLAIN_WEEKDAY.match(m.text.strip())
            and _OR_DAYS.fullmatch(low[prev.end : m.start])
        ):
            m = replace(m, first=prev.first + timedelta(days=(m.weekday - prev.weekday) % 7))
        out.append(m)
    return out


def _weekday_as_context(low: str, mentions: list[Mention]) -> list[Mention]:
    """ "I've got the planning session in our London office on the Wednesday, so could you
    look at flights ... on Tuesday 15th December": "the <weekday>" told in a clause with no
    travel word is when something else happens, not a day of travel, when a calendar date
    in a clause that does speak of travel says when to fly."""
    if not any(
        m.kind in _ANCHOR_KINDS and _TRAVEL_WORD.search(_clause_around(low, m.start))
        for m in mentions
    ):
        return mentions
    return [
        m
        for m in mentions
        if not (
            m.kind == "weekday"
            and _PLAIN_WEEKDAY.match(m.text.strip())
            and _DEFINITE.search(low[: m.start])
            and not _RETURN_CUE.search(low[: m.start])
            and not _TRAVEL_WORD.search(_clause_around(low, m.start))
        )
    ]


# Dates a traveller gives by the calendar: beside them, a holiday is context.
_EXPLICIT: Final = frozenset(
    {
        "iso",
        "md",
        "dm",
        "md_range",
        "dm_range",
        "numeric",
        "dotted",
        "ord",
        "ord_range",
        "nth_weekday",
    }
    | {"weekday", "week_from", "offset"}
)
# A holiday that is itself the day of travel: "on Christmas Eve", "from Boxing Day",
# "back New Year's Day", "flying out Christmas morning".
_HOLIDAY_IS_THE_DAY: Final = re.compile(
    r"\b(?:on|from|leav(?:e|ing)|depart(?:ing)?|fly(?:ing)?(?: out| back| home)?|out|until|till|til"
    r"|through|thru|back|return(?:ing)?|check(?:ing)?[- ]?(?:in|out)(?: on)?)\s+(?:the\s+)?$"
)
_GREETING: Final = re.compile(r"\b(?:happy|merry)\s+$")


def _holidays_as_context(low: str, mentions: list[Mention]) -> list[Mention]:
    """ "between Christmas and New Year ... on Monday 28 December", "over Christmas, the
    23rd to the 27th": a holiday named beside explicit dates only sets the scene, unless
    the words make it the day of travel ("out on Christmas Eve, back the 27th") or it is
    one end of a range with one of them. "Merry Christmas" is never a date."""
    explicit = [m for m in mentions if m.kind in _EXPLICIT]
    kept: list[Mention] = []
    for m in mentions:
        if m.kind == "holiday":
            before = low[: m.start]
            if _GREETING.search(before):
                continue
            if (
                explicit
                and not _HOLIDAY_IS_THE_DAY.search(before)
                and not any(_STAY_TO.match(_between(low, m, o)) for o in explicit)
                # "nyc to dublin new year's eve, back on the 2nd": every date said after
                # it is the way home, so the holiday is the way out
                and not all(
                    o.start > m.end and _RETURN_CUE.search(low[: o.start]) for o in explicit
                )
            ):
                continue
            if not explicit and m.last is None and _OVER_HOLIDAY.search(before):
                # "a room over new year", "in Paris over Christmas": there the night before
                # it and the night of it, away the day after.
                m = replace(
                    m, first=m.first - timedelta(days=1), last=m.first + timedelta(days=1)
                )
        kept.append(m)
    return kept


_OVER_HOLIDAY: Final = re.compile(r"\b(?:over|across)\s+(?:the\s+)?$")


_PART_OF_TODAY: Final = re.compile(r"^this (?:morning|afternoon|evening)$")
_SENTENCE: Final = re.compile(r"[^.!?]*(?:[.!?]+|$)")
_TRAVEL_WORD: Final = re.compile(
    r"\b(?:fl(?:y|ying|ight|ights|ies)|leav\w*|depart\w*|travel\w*|go|going|head\w*|get (?:to|there|back|home)"
    r"|back|return\w*|home|arriv\w*|land\w*|hotels?|rooms?|stay\w*|check\w*|trip|book\w*|hold)\b"
)


def _today_as_context(low: str, mentions: list[Mention]) -> tuple[list[Mention], str]:
    """ "... flights on the 28th. I'd like to put a proposal in front of him this
    afternoon.": a part of today said in a sentence of its own about something else is
    when the traveller wants an answer, not a day or time to fly; it is dropped, and
    blanked from the text the times of day are read from."""
    dated = [m for m in mentions if m.kind != "rel"]
    if not dated:
        return mentions, low
    kept = []
    for m in mentions:
        if m.kind == "rel" and _PART_OF_TODAY.match(m.text.strip()):
            sentence = next(
                (s for s in _SENTENCE.finditer(low) if s.start() <= m.start < s.end()), None
            )
            if (
                sentence is not None
                and not any(sentence.start() <= o.start < sentence.end() for o in dated)
                and not _TRAVEL_WORD.search(sentence.group(0))
            ):
                low = low[: m.start] + " " * (m.end - m.start) + low[m.end :]
                continue
        kept.append(m)
    return kept, low


def _between(low: str, a: Mention, b: Mention) -> str:
    """The text between two mentions, whichever comes first ("" when they overlap)."""
    first, second = (a, b) if a.start <= b.start else (b, a)
    return low[first.end : second.start] if first.end <= second.start else "x"


def _add_months(day: date, n: int) -> tuple[int, int]:
    month = day.month - 1 + n
    return day.year + month // 12, month % 12 + 1


def _in_named_month(low: str, today: date, mentions: list[Mention]) -> list[Mention]:
    """ "next month on the 5th", "the 3rd to the 6th of next month", "in January on the 12th".

    A month named without a day anchors the bare days ("the 5th") of the message;
    days written with their own month keep it.
    """
    bare = [m for m in mentions if m.kind in {"ord", "ord_range"}]
    if not bare:
        return mentions
    anchor = next(
        (
            a
            for a in _MONTH_ANCHOR.finditer(low)
            if not any(m.start <= a.start("m") < m.end for m in mentions if a.group("m"))
        ),
        None,
    )
    if anchor is None:
        return mentions
    if anchor.group("m"):
        month = MONTHS[anchor.group("m")]
        year = today.year if month >= today.month else today.year + 1
    else:
        rel = anchor.group("rel") or ""
        year, month = _add_months(today, 2 if anchor.group("after") else 0 if "this" in rel else 1)

    def day_in(d: int) -> date | None:
        try:
            got = date(year, month, d)
        except ValueError:
            return None
        return got if got >= today else None

    out: list[Mention] = []
    for m in mentions:
        if m in bare:
            first = day_in(m.first.day)
            last = day_in(m.last.day) if m.last is not None else None
            if first is not None and (m.last is None or (last is not None and last >= first)):
                m = replace(m, first=first, last=last)
        out.append(m)
    return out


def _named_week(low: str, today: date, mentions: list[Mention]) -> date | None:
    """The Monday of the week the message names ("next week", "the week of the 14th"), if any."""
    anchor = _WEEK_ANCHOR.search(low)
    if anchor is None:
        return None
    this_monday = today - timedelta(days=today.weekday())
    if anchor.group("of"):
        dated = next((m for m in mentions if m.start >= anchor.end() - 1), None)
        if dated is None:
            return None
        return dated.first - timedelta(days=dated.first.weekday())
    if anchor.group("after"):
        return this_monday + timedelta(days=14)
    rel = anchor.group("rel")
    return this_monday + timedelta(days=0 if "this" in rel else 7)


def _in_week(monday: date, mentions: list[Mention], floor: date | None = None) -> list[Mention]:
    """Bare weekdays fall in the week named ("the week of the 14th, Monday through Thursday");
    one that would fall before ``floor`` (the first day of the month a week of it starts
    before: "the first week of December, the Monday") is the next one."""
    out: list[Mention] = []
    for m in mentions:
        if m.kind == "weekday" and m.weekday is not None and _PLAIN_WEEKDAY.match(m.text.strip()):
            day = monday + timedelta(days=m.weekday)
            m = replace(m, first=day + timedelta(days=7) if floor and day < floor else day)
        out.append(m)
    return out


def _part_of_named_week(low: str, monday: date, mentions: list[Mention]) -> list[Mention]:
    """A part of "the week" said beside a week named ("the week of the 14th ... early in
    the week", "week commencing 14/12, towards the end of the week") is that part of the
    named week, not of this one; the day that named the week then only names it."""
    parts = [
        m for m in mentions if m.kind == "end_week" and not re.search(r"\b(?:next|this)\b", m.text)
    ]
    if not parts:
        return mentions
    anchor = _WEEK_ANCHOR.search(low)
    named_by = (
        next((m for m in mentions if m.start >= anchor.end() - 1 and m not in parts), None)
        if anchor is not None and anchor.group("of")
        else None
    )
    return [
        replace(m, first=monday + timedelta(days=m.first.weekday())) if m in parts else m
        for m in mentions
        if m is not named_by
    ]


# A week named by its place in a month: "the first week of January", "the 2nd week in
# February", "the last full week of next month".
_NTH_WEEK: Final = re.compile(
    r"\b(?:the\s+)?(?:(?P<nth>first|1st|second|2nd|third|3rd|fourth|4th)|(?P<last>last|final))"
    r"\s+(?:full\s+|whole\s+|working\s+|work\s+)?week\s+(?P<of>of|in)\s+(?:(?P<rel>the|this|next|the following)\s+month\b|"
    + _p(_MON, "m")
    + r"\b)"
)


@dataclass(frozen=True)
class _Period:
    """A week the message names by its place in a month: its Monday, the month's first day
    (no weekday of it is earlier), and where the words stand."""

    monday: date
    floor: date
    span: tuple[int, int]  # "the first week " (its month, "of January", is read as one)


def _month_week(low: str, today: date) -> _Period | None:
    """ "the first week of January": weeks are counted Monday to Sunday, the first being
    the one that holds most of its days in the month (its Thursday, as ISO 8601 counts
    them), the last likewise; a weekday of it is on or after the month's first day."""
    m = _NTH_WEEK.search(low)
    if m is None:
        return None
    if m.group("m"):
        month = MONTHS[m.group("m")]
        year = today.year if month >= today.month else today.year + 1
    else:
        year, month = _add_months(today, 0 if m.group("rel") == "this" else 1)
    first = date(year, month, 1)
    if m.group("last"):
        end = date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)
        thursday = end - timedelta(days=(end.weekday() - 3) % 7)
    else:
        nth = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3}.get(
            m.group("nth"), 4
        )
        thursday = first + timedelta(days=(3 - first.weekday()) % 7 + 7 * (nth - 1))
    return _Period(thursday - timedelta(days=3), first, (m.start(), m.start("of")))


# A day left open on one side of a day named ("sometime after Christmas", "any day
# before the 20th", "some time after the 14th").
_OPEN_SIDE: Final = re.compile(
    r"\b(?:some ?time|any ?(?:day|time)|some ?day|a day|whenever)\s+(?:just\s+|right\s+)?"
    r"(after|before)\s+(?:the\s+)?$"
)


@cache
def _day_margins() -> tuple[list[re.Pattern[str]], dict[str, int], int]:
    raw = datafiles.load("day_margins")
    counts = {str(k): int(v) for k, v in raw["counts"].items()}
    n = r"\d|" + "|".join(
        re.escape(k).replace(r"\ ", r"\s+") for k in sorted(counts, key=len, reverse=True)
    )
    patterns = [re.compile(p.replace("{n}", n)) for p in raw["margin"]]
    return patterns, counts, int(raw["widest"])


def _day_margin(low: str) -> int | None:
    """The days either side of a day named the message leaves open ("a day either side",
    "give or take a day", "± 2 days": ``data/day_margins.yaml``)."""
    patterns, counts, widest = _day_margins()
    said = next((m for p in patterns if (m := p.search(low))), None)
    if said is None:
        return None
    n = re.sub(r"\s+", " ", said.group("n"))
    days = int(n) if n.isdigit() else counts.get(n)
    return days if days is not None and 0 < days <= widest else None


# Two days written apart joined as a range ("15/12–17/12", "from 12/14 to 12/16", "between
# 14 Dec and 16 Dec"): the words between them, and what says "between" before the first.
_RANGE_JOIN: Final = re.compile(r"\s*(?:-|–|—|to|till|til|until|through|thru)\s*(?:the\s+)?")
_AND_JOIN: Final = re.compile(r"\s*(?:and|&)\s*(?:the\s+)?")
_BETWEEN_BEFORE: Final = re.compile(r"\bbetween\s+(?:the\s+)?$")


def _said_as_range(low: str, mentions: list[Mention]) -> tuple[date, date] | None:
    """Two single days of the calendar said as the ends of one range ("any day 15/12–17/12",
    "any day between 14/12 and 16/12"): the first and the last."""
    if len(mentions) != 2 or any(
        m.last is not None or m.kind in {"weekday", "weekend"} for m in mentions
    ):
        return None
    a, b = mentions
    between = low[a.end : b.start]
    joined = _RANGE_JOIN.fullmatch(between) or (
        _AND_JOIN.fullmatch(between) and _BETWEEN_BEFORE.search(low[: a.start])
    )
    return (a.first, b.first) if joined and a.first < b.first else None


def _flexible(
    low: str, today: date, week: date | None, mentions: list[Mention], any_day: bool
) -> tuple[date, date] | None:
    """The days to compare when the traveller leaves the day open."""
    named_of = _WEEK_ANCHOR.search(low) if week is not None else None
    of_week = named_of is not None and bool(named_of.group("of"))
    if (any_day or of_week) and len(mentions) == 1 and mentions[0].kind == "end_week":
        # "early next week, whichever day is cheapest", "the week of the 14th, early in the
        # week ideally": the days of that part of the week (Monday to Wednesday; mid:
        # Tuesday to Thursday; late, the end: Thursday, Friday)
        day = mentions[0].first
        lo, hi = {0: (0, 2), 2: (-1, 1), 4: (-1, 0)}.get(day.weekday(), (0, 0))
        return max(day + timedelta(days=lo), today), day + timedelta(days=hi)
    dated = [m for m in mentions if m.kind != "weekday" or not _PLAIN_WEEKDAY.match(m.text.strip())]
    weekdays = [m for m in mentions if m not in dated]
    if week is not None and not weekdays:
        if any_day or (of_week and len(dated) <= 1):
            return max(week, today), week + timedelta(days=6)
    offered = _offered_days(low, mentions)
    if offered:
        # "tues or weds next week, whichever's cheaper", "the 21st, 22nd or 23rd,
        # whichever's cheapest", "leaving the 9th or 10th, back on the 14th": those days
        # compared (the span from first to last)
        days = sorted(m.first for m in offered)
        a, b = days[0], days[-1]
        if 0 < (b - a).days <= 7:
            return a, b
    margin = _day_margin(low) if len(dated) == 1 and not weekdays else None
    if margin is not None and dated[0].last is None:
        # "around the 18th, a day either side is fine": that day and the days beside it
        day = dated[0].first
        return max(today, day - timedelta(days=margin)), day + timedelta(days=margin)
    if not any_day:
        return None
    if len(mentions) == 1 and mentions[0].last is not None:
        return mentions[0].first, mentions[0].last  # "cheapest day between Dec 14 and 17"
    if (said := _said_as_range(low, mentions)) is not None:
        return said  # "any day 15/12–17/12 is fine"
    if len(mentions) == 1 and (side := _OPEN_SIDE.search(low[: mentions[0].start])):
        # "sometime after Christmas, cheapest day": the week after that day ("before":
        # the week up to it, from today at the earliest)
        day = mentions[0].first
        if side.group(1) == "after":
            return day + timedelta(days=1), day + timedelta(days=7)
        if day - timedelta(days=1) >= today:
            return max(today, day - timedelta(days=7)), day - timedelta(days=1)
    if len(mentions) == 1 and re.search(r"\b(?:that|the same) week\b", low):
        monday = mentions[0].first - timedelta(days=mentions[0].first.weekday())
        return max(monday, today), monday + timedelta(days=6)
    return None


@cache
def _compared_days() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    raw = datafiles.load("compared_days")
    fill = {"comparative": raw["comparative"]}
    return (
        re.compile(raw["before_second"].format(**fill)),
        re.compile(raw["around_second"].format(**fill)),
        re.compile(raw["after_second"].format(**fill)),
    )


def _cheaper_alternative(low: str, mentions: list[Mention]) -> bool:
    """Two days, the second offered as a cheaper alternative to the first ("the 14th — or
    is it cheaper on the 15th?", "dec 16th, or would the 17th be cheaper?": data
    ``compared_days.yaml``)."""
    if len(mentions) != 2 or any(m.last is not None for m in mentions):
        return False
    first, second = mentions
    between = low[first.end : second.start]
    before, around, after = _compared_days()
    return bool(
        before.fullmatch(between)
        or (around.fullmatch(between) and after.match(low, second.end))
    )


def _offered_days(low: str, mentions: list[Mention]) -> list[Mention]:
    """The days offered as a choice for the way there ("the 9th or 10th", "Dec 9, 10 or
    11", "the 14th — or is it cheaper on the 15th?"): compared, never a way there and a way
    back. They open the message's days, joined by commas and a last "or"; any day after
    them is the way back's, said as one ("back on the 14th"), which stays the return."""
    if _cheaper_alternative(low, mentions):
        return list(mentions)
    run = 1
    while run < len(mentions) and (
        _OR_DAYS.fullmatch(low[mentions[run - 1].end : mentions[run].start])
        or _LIST_DAYS.fullmatch(low[mentions[run - 1].end : mentions[run].start])
    ):
        run += 1
    offered, rest = mentions[:run], mentions[run:]
    if (
        len(offered) < 2
        or any(m.last is not None for m in offered)
        or not _OR_DAYS.fullmatch(low[offered[-2].end : offered[-1].start])
        or (rest and _RETURN_CUE.search(low[: offered[0].start]))
        or any(not _RETURN_CUE.search(low[: m.start]) for m in rest)
    ):
        return []
    return offered


def return_counted_on(text: str) -> bool:
    """The text dates the way home from the day before it ("a hotel for the one night,
    coming back the next day", "back the day after"): a return counted on from the trip's
    first day, never the trip moved a day later."""
    return _REL_RETURN.search(text.lower()) is not None


def return_days_later(text: str) -> int | None:
    """How many days after the way out the text puts the way home ("and home the day
    after": 1, "back two days later": 2), or None when it counts none."""
    low = text.lower()
    m = _REL_RETURN.search(low)
    if m is None or _OUT_NAMED.search(low):
        return None  # ("if i go out and come back one day later": the whole trip moved)
    if _LEG_NAMED_BEFORE.search(low[: m.start()]):
        return None  # "move my flight home a day later": that flight moved, not a return added
    return _later_days(m)


# "my flight home", "the trip back": the way home named as a flight of its own
_LEG_NAMED_BEFORE = re.compile(r"\b(?:flight|flights|trip|leg|way)\s+$")


_REL_RETURN = re.compile(
    r"\b(?:back|return(?:ing)?|fly(?:ing)? home|head(?:ing)? home|home)"
    # "fly back to Chicago that evening": the place flown back to may stand in between
    r"(?:\s+(?:home\s+)?(?:to|in|at)\s+(?!the\b|that\b|same\b)[a-z][\w.'-]*(?:\s+[a-z][\w.'-]*){0,2}?(?=\s+(?:on\s+|in\s+|by\s+)?(?:the\s+)?(?:same|that|later|next|following)\b))?"
    # its time may stand in between: "back before 6pm the same day", "home by 8 that night"
    r"(?:\s+(?:by|before|after|around|about|at)\s+(?:\d{1,2}(?:[:.]\d\d)?\s*(?:am|pm)?|noon|midday))?"
    # or its part of the day: "back in the evening, same day", "home late afternoon the same day"
    r"(?:\s+(?:in\s+the\s+|late\s+|early\s+)?(?:morning|afternoon|evening)(?=,?\s+(?:on\s+)?(?:the\s+)?same\b),?)?"
    r"\s+(?:on\s+)?(?:the\s+)?"
    r"(?:(?P<next>next|following)\s+(?:day|morning|afternoon|evening|night)|day after|same day"
    # the day of the outbound: "back that evening", "home the same night", "later that day"
    r"|(?P<same>(?:same|that(?:\s+same)?)\s+(?P<part>day|morning|afternoon|evening|night)"
    r"|later (?:that|the same) day)"
    r"|(?P<in>in\s+)?(?P<n>\d|one|two|three|four|five|six|seven|a couple of|a few|an?)"
    r"\s+(?P<u>days?|nights?|weeks?|fortnights?)"
    # ("three days after that": after the way out; "after that meeting": an event's day)
    r"(?(in)|\s+(?:later|after(?!\s+(?:that\b(?!\s*(?:[.,;!?]|$))|the|my|our|\d))))"
    r"|(?P<wk>a week) later)\b"
)
_NIGHT_AFTER = re.compile(r"\s+night\b")
# The way home, or the way out, named as a leg of the trip (``data/leg_named.yaml``).
_BACK_NAMED: Final = re.compile("|".join(datafiles.load("leg_named")["back"]))
_OUT_NAMED: Final = re.compile("|".join(datafiles.load("leg_named")["out"]))
# A trip out and home on one day, no day said for the way home (``data/same_day.yaml``).
_SAME_DAY_TRIP: Final = re.compile("|".join(datafiles.load("same_day")["trip"]))
_AND_BACK_ON: Final = re.compile(datafiles.load("same_day")["and_back_on"])


def _later_days(m: re.Match[str]) -> int:
    if m.group(0).endswith("same day") or m.group("same"):
        return 0
    if m.group("wk"):
        return 7
    if m.group("n"):
        raw = m.group("n")
        n = 2 if raw == "a couple of" else 3 if raw == "a few" else (word_number(raw) or 1)
        unit = m.group("u")
        return n * (14 if unit.startswith("fortnight") else 7 if unit.startswith("week") else 1)
    return 1


def _sane_length(reading: DateReading) -> DateReading:
    """A stay of weeks from "the 22nd to the 18th" is a slip, not a plan: ask."""
    if (
        reading.depart is not None
        and reading.ret is not None
        and (reading.ret - reading.depart).days > 21
    ):
        reading.question = (
            f"From {spoken_day(reading.depart)} to {spoken_day(reading.ret)} is {(reading.ret - reading.depart).days} "
            "days — is that right, or which dates do you mean?"
        )
        reading.depart = reading.ret = None
    return reading


# ---- times of day -------------------------------------------------------------------

# Not followed by another digit or a slash: "from 28/12" names a day, not 2 o'clock.
_CLOCK = (
    r"(?P<h{0}>[01]?\d|2[0-3])(?::(?P<m{0}>[0-5]\d))?(?![\d/])"
    r"\s*(?P<ap{0}>a\.?m\.?|p\.?m\.?|h\b|hrs\b)?"
)
_AFTER = re.compile(
    r"\b(?:after|from|later than|not before|departing after|leaving after|past)\s+"
    + _CLOCK.format(1)
    + r"|\b(?:after|past)\s+(?P<w1>noon|midday|lunch|midnight)"
)
_BEFORE = re.compile(
    r"\b(?:before|by|no later than|not after|earlier than|latest)\s+"
    + _CLOCK.format(2)
    + r"|\b(?:before|by)\s+(?P<w2>noon|midday|lunch|midnight)"
)
# A latest arrival: "land before 2pm", "I must arrive by 9am", "get in no later than noon",
# "need to be there by 10" (a few words may stand between: "land in Chicago before 2").
_ARRIVE_BY = re.compile(
    r"\b(?:land(?:s|ing)?|arriv(?:e|es|ing)|gets?\s+in|getting\s+in|be\s+there|be\s+in|be\s+at"
    # "need to be home before the kids' bedtime ~7pm" (a flight home)
    r"|be\s+home|gets?\s+home|getting\s+home)\b"
    r"(?:\s+(?!before\b|by\b|no\b)[\w'.]+){0,3}?\s+(?:before|by|no later than|not after)\s+"
    # "before the kids' bedtime ~7pm", "by my 6pm call": what is at that time, then its time
    r"(?P<what8>(?:the|my|our|his|her|their|a|an)\s+(?:[a-z][\w']*\s+){0,2}?[a-z][\w']*\s*(?:[~(]|at|around|about|approx\.?)?\s*(?=\d))?"
    r"(?:" + _CLOCK.format(8) + r"|(?P<w8>noon|midday))"
)
# "nothing departing after 10am" is a latest time, "nothing before 8" an earliest one.
_NEGATED_LIMIT = re.compile(
    r"\b(?:(?:nothing|no(?:ne|t| flights?| departures?)?|not anything|never)\s+"
    r"(?:(?:departing|leaving|going|flying|that (?:leaves|departs|goes))\s+)?"
    # "I can't leave before 3pm", "we won't be able to fly before 10am"
    r"|(?:can['’]?t|cannot|can not|couldn['’]?t|won['’]?t(?: be able to)?|unable to|not able to)\s+"
    r"(?:leave|depart|fly|go|travel|get away|set off|head out)(?:\s+(?:out|home|the office|work))?\s+)"
    r"(?P<dir>after|later than|past|before|earlier than)\s+" + _CLOCK.format(6)
)
# "between 9 and 11am"; one end may be said as a word ("between 7am and noon", "between
# noon and 4"): the word's time (_WORD_TIME) on its side.
_BETWEEN = re.compile(
    r"\bbetween\s+(?:(?P<w3>noon|midday|lunch)|" + _CLOCK.format(3) + r")\s+and\s+"
    r"(?:(?P<w4>noon|midday|lunch|midnight)\b|" + _CLOCK.format(4) + r")"
)
_AROUND = re.compile(
    r"\b(?P<kw>around|about|at|ish|approximately|roughly)\s+"
    + _CLOCK.format(5)
    + r"(?=\s|$|[,.!?]|-?ish\b)"
)
# An hour said without am/pm after "around"/"about" ("friday around 3", "about 10ish on the
# 9th") is a clock time when nothing counted follows it (never "about 3 nights", "around 3
# of us"): the sentence ends, or "ish", "o'clock", "or so", a courtesy or a day follows.
_ABOUT_HOUR_ENDS: Final = re.compile(
    r"(?:-?ish\b|\s*o[’']?clock\b)?\s*(?:$|[,.!?;)]|(?:or so|please|pls|plz|thanks?|if\b|on\b|"
    r"tomorrow\b|today\b|the\s+\d|(?:"
    + _WD
    + r")\b))"
)
# A clock time said on its own with its am/pm ("JFK to Boston on the 16th 10am", "the
# 10 am flight", "6.30pm"): about then, as "around 10am" (never a day's number: no digit,
# slash or dot before it).
_BARE_CLOCK = re.compile(
    # ("the 10:30pm", "my 8:05am", "that 7am one" name a flight shown or booked: no wish)
    r"(?<![\d/.:$£€])(?<!\bthe )(?<!\bmy )(?<!\bthat )(?<!\bthis )(?<!\bour )(?<!\byour )"
    r"\b(?P<h7>1[0-2]|0?[1-9])(?:[:.](?P<m7>[0-5]\d))?\s*(?P<ap7>a\.?m\.?|p\.?m\.?)"
    r"(?=\s|$|[,.!?])"
)
# "12/10 am", "the 10th pm": a part of the day after a date (never a clock time: the
# number before is a day, by its slash or its ordinal ending).
_NOT_THE_VERB: Final = r"(?![\s,]+(?:i|we|flying|going|leaving|free|back)\b)(?!')"
_DATE_THEN: Final = (
    # ... or after its comma: "jfk-bos thurs 10th, am pls" (never the verb: "the 10th, am I
    # right?", "the 10th, am flying back")
    r"|(?<=\d)(?:/\d{{1,2}}(?:/\d{{2,4}})?|st|nd|rd|th),?\s+{0}\b"
    + _NOT_THE_VERB
    # "16 dec pm", "dec 16th am": after a month's name (a bare "10 pm" stays a clock time)
    + r"|\b(?:"
    + "|".join(sorted(MONTHS, key=len, reverse=True))
    + r")\.?,?\s+{0}\b"
    + _NOT_THE_VERB
)
_WORDS: Final[list[tuple[re.Pattern[str], str | None, str | None]]] = [
    (
        re.compile(
            # "a day early", "two hours early": a length of time, no part of the day;
            # "that's too early": what was shown or booked, no wish for the morning
            r"\bfirst thing\b|\b(?:the )?crack of dawn\b|\bdawn\b|(?<!\bday )(?<!\bdays )(?<!\bweek )(?<!\bweeks )(?<!\bhour )(?<!\bhours )(?<!\btoo )"
            # ("early jan", "early-December": a part of the month, its name short too)
            r"\bearly(?:[- ]morning)?\b(?![\s-]+(?:"
            + "|".join(sorted(MONTHS, key=len, reverse=True))
            + r")\b)(?!\s+(?:next|this\s+week|(?:in\s+)?the\s+week|week))"
        ),
        None,
        "09:00",
    ),
    (re.compile(r"\blate[- ]morning\b"), "09:00", "12:00"),
    (
        re.compile(
            # "tomorrow am" or, dotted, "tmrw a.m." ("a.m" ends the word before its dot)
            r"\b(?:mornings?|a\.?m\.? flight|(?:today|tomorrow|tmrw|day|" + _WD + r")\s+a\.?m)\b"
            # a day written as a date, then "am": "jfk-bos 12/10 am", "the 10th am"
            + _DATE_THEN.format(r"a\.?m")
        ),
        None,
        "12:00",
    ),
    (re.compile(r"\b(?:midday|noon|lunch ?time|around lunch)\b"), "11:00", "14:00"),
    (re.compile(r"\blate[- ]afternoon\b"), "15:00", "18:00"),
    (re.compile(r"\bafternoons?\b"), "12:00", "17:00"),
    (
        re.compile(
            r"\b(?:evenings?|after work|p\.?m\.? flight|(?:today|tomorrow|tmrw|day|"
            + _WD
            + r")\.?\s+(?:p\.?m|eve))\b"
            # "late Wednesday", "late on Friday", "Thursday, late": the end of that day
            # (never "late morning", "late afternoon": those come first)
            + r"|\blate\s+(?:on\s+)?(?:today|tomorrow|tmrw|"
            + _WD
            + r")\b|\b(?:today|tomorrow|tmrw|"
            + _WD
            + r")\.?,?\s+late\b(?![- ](?:morning|afternoon))|\blate in the day\b"
            + _DATE_THEN.format(r"p\.?m")
        ),
        "17:00",
        None,
    ),
    (
        re.compile(
            r"\b(?:red[- ]?eyes?|overnight flights?|late night|night flight|at night|tonight|(?:tomorrow|tmrw|"
            + _WD
            + r") night)\b"
        ),
        "20:00",
        None,
    ),
]


def _clock(m: re.Match[str], i: int) -> str | None:
    hour_text = m.group(f"h{i}")
    if hour_text is None:
        return None
    hour = int(hour_text)
    minute = int(m.group(f"m{i}") or 0)
    suffix = (m.group(f"ap{i}") or "").replace(".", "")
    if suffix.startswith("p") and hour < 12:
        hour += 12
    elif suffix.startswith("a") and hour == 12:
        hour = 0
    elif not suffix and m.group(f"m{i}") is None and 1 <= hour <= 6:
        hour += 12  # "after 5" is five in the afternoon
    if hour > 23:
        return None
    return f"{hour:02d}:{minute:02d}"


_WORD_TIME = {"noon": "12:00", "midday": "12:00", "lunch": "13:00", "midnight": "23:59"}


# A window in 24-hour clock times, as timetables write it: "dep 0700-1000", "13:00–16:00"
# (four digits or hh:mm on both sides, so a range of days "10-12" is never one).
_CLOCK_RANGE = re.compile(
    r"(?<![\d/.:])(?P<h1>[01]\d|2[0-3]):?(?P<m1>[0-5]\d)\s*(?:-|–|to)\s*"
    r"(?P<h2>[01]\d|2[0-3]):?(?P<m2>[0-5]\d)(?![\d/.:])(?!\s*(?:am|pm)\b)"
)


# Words that turn a part of the day away ("not in the morning", "nothing that leaves at
# the crack of dawn", "avoiding red-eyes"), up to four words before it in its clause; a
# limit ("not before the evening") or an "I don't mind" turns nothing away.
NOT_A_PART: Final = re.compile(
    r"(?:\b(?:not|no|never|nothing|avoid(?:ing|s)?|except|other than|apart from|anything but"
    r"|rather than|without)|n[’']t)"
    r"(?:\s+(?!(?:before|after|until|till|earlier|later|sooner|than|mind|matter|care|problem"
    r"|worries|sure|fussed|bothered|know|just|only)\b)[\w’'-]+){0,4}?\s+$"
)


def _turned_away(before: str) -> bool:
    return bool(NOT_A_PART.search(before.lower()))


def day_part(text: str) -> tuple[str | None, str | None]:
    """The hours a part of the day names ("evening" -> after 17:00, "early morning" ->
    before 09:00), the same ones a search narrows to; (None, None) for no such words.
    Parts offered as alternatives ("late afternoon or evening") span them all. A part
    turned away ("not in the morning", "nothing at the crack of dawn") is the rest of the
    day when that is one window ("not in the morning": after 12:00); none otherwise."""
    found: list[tuple[str | None, str | None]] = []
    for pattern, a, b in _WORDS:
        m = pattern.search(text)
        if m:
            if _turned_away(text[: m.start()]):
                a, b = (b, None) if a is None else (None, a) if b is None else (None, None)
                if a is None and b is None:
                    text = text[: m.start()] + " " * (m.end() - m.start()) + text[m.end() :]
                    continue
            found.append((a, b))
            text = text[: m.start()] + " " * (m.end() - m.start()) + text[m.end() :]
    if not found:
        return None, None
    if len(found) == 1 or not re.search(r"\bor\b", text):
        return found[0]
    afters, befores = [a for a, _ in found], [b for _, b in found]
    return (
        None if None in afters else min(a for a in afters if a),
        None if None in befores else max(b for b in befores if b),
    )


def _blank(text: str, m: re.Match[str]) -> str:
    return text[: m.start()] + " " * (m.end() - m.start()) + text[m.end() :]


def _with_part(
    after: str | None, before: str | None, rest: str
) -> tuple[str | None, str | None]:
    """A one-sided limit and the part of the day said beside it ("that morning … nothing
    before 7", "in the afternoon, but not before 2pm"): the part's other bound is kept,
    and the tighter of the two on the limit's side, when they leave a window open."""
    if after and before:
        return after, before
    part_after, part_before = day_part(rest)
    if after and part_before and part_before > max(after, part_after or after):
        return max(after, part_after or after), part_before
    if before and part_after and part_after < min(before, part_before or before):
        return part_after, min(before, part_before or before)
    return after, before


def _window(text: str) -> tuple[str | None, str | None]:
    # "after half past six in the evening", "before quarter to nine": the clock they say
    text = spoken_times(text)
    after = before = None
    m = _CLOCK_RANGE.search(text)
    if m and (m.group("h1"), m.group("m1")) < (m.group("h2"), m.group("m2")):
        return f"{m.group('h1')}:{m.group('m1')}", f"{m.group('h2')}:{m.group('m2')}"
    m = _BETWEEN.search(text)
    if m and (m.group("w3") or m.group("w4")):
        a = _WORD_TIME[m.group("w3")] if m.group("w3") else _clock(m, 3)
        b = _WORD_TIME[m.group("w4")] if m.group("w4") else _clock(m, 4)
        if a and b and a < b:
            return a, b
    elif m:
        a, b = _clock(m, 3), _clock(m, 4)
        if (
            a
            and b
            and m.group("ap3") is None
            and m.group("ap4")
            and b.startswith(("1", "2"))
            and int(a[:2]) < 12
            and int(b[:2]) >= 12
            and int(a[:2]) + 12 < int(b[:2])
        ):
            a = f"{int(a[:2]) + 12:02d}{a[2:]}"
        return a, b
    m = _NEGATED_LIMIT.search(text)
    if m:
        if m.group("dir") in ("before", "earlier than"):
            return _with_part(_clock(m, 6), None, _blank(text, m))
        return _with_part(None, _clock(m, 6), _blank(text, m))
    m = _AFTER.search(text)
    rest = text
    if m:
        after = _WORD_TIME[m.group("w1")] if m.group("w1") else _clock(m, 1)
        rest = _blank(rest, m)
    m = _BEFORE.search(text)
    if m:
        before = _WORD_TIME[m.group("w2")] if m.group("w2") else _clock(m, 2)
        rest = _blank(rest, m)
    if after or before:
        return _with_part(after, before, rest)
    m = _AROUND.search(text)
    if m and (
        m.group("ap5")
        or m.group("m5")
        or (m.group("kw") != "at" and _ABOUT_HOUR_ENDS.match(text, m.end()))
    ):
        center = _clock(m, 5)
        if center:
            hour = int(center[:2])
            return f"{max(hour - 1, 0):02d}:{center[3:]}", f"{min(hour + 1, 23):02d}:{center[3:]}"
    m = _BARE_CLOCK.search(text)
    if m:
        center = _clock(m, 7)
        if center:
            hour = int(center[:2])
            return f"{max(hour - 1, 0):02d}:{center[3:]}", f"{min(hour + 1, 23):02d}:{center[3:]}"
    return day_part(text)


# A part of the day that is no wish about the flight: a greeting ("good morning"), or the
# time of something else the traveller mentions ("a dinner that evening", "the meeting
# the same morning"). Only a wish about the flight ("an evening flight", "leaving in the
# morning", "on the morning of the 5th") narrows the search.
_NOT_A_TIME_WISH = re.compile(
    r"\bgood\s+(?:morning|afternoon|evening|night|day)\b"
    # "Morning! Could you sort me a one-way …", "evening all, …": a greeting opening the
    # message, set off by its punctuation
    r"|^\W*(?:(?:hi|hey|hello)\s+)?(?:morning|afternoon|evening)(?:\s+(?:all|everyone|team|there))?"
    r"\s*(?:[!,.;:]|\s[-–—])"
    r"|\b(?:that|the same|same)\s+(?:morning|afternoon|evening|night)\b(?!\s+(?:flight|one)s?\b)"
)


# ... unless the flight itself goes then: "flights from Chicago that morning", "fly out
# to Boston that evening" (the flight, where from or to, and that part of the day).
_FLIGHT_THEN = re.compile(
    r"\b(?:flights?|fly|flying|fly out|leave|leaving|depart(?:ing)?|head(?:ing)? out)"
    r"(?:\s+(?:out|up|down|over|there))?"  # "a flight out that morning"
    r"(?:\s+(?:from|to|out of|into|back to)\s+[a-z][\w'-]*(?:\s+[a-z][\w'-]*)?)*\s+$"
)


def _not_a_wish(low: str, m: re.Match[str]) -> str:
    said = m.group(0)
    if not said.startswith("good") and _FLIGHT_THEN.search(low[: m.start()]):
        return said
    return " "


# Something the traveller tells of, not a flight: "a client meeting first thing", "I'm
# meeting a prospect ... at 2pm", "presentation at 9am". Its time is when it happens.
_EVENT: Final = re.compile(
    r"\b(?:meetings?|meet(?:ing)?|presentation|presenting|conference|summit|interview|appointment"
    r"|calls?|dinner|lunch|breakfast|workshop|training|session|talk|keynote|pitch|demo"
    r"|kick-?off|kicks? off|offsite|off-site|event|wedding|ceremony|starts?|begins?"
    r"|seeing|visiting|clients?|customers?|prospects?|suppliers?)\b"
)
_RELATIVE_TO: Final = re.compile(
    r"\b(?:after|before|around|by|until|till|til|past|from|about|ahead of|between)\s+(?:the\s+|my\s+|our\s+|a\s+)?$"
)
# Clauses of a message: punctuation, and the words that join two of them.
_TIME_CLAUSE: Final = re.compile(
    r"[,;:.!?]+(?:\s|$)|\s[-–—]+\s"
    r"|\s(?:and|but|so|then|as|because|since|while|cos|coz)\s(?!\d)"
)
# A clause about the flight out, after one about the way home ("... back the same night.
# A flight out that morning and one back in the evening").
_OUT_CLAUSE: Final = re.compile(
    r"\b(?:flights?|fly|flying|one|head(?:ing)?|go(?:ing)?|get(?:ting)?)\s+(?:me\s+)?"
    r"(?:out|up|down|over|there)\b|\boutbound\b|\bway (?:out|there)\b"
    # a clause opening with a bare "out" and its time ("out after 10am, back before 6pm")
    r"|^\s*(?:and\s+)?(?:the\s+)?out\b(?=\s*(?:after|before|by|around|at|early|late|in\b|no\s|not\b"
    r"|morning|afternoon|evening|night|\d))"
)


def _without_events(low: str) -> str:
    """``low`` with the clauses that tell of an event and nothing of travel blanked: the
    time of a meeting is not when to fly."""
    cuts = [0, *(m.end() for m in _TIME_CLAUSE.finditer(low)), len(low)]
    for a, b in itertools.pairwise(cuts):
        said = low[a:b]
        # "something after lunch", "before my meeting": the event tells the flight's time
        told = [e for e in _EVENT.finditer(said) if not _RELATIVE_TO.search(said[: e.start()])]
        if told and not _TRAVEL_WORD.search(said):
            low = low[:a] + " " * (b - a) + low[b:]
    return low


# Days of a month said as a range or a list ("from 15 to 18 December", "15-18 Dec", "the 15th
# or 16th of Jan"): days, never a clock ("from 15" is no 15:00).
_DAY_SPAN = re.compile(
    rf"\b\d{{1,2}}(?:st|nd|rd|th)?\s*(?:to|-|–|—|until|till|through|thru|or|and)\s*(?:the\s+)?"
    rf"\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?(?:{_MONTH_NAMES})\b"
)


# Something the trip is for, with its time ("for a 9am meeting", "in time for my 2:30pm
# presentation", "for a meeting at 10am"): the flight must land before it starts.
_EVENT_NOUN: Final = (
    r"(?:meeting|presentation|conference|summit|interview|appointment|workshop|training"
    r"|session|talk|keynote|pitch|demo|kick-?off|offsite|off-site|event|wedding|ceremony"
    r"|dinner|lunch|breakfast|review|board meeting|standup|stand-up)"
)
_EVENT_CLOCK: Final = (
    r"(?:(?P<h{0}>1[0-2]|0?[1-9])(?::(?P<m{0}>[0-5]\d))?\s*(?P<ap{0}>a\.?m\.?|p\.?m\.?)"
    r"|(?P<hh{0}>[01]?\d|2[0-3]):(?P<mm{0}>[0-5]\d)|(?P<w{0}>noon|midday))"
)
_FOR_EVENT: Final = re.compile(
    r"\b(?:for|in time for|to make|to get to|to be at)\s+(?:a|an|my|our|the|his|her|their)\s+"
    r"(?:" + _EVENT_CLOCK.format(9) + r"\s+(?:[\w-]+\s+){0,2}?" + _EVENT_NOUN
    + r"|(?:[\w-]+\s+){0,2}?" + _EVENT_NOUN
    + r"\s+(?:at|starting at|that starts at|which starts at|@)\s+" + _EVENT_CLOCK.format(10)
    + r")\b"
)


def _event_start(m: re.Match[str]) -> str | None:
    for i in (9, 10):
        if m.group(f"w{i}"):
            return _WORD_TIME[m.group(f"w{i}")]
        if m.group(f"hh{i}"):
            return f"{int(m.group(f'hh{i}')):02d}:{m.group(f'mm{i}')}"
        if m.group(f"h{i}"):
            return _clock(m, i)
    return None


def _times(low: str, reading: DateReading) -> None:
    event = _FOR_EVENT.search(low)
    if event is not None:
        # its time is no wish about when to leave: blanked before the window is read
        low = low[: event.start()] + " " * (event.end() - event.start()) + low[event.end() :]
    low = _NOT_A_TIME_WISH.sub(lambda m: _not_a_wish(low, m), low)
    low = _without_events(low)
    low = _DAY_SPAN.sub(lambda m: " " * len(m.group(0)), low)
    clause = _RETURN_CLAUSE.search(low)
    if (
        clause is not None
        and len(reading.mentions) == 1
        and clause.start() < reading.mentions[0].start
        and re.match(r"\s+from\b", low[clause.end() :])
    ):
        # "Flying home from Boston to NYC Thursday the 10th, need to be home by 7pm": the
        # way home, with its own route, is the trip itself, its one day said after it:
        # every time is its own ("my flight back on the 18th ..., anything later that
        # day?" is still the way back's).
        clause = None
    outbound, inbound = (low[: clause.start()], low[clause.start() :]) if clause else (low, "")
    if clause is not None:
        # A clause about the flight out after the way home was named belongs to the way out.
        start = clause.start()
        # "out before 9am back after 5pm": a clause ends where the next one about the way
        # home begins, said with no comma
        cuts = sorted(
            {
                start,
                *(m.end() for m in _TIME_CLAUSE.finditer(low, start)),
                *(m.start() for m in _RETURN_CLAUSE.finditer(low, start + 1)),
                len(low),
            }
        )
        for a, b in itertools.pairwise(cuts):
            said = low[a:b]
            if _OUT_CLAUSE.search(said) and not _RETURN_CLAUSE.search(said):
                outbound += " " + said
                inbound = inbound[: a - start] + " " * (b - a) + inbound[b - start :]
    arrive = _ARRIVE_BY.search(outbound)
    # ("... before the kids' bedtime ~7pm": that time is the landing's limit, no window)
    what = arrive.span("what8") if arrive is not None and arrive.group("what8") else None
    reading.depart_after, reading.depart_before = _window(
        outbound[: what[0]] + " " * (what[1] - what[0]) + outbound[what[1] :] if what else outbound
    )
    if arrive is not None:
        reading.arrive_before = (
            _WORD_TIME[arrive.group("w8")] if arrive.group("w8") else _clock(arrive, 8)
        )
    if inbound:
        reading.return_after, reading.return_before = _window(inbound)
    if (
        event is not None
        and not (reading.depart_before or reading.arrive_before)
        and not _AROUND_DATE.search(low)
    ):
        # "for a 9am meeting on the 15th": landing by then, as "I need to be there by 9am"
        # (a flight the day before, "the night before", has no such limit)
        begins = _event_start(event)
        if begins is not None:
            reading.depart_before = reading.arrive_before = begins

"""Counts of closed questions, cross-tabulations, the equality monitoring summary and representativeness.

Counted responses only: a response an officer marked as a duplicate is kept but never counted here.

Equality monitoring answers are special category data. Officers see them only in aggregate, and any
group of fewer respondents than ``EQUALITY_MIN_GROUP_SIZE`` is not shown (primary suppression). A
table always shows its totals, so a second figure is then withheld wherever a hidden one could
otherwise be worked out by subtracting the shown figures from a total (secondary suppression, see
:func:`suppress`). Both kinds carry the same marker, so nobody can tell which figure is the small one.
Cross-tabulations by age band and by place are breakdowns of equality answers (the place comes from
the postcode district), so the same rule applies to them.
"""

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from flask import current_app
from sqlalchemy import func, select

from engage.extensions import db
from engage.responses import queries as response_queries
from engage.responses.models import Answer, EqualityAnswer, RespondentType, Response, ResponseChannel
from engage.surveys.models import YES_NO, Question, QuestionKind
from engage.validators import postcode_district

#: Question kinds counted option by option.
CLOSED_KINDS = (
    QuestionKind.single_choice,
    QuestionKind.multiple_choice,
    QuestionKind.likert,
    QuestionKind.rating,
    QuestionKind.yes_no,
)
#: A group is under-represented when its share of respondents is below this fraction of its share
#: of the population (80%: a group that is 10% of residents but under 8% of respondents).
UNDER_REPRESENTED_RATIO = 0.8
#: What a withheld figure shows in tables and exports.
NOT_SHOWN = "Not shown"

NOT_GIVEN = "Not given"
OUTSIDE = "Elsewhere or not recognised"


def min_group_size():
    """The smallest group of equality answers shown (the EQUALITY_MIN_GROUP_SIZE setting, at least 1)."""
    return max(int(current_app.config.get("EQUALITY_MIN_GROUP_SIZE", 10)), 1)


# The public interface (the outcome page draws its charts from these) ---------------------------


@dataclass(frozen=True)
class OptionCount:
    label: str
    count: int
    #: Of those who answered the question, rounded to a whole number.
    percent: int


@dataclass(frozen=True)
class QuestionSummary:
    question_id: int
    text: str
    #: Counted responses that answered the question.
    answered: int
    options: tuple[OptionCount, ...]


def _percent(part, whole):
    return round(100 * part / whole) if whole else 0


def closed_questions(survey):
    """The survey's closed questions outside the equality section, in survey order."""
    if survey is None:
        return []
    return [q for page in survey.pages if not page.is_equality for q in page.questions if q.kind in CLOSED_KINDS]


def _answer_key(question, option_id, text, number):
    """The key of one answer among a question's possible answers (see _answer_labels)."""
    if question.kind.has_options:
        return option_id
    if question.kind == QuestionKind.yes_no:
        return text
    return number


def _answer_labels(question, seen=()):
    """(key, label) for every possible answer of a closed question, in order (ratings outside the scale last)."""
    if question.kind.has_options:
        return [(o.id, o.label) for o in question.options]
    if question.kind == QuestionKind.yes_no:
        return list(YES_NO)
    low, high = question.scale
    keys = list(range(low, high + 1))
    keys += sorted(k for k in seen if k is not None and k not in keys)
    return [(k, str(k)) for k in keys]


def _counted(consultation_id):
    return (Response.consultation_id == consultation_id, Response.duplicate.is_(False))


def closed_question_summaries(consultation, survey=None) -> list[QuestionSummary]:
    """Counts and percentages for every closed question of the consultation's survey, in survey order.

    Two grouped queries whatever the number of questions: who answered each question, and how many
    picked each answer.
    """
    survey = survey if survey is not None else response_queries.survey_for(consultation.id)
    questions = closed_questions(survey)
    if not questions:
        return []
    ids = [q.id for q in questions]
    answered = dict(
        db.session.execute(
            select(Answer.question_id, func.count(func.distinct(Answer.response_id)))
            .join(Response, Response.id == Answer.response_id)
            .where(Answer.question_id.in_(ids), *_counted(consultation.id))
            .group_by(Answer.question_id)
        ).all()
    )
    counts = defaultdict(Counter)
    by_id = {q.id: q for q in questions}
    rows = db.session.execute(
        select(
            Answer.question_id,
            Answer.option_id,
            Answer.text,
            Answer.number,
            func.count(func.distinct(Answer.response_id)),
        )
        .join(Response, Response.id == Answer.response_id)
        .where(Answer.question_id.in_(ids), *_counted(consultation.id))
        .group_by(Answer.question_id, Answer.option_id, Answer.text, Answer.number)
    ).all()
    for question_id, option_id, text, number, count in rows:
        counts[question_id][_answer_key(by_id[question_id], option_id, text, number)] += count
    summaries = []
    for question in questions:
        total = answered.get(question.id, 0)
        tally = counts[question.id]
        options = tuple(
            OptionCount(label=label, count=tally.get(key, 0), percent=_percent(tally.get(key, 0), total))
            for key, label in _answer_labels(question, tally.keys())
        )
        summaries.append(QuestionSummary(question_id=question.id, text=question.text, answered=total, options=options))
    return summaries


# Suppression ------------------------------------------------------------------------------------


def suppress(values, lines, minimum, *, hidden=()):
    """Which figures to withhold: every figure from 1 to ``minimum - 1``, then more until none can be
    worked out from the totals.

    :param values: key -> count, every figure the table shows.
    :param lines: groups of keys whose sum is shown (or can be worked out) somewhere, so one withheld
        figure in a line could be recovered by subtraction. Wherever a line holds exactly one withheld
        figure, its smallest shown figure is withheld too (preferring a non-zero one), until stable.
    :param hidden: keys to withhold whatever their value (for example the cells of a hidden row).
    :return: the set of withheld keys.
    """
    withheld = {k for k, v in values.items() if 0 < v < minimum} | set(hidden)
    changed = True
    while changed:
        changed = False
        for line in lines:
            inside = [k for k in line if k in withheld]
            if len(inside) != 1:
                continue
            shown = [k for k in line if k not in withheld]
            if not shown:
                continue
            # The smallest non-zero figure, else a zero (a shown zero would still give the hidden one away).
            pick = min(shown, key=lambda k: (values[k] == 0, values[k]))
            withheld.add(pick)
            changed = True
    return withheld


@dataclass
class Figure:
    """A count as shown: ``None`` count when withheld."""

    count: int | None
    percent: int | None = None

    @property
    def hidden(self):
        return self.count is None

    def text(self):
        return NOT_SHOWN if self.count is None else f"{self.count:,}"


# Equality questions -----------------------------------------------------------------------------


def equality_questions(survey):
    """The equality section's choice questions, in order."""
    if survey is None:
        return []
    return [
        q for page in survey.pages if page.is_equality for q in page.questions if q.kind in CLOSED_KINDS and q.options
    ]


def _equality_question(survey, key):
    return next((q for q in equality_questions(survey) if q.equality_key == key), None)


def _equality_counts(consultation_id, question_ids):
    """question id -> Counter(option id -> counted responses), one grouped query."""
    counts = defaultdict(Counter)
    if not question_ids:
        return counts
    rows = db.session.execute(
        select(
            EqualityAnswer.question_id, EqualityAnswer.option_id, func.count(func.distinct(EqualityAnswer.response_id))
        )
        .join(Response, Response.id == EqualityAnswer.response_id)
        .where(EqualityAnswer.question_id.in_(question_ids), *_counted(consultation_id))
        .group_by(EqualityAnswer.question_id, EqualityAnswer.option_id)
    ).all()
    for question_id, option_id, count in rows:
        counts[question_id][option_id] += count
    return counts


@dataclass
class Distribution:
    """One equality question's answers, suppressed: rows of (label, Figure)."""

    question: object
    answered: int
    rows: list
    minimum: int

    @property
    def any_hidden(self):
        return any(f.hidden for _label, f in self.rows)

    @property
    def chart_rows(self):
        """(label, count) of the figures shown: withheld groups are left out of the chart."""
        return [(label, f.count) for label, f in self.rows if not f.hidden]


def equality_summary(consultation, survey=None, minimum=None):
    """Each equality question's distribution among counted responses, small groups withheld."""
    minimum = minimum or min_group_size()
    figures = equality_figures(consultation, survey, minimum)
    result = []
    for question in figures.questions:
        tally = figures.counts[question.id]
        answered = sum(tally.get(o.id, 0) for o in question.options)
        rows = [
            (
                o.label,
                Figure(None)
                if o.id in figures.withheld_options
                else Figure(tally.get(o.id, 0), _percent(tally.get(o.id, 0), answered)),
            )
            for o in question.options
        ]
        result.append(Distribution(question=question, answered=answered, rows=rows, minimum=minimum))
    return result


# Places ---------------------------------------------------------------------------------------


@dataclass
class PlaceGroup:
    label: str
    population: int | None
    place_ids: set = field(default_factory=set)


def _descendants(place):
    found, stack = [], list(place.children)
    while stack:
        node = stack.pop()
        found.append(node)
        stack.extend(node.children)
    return found


def consulted_places(consultation):
    """The consultation's places, leaving out any that sits inside another one of them."""
    places = list(consultation.places)
    ids = {p.id for p in places}
    return [p for p in places if not any(a.id in ids for a in p.ancestors())]


def place_groups(consultation):
    """The groups respondents are placed in: each consulted place's own places (with "elsewhere in" the
    rest of it), or the consulted places themselves when they have none; and district -> group label."""
    groups, district_place, depth = [], {}, {}
    for top in consulted_places(consultation):
        children = list(top.children)
        scope = [top, *_descendants(top)]
        for place in scope:
            level = len(place.ancestors())
            for district in place.district_set:
                if district not in depth or level > depth[district]:
                    depth[district], district_place[district] = level, place.id
        if children:
            for child in children:
                groups.append(
                    PlaceGroup(child.name, child.population, {child.id, *(d.id for d in _descendants(child))})
                )
            rest = None
            if top.population is not None and all(c.population is not None for c in children):
                rest = max(top.population - sum(c.population for c in children), 0)
            if rest != 0:
                # Unknown (None) or some people left: respondents placed in the place itself go here.
                groups.append(PlaceGroup(f"Elsewhere in {top.name}", rest, {top.id}))
        else:
            groups.append(PlaceGroup(top.name, top.population, {top.id}))
    by_place = {pid: g.label for g in groups for pid in g.place_ids}
    district_group = {d: by_place[pid] for d, pid in district_place.items() if pid in by_place}
    return groups, district_group


def respondent_districts(consultation_id):
    """Counted response id -> postcode district: the equality section's answer, else a postcode question's."""
    districts = {}
    rows = db.session.execute(
        select(Answer.response_id, Answer.text)
        .join(Response, Response.id == Answer.response_id)
        .join(Question, Question.id == Answer.question_id)
        .where(*_counted(consultation_id), Answer.text != "", Question.kind == QuestionKind.postcode)
        .order_by(Answer.id)
    ).all()
    for response_id, text in rows:
        districts.setdefault(response_id, postcode_district(text.upper()))
    rows = db.session.execute(
        select(EqualityAnswer.response_id, EqualityAnswer.text)
        .join(Response, Response.id == EqualityAnswer.response_id)
        .join(Question, Question.id == EqualityAnswer.question_id)
        .where(*_counted(consultation_id), Question.equality_key == "postcode_district", EqualityAnswer.text != "")
    ).all()
    for response_id, text in rows:
        districts[response_id] = text.strip().upper().split(" ")[0]
    return districts


# Cross-tabulation -------------------------------------------------------------------------------

#: by -> (label, whether its groups come from equality answers and are suppressed).
DIMENSIONS = {
    "place": ("Place", True),
    "age": ("Age band", True),
    "respondent_type": ("Responding as", False),
    "channel": ("Channel", False),
}


class CrossTabError(ValueError):
    """The cross-tabulation asked for cannot be drawn; the message is for the officer."""


@dataclass
class CrossRow:
    label: str
    cells: list
    total: Figure


@dataclass
class CrossTab:
    question: object
    by: str
    by_label: str
    columns: list
    rows: list
    column_totals: list
    answered: int
    suppressed: bool
    minimum: int

    @property
    def any_hidden(self):
        return any(r.total.hidden or any(c.hidden for c in r.cells) for r in self.rows)


def find_closed_question(survey, raw_id):
    """The survey's closed (non-equality) question with id ``raw_id`` (text from the URL).

    :raises CrossTabError: with a message saying what is wrong.
    """
    if survey is None:
        raise CrossTabError("This consultation has no survey, so there is nothing to cross-tabulate.")
    try:
        question_id = int(str(raw_id).strip())
    except (TypeError, ValueError):
        raise CrossTabError("Choose a question from the list.") from None
    for page in survey.pages:
        for question in page.questions:
            if question.id != question_id:
                continue
            if page.is_equality:
                raise CrossTabError(
                    "Equality monitoring questions are shown only in the equality summary, never cross-tabulated."
                )
            if question.kind not in CLOSED_KINDS:
                raise CrossTabError(
                    f"“{question.text}” is a {question.kind.label.lower()} question. Only closed questions "
                    "(choices, scales, ratings and yes or no) can be cross-tabulated."
                )
            return question
    raise CrossTabError("That question is not part of this consultation's survey. Choose one from the list.")


def _groups_for(consultation, survey, by, minimum):
    """(group labels in order, response id -> group label, the label for responses without one, the groups
    withheld elsewhere, which must be withheld here too)."""
    if by == "channel":
        rows = db.session.execute(select(Response.id, Response.channel).where(*_counted(consultation.id))).all()
        return [c.label for c in ResponseChannel], {rid: ResponseChannel(c).label for rid, c in rows}, None, set()
    if by == "respondent_type":
        rows = db.session.execute(select(Response.id, Response.respondent_type).where(*_counted(consultation.id))).all()
        return [t.label for t in RespondentType], {rid: RespondentType(t).label for rid, t in rows}, None, set()
    if by == "age":
        question = _equality_question(survey, "age_band")
        if question is None:
            raise CrossTabError("This survey has no age question (add the equality monitoring section to ask it).")
        labels = {o.id: o.label for o in question.options}
        rows = db.session.execute(
            select(EqualityAnswer.response_id, EqualityAnswer.option_id)
            .join(Response, Response.id == EqualityAnswer.response_id)
            .where(EqualityAnswer.question_id == question.id, *_counted(consultation.id))
        ).all()
        # The equality summary's hidden age bands stay hidden here, or the two tables together could give them away.
        forced = {
            labels[oid] for oid in equality_figures(consultation, survey, minimum).withheld_options if oid in labels
        }
        return list(labels.values()), {rid: labels[oid] for rid, oid in rows if oid in labels}, NOT_GIVEN, forced
    if by == "place":
        groups, district_group, _counts, forced = place_figures(consultation, minimum)
        if not groups:
            raise CrossTabError("This consultation has no places, so responses cannot be grouped by place.")
        membership = {}
        for rid, district in respondent_districts(consultation.id).items():
            membership[rid] = district_group.get(district, OUTSIDE)
        return [g.label for g in groups] + [OUTSIDE], membership, NOT_GIVEN, forced
    raise CrossTabError("Choose what to break the answers down by: place, age band, responding as, or channel.")


def cross_tab(consultation, raw_question_id, by, *, survey=None, minimum=None):
    """Counts of a closed question's answers by group, with row percentages.

    :raises CrossTabError: for an unknown or unsuitable question or grouping (a clear message).
    """
    survey = survey if survey is not None else response_queries.survey_for(consultation.id)
    question = find_closed_question(survey, raw_question_id)
    if by not in DIMENSIONS:
        raise CrossTabError("Choose what to break the answers down by: place, age band, responding as, or channel.")
    by_label, suppressed = DIMENSIONS[by]
    minimum = minimum or min_group_size()
    group_labels, membership, missing, forced = _groups_for(consultation, survey, by, minimum)
    answers = db.session.execute(
        select(Answer.response_id, Answer.option_id, Answer.text, Answer.number)
        .join(Response, Response.id == Answer.response_id)
        .where(Answer.question_id == question.id, *_counted(consultation.id))
    ).all()
    picked = defaultdict(set)
    for rid, option_id, text, number in answers:
        picked[rid].add(_answer_key(question, option_id, text, number))
    columns = _answer_labels(question, {k for keys in picked.values() for k in keys})
    keys = [k for k, _label in columns]
    if missing is not None:
        group_labels = [*group_labels, missing]
    table = {g: Counter() for g in group_labels}
    totals = Counter()
    for rid, chosen in picked.items():
        group = membership.get(rid, missing)
        if group not in table:
            continue
        totals[group] += 1
        for key in chosen:
            table[group][key] += 1
    # Leave out groups nobody in them answered, except the survey's own groups (a zero is a finding).
    shown_groups = [g for g in group_labels if totals[g] or g not in (missing, OUTSIDE)]
    withheld = set()
    if suppressed:
        values = {("cell", g, k): table[g][k] for g in shown_groups for k in keys}
        values.update({("total", g): totals[g] for g in shown_groups})
        # A small group's whole row goes, and so does the row of a group withheld on the other pages.
        pre = {("cell", g, k) for g in shown_groups if 0 < totals[g] < minimum for k in keys if table[g][k]}
        pre |= {("total", g) for g in shown_groups if g in forced}
        lines = [[("cell", g, k) for k in keys] + [("total", g)] for g in shown_groups]
        lines += [[("cell", g, k) for g in shown_groups] for k in keys]
        lines.append([("total", g) for g in shown_groups])
        while True:
            withheld = suppress(values, lines, minimum, hidden=pre)
            # Nothing of a withheld group is shown, not even a zero: again until that settles.
            whole_rows = {("cell", g, k) for g in shown_groups if ("total", g) in withheld for k in keys}
            if whole_rows <= withheld:
                break
            pre |= whole_rows | withheld
    rows = []
    for g in shown_groups:
        total_hidden = ("total", g) in withheld
        cells = []
        for k in keys:
            if ("cell", g, k) in withheld:
                cells.append(Figure(None))
            else:
                count = table[g][k]
                cells.append(Figure(count, None if total_hidden else _percent(count, totals[g])))
        rows.append(CrossRow(g, cells, Figure(None) if total_hidden else Figure(totals[g], 100 if totals[g] else 0)))
    column_totals = [sum(table[g][k] for g in group_labels) for k in keys]
    return CrossTab(
        question=question,
        by=by,
        by_label=by_label,
        columns=[label for _k, label in columns],
        rows=rows,
        column_totals=column_totals,
        answered=sum(totals.values()),
        suppressed=suppressed,
        minimum=minimum,
    )


# Representativeness ------------------------------------------------------------------------------

_RANGE = re.compile(r"(\d+)\s*(?:-|–|—|to)\s*(\d+)")
_UNDER = re.compile(r"(?:under|less than|below)\s*(\d+)")
_OVER = re.compile(r"(\d+)\s*(?:\+|or over|and over|or older|and older|plus)")


def parse_age_band(label):
    """An age band label -> (lowest age, highest age or None for "and over"); None when not an age band.

    >>> parse_age_band("16 to 24"), parse_age_band("Under 16"), parse_age_band("85+")
    ((16, 24), (0, 15), (85, None))
    """
    text = str(label).strip().lower()
    if match := _RANGE.search(text):
        return int(match.group(1)), int(match.group(2))
    if match := _UNDER.search(text):
        return 0, int(match.group(1)) - 1
    if match := _OVER.search(text):
        return int(match.group(1)), None
    return None


def _age_label(low, high):
    if high is None:
        return f"{low} or over"
    if low == 0:
        return f"Under {high + 1}"
    return f"{low} to {high}"


def age_band_mapping(survey_bands, population_bands):
    """Map the survey's age bands and the population's onto the bands both can be added up to.

    Two sets of bands can be compared only where both start a band at the same age, so the shared bands
    run from one such age to the next. A band that crosses a shared boundary is not compared.

    :param survey_bands: key -> label (option id -> "16 to 24").
    :param population_bands: key -> label ("16-24" -> "16-24").
    :return: (shared band labels in order, survey key -> shared label, population key -> shared label,
        notes [(shared label, survey labels, population labels)], labels compared with nothing).
    """
    parsed_survey = {k: parse_age_band(v) for k, v in survey_bands.items()}
    parsed_population = {k: parse_age_band(v) for k, v in population_bands.items()}
    survey_lows = {b[0] for b in parsed_survey.values() if b}
    population_lows = {b[0] for b in parsed_population.values() if b}
    lows = sorted(survey_lows & population_lows)
    open_top = any(b and b[1] is None for b in parsed_survey.values()) and any(
        b and b[1] is None for b in parsed_population.values()
    )
    shared = []
    for i, low in enumerate(lows):
        high = lows[i + 1] - 1 if i + 1 < len(lows) else None
        if high is None and not open_top:
            # The last shared band has to end where both sets of bands end.
            ends = {b[1] for b in (*parsed_survey.values(), *parsed_population.values()) if b and b[0] >= low}
            high = max(ends) if ends and None not in ends else None
        shared.append((low, high))

    def place(band):
        if not band:
            return None
        low, high = band
        for s_low, s_high in shared:
            inside_top = s_high is None or (high is not None and high <= s_high)
            if s_low <= low and inside_top:
                return _age_label(s_low, s_high)
        return None

    survey_map = {k: lbl for k, b in parsed_survey.items() if (lbl := place(b))}
    population_map = {k: lbl for k, b in parsed_population.items() if (lbl := place(b))}
    used = [
        lbl for lbl in (_age_label(*s) for s in shared) if lbl in survey_map.values() and lbl in population_map.values()
    ]
    survey_map = {k: v for k, v in survey_map.items() if v in used}
    population_map = {k: v for k, v in population_map.items() if v in used}
    notes = [
        (
            lbl,
            [survey_bands[k] for k, v in survey_map.items() if v == lbl],
            [population_bands[k] for k, v in population_map.items() if v == lbl],
        )
        for lbl in used
    ]
    unmatched = [survey_bands[k] for k in survey_bands if k not in survey_map and parsed_survey[k]]
    unmatched += [population_bands[k] for k in population_bands if k not in population_map]
    return used, survey_map, population_map, notes, unmatched


def _ethnic_key(label):
    """The broad ethnic group a label belongs to, by its first word ("White: Irish" -> "white")."""
    words = re.findall(r"[a-z]+", str(label).lower())
    return words[0] if words else ""


def population_breakdown(place, key):
    """The place's figures by ``key`` ("age", "sex", "ethnicity"), added up from its own places when it
    has none of its own; None when they are missing."""
    own = (place.breakdown or {}).get(key)
    if own:
        return dict(own)
    children = list(place.children)
    if not children:
        return None
    total = Counter()
    for child in children:
        figures = population_breakdown(child, key)
        if figures is None:
            return None
        total.update(figures)
    return dict(total)


@dataclass
class RepRow:
    label: str
    respondents: Figure
    population: int
    population_percent: float
    #: "under" (under-represented), "ok", or "unknown" (figure withheld and the rule cannot tell).
    flag: str


@dataclass
class RepTable:
    key: str
    title: str
    rows: list = field(default_factory=list)
    #: Respondents with an answer that can be compared (Prefer not to say and unanswered left out).
    base: int = 0
    population_total: int = 0
    notes: list = field(default_factory=list)
    #: Why the table cannot be drawn (missing figures or questions); rows empty then.
    problem: str = ""
    source_notes: list = field(default_factory=list)

    @property
    def any_hidden(self):
        return any(r.respondents.hidden for r in self.rows)

    @property
    def under(self):
        return [r.label for r in self.rows if r.flag == "under"]


def _rep_table(key, title, respondent_counts, population, order, minimum, withheld):
    """Compare ``respondent_counts`` (group -> count) with ``population`` (group -> people); the groups in
    ``withheld`` are not shown."""
    table = RepTable(key=key, title=title)
    base = sum(respondent_counts.get(g, 0) for g in order)
    population_total = sum(population.get(g, 0) for g in order)
    table.base, table.population_total = base, population_total
    values = {g: respondent_counts.get(g, 0) for g in order}
    shown_sum = sum(v for g, v in values.items() if g not in withheld)
    for g in order:
        pop_share = population.get(g, 0) / population_total if population_total else 0
        if g in withheld:
            # A withheld figure is flagged only when that narrows nothing down to a small group: either the
            # most it could be, from the figures shown, is under the line, or the line itself is at least the
            # minimum group size (so the flag says "below a number no smaller than the minimum").
            line = UNDER_REPRESENTED_RATIO * pop_share * base
            most = base - shown_sum
            under = base and (most < line or (line >= minimum and values[g] < line))
            flag = "under" if under else "unknown"
            figure = Figure(None)
        else:
            share = values[g] / base if base else 0
            flag = "under" if base and share < UNDER_REPRESENTED_RATIO * pop_share else "ok"
            figure = Figure(values[g], _percent(values[g], base))
        table.rows.append(RepRow(g, figure, population.get(g, 0), round(100 * pop_share, 1), flag))
    return table


#: (breakdown key, the equality question's key, title) of the population comparisons by equality answer.
REP_DIMENSIONS = (("age", "age_band", "Age band"), ("sex", "sex", "Sex"), ("ethnicity", "ethnic_group", "Ethnic group"))


@dataclass
class _RepSpec:
    """How one equality question's answers map onto a population breakdown's groups."""

    key: str
    title: str
    problem: str = ""
    question: object = None
    order: list = field(default_factory=list)
    #: group -> the option ids counted in it.
    members: dict = field(default_factory=dict)
    population: dict = field(default_factory=dict)
    notes: list = field(default_factory=list)


def _rep_spec(key, equality_key, title, question, tops):
    spec = _RepSpec(key, title)
    if question is None:
        spec.problem = f"The survey does not ask about {title.lower()} (add the equality monitoring section to ask it)."
        return spec
    if not tops:
        spec.problem = "This consultation has no places to compare with."
        return spec
    population, missing = Counter(), []
    for top in tops:
        figures = population_breakdown(top, key)
        if figures is None:
            missing.append(top.name)
        else:
            population.update(figures)
    if missing:
        spec.problem = (
            f"There are no population figures by {title.lower()} for {', '.join(missing)}. "
            "An administrator can add them under Places."
        )
        return spec
    spec.question = question
    options = {o.id: o.label for o in question.options if not o.is_exclusive}
    members, by_group = defaultdict(list), Counter()
    if key == "age":
        order, survey_map, population_map, mapping_notes, unmatched = age_band_mapping(
            options, {band: band for band in population}
        )
        for oid, group in survey_map.items():
            members[group].append(oid)
        for band, group in population_map.items():
            by_group[group] += population[band]
        spec.notes = [
            f"{group}: survey answers {', '.join(s)}; population bands {', '.join(p)}" for group, s, p in mapping_notes
        ]
        if unmatched:
            spec.notes.append(f"Not compared (the bands do not line up): {', '.join(unmatched)}")
    else:
        norm = _ethnic_key if key == "ethnicity" else (lambda text: str(text).strip().lower())
        population_names = {}
        for label in population:
            population_names.setdefault(norm(label), label)
        order = []
        for oid, label in options.items():
            group = population_names.get(norm(label))
            if group is None:
                continue
            members[group].append(oid)
            if group not in order:
                order.append(group)
        for group in order:
            by_group[group] = population[group]
        if key == "ethnicity":
            spec.notes = ["Each survey answer counts in its broad group (the words before the colon)."]
        unmatched = [label for label in population if label not in order]
        if unmatched:
            spec.notes.append(f"Population groups with no matching survey answer: {', '.join(unmatched)}")
    spec.order, spec.members, spec.population = order, dict(members), dict(by_group)
    return spec


@dataclass
class EqualityFigures:
    """The equality answers' counts and which are withheld, worked out once for every page that shows them."""

    questions: list
    #: question id -> Counter(option id -> counted responses).
    counts: dict
    specs: list
    tops: list
    #: Option ids whose counts are withheld (in the summary, and as rows of cross-tabulations by age).
    withheld_options: set
    #: breakdown key -> the groups withheld in the representativeness table.
    withheld_groups: dict


def equality_figures(consultation, survey=None, minimum=None):
    """Count the equality answers and decide, for all the tables at once, which figures to withhold.

    The summary (one figure per answer) and the representativeness tables (answers added up into the
    population's groups) are suppressed together, with one more line per group ("this group is these
    answers"), so neither table can fill in the other's gaps.
    """
    survey = survey if survey is not None else response_queries.survey_for(consultation.id)
    minimum = minimum or min_group_size()
    questions = equality_questions(survey)
    counts = _equality_counts(consultation.id, [q.id for q in questions])
    tops = consulted_places(consultation)
    by_key = {q.equality_key: q for q in questions}
    specs = [_rep_spec(key, eq_key, title, by_key.get(eq_key), tops) for key, eq_key, title in REP_DIMENSIONS]
    values, lines = {}, []
    for question in questions:
        tally = counts[question.id]
        for option in question.options:
            values[("option", option.id)] = tally.get(option.id, 0)
        lines.append([("option", o.id) for o in question.options])
    for spec in specs:
        if spec.problem:
            continue
        tally = counts[spec.question.id]
        for group in spec.order:
            values[("group", spec.key, group)] = sum(tally.get(oid, 0) for oid in spec.members.get(group, ()))
            lines.append([("group", spec.key, group)] + [("option", oid) for oid in spec.members.get(group, ())])
        lines.append([("group", spec.key, group) for group in spec.order])
    withheld = suppress(values, lines, minimum)
    return EqualityFigures(
        questions=questions,
        counts=counts,
        specs=specs,
        tops=tops,
        withheld_options={k[1] for k in withheld if k[0] == "option"},
        withheld_groups={spec.key: {k[2] for k in withheld if k[0] == "group" and k[1] == spec.key} for spec in specs},
    )


def representativeness(consultation, survey=None, minimum=None):
    """Respondents' age band, sex, ethnic group and place against the population of the places consulted."""
    survey = survey if survey is not None else response_queries.survey_for(consultation.id)
    minimum = minimum or min_group_size()
    figures = equality_figures(consultation, survey, minimum)
    tables = []
    for spec in figures.specs:
        if spec.problem:
            tables.append(RepTable(spec.key, spec.title, problem=spec.problem))
            continue
        tally = figures.counts[spec.question.id]
        respondent_counts = {g: sum(tally.get(oid, 0) for oid in spec.members.get(g, ())) for g in spec.order}
        table = _rep_table(
            spec.key,
            spec.title,
            respondent_counts,
            spec.population,
            spec.order,
            minimum,
            figures.withheld_groups[spec.key],
        )
        table.notes = spec.notes
        tables.append(table)
    tables.append(_place_table(consultation, figures.tops, minimum))
    for table in tables:
        table.source_notes = [
            f"{top.name}: {(top.breakdown or {}).get('note')}"
            for top in figures.tops
            if (top.breakdown or {}).get("note")
        ]
    return tables


def place_figures(consultation, minimum):
    """(place groups, district -> group, respondents per group, the groups withheld) for the place table."""
    groups, district_group = place_groups(consultation)
    respondent_counts = Counter()
    for district in respondent_districts(consultation.id).values():
        group = district_group.get(district)
        if group is not None:
            respondent_counts[group] += 1
    values = {g.label: respondent_counts.get(g.label, 0) for g in groups}
    return groups, district_group, respondent_counts, suppress(values, [list(values)], minimum)


def _place_table(consultation, tops, minimum):
    title = "Place"
    if not tops:
        return RepTable("place", title, problem="This consultation has no places to compare with.")
    groups, _district_group, respondent_counts, withheld = place_figures(consultation, minimum)
    if len(groups) < 2:
        return RepTable(
            "place", title, problem=f"{groups[0].label} has no smaller places to compare respondents across."
        )
    if any(g.population is None for g in groups):
        lacking = [g.label for g in groups if g.population is None]
        return RepTable(
            "place", title, problem=f"Populations are missing for {', '.join(lacking)}. An administrator can add them."
        )
    table = _rep_table(
        "place",
        title,
        respondent_counts,
        {g.label: g.population for g in groups},
        [g.label for g in groups],
        minimum,
        withheld,
    )
    table.notes = [
        "Respondents are placed by the first half of their postcode, using the postcode districts listed "
        "for each place. Respondents who gave none, or one outside these places, are left out."
    ]
    return table

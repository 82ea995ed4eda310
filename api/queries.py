"""DCI search criteria turned into a query over Lango's registrations (applications).

Three query types: ``idtype-value`` (a national ID through its keyed hash, a mobile number, or a
Lango reference), ``expression`` (``{"$and": [{"age": {"$lt": 60}}, …]}``) and ``predicate``
(``[{"expression1": {"attribute_name", "operator", "attribute_value"}, "condition", "expression2"}]``),
on the attributes Lango holds: age, sex, district, region, household size, programme, status and
the date of registration. Anything else is refused with a reason the partner can act on.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from registry.models import AdminArea, Application, Programme, ProgrammeApplication
from registry.phones import normalise_phone
from registry.references import ReferenceKind, is_valid_reference, normalise_reference
from registry.services import clean_national_id, hash_national_id

ID_TYPES = {
    "NIN": "national ID",
    "NATIONAL_ID": "national ID",
    "UIN": "national ID",
    "MOBILE": "mobile number",
    "LANGO_REF": "Lango reference",
    "REFERENCE": "Lango reference",
}
# Identifier types that single out a person by something they hold: only with the personal scope.
PERSONAL_ID_TYPES = frozenset({"NIN", "NATIONAL_ID", "UIN", "MOBILE"})
ATTRIBUTES = ("age", "sex", "district", "region", "household_size", "group_size", "programme", "status", "registered")
OPERATORS = {"eq", "ne", "lt", "le", "lte", "gt", "ge", "gte", "in"}
MAX_DEPTH = 5


class QueryError(ValueError):
    """The criteria cannot be run; the message says why (for ``status_reason_message``)."""


@dataclass(frozen=True)
class Criteria:
    """A parsed search: the filter on applications and whether it singles people out by identifier."""

    where: Q
    by_personal_identifier: bool = False


def parse_criteria(criteria: dict) -> Criteria:
    """Read ``search_criteria`` (``query_type`` and ``query``) into a filter, or raise ``QueryError``."""
    if not isinstance(criteria, dict):
        raise QueryError("search_criteria must be an object.")
    query_type, query = criteria.get("query_type"), criteria.get("query")
    if query_type == "idtype-value":
        return _id_query(query)
    if query_type == "expression":
        if not isinstance(query, dict):
            raise QueryError("An expression query is an object.")
        value = query.get("value", query)
        expression = value.get("expression", value) if isinstance(value, dict) else None
        if isinstance(expression, dict) and "query" in expression:
            collection = expression.get("collection", "Group")
            if collection not in ("Group", "Member"):
                raise QueryError("The collection must be Group or Member.")
            expression = expression["query"]
        if not isinstance(expression, dict):
            raise QueryError('The expression must be an object such as {"age": {"$lt": 60}}.')
        return Criteria(_expression(expression, 0))
    if query_type == "predicate":
        if not isinstance(query, list) or not query:
            raise QueryError("A predicate query is a list of expressions.")
        return Criteria(_predicates(query))
    raise QueryError("query_type must be idtype-value, expression or predicate.")


def applications_matching(criteria: Criteria, programmes: frozenset[str] | None) -> QuerySet[Application]:
    """Applications that match, limited to those with a request to one of ``programmes`` (``None``: any).

    Conditions on programme requests are ``EXISTS`` subqueries, so that no join multiplies rows
    and no ``DISTINCT`` is needed over a million registrations.
    """
    found = Application.objects.filter(criteria.where)
    if programmes is not None:
        found = found.filter(
            _has_request(
                programme_id__in=list(Programme.objects.filter(code__in=programmes).values_list("pk", flat=True))
            )
        )
    return found.order_by("id")  # ids grow with submission: the order of registration


def _has_request(**conditions) -> Q:
    """The application has a programme request meeting ``conditions``."""
    return Q(Exists(ProgrammeApplication.objects.filter(application=OuterRef("pk"), **conditions)))


def _id_query(query) -> Criteria:
    if not isinstance(query, dict):
        raise QueryError('An idtype-value query is {"type": …, "value": …}.')
    id_type = str(query.get("type", "")).upper()
    value = query.get("value")
    if id_type not in ID_TYPES:
        raise QueryError(f"Identifier type must be one of {', '.join(sorted(ID_TYPES))}.")
    if not isinstance(value, (str, int)) or isinstance(value, bool) or not str(value).strip():
        raise QueryError("The identifier value must be a string.")
    value = str(value).strip()
    personal = id_type in PERSONAL_ID_TYPES
    if ID_TYPES[id_type] == "national ID":
        cleaned = clean_national_id(value)
        where = Q(applicant__national_id_hash=hash_national_id(cleaned)) if cleaned else Q(pk__in=[])
    elif id_type == "MOBILE":
        try:
            where = Q(applicant__phone=normalise_phone(value))
        except ValidationError:
            where = Q(pk__in=[])
    else:
        reference = normalise_reference(value)
        where = Q(reference=reference) if is_valid_reference(reference, ReferenceKind.APPLICATION) else Q(pk__in=[])
    return Criteria(where, by_personal_identifier=personal)


def _expression(node: dict, depth: int) -> Q:
    if depth > MAX_DEPTH:
        raise QueryError("The expression is nested too deep.")
    if not node:
        raise QueryError("An empty expression matches nothing useful.")
    where = Q()
    for key, value in node.items():
        if key in ("$and", "$or"):
            if not isinstance(value, list) or not value:
                raise QueryError(f"{key} takes a list of expressions.")
            parts = [_expression(part, depth + 1) for part in value if isinstance(part, dict)]
            if len(parts) != len(value):
                raise QueryError(f"Each part of {key} must be an expression object.")
            combined = parts[0]
            for part in parts[1:]:
                combined = (combined & part) if key == "$and" else (combined | part)
            where &= combined
        elif isinstance(value, dict):
            if not value:
                raise QueryError(f"Give a condition for {key}.")
            for operator, operand in value.items():
                where &= condition(key, operator.lstrip("$"), operand)
        else:
            where &= condition(key, "eq", value)
    return where


def _predicates(items: list) -> Q:
    where = Q()
    for item in sorted(items, key=lambda i: i.get("seq_num", 0) if isinstance(i, dict) else 0):
        if not isinstance(item, dict) or not isinstance(item.get("expression1"), dict):
            raise QueryError("Each predicate needs expression1.")
        part = _predicate(item["expression1"])
        second = item.get("expression2")
        if isinstance(second, dict) and second:
            other = _predicate(second)
            condition_name = str(item.get("condition", "and")).lower()
            if condition_name not in ("and", "or"):
                raise QueryError("A predicate's condition is and or or.")
            part = (part & other) if condition_name == "and" else (part | other)
        where &= part
    return where


def _predicate(expression: dict) -> Q:
    return condition(
        str(expression.get("attribute_name", "")),
        str(expression.get("operator", "eq")),
        expression.get("attribute_value"),
    )


def condition(attribute: str, operator: str, value) -> Q:
    """One comparison on one attribute, as a filter on applications; raise ``QueryError`` if unknown."""
    operator = {"lte": "le", "gte": "ge"}.get(operator, operator)
    if attribute not in ATTRIBUTES:
        raise QueryError(f"Unknown attribute {attribute!r}; Lango holds {', '.join(ATTRIBUTES)}.")
    if operator not in OPERATORS:
        raise QueryError(f"Unknown operator {operator!r}; use eq, ne, lt, le, gt, ge or in.")
    if operator == "in":
        if not isinstance(value, list) or not value:
            raise QueryError(f"{attribute} in … takes a non-empty list.")
        where = Q(pk__in=[])
        for one in value:
            where |= condition(attribute, "eq", one)
        return where
    if attribute == "age":
        return _age(operator, _number(attribute, value))
    if attribute in ("household_size", "group_size"):
        return _compare("household__size", operator, _number(attribute, value))
    if attribute == "registered":
        return _compare("submitted_at", operator, _moment(value))
    if operator not in ("eq", "ne"):
        raise QueryError(f"{attribute} can only be compared with eq, ne or in.")
    text = str(value).strip()
    if attribute == "status" and text not in ProgrammeApplication.Status.values:
        raise QueryError(f"Unknown status {text!r}; use {', '.join(ProgrammeApplication.Status.values)}.")
    where = _equals(attribute, text)
    return ~where if operator == "ne" else where


def _equals(attribute: str, text: str) -> Q:
    """``attribute = text``. Codes of areas and programmes are turned into ids first (small tables), so
    that the planner sees plain integer conditions on the big ones."""
    if attribute == "sex":
        return Q(applicant__sex=text.lower())
    if attribute == "district":
        return Q(household__area_id__in=list(AdminArea.objects.filter(code=text).values_list("pk", flat=True)))
    if attribute == "region":
        districts = AdminArea.objects.filter(parent__code=text).values_list("pk", flat=True)
        return Q(household__area_id__in=list(districts))
    if attribute == "programme":
        return _has_request(programme_id__in=list(Programme.objects.filter(code=text).values_list("pk", flat=True)))
    return _has_request(status=text)


def _compare(field: str, operator: str, value) -> Q:
    lookups = {"eq": "", "lt": "__lt", "le": "__lte", "gt": "__gt", "ge": "__gte"}
    if operator == "ne":
        return ~Q(**{field: value})
    return Q(**{f"{field}{lookups[operator]}": value})


def _age(operator: str, age: float) -> Q:
    """Age in whole years from the year of birth (what every applicant gives): age = this year - birth year."""
    year = timezone.localdate().year
    born = year - int(age)
    # age < a ⇔ birth_year > year - a; the comparison flips.
    flipped = {"eq": "eq", "ne": "ne", "lt": "gt", "le": "ge", "gt": "lt", "ge": "le"}[operator]
    return _compare("applicant__birth_year", flipped, born)


def _number(attribute: str, value) -> float:
    try:
        return float(str(value).strip())
    except ValueError:
        raise QueryError(f"{attribute} is compared with a number.") from None


def _moment(value) -> datetime:
    text = str(value or "").strip()
    moment = parse_datetime(text)
    if moment is None:
        day: date | None = parse_date(text)
        if day is None:
            raise QueryError("registered is compared with a date (2026-01-31) or a date-time.")
        moment = datetime(day.year, day.month, day.day)
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment

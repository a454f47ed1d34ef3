"""Template helpers for roles: salary ranges with their currency."""

from django import template

register = template.Library()

CURRENCY_SYMBOLS = {"USD": "$", "GBP": "£", "EUR": "€", "CAD": "CA$", "AUD": "A$", "JPY": "¥"}


def format_amount(amount: int, currency: str) -> str:
    symbol = CURRENCY_SYMBOLS.get((currency or "").upper())
    number = f"{amount:,}"
    return f"{symbol}{number}" if symbol else f"{number} {currency}".strip()


def salary_text(salary_min, salary_max, currency) -> str:
    """Format a range: "$120,000–$250,000", "From $90,000", "Up to $150,000" or ""."""
    if salary_min is not None and salary_max is not None:
        if salary_min == salary_max:
            return format_amount(salary_min, currency)
        return f"{format_amount(salary_min, currency)}–{format_amount(salary_max, currency)}"
    if salary_min is not None:
        return f"From {format_amount(salary_min, currency)}"
    if salary_max is not None:
        return f"Up to {format_amount(salary_max, currency)}"
    return ""


@register.filter
def salary_range(role) -> str:
    """A role's salary range with its currency, e.g. "$120,000–$250,000"."""
    return salary_text(
        getattr(role, "salary_min", None),
        getattr(role, "salary_max", None),
        getattr(role, "salary_currency", "USD"),
    )

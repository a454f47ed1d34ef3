"""The decision page's form: a plain GET form whose choices are the records.

Every choice is whitelisted from the published records (``Catalogue``), so an
unknown value is a form error, as are a value given twice, more values than
there are choices, over-long values and hours per week out of range. The view
answers an invalid form with status 400 and the form with its errors.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

MIN_HOURS, MAX_HOURS = 1, 80
ANYWHERE, ONLINE = "", "online"
# Names of the form's fields, i.e. the plan's URL parameters.
MULTI_FIELDS = ("background", "bet", "concern")
SINGLE_FIELDS = ("timeline", "stage", "career", "where")
FIELD_NAMES = (*MULTI_FIELDS, *SINGLE_FIELDS, "hours", "paid")
MAX_VALUE_LENGTH = 200


class UniqueMultipleChoiceField(forms.MultipleChoiceField):
    """Checkboxes that refuse a value given twice (``?background=a&background=a``)."""

    widget = forms.CheckboxSelectMultiple

    def validate(self, value):
        super().validate(value)
        seen, repeated = set(), []
        for item in value:
            if item in seen and item not in repeated:
                repeated.append(item)
            seen.add(item)
        if repeated:
            raise ValidationError(
                _("%(values)s was given more than once."),
                code="repeated",
                params={"values": ", ".join(repeated)},
            )


class PlanForm(forms.Form):
    background = UniqueMultipleChoiceField(
        label=_("Your background"),
        required=False,
        help_text=_("Choose every one that describes you."),
    )
    bet = UniqueMultipleChoiceField(
        label=_("Which of these do you find plausible?"),
        required=False,
        help_text=_("Each is the bet one research agenda makes."),
    )
    concern = UniqueMultipleChoiceField(
        label=_("Which failure modes concern you most?"), required=False
    )
    timeline = forms.ChoiceField(
        label=_("Your timelines"), required=False, widget=forms.RadioSelect
    )
    stage = forms.ChoiceField(
        label=_("How far along are you?"), required=False, widget=forms.RadioSelect
    )
    hours = forms.IntegerField(
        label=_("Hours per week you can give"),
        required=False,
        min_value=MIN_HOURS,
        max_value=MAX_HOURS,
        help_text=_("A whole number from %(min)s to %(max)s.")
        % {"min": MIN_HOURS, "max": MAX_HOURS},
    )
    career = forms.ChoiceField(label=_("Your career stage"), required=False)
    where = forms.ChoiceField(label=_("Where can you take part?"), required=False)
    paid = forms.BooleanField(label=_("Paid programs only"), required=False)

    def __init__(self, *args, catalogue, **kwargs):
        super().__init__(*args, **kwargs)
        self.catalogue = catalogue
        fields = self.fields
        fields["background"].choices = [(b.slug, b.name) for b in catalogue.backgrounds]
        fields["bet"].choices = [(a.slug, a.if_you_believe) for a in catalogue.bets]
        fields["concern"].choices = [(f.slug, f.name) for f in catalogue.failure_modes]
        fields["timeline"].choices = [("", _("Not sure"))] + [
            (t.slug, f"{t.name} ({t.description})" if t.description else t.name)
            for t in catalogue.timelines
        ]
        fields["stage"].choices = [("", _("Not saying"))] + [
            (s.slug, s.name) for s in catalogue.stages
        ]
        fields["career"].choices = [("", _("Any"))] + [
            (c.slug, c.name) for c in catalogue.career_stages
        ]
        fields["where"].choices = [
            (ANYWHERE, _("Anywhere")),
            (ONLINE, _("Online only")),
        ] + [(place, _("Online or in %(place)s") % {"place": place}) for place in catalogue.places]

    def _raw(self, name) -> list[str]:
        data = self.data
        if hasattr(data, "getlist"):
            return data.getlist(name)
        value = data.get(name)
        return [] if value is None else [value]

    def _refusal(self, name) -> str | None:
        """Why the raw value(s) of ``name`` are refused before the field sees them."""
        values = self._raw(name)
        if any(len(str(value)) > MAX_VALUE_LENGTH for value in values):
            return _("That value is too long.")
        if name in MULTI_FIELDS and len(values) > len(self.fields[name].choices):
            return _("More values than there are choices.")
        if name not in MULTI_FIELDS and len(values) > 1:
            return _("Give one value only.")
        return None

    def _clean_fields(self):
        # Django's own loop, but a huge or repeated parameter is refused before the
        # field's "not one of the available choices" message would repeat it.
        for name, bound in self._bound_items():
            refusal = self._refusal(name)
            if refusal:
                self.add_error(name, refusal)
                continue
            try:
                self.cleaned_data[name] = bound.field._clean_bound_field(bound)
            except ValidationError as error:
                self.add_error(name, error)


def has_answers(query_dict) -> bool:
    """Whether the URL carries any of the form's parameters (else: the start page)."""
    return any(name in query_dict for name in FIELD_NAMES)

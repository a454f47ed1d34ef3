"""``/api/v1/plan/?…``: the decision page's plan as JSON (in the OpenAPI schema).

Takes the decision page's parameters; answers 400 with the form's errors for
bad input, like the page.
"""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.response import Response

from .forms import MAX_HOURS, MIN_HOURS
from .plan import plan_from_request
from .serialize import plan_data


class PlanReasonSerializer(serializers.Serializer):
    rule = serializers.CharField(help_text="The rule that found it (see How this works).")
    points = serializers.IntegerField()
    text = serializers.CharField()


class PlanScoredAgendaSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    url = serializers.URLField()
    score = serializers.IntegerField(help_text="The sum of the reasons' points.")
    reasons = PlanReasonSerializer(many=True)


class PlanScoredRoleSerializer(PlanScoredAgendaSerializer):
    salary = serializers.CharField(allow_null=True, help_text="null when not known.")


class PlanProgramSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    url = serializers.URLField()
    status = serializers.CharField(help_text="open, opening-soon, rolling, closed or unknown.")
    applications_open = serializers.DateField(allow_null=True)
    application_deadline = serializers.DateField(allow_null=True)
    reasons = serializers.ListField(child=serializers.CharField())
    cannot_apply_because = serializers.ListField(child=serializers.CharField())
    not_known = serializers.ListField(
        child=serializers.CharField(),
        help_text="What your answers could not be checked against because the record does "
        "not say, e.g. “Hours a week”.",
    )


class PlanQuickProjectSerializer(serializers.Serializer):
    title = serializers.CharField()
    weeks = serializers.CharField(allow_null=True)


class PlanAgendaProjectsSerializer(serializers.Serializer):
    agenda = serializers.CharField()
    projects = PlanQuickProjectSerializer(many=True)


class PlanOrgTypeSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    pros = serializers.ListField(child=serializers.CharField())
    cons = serializers.ListField(child=serializers.CharField())
    good_fit_for = serializers.CharField(allow_null=True)
    reasons = serializers.ListField(child=serializers.CharField())


class PlanPositionSerializer(serializers.Serializer):
    stance = serializers.CharField()
    arguments = serializers.CharField(help_text="Markdown.")
    yours = serializers.BooleanField(help_text="Whether your answers take this position.")


class PlanCruxSerializer(serializers.Serializer):
    slug = serializers.CharField()
    question = serializers.CharField()
    url = serializers.URLField()
    reasons = serializers.ListField(child=serializers.CharField())
    positions = PlanPositionSerializer(many=True)


class PlanStepSerializer(serializers.Serializer):
    title = serializers.CharField()
    minutes = serializers.IntegerField()
    guide = serializers.CharField()
    url = serializers.URLField()


class PlanReadingPathSerializer(serializers.Serializer):
    steps = PlanStepSerializer(many=True)
    total_minutes = serializers.IntegerField()
    weeks = serializers.IntegerField(allow_null=True, help_text="null without hours per week.")


class PlanAnswersSerializer(serializers.Serializer):
    backgrounds = serializers.ListField(child=serializers.CharField())
    bets = serializers.ListField(child=serializers.CharField())
    concerns = serializers.ListField(child=serializers.CharField())
    timeline = serializers.CharField(allow_null=True)
    stage = serializers.CharField(allow_null=True)
    hours = serializers.IntegerField(allow_null=True)
    career = serializers.CharField(allow_null=True)
    where = serializers.CharField(allow_blank=True)
    paid = serializers.BooleanField()


class PlanSerializer(serializers.Serializer):
    answers = PlanAnswersSerializer()
    agendas = PlanScoredAgendaSerializer(many=True)
    roles = PlanScoredRoleSerializer(many=True)
    programs = PlanProgramSerializer(many=True)
    programs_you_cannot_apply_to = PlanProgramSerializer(many=True)
    quick_projects = PlanAgendaProjectsSerializer(many=True)
    organization_types = PlanOrgTypeSerializer(many=True)
    cruxes = PlanCruxSerializer(many=True)
    reading_path = PlanReadingPathSerializer()


def _slugs(name, description):
    return OpenApiParameter(
        name, OpenApiTypes.STR, many=True, explode=True, description=description
    )


PLAN_PARAMETERS = [
    _slugs("background", "Background slugs (several)."),
    _slugs("bet", "Slugs of the agendas whose “if you believe…” you find plausible."),
    _slugs("concern", "Failure-mode slugs that concern you most."),
    OpenApiParameter("timeline", OpenApiTypes.STR, description="A timeline slug."),
    OpenApiParameter("stage", OpenApiTypes.STR, description="A reader-stage slug."),
    OpenApiParameter(
        "hours", OpenApiTypes.INT, description=f"Hours per week, {MIN_HOURS}–{MAX_HOURS}."
    ),
    OpenApiParameter("career", OpenApiTypes.STR, description="A career-stage slug."),
    OpenApiParameter(
        "where", OpenApiTypes.STR, description="Empty (anywhere), “online”, or a place."
    ),
    OpenApiParameter("paid", OpenApiTypes.BOOL, description="Paid programs only."),
]


class PlanViewSet(viewsets.ViewSet):
    """The decision page's plan for the given answers."""

    @extend_schema(
        summary="A plan for your answers",
        description=(
            "The same plan as /find-your-direction/ with the same parameters: ranked "
            "agendas with every reason, roles, programs you can and cannot apply to, "
            "quick projects, organization types, cruxes and a reading path."
        ),
        parameters=PLAN_PARAMETERS,
        responses={200: PlanSerializer},
        tags=["plan"],
    )
    def list(self, request):
        form, plan = plan_from_request(request._request)
        if form.is_bound and not form.is_valid():
            return Response({"errors": form.errors.get_json_data()}, status=400)
        return Response(PlanSerializer(plan_data(plan, request)).data)


def api_routes():
    """Extra API endpoints (hook ``api_routes``)."""
    return [("plan", PlanViewSet, "plan")]

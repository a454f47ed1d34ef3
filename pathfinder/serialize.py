"""The plan as plain data: what the JSON API returns and what the tests compare the page to."""

from careers.templatetags.careers_tags import salary_text
from core.seo import absolute_url


def _reason(reason) -> dict:
    return {"rule": reason.rule, "points": reason.points, "text": reason.text}


def _link(request, record) -> str:
    return absolute_url(request, record.get_absolute_url())


def plan_data(plan, request) -> dict:
    answers = plan.answers
    return {
        "answers": {
            "backgrounds": [b.slug for b in answers.backgrounds],
            "bets": [a.slug for a in answers.bets],
            "concerns": [m.slug for m in answers.concerns],
            "timeline": answers.timeline.slug if answers.timeline else None,
            "stage": answers.stage.slug if answers.stage else None,
            "hours": answers.hours,
            "career": answers.career.slug if answers.career else None,
            "where": answers.where,
            "paid": answers.paid,
        },
        "agendas": [
            {
                "slug": s.agenda.slug,
                "name": s.agenda.name,
                "url": _link(request, s.agenda),
                "score": s.score,
                "reasons": [_reason(r) for r in s.reasons],
            }
            for s in plan.agendas
        ],
        "roles": [
            {
                "slug": s.record.slug,
                "name": s.record.name,
                "url": _link(request, s.record),
                "score": s.score,
                "salary": salary_text(
                    s.record.salary_min, s.record.salary_max, s.record.salary_currency
                )
                or None,
                "reasons": [_reason(r) for r in s.reasons],
            }
            for s in plan.roles
        ],
        "programs": [_program(request, e) for e in plan.programs],
        "programs_you_cannot_apply_to": [_program(request, e) for e in plan.refused_programs],
        "quick_projects": [
            {
                "agenda": agenda.slug,
                "projects": [{"title": p.title, "weeks": p.weeks_label or None} for p in projects],
            }
            for agenda, projects in plan.quick_projects
        ],
        "organization_types": [
            {
                "slug": e.type.slug,
                "name": e.type.label,
                "pros": e.type.pros_list,
                "cons": e.type.cons_list,
                "good_fit_for": e.type.good_fit_for or None,
                "reasons": e.reasons,
            }
            for e in plan.organization_types
        ],
        "cruxes": [
            {
                "slug": e.crux.slug,
                "question": e.crux.name,
                "url": _link(request, e.crux),
                "reasons": e.reasons,
                "positions": [
                    {
                        "stance": p.stance,
                        "arguments": p.arguments,
                        "yours": p.pk in e.held,
                    }
                    for p in e.crux.positions.all()
                ],
            }
            for e in plan.cruxes
        ],
        "reading_path": {
            "steps": [
                {
                    "title": step.title,
                    "minutes": step.minutes,
                    "guide": step.guide.slug,
                    "url": _link(request, step.guide) + f"#step-{step.number}",
                }
                for step in plan.steps
            ],
            "total_minutes": plan.total_minutes,
            "weeks": plan.weeks,
        },
    }


def _program(request, entry) -> dict:
    program = entry.program
    return {
        "slug": program.slug,
        "name": program.name,
        "url": _link(request, program),
        "status": program.application_status,
        "applications_open": program.applications_open,
        "application_deadline": program.application_deadline,
        "reasons": entry.reasons,
        "cannot_apply_because": entry.refusals,
        "not_known": entry.caveats,
    }

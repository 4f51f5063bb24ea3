"""The consultation dashboard page (SVG charts with data tables) and its JSON twin.

Staff whose roles cover the consultation may look, as for the analysis pages.
"""

from __future__ import annotations

from collections.abc import Callable

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse
from markupsafe import Markup
from sqlalchemy.orm import Session

from ykien.consultations.models import Consultation
from ykien.dashboard import charts
from ykien.dashboard import service as figures
from ykien.dashboard.schemas import DashboardOut, dashboard_out
from ykien.decisions.models import DECISION_STATUS_LABELS, OUTCOME_LABELS, SYNTHESIS_LABELS
from ykien.web.access import STAFF_ROLES, ConsultationFor
from ykien.web.deps import Principal, require_staff
from ykien.web.i18n import translator
from ykien.web.templating import CHANNEL_LABELS, KIND_LABELS, render, request_language
from ykien.web.tx import Db

router = APIRouter()
StaffConsultation = Depends(ConsultationFor(STAFF_ROLES))
TOP_ORGANISATIONS = 15
TOP_THEMES = 20
MAX_TABLE_ROWS = 500
# a long draft's heat map keeps the top level and the sections that drew opinions
FULL_TOC_LIMIT = 300
STAGE_LABELS = {**SYNTHESIS_LABELS, figures.NOT_STARTED: "Not started"}
Translate = Callable[..., str]


@router.get("/c/{consultation_id}/dashboard", response_class=HTMLResponse, include_in_schema=False)
def dashboard_page(
    request: Request,
    db: Db,
    principal: Principal = Depends(require_staff),
    consultation: Consultation = StaffConsultation,
) -> HTMLResponse:
    board = board_of(request, db, consultation)
    _ = translator(request_language(request))
    return render(
        request,
        "dashboard/dashboard.html",
        {
            "consultation": consultation,
            "board": board,
            "charts": build_charts(board, _),
            "heat_rows": heat_rows(board.sections),
            "top_organisations": TOP_ORGANISATIONS,
            "top_themes": TOP_THEMES,
            "max_rows": MAX_TABLE_ROWS,
            "STAGE_LABELS": STAGE_LABELS,
            "OUTCOME_LABELS": OUTCOME_LABELS,
            "DECISION_STATUS_LABELS": DECISION_STATUS_LABELS,
        },
    )


# --- charts --------------------------------------------------------------------------------


def heat_rows(sections: list[figures.SectionTally]) -> list[figures.SectionTally]:
    """All sections of a short draft; of a long one, the top level and those with opinions."""
    if len(sections) <= FULL_TOC_LIMIT:
        return sections
    return [s for s in sections if s.depth == 0 or s.subtree_raw > 0][:FULL_TOC_LIMIT]


def _series(board: figures.Dashboard, _: Translate) -> list[str]:
    names = [_("Opinions")]
    if board.analysed:
        names.append(_("After merging duplicates"))
    return names


def _values(board: figures.Dashboard, tally: figures.Tally) -> tuple[int, ...]:
    return (tally.raw, tally.unique) if board.analysed else (tally.raw,)


def _facet_bars(
    board: figures.Dashboard,
    facets: list[figures.FacetTally],
    label: Callable[[figures.FacetTally], str],
) -> list[charts.Bar]:
    return [charts.Bar(label(f), _values(board, f.tally)) for f in facets]


def _count_bars(counts: dict[str, int], labels: dict[str, str], _: Translate) -> list[charts.Bar]:
    return [charts.Bar(_(labels.get(key, key)), (n,)) for key, n in counts.items()]


def build_charts(board: figures.Dashboard, _: Translate) -> dict[str, Markup]:
    """Every chart of the page, its texts in the reader's language."""
    series = _series(board, _)
    bars = _facet_bars
    none = _("(none)")
    return {
        "days": charts.time_chart(
            chart_id="chart-days",
            title=_("Opinions per day"),
            description=_("Opinions received each day (Vietnam time); the table below lists them."),
            series=series,
            points=[
                charts.Point(d.day.strftime("%d/%m"), _values(board, d.tally)) for d in board.days
            ],
        ),
        "organisations": charts.bar_chart(
            chart_id="chart-organisations",
            title=_("Opinions by organisation"),
            description=_("The organisations with the most opinions, largest first."),
            series=series,
            bars=bars(board, board.organisations[:TOP_ORGANISATIONS], lambda f: f.name or none),
        ),
        "sections": charts.heat_map(
            chart_id="chart-sections",
            title=_("Opinions by section"),
            description=_(
                "Sections in draft order; darker cells drew more opinions; each shows its number."
            ),
            rows=[
                charts.HeatRow(s.label, s.heading, s.depth, s.tally.raw, s.subtree_raw)
                for s in heat_rows(board.sections)
            ],
            subtree_note=_("{n} with sub-sections"),
        ),
        "kinds": charts.bar_chart(
            chart_id="chart-kinds",
            title=_("Opinions by kind"),
            description=_("How many opinions of each kind."),
            series=series,
            bars=bars(board, board.kinds, lambda f: _(KIND_LABELS.get(f.key, f.key))),
        ),
        "channels": charts.bar_chart(
            chart_id="chart-channels",
            title=_("Opinions by channel"),
            description=_("How the opinions came in."),
            series=series,
            bars=bars(board, board.channels, lambda f: _(CHANNEL_LABELS.get(f.key, f.key))),
        ),
        "themes": charts.bar_chart(
            chart_id="chart-themes",
            title=_("Opinions by theme"),
            description=_("The themes found by the analysis, largest first."),
            series=series,
            bars=bars(board, board.themes[:TOP_THEMES], lambda f: f.name),
        ),
        "syntheses": charts.bar_chart(
            chart_id="chart-syntheses",
            title=_("Progress of the syntheses"),
            description=_("How many units are at each step of their synthesis."),
            series=[_("Units")],
            bars=_count_bars(board.syntheses.by_stage, STAGE_LABELS, _),
        ),
        "decision_status": charts.bar_chart(
            chart_id="chart-decision-status",
            title=_("Decisions by step"),
            description=_("How many decisions are drafted, approved, public or superseded."),
            series=[_("Number of decisions")],
            bars=_count_bars(board.decisions.by_status, DECISION_STATUS_LABELS, _),
        ),
        "outcomes": charts.bar_chart(
            chart_id="chart-outcomes",
            title=_("Decisions by outcome"),
            description=_("The outcome of the decisions in force (superseded ones left out)."),
            series=[_("Number of decisions")],
            bars=_count_bars(board.decisions.by_outcome, OUTCOME_LABELS, _),
        ),
    }


def board_of(request: Request, db: Session, consultation: Consultation) -> figures.Dashboard:
    """The dashboard's figures (the one read function of the page and its JSON twin)."""
    return figures.dashboard(
        session=db, consultation_id=consultation.id, tz=request.app.state.settings.tz
    )


@router.get("/api/v1/consultations/{consultation_id}/dashboard", response_model=DashboardOut)
def api_dashboard(
    request: Request,
    db: Db,
    principal: Principal = Depends(require_staff),
    consultation: Consultation = StaffConsultation,
) -> DashboardOut:
    """Every figure of the dashboard: opinions raw and de-duplicated, syntheses, decisions."""
    return dashboard_out(board_of(request, db, consultation))

"""Fictional English paragraphs and their Spanish translations on three themes, for meaning tests.

Written for these tests (fictional); every pair says the same thing in both languages.
"""

from __future__ import annotations

PAIRS = {
    "funding": [
        (
            "The federal grant arrived nine months late, so the laboratory bought its equipment "
            "with a bank loan.",
            "La subvención federal llegó nueve meses tarde, así que el laboratorio compró su "
            "equipo con un préstamo bancario.",
        ),
        (
            "Money from the state budget paid for the first year of research.",
            "El dinero del presupuesto estatal pagó el primer año de investigación.",
        ),
        (
            "Member firms pay an annual fee that covers the salaries of two engineers.",
            "Las empresas socias pagan una cuota anual que cubre los sueldos de dos ingenieros.",
        ),
        (
            "When the mixed fund was cancelled, the projects lost half of their financing.",
            "Cuando se canceló el fondo mixto, los proyectos perdieron la mitad de su "
            "financiamiento.",
        ),
        (
            "The science council approved three million pesos for the shared laboratory.",
            "El consejo de ciencia aprobó tres millones de pesos para el laboratorio compartido.",
        ),
        (
            "Payments from the ministry were delayed every year because of the paperwork.",
            "Los pagos del ministerio se retrasaron cada año por el papeleo.",
        ),
        (
            "Private investors refused to fund the pilot plant until it had a first customer.",
            "Los inversionistas privados se negaron a financiar la planta piloto hasta que tuviera "
            "un primer cliente.",
        ),
        (
            "Most of the budget went to machines, and little was left for the researchers' wages.",
            "Casi todo el presupuesto se fue en máquinas y quedó poco para los sueldos de los "
            "investigadores.",
        ),
    ],
    "training": [
        (
            "The technical institute trains forty technicians a year in machining and metrology.",
            "El instituto técnico forma a cuarenta técnicos al año en maquinado y metrología.",
        ),
        (
            "Students spend three days a week on the factory floor and two in the classroom.",
            "Los estudiantes pasan tres días a la semana en la planta y dos en el aula.",
        ),
        (
            "Dual education came late, and firms still complain about the lack of skilled workers.",
            "La educación dual llegó tarde y las empresas todavía se quejan de la falta de "
            "trabajadores calificados.",
        ),
        (
            "Young engineers learn to certify parts by working next to experienced inspectors.",
            "Los ingenieros jóvenes aprenden a certificar piezas trabajando junto a inspectores "
            "con experiencia.",
        ),
        (
            "The university opened a master's programme in aerospace materials for plant staff.",
            "La universidad abrió una maestría en materiales aeroespaciales para el personal de "
            "las plantas.",
        ),
        (
            "Trainees receive a small stipend paid partly by the companies that host them.",
            "Los aprendices reciben una pequeña beca pagada en parte por las empresas que los "
            "reciben.",
        ),
        (
            "Teachers visit the plants every semester to update the courses.",
            "Los profesores visitan las plantas cada semestre para actualizar los cursos.",
        ),
        (
            "Many graduates leave for bigger factories in the north once they are trained.",
            "Muchos egresados se van a fábricas más grandes del norte en cuanto terminan su "
            "formación.",
        ),
    ],
    "trade": [
        (
            "After the trade agreement, car parts crossed the northern border without tariffs.",
            "Después del tratado comercial, las autopartes cruzaron la frontera norte sin "
            "aranceles.",
        ),
        (
            "Rules of origin force assemblers to buy most of their inputs within the region.",
            "Las reglas de origen obligan a las ensambladoras a comprar casi todos sus insumos "
            "dentro de la región.",
        ),
        (
            "Customs inspections at the bridge added two days to every shipment.",
            "Las inspecciones aduanales en el puente añadieron dos días a cada envío.",
        ),
        (
            "Exporters feared that new duties on steel would make their products too expensive.",
            "Los exportadores temían que los nuevos aranceles al acero encarecieran demasiado sus "
            "productos.",
        ),
        (
            "The renegotiated treaty raised the share of regional content in every vehicle.",
            "El tratado renegociado elevó la proporción de contenido regional en cada vehículo.",
        ),
        (
            "Most sales go to buyers across the border, so the exchange rate matters a lot.",
            "La mayoría de las ventas va a compradores del otro lado de la frontera, así que el "
            "tipo de cambio importa mucho.",
        ),
        (
            "Free trade brought foreign plants, but few local suppliers could meet their "
            "standards.",
            "El libre comercio trajo plantas extranjeras, pero pocos proveedores locales pudieron "
            "cumplir sus normas.",
        ),
        (
            "Trucks wait for hours at the crossing while agents check the export papers.",
            "Los camiones esperan horas en el cruce mientras los agentes revisan los papeles de "
            "exportación.",
        ),
    ],
}


def translation_pairs(per_theme: int = 8) -> list[tuple[str, str, str]]:
    """Return (theme, English paragraph, Spanish translation), ``per_theme`` (<= 8) per theme."""
    return [(theme, en, es) for theme, pairs in PAIRS.items() for en, es in pairs[:per_theme]]

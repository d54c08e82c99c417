"""The rulebook sections of using the results (DOMAIN.md §8): "rectification", "linkage",
"unit_assessment" and "disclosure".

Every figure the results modules use lives here once; a region changes them through the
rulebook (DESIGN.md, Pure rules). Decimals are strings so JSON keeps them exact. Where each
default comes from:

"rectification" (DOMAIN.md §8.1; read by the pure `deadlines.py`):
- `feedback_days` 20: the bureau sends its feedback within 20 days of a result (a provincial
  rule, DOMAIN.md §8.1).
- `receipt_days` 3: a notice the unit never opens counts as received three days after issue.
- `plan_days` 30 and `completion_days` 90: calendar days from receipt for the unit's plan and
  for completion (the 90 is ours, DOMAIN.md §8.1); a deadline on a day off moves to the next
  working day of the "monitoring" section's calendar.
- `remind_before_days` [7, 1]: reminders a week and a day before each deadline (ours).
- `sources`: which result grades become a rectification (中 and 差, DOMAIN.md §8.1).

"linkage" (DOMAIN.md §8.2; read by the pure `linkage.py`):
- `table`: per grade, the rule and the change in percent of this year's amount. 优 and 良 have
  priority and may grow (+10% and +5%, ours); 中 gets no new money (0%); 差 is cut by 30% (a
  published provincial rule's direction, the percentage ours), and the office may cancel.
- `grade_order`: the grade that counts, in order: the key evaluation's, the spot check's, the
  reviewer's adjusted grade, the rules' grade (DOMAIN.md §8.2).
- `open_rectification_keeps` true: no new money while a rectification is open.
- `low_execution_rate` "0.8000": a project that spent less than 80% of its full-year budget
  gets no new money either (ours: the usual 执行率 threshold of the monitoring alerts).
- `rounding` "0.01": proposals in 万元 with two decimals.
- `cancel_grades` []: grades proposed for cancelling outright; none, since cancelling is the
  budget office's choice (DOMAIN.md §8.2).
- `lookback_years` 3: the latest results of a project are searched in the three years before
  the budget year (the same project found by its code, or by its unit and name).
- `similar_ratio` "0.75" and `block_similar_grades` ["差"]: a new project whose name is this
  alike (difflib's ratio, ours) to a one-off project of the unit graded 差 last year is refused
  at the budget gate (DOMAIN.md §8.2).

"unit_assessment" (DOMAIN.md §8.3; read by the pure `assessment.py`):
- `weights`: target quality 25, timeliness 15, monitoring 15, self-evaluation quality 15,
  rectification 15, results 15 (ours, DOMAIN.md §8.3), summing to 100.
- `target_quality`: points lost per lint finding per target (`per_finding` 5% of the part), per
  return (`per_return` 10%), and the review grades' worth (优 100%, 良 85%, 中 60%, 差 30%).
- `results_grades`: what each grade of the unit's evaluations is worth in the "results" part;
  `good_grades` (优, 良) mark the records listed as counting for the unit, the others against.
- `selfeval_gap`: a gap between the self-score and the reviewed score of at most `tolerance`
  points costs nothing; each point beyond costs `per_point` of the part (ours).

"disclosure" (DOMAIN.md §8.4; read by the pure `disclosure_rules.py`):
- `deadline_days` 20: targets with the department budget, self-evaluation results with the final
  accounts, within 20 days of their approval (预算法 and the 2016 disclosure rules).
- `key_report_days` 20: key-evaluation reports within 20 days of archiving (ours).
- `due_soon_days` 5: the office's to-do lists a pending item five days before its due day
  (ours).
- `portal_rate_limit`: the public portal answers at most 300 requests a minute per source
  address (ours: a reader browses far slower, a scraper is slowed down; the proxy's own limit
  in docs/deploy.md stays in front). The portal serves every region, so it reads the national
  defaults.
"""

from jixiao.core.grades import GRADES
from jixiao.core.rulebook import register_choices, register_defaults

from .linkage import RULES as LINKAGE_RULES

RECTIFICATION_DEFAULTS = {
    "feedback_days": 20,
    "receipt_days": 3,
    "plan_days": 30,
    "completion_days": 90,
    "remind_before_days": [7, 1],
    "grades": ["中", "差"],
}

LINKAGE_DEFAULTS = {
    "table": {
        "优": {"rule": "grow", "percent": "10"},
        "良": {"rule": "grow", "percent": "5"},
        "中": {"rule": "keep", "percent": "0"},
        "差": {"rule": "cut", "percent": "-30"},
    },
    "no_grade": {"rule": "keep", "percent": "0"},
    "grade_order": ["key_evaluation", "spot_check", "reviewed", "rules"],
    "open_rectification_keeps": True,
    "low_execution_rate": "0.8000",
    "rounding": "0.01",
    "cancel_grades": [],
    "lookback_years": 3,
    "similar_ratio": "0.75",
    "block_similar_grades": ["差"],
}

ASSESSMENT_DEFAULTS = {
    "weights": {
        "target_quality": "25",
        "timeliness": "15",
        "monitoring": "15",
        "selfeval_quality": "15",
        "rectification": "15",
        "results": "15",
    },
    "target_quality": {
        "per_finding": "0.05",
        "per_return": "0.10",
        "grades": {"优": "1.00", "良": "0.85", "中": "0.60", "差": "0.30"},
    },
    "results_grades": {"优": "1.00", "良": "0.85", "中": "0.60", "差": "0.30"},
    # The grades a record counts for the unit with in the "results" part's list (good results).
    "good_grades": ["优", "良"],
    "selfeval_gap": {"tolerance": "5", "per_point": "0.02"},
    "places": "0.01",
}

DISCLOSURE_DEFAULTS = {
    "deadline_days": 20,
    "key_report_days": 20,
    "due_soon_days": 5,
    "portal_rate_limit": {"limit": 300, "seconds": 60},
}

register_defaults("rectification", RECTIFICATION_DEFAULTS)
register_defaults("linkage", LINKAGE_DEFAULTS)
register_defaults("unit_assessment", ASSESSMENT_DEFAULTS)
register_defaults("disclosure", DISCLOSURE_DEFAULTS)
register_choices(
    {
        "rectification.grades": GRADES,
        "linkage.cancel_grades": GRADES,
        "linkage.block_similar_grades": GRADES,
        "linkage.grade_order": LINKAGE_DEFAULTS["grade_order"],
        "unit_assessment.good_grades": GRADES,
        **{f"linkage.table.{grade}.rule": LINKAGE_RULES for grade in GRADES},
        "linkage.no_grade.rule": LINKAGE_RULES,
    }
)


def rules_in_force(region, year: int, section: str) -> dict:
    """A results section in force for a region and year: the region's (and its parents')
    versions over these defaults (`core.rulebook.rules_for`)."""
    from jixiao.core.rulebook import rules_for

    return rules_for(region.lineage_codes, year).section(section)

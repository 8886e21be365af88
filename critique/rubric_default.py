"""The default critique rubric (criteria C1-C9), installed on a new site.

Each criterion has four anchored levels, 1 (weakest) to 4 (strongest). Editors change
the wording in the admin; publishing a change makes a new rubric version.
"""

DEFAULT_RUBRIC_TITLE = "Practice experiment critique rubric"

DEFAULT_CRITERIA = [
    {
        "code": "C1",
        "title": "Clear question and hypothesis",
        "guidance": "Is it clear what was changed, for whom, what should happen and why?",
        "optional": False,
        "levels": [
            "The question is unclear or missing; no direction is predicted.",
            "A question is stated but the change, the people or the outcome is vague.",
            "Change, people and outcome are clear; the direction or reason is thin.",
            "Change, people, outcome, direction and reason are all clear and testable.",
        ],
    },
    {
        "code": "C2",
        "title": "Grounded in evidence and mechanism",
        "guidance": "Does the plan say which evidence it tests and how the change should work?",
        "optional": False,
        "levels": [
            "No evidence or mechanism is given.",
            "Evidence is named but does not fit the change, or no mechanism is given.",
            "Relevant evidence is named and a plausible mechanism is given.",
            "Relevant evidence and a clear mechanism, with the link between them explained.",
        ],
    },
    {
        "code": "C3",
        "title": "Strength of the comparison (design)",
        "guidance": "Could we tell what would have happened without the change?",
        "optional": False,
        "levels": [
            "No comparison at all.",
            "A weak comparison (an impression of 'before') with no baseline.",
            "A before-and-after comparison with a recorded baseline.",
            "A comparison with usual practice, an earlier period or allocation that "
            "rules out the obvious alternatives.",
        ],
    },
    {
        "code": "C4",
        "title": "Outcome measurement",
        "guidance": "Is the outcome measured in a way that could show no change or harm?",
        "optional": False,
        "levels": [
            "The outcome is not measured, only described.",
            "Measured, but when or by whom is unclear, or only the author's impression.",
            "A defined measure, taken at set times, by a named rater.",
            "A defined, fit-for-purpose measure with a success threshold set in advance "
            "and more than one view of it.",
        ],
    },
    {
        "code": "C5",
        "title": "Implementation and fidelity",
        "guidance": "Do we know what was actually done, and how closely it followed the plan?",
        "optional": False,
        "levels": [
            "We cannot tell what was done.",
            "What was done is described loosely; deviations are not reported.",
            "What was done is described, with dose and frequency, and deviations named.",
            "What was done is described precisely, deviations are explained and their "
            "likely effect discussed.",
        ],
    },
    {
        "code": "C6",
        "title": "Context and transferability",
        "guidance": "Could another team judge whether this would work for them?",
        "optional": False,
        "levels": [
            "No context is given.",
            "Some context, not enough to judge where else it might work.",
            "Service, team, age band and scale are clear.",
            "Context is clear and the author says what would matter elsewhere.",
        ],
    },
    {
        "code": "C7",
        "title": "Ethics, voice and confidentiality",
        "guidance": "Was the test within duties, agreed, and did it seek the child's voice "
        "without making anyone identifiable?",
        "optional": False,
        "levels": [
            "Ethical concerns, or someone could be identified.",
            "Basic agreement is in place; the child's voice is absent.",
            "Agreed, within duties, with the child's voice sought.",
            "Agreed, within duties, the child's voice sought and shaping the work, and "
            "nothing identifying.",
        ],
    },
    {
        "code": "C8",
        "title": "Honest, proportionate interpretation",
        "guidance": "Do the conclusions follow from what happened, no more and no less?",
        "optional": False,
        "levels": [
            "Conclusions go far beyond what happened.",
            "Conclusions lean beyond the results; other explanations are ignored.",
            "Conclusions fit the results and some other explanations are considered.",
            "Conclusions are proportionate, uncertainty is stated and other "
            "explanations are weighed.",
        ],
    },
    {
        "code": "C9",
        "title": "Usefulness and resources",
        "guidance": "Optional: would this help other practitioners, at a cost they can bear?",
        "optional": True,
        "levels": [
            "Of little use to others, or the cost is unclear.",
            "Possibly useful; cost and effort are not described.",
            "Useful, with cost and effort described.",
            "Clearly useful to others, affordable, with advice on doing it well.",
        ],
    },
]

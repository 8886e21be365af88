"""The seed vocabulary: topics and age bands installed on a new site.

Editors manage topics afterwards; age bands are fixed because experiments and
search filters depend on them.
"""

from .models import TopicCategory

TOPICS: dict[str, list[str]] = {
    TopicCategory.HARM_AND_NEED: [
        "Neglect",
        "Physical abuse",
        "Emotional abuse",
        "Child sexual abuse",
        "Domestic abuse",
        "Parental mental health",
        "Parental substance misuse",
        "Criminal exploitation and county lines",
        "Sexual exploitation",
        "Contextual safeguarding",
        "Harmful sexual behaviour",
        "Online harm",
        "Missing children",
        "Disabled children",
        "Unaccompanied asylum-seeking children",
        "Poverty and housing",
    ],
    TopicCategory.STAGE: [
        "Early help",
        "Front door and referrals",
        "Child and family assessment",
        "Section 47 enquiries",
        "Child protection conferences and plans",
        "Child in need",
        "Pre-proceedings",
        "Children in care and placement stability",
        "Kinship care and special guardianship",
        "Reunification",
        "Care leavers",
    ],
    TopicCategory.APPROACH: [
        "Relationship-based practice",
        "Direct work and the voice of the child",
        "Strengths-based practice",
        "Systemic practice",
        "Motivational interviewing",
        "Family group conferences",
        "Restorative practice",
        "Trauma-informed practice",
    ],
    TopicCategory.WORKFORCE: [
        "Reflective supervision",
        "Recording and case notes",
        "Multi-agency working",
    ],
}

AGE_BANDS: list[tuple[str, str]] = [
    ("pre-birth", "Pre-birth"),
    ("0-2", "0 to 2 years"),
    ("3-5", "3 to 5 years"),
    ("6-11", "6 to 11 years"),
    ("12-15", "12 to 15 years"),
    ("16-17", "16 to 17 years"),
    ("18-25", "18 to 25 years"),
]

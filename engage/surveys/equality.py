"""The standard equality monitoring section, as data: questions, wording and answers.

Wording follows the Office for National Statistics 2021 census questions for England (ethnic group in
the GOV.UK list of ethnic groups built on it, each category labelled with its group). Every question is
optional and each choice question ends with "Prefer not to say", which analysis counts apart.
"""

from engage.surveys.models import QuestionKind

PAGE_TITLE = "Equality monitoring"
PREFER_NOT_TO_SAY = "Prefer not to say"

ETHNIC_GROUPS = (
    ("Asian or Asian British", ("Indian", "Pakistani", "Bangladeshi", "Chinese", "Any other Asian background")),
    (
        "Black, Black British, Caribbean or African",
        ("Caribbean", "African", "Any other Black, Black British or Caribbean background"),
    ),
    (
        "Mixed or Multiple ethnic groups",
        (
            "White and Black Caribbean",
            "White and Black African",
            "White and Asian",
            "Any other Mixed or Multiple ethnic background",
        ),
    ),
    (
        "White",
        (
            "English, Welsh, Scottish, Northern Irish or British",
            "Irish",
            "Gypsy or Irish Traveller",
            "Roma",
            "Any other White background",
        ),
    ),
    ("Other ethnic group", ("Arab", "Any other ethnic group")),
)

#: (equality_key, kind, question text, help text, answer labels without "Prefer not to say").
QUESTIONS = (
    (
        "age_band",
        QuestionKind.single_choice,
        "What is your age?",
        "",
        ("Under 16", "16 to 24", "25 to 34", "35 to 44", "45 to 54", "55 to 64", "65 to 74", "75 to 84", "85 or over"),
    ),
    (
        "sex",
        QuestionKind.single_choice,
        "What is your sex?",
        "A question about gender identity follows.",
        ("Female", "Male"),
    ),
    (
        "gender_identity",
        QuestionKind.single_choice,
        "Is the gender you identify with the same as your sex registered at birth?",
        "",
        ("Yes", "No"),
    ),
    (
        "ethnic_group",
        QuestionKind.single_choice,
        "What is your ethnic group?",
        "Choose the one option that best describes your ethnic group or background.",
        tuple(f"{group}: {category}" for group, categories in ETHNIC_GROUPS for category in categories),
    ),
    (
        "disability",
        QuestionKind.single_choice,
        "Do you have any physical or mental health conditions or illnesses lasting or expected to last "
        "12 months or more?",
        "",
        ("Yes", "No"),
    ),
    (
        "carer",
        QuestionKind.single_choice,
        "Do you look after, or give any help or support to, anyone because they have long-term physical or "
        "mental health conditions or illnesses, or problems related to old age?",
        "Do not count anything you do as part of your paid employment.",
        (
            "No",
            "Yes, 9 hours a week or less",
            "Yes, 10 to 19 hours a week",
            "Yes, 20 to 34 hours a week",
            "Yes, 35 to 49 hours a week",
            "Yes, 50 or more hours a week",
        ),
    ),
    (
        "religion",
        QuestionKind.single_choice,
        "What is your religion?",
        "",
        (
            "No religion",
            "Christian (including Church of England, Catholic, Protestant and all other Christian denominations)",
            "Buddhist",
            "Hindu",
            "Jewish",
            "Muslim",
            "Sikh",
            "Any other religion",
        ),
    ),
    (
        "sexual_orientation",
        QuestionKind.single_choice,
        "Which of the following best describes your sexual orientation?",
        "",
        ("Straight or Heterosexual", "Gay or Lesbian", "Bisexual", "Other sexual orientation"),
    ),
    (
        "pregnancy",
        QuestionKind.single_choice,
        "Are you pregnant, or have you given birth in the last 26 weeks?",
        "",
        ("Yes", "No"),
    ),
    (
        "postcode_district",
        QuestionKind.short_text,
        "What is the first half of your postcode?",
        "For example ME14 or TN1. It tells us which areas we have heard from without identifying you.",
        (),
    ),
)

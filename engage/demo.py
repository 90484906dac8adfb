"""Demo content from the seed documents (Kent and Medway), loaded by ``flask demo load``.

Loading is idempotent: each item is looked up by its natural key and only added when missing.
"""

import random
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, select

from engage import audit
from engage.accounts import services as account_services
from engage.accounts.models import User
from engage.consultations import services as consultation_services
from engage.consultations.models import Consultation, ConsultationStage, DocumentKind
from engage.consultations.timing import london_to_utc
from engage.dates import now_utc, to_london
from engage.extensions import db
from engage.permissions import Role
from engage.records import services as record_services
from engage.records.models import ActionStatus, EngagementRecord, RecordAction, RecordKind, Sensitivity
from engage.reference.models import Place, PlaceKind, Topic
from engage.responses.models import (
    AnalysisStatus,
    Answer,
    EqualityAnswer,
    PublishConsent,
    RespondentType,
    Response,
    ResponseChannel,
)
from engage.stakeholders import services as stakeholder_services
from engage.stakeholders.models import (
    Channel,
    ConsentAction,
    LawfulBasis,
    Organisation,
    OrganisationKind,
    Person,
    ProgrammeGroup,
    SeldomHeardGroup,
)
from engage.surveys import services as survey_services
from engage.surveys.models import LIKERT_LABELS, QuestionKind
from engage.themes import services as theme_services
from engage.themes.models import Theme, ThemeEvidence, title_key

DEMO_PASSWORD = "engage-demo-password"

DEMO_USERS = [
    ("admin@example.org", "Alex Admin", Role.admin, "Kent and Medway ICB"),
    ("officer@example.org", "Olu Officer", Role.officer, "West Kent HCP"),
    ("reviewer@example.org", "Rae Reviewer", Role.reviewer, "Healthwatch Kent"),
]

ESTIMATE = "Population is a rounded estimate for demonstration, not an official figure."

# (name, kind, parent name, population, code, description)
PLACES = [
    (
        "Kent and Medway",
        PlaceKind.system,
        None,
        1_900_000,
        "E54000032",
        "Integrated care system covering Kent County Council and Medway Council areas.",
    ),
    (
        "West Kent",
        PlaceKind.place,
        "Kent and Medway",
        491_000,
        "",
        "West Kent Health and Care Partnership: Maidstone, Sevenoaks, Tonbridge and Malling and Tunbridge Wells.",
    ),
    (
        "East Kent",
        PlaceKind.place,
        "Kent and Medway",
        720_000,
        "",
        "East Kent Health and Care Partnership: Ashford, Canterbury, Dover, Folkestone and Hythe, and Thanet.",
    ),
    ("Medway and Swale", PlaceKind.place, "Kent and Medway", 430_000, "", ESTIMATE),
    ("Dartford, Gravesham and Swanley", PlaceKind.place, "Kent and Medway", 270_000, "", ESTIMATE),
    ("Maidstone Central", PlaceKind.neighbourhood, "West Kent", 48_000, "", ESTIMATE),
    ("Sevenoaks", PlaceKind.neighbourhood, "West Kent", 45_000, "", ESTIMATE),
    ("Tonbridge", PlaceKind.neighbourhood, "West Kent", 42_000, "", ESTIMATE),
    ("Thanet", PlaceKind.neighbourhood, "East Kent", 50_000, "", ESTIMATE),
]

#: Where the population figures of the demo places come from: shown with the representativeness tables.
BREAKDOWN_NOTE = (
    "Estimate for demonstration: rounded figures in the shape of the ONS Census 2021 results for the area, "
    "not official statistics. Replace them with the published tables before relying on them."
)

#: West Kent by age band, sex and broad ethnic group (ONS Census 2021 bands and group names), labelled as
#: an estimate; each adds up to the population.
WEST_KENT_BREAKDOWN = {
    "age": {
        "0-15": 93_300,
        "16-24": 49_100,
        "25-34": 58_900,
        "35-44": 61_400,
        "45-54": 66_300,
        "55-64": 63_800,
        "65-74": 51_600,
        "75-84": 34_400,
        "85+": 12_200,
    },
    "sex": {"Female": 250_500, "Male": 240_500},
    "ethnicity": {
        "Asian, Asian British or Asian Welsh": 17_200,
        "Black, Black British, Black Welsh, Caribbean or African": 6_400,
        "Mixed or Multiple ethnic groups": 9_800,
        "White": 453_000,
        "Other ethnic group": 4_600,
    },
    "note": BREAKDOWN_NOTE,
}

#: Postcode districts of the demo places (how respondents are matched to places in analysis).
PLACE_DISTRICTS = {
    "West Kent": "ME14 ME15 ME16 ME17 ME18 ME19 ME20 TN1 TN2 TN3 TN4 TN8 TN9 TN10 TN11 TN12 TN13 TN14 TN15 TN16 "
    "TN17 TN18",
    "East Kent": "CT1 CT2 CT3 CT4 CT5 CT6 CT7 CT8 CT9 CT10 CT11 CT12 CT13 CT14 CT15 CT16 CT17 CT18 CT19 CT20 CT21 "
    "TN23 TN24 TN25 TN26 TN27 TN28 TN29",
    "Medway and Swale": "ME1 ME2 ME3 ME4 ME5 ME7 ME8 ME9 ME10 ME11 ME12 ME13",
    "Dartford, Gravesham and Swanley": "DA1 DA2 DA3 DA4 DA10 DA11 DA12 DA13 BR8",
    "Maidstone Central": "ME14 ME15 ME16",
    "Sevenoaks": "TN13 TN14 TN15",
    "Tonbridge": "TN9 TN10 TN11",
    "Thanet": "CT7 CT8 CT9 CT10 CT11 CT12",
}

TOPICS = [
    ("Frailty", "Support for older people living with frailty, at home and in hospital."),
    ("Mental health", "Mental health and wellbeing services for adults and young people."),
    ("Dementia", "Diagnosis and support for people living with dementia and their carers."),
    ("Falls", "Preventing falls among older people."),
    ("Diabetes", "Community diabetes clinics and prevention."),
    ("Urgent care", "Urgent treatment centres, NHS 111 and emergency departments."),
    ("Discharge from hospital", "Getting home safely and on time after a hospital stay."),
    ("Musculoskeletal (MSK)", "Back, joint and muscle services, including self-referral."),
    ("Video consultations", "Appointments by video, co-designed with patients."),
    ("Primary care", "GP practices, community pharmacy, dentistry and opticians."),
    ("Cancer", "Cancer screening, diagnosis and treatment."),
    ("Health inequalities", "Reducing differences in health between communities."),
]


SELDOM_HEARD_GROUPS = [
    "Carers",
    "Young people",
    "Older people living alone",
    "Ethnic minority communities",
    "Gypsy, Roma and Traveller communities",
    "People experiencing homelessness",
    "People with learning disabilities",
    "LGBTQ+ people",
    "Armed forces veterans",
    "People with sensory impairment",
]

K = OrganisationKind
# (name, kind, parent, places, topics, seldom-heard groups, influence, interest, website)
ORGANISATIONS = [
    (
        "NHS Kent and Medway Integrated Care Board",
        K.icb,
        None,
        ["Kent and Medway"],
        ["Urgent care", "Primary care", "Health inequalities"],
        [],
        5,
        5,
        "https://www.kentandmedway.icb.nhs.uk",
    ),
    (
        "Kent County Council",
        K.council,
        None,
        ["West Kent", "East Kent", "Dartford, Gravesham and Swanley"],
        ["Frailty", "Dementia", "Falls"],
        ["Carers", "Older people living alone"],
        5,
        4,
        "https://www.kent.gov.uk",
    ),
    (
        "Medway Council",
        K.council,
        None,
        ["Medway and Swale"],
        ["Health inequalities"],
        [],
        4,
        3,
        "https://www.medway.gov.uk",
    ),
    (
        "Kent Community Health NHS Foundation Trust",
        K.nhs_trust,
        None,
        ["West Kent", "East Kent"],
        ["Frailty", "Falls", "Diabetes", "Discharge from hospital"],
        [],
        4,
        4,
        "https://www.kentcht.nhs.uk",
    ),
    (
        "Kent and Medway NHS and Social Care Partnership Trust",
        K.nhs_trust,
        None,
        ["Kent and Medway"],
        ["Mental health", "Dementia"],
        [],
        4,
        4,
        "https://www.kmpt.nhs.uk",
    ),
    (
        "Maidstone and Tunbridge Wells NHS Trust",
        K.nhs_trust,
        None,
        ["West Kent"],
        ["Urgent care", "Discharge from hospital", "Musculoskeletal (MSK)", "Cancer"],
        [],
        5,
        4,
        "https://www.mtw.nhs.uk",
    ),
    (
        "Maidstone Borough Council",
        K.council,
        None,
        ["Maidstone Central"],
        ["Health inequalities"],
        ["People experiencing homelessness"],
        3,
        3,
        "https://maidstone.gov.uk",
    ),
    ("Sevenoaks District Council", K.council, None, ["Sevenoaks"], [], [], 3, 2, "https://www.sevenoaks.gov.uk"),
    ("Tonbridge and Malling Borough Council", K.council, None, ["Tonbridge"], [], [], 3, 2, "https://www.tmbc.gov.uk"),
    ("Tunbridge Wells Borough Council", K.council, None, ["West Kent"], [], [], 3, 2, "https://tunbridgewells.gov.uk"),
    ("West Kent Primary Care", K.other, None, ["West Kent"], ["Primary care", "Video consultations"], [], 3, 4, ""),
    (
        "Healthwatch Kent",
        K.healthwatch,
        None,
        ["West Kent", "East Kent", "Dartford, Gravesham and Swanley"],
        ["Urgent care", "Mental health", "Primary care"],
        ["Carers", "Young people"],
        3,
        5,
        "https://www.healthwatchkent.co.uk",
    ),
    (
        "Healthwatch Medway",
        K.healthwatch,
        None,
        ["Medway and Swale"],
        ["Primary care"],
        [],
        3,
        5,
        "https://www.healthwatchmedway.co.uk",
    ),
    (
        "South East Coast Ambulance Service",
        K.emergency_service,
        None,
        ["Kent and Medway"],
        ["Urgent care"],
        [],
        3,
        3,
        "https://www.secamb.nhs.uk",
    ),
    (
        "Hospice in the Weald",
        K.hospice,
        None,
        ["West Kent"],
        ["Cancer"],
        ["Carers"],
        2,
        4,
        "https://www.hospiceintheweald.org.uk",
    ),
    (
        "Involve Kent",
        K.voluntary_community,
        None,
        ["West Kent"],
        ["Frailty", "Dementia"],
        ["Carers", "Older people living alone"],
        2,
        5,
        "https://www.involvekent.org.uk",
    ),
    ("West Kent Mind", K.voluntary_community, None, ["West Kent"], ["Mental health"], ["Young people"], 2, 5, ""),
    (
        "Sevenoaks Primary Care Network",
        K.pcn,
        "West Kent Primary Care",
        ["Sevenoaks"],
        ["Primary care", "Frailty"],
        [],
        2,
        4,
        "",
    ),
    (
        "Riverside Surgery",
        K.gp_practice,
        "Sevenoaks Primary Care Network",
        ["Sevenoaks"],
        ["Primary care"],
        [],
        1,
        4,
        "",
    ),
    (
        "Riverside Surgery Patient Participation Group",
        K.ppg,
        "Riverside Surgery",
        ["Sevenoaks"],
        ["Primary care", "Video consultations"],
        ["Older people living alone"],
        1,
        5,
        "",
    ),
    (
        "Kent Gypsy, Roma and Traveller Forum",
        K.voluntary_community,
        None,
        ["Kent and Medway"],
        ["Health inequalities"],
        ["Gypsy, Roma and Traveller communities"],
        1,
        4,
        "",
    ),
]

# (name, job title, email, organisation, role, needs, channel, consent)
PEOPLE = [
    (
        "Dr Amara Okafor",
        "Director of Strategy",
        "amara.okafor@example.org",
        "NHS Kent and Medway Integrated Care Board",
        "Board member",
        [],
        Channel.email,
        "given",
    ),
    (
        "Jon Whitaker",
        "Head of Engagement",
        "jon.whitaker@example.org",
        "NHS Kent and Medway Integrated Care Board",
        "Engagement lead",
        [],
        Channel.email,
        "given",
    ),
    (
        "Cllr Helen Marsh",
        "Cabinet Member for Adult Social Care",
        "helen.marsh@example.org",
        "Kent County Council",
        "Elected member",
        [],
        Channel.email,
        "given",
    ),
    (
        "Priya Shah",
        "Community Services Manager",
        "priya.shah@example.org",
        "Kent Community Health NHS Foundation Trust",
        "Frailty lead",
        [],
        Channel.phone,
        "given",
    ),
    (
        "Tom Ellery",
        "Service User Involvement Lead",
        "tom.ellery@example.org",
        "Kent and Medway NHS and Social Care Partnership Trust",
        "Involvement lead",
        ["easy_read"],
        Channel.email,
        "given",
    ),
    (
        "Dr Sarah Nwosu",
        "Clinical Director, Urgent Care",
        "sarah.nwosu@example.org",
        "Maidstone and Tunbridge Wells NHS Trust",
        "Clinical lead",
        [],
        Channel.email,
        "given",
    ),
    (
        "Grace Holloway",
        "Chief Executive",
        "grace.holloway@example.org",
        "Healthwatch Kent",
        "Chief executive",
        [],
        Channel.email,
        "given",
    ),
    (
        "Marcus Reid",
        "Engagement Officer",
        "marcus.reid@example.org",
        "Healthwatch Kent",
        "Engagement officer",
        ["bsl"],
        Channel.text,
        "given",
    ),
    (
        "Eileen Baxter",
        "Chair",
        "eileen.baxter@example.org",
        "Riverside Surgery Patient Participation Group",
        "Chair",
        ["large_print"],
        Channel.post,
        "given",
    ),
    (
        "Daniel Cho",
        "Volunteer Coordinator",
        "daniel.cho@example.org",
        "Involve Kent",
        "Carers' voice",
        [],
        Channel.email,
        "withdrawn",
    ),
    (
        "Fatima Begum",
        "Youth Worker",
        "fatima.begum@example.org",
        "West Kent Mind",
        "Young people's lead",
        [],
        Channel.phone,
        "given",
    ),
    (
        "Bill Lee",
        "Community Liaison",
        "bill.lee@example.org",
        "Kent Gypsy, Roma and Traveller Forum",
        "Liaison",
        ["interpreter"],
        Channel.in_person,
        None,
    ),
]

# (group, place, purpose, [(person name, resident representative)])
GROUPS = [
    (
        "West Kent HCP Board",
        "West Kent",
        "Leads the West Kent Health and Care Partnership.",
        [("Dr Amara Okafor", False), ("Cllr Helen Marsh", False), ("Eileen Baxter", True)],
    ),
    (
        "Stakeholder Engagement Advisory Group",
        "West Kent",
        "Advises the HCP Board on engagement; keeps the shared repository of engagement and local experience.",
        [("Jon Whitaker", False), ("Grace Holloway", False), ("Tom Ellery", False), ("Eileen Baxter", True)],
    ),
    (
        "Frailty programme group",
        "West Kent",
        "Redesigning support for older people living with frailty.",
        [("Priya Shah", False)],
    ),
    (
        "Urgent Care Delivery Board",
        "East Kent",
        "Oversees urgent treatment centres and emergency care.",
        [("Dr Sarah Nwosu", False)],
    ),
]


R = RecordKind
# (title, kind, date, places, topics, organisations, people, residents, sensitivity, what we heard, quotes)
RECORDS = [
    (
        "Frailty: what older residents want from care closer to home",
        R.workshop,
        date(2026, 9, 17),
        ["West Kent"],
        ["Frailty", "Falls"],
        ["Involve Kent", "Kent Community Health NHS Foundation Trust"],
        ["Priya Shah"],
        34,
        Sensitivity.public,
        "Residents at the Maidstone workshop want **one named contact** who knows their whole story, rather "
        "than repeating it to every service.\n\n- Falls prevention classes are valued but hard to reach without "
        "a car\n- Carers asked for respite to be planned, not only offered in a crisis",
        [
            "I tell my story five times a week to five different people.",
            "The exercise class helped me more than any tablet, but the bus only comes twice a day.",
        ],
    ),
    (
        "Mental health: listening sessions with young people",
        R.focus_group,
        date(2026, 8, 5),
        ["West Kent"],
        ["Mental health"],
        ["West Kent Mind"],
        ["Fatima Begum"],
        18,
        Sensitivity.partners,
        "Young people described long waits after a first referral and said they did not know what help existed "
        "while they waited. Several preferred text or online chat to phone calls.",
        ["Waiting is the worst bit. Nobody tells you anything."],
    ),
    (
        "Video consultations: co-design with patients",
        R.workshop,
        date(2026, 6, 12),
        ["Sevenoaks"],
        ["Video consultations", "Primary care"],
        ["West Kent Primary Care", "Riverside Surgery Patient Participation Group"],
        ["Eileen Baxter"],
        12,
        Sensitivity.public,
        "Patients tested the video appointment journey. Clearer joining instructions by text and a phone number "
        "to ring if the link fails were the top requests. Some older patients want a relative to join the call.",
        ["It worked, but I only found the link because my grandson was here."],
    ),
    (
        "Hospital discharge: feedback from patients and carers",
        R.drop_in,
        date(2026, 10, 2),
        ["West Kent"],
        ["Discharge from hospital"],
        ["Maidstone and Tunbridge Wells NHS Trust", "Healthwatch Kent"],
        ["Grace Holloway"],
        27,
        Sensitivity.partners,
        "People waited on the ward for medicines and transport on the day of discharge. Carers were often told "
        "late in the day, with no time to prepare the home.",
        ["We were told at four o'clock that Mum was coming home that evening."],
    ),
    (
        "Community diabetes clinics: first three months",
        R.survey,
        date(2026, 7, 20),
        ["West Kent"],
        ["Diabetes"],
        ["Kent Community Health NHS Foundation Trust"],
        [],
        143,
        Sensitivity.public,
        "143 people answered the clinic survey. Most found evening clinics easier to attend; interpreters were "
        "not always booked in advance.",
        [],
    ),
    (
        "Urgent treatment centres: what residents told us",
        R.outreach,
        date(2026, 10, 28),
        ["East Kent"],
        ["Urgent care"],
        ["South East Coast Ambulance Service", "Healthwatch Kent"],
        ["Dr Sarah Nwosu"],
        41,
        Sensitivity.restricted,
        "Outreach at Margate market. Residents were unsure which centre to use out of hours and some had been "
        "redirected between sites. Two people described experiences that could identify staff, so this record "
        "is restricted.",
        ["I was sent from one place to the other and back again."],
    ),
]


RECORDS += [
    (
        "Urgent treatment centres in west Kent: booking through NHS 111",
        R.drop_in,
        date(2026, 3, 11),
        ["Maidstone Central", "Sevenoaks"],
        ["Urgent care"],
        ["Maidstone and Tunbridge Wells NHS Trust", "Healthwatch Kent"],
        ["Dr Sarah Nwosu"],
        56,
        Sensitivity.public,
        "Drop-ins at the Maidstone and Sevenoaks urgent treatment centres. Most people liked being given a time "
        "slot by NHS 111 instead of waiting in a queue. People who walked in without calling 111 did not know "
        "they could, and some had driven to Maidstone when Sevenoaks was nearer and quieter.\n\n"
        "- Signs at the hospital entrance do not say where the urgent treatment centre is\n"
        "- Parents wanted to know which centre sees young children",
        [
            "I rang 111, got a time, and was seen within twenty minutes. That is how it should work.",
            "Nobody told me Sevenoaks was open in the evening. I drove past it to get to Maidstone.",
        ],
    ),
    (
        "Urgent care: questions at the Tunbridge Wells health fair",
        R.public_event,
        date(2025, 12, 6),
        ["West Kent"],
        ["Urgent care", "Primary care"],
        ["NHS Kent and Medway Integrated Care Board"],
        [],
        88,
        Sensitivity.public,
        "People asked when to use NHS 111, the urgent treatment centre, their GP practice or A&E. Older residents "
        "wanted a printed guide; younger residents wanted it in the NHS App.",
        ["I just want someone to tell me where to go without me having to guess."],
    ),
    (
        "Discharge: carers' coffee morning in Tonbridge",
        R.drop_in,
        date(2026, 5, 14),
        ["Tonbridge"],
        ["Discharge from hospital", "Frailty"],
        ["Involve Kent", "Kent Community Health NHS Foundation Trust"],
        ["Priya Shah"],
        15,
        Sensitivity.public,
        "Carers told us discharge is smoother when the ward rings them the day before. Equipment such as a "
        "commode or a bed rail sometimes arrived after the person was already home.",
        [
            "The day before is all we ask. Give us one day's notice.",
            "The bed arrived two days after Dad did.",
        ],
    ),
    (
        "Video consultations: feedback from patient participation groups",
        R.meeting,
        date(2026, 1, 22),
        ["Sevenoaks", "Maidstone Central"],
        ["Video consultations", "Primary care"],
        ["Riverside Surgery Patient Participation Group", "West Kent Primary Care"],
        ["Eileen Baxter"],
        9,
        Sensitivity.public,
        "PPG members reviewed the first year of video consultation appointments. They were positive about not "
        "having to travel, but asked that a phone call always stays on offer for people without a smartphone.",
        ["Video is fine for a review, but I would not want it for something new."],
    ),
    (
        "Community diabetes clinics: focus group with South Asian women",
        R.focus_group,
        date(2026, 9, 3),
        ["Maidstone Central"],
        ["Diabetes", "Health inequalities"],
        ["Kent Community Health NHS Foundation Trust"],
        [],
        11,
        Sensitivity.partners,
        "Women preferred a women-only session with a female clinician and an interpreter booked in advance. "
        "Food advice felt written for a different diet; they asked for examples from home cooking.",
        ["The leaflet told me to stop eating chapatis. It did not tell me what to eat instead."],
    ),
    (
        "Mental health: community café conversations in Thanet",
        R.outreach,
        date(2026, 11, 4),
        ["Thanet"],
        ["Mental health", "Health inequalities"],
        ["Kent and Medway NHS and Social Care Partnership Trust"],
        ["Tom Ellery"],
        23,
        Sensitivity.partners,
        "People described waiting months for talking therapies and wanted something to happen while they "
        "waited: a check-in call, a group, or a named person to ring.",
        ["A phone call once a month while I waited would have made all the difference."],
    ),
]

#: Record title -> what changed as a result (Markdown).
OUTCOMES = {
    "Video consultations: co-design with patients": (
        "Joining instructions are now sent by text with a phone number to ring if the link fails. "
        "Patients can ask for a relative to join the call."
    ),
    "Urgent treatment centres in west Kent: booking through NHS 111": (
        "Signs at the Maidstone Hospital entrance now show the way to the urgent treatment centre."
    ),
}

A = ActionStatus
# (record title, description, owner, due on, status, outcome)
ACTIONS = [
    (
        "Hospital discharge: feedback from patients and carers",
        "Agree with the wards a call to the carer the day before a planned discharge",
        "Discharge team, Maidstone and Tunbridge Wells NHS Trust",
        date(2026, 10, 30),
        A.in_progress,
        "",
    ),
    (
        "Hospital discharge: feedback from patients and carers",
        "Check how often medicines to take home are ready before noon",
        "Pharmacy lead, Maidstone Hospital",
        date(2026, 10, 16),
        A.open,
        "",
    ),
    (
        "Discharge: carers' coffee morning in Tonbridge",
        "Ask the equipment service to confirm delivery before the discharge date is set",
        "Community equipment service, Kent County Council",
        date(2026, 7, 31),
        A.done,
        "Delivery is now confirmed on the discharge checklist.",
    ),
    (
        "Urgent treatment centres in west Kent: booking through NHS 111",
        "Put signs to the urgent treatment centre at the Maidstone Hospital entrance",
        "Estates, Maidstone and Tunbridge Wells NHS Trust",
        date(2026, 5, 29),
        A.done,
        "New signs in place from May 2026.",
    ),
    (
        "Urgent care: questions at the Tunbridge Wells health fair",
        'Publish a printed and online "Which service when" guide for west Kent',
        "Communications team, Kent and Medway ICB",
        date(2026, 4, 30),
        A.done,
        "Guide published in April 2026 and sent to every GP practice and library.",
    ),
    (
        "Urgent treatment centres: what residents told us",
        "Review the redirection between sites that residents described",
        "Urgent Care Delivery Board",
        date(2026, 11, 13),
        A.open,
        "",
    ),
    (
        "Community diabetes clinics: first three months",
        "Book interpreters when the clinic appointment is made, not on the day",
        "Diabetes service manager, KCHFT",
        date(2026, 9, 30),
        A.in_progress,
        "",
    ),
    (
        "Mental health: listening sessions with young people",
        "Offer text and online chat check-ins for young people on the waiting list",
        "West Kent Mind with KMPT",
        date(2027, 1, 31),
        A.open,
        "",
    ),
    (
        "Video consultations: co-design with patients",
        "Send joining instructions by text with a phone number to ring if the link fails",
        "West Kent Primary Care",
        date(2026, 8, 31),
        A.done,
        "Live in all Sevenoaks practices from August 2026.",
    ),
]

# (title, description, "we did" response, published, [(record title, quote or None, note)])
THEMES = [
    (
        "Access to urgent care",
        "Knowing where to go for urgent care that is not an emergency, and getting seen quickly.",
        "- Three **urgent treatment centres** at Maidstone, Sevenoaks and Tunbridge Wells now offer appointments "
        "booked through **NHS 111**, so you get a time instead of a queue.\n"
        "- We published a printed and online guide, *Which service when*, and sent it to every GP practice and "
        "library in west Kent.\n"
        "- New signs at the Maidstone Hospital entrance show the way to the urgent treatment centre.",
        True,
        [
            ("Urgent treatment centres in west Kent: booking through NHS 111", "I rang 111, got a time", None),
            ("Urgent treatment centres in west Kent: booking through NHS 111", "Nobody told me Sevenoaks", None),
            ("Urgent care: questions at the Tunbridge Wells health fair", "I just want someone", None),
            ("Urgent treatment centres: what residents told us", None, "Redirection between sites, East Kent"),
        ],
    ),
    (
        "Discharge support",
        "Going home from hospital on time, with medicines, equipment and carers ready.",
        "We are agreeing with the wards a call to the carer the day before a planned discharge.",
        False,
        [
            ("Hospital discharge: feedback from patients and carers", "We were told at four", None),
            ("Discharge: carers' coffee morning in Tonbridge", "The day before is all we ask", None),
            ("Discharge: carers' coffee morning in Tonbridge", "The bed arrived", "Equipment after the person"),
        ],
    ),
    (
        "Digital and video consultations",
        "Appointments by video: what works, and keeping other ways to be seen.",
        "We co-designed the video consultation appointments with patients. As a result:\n\n"
        "- joining instructions are sent by text, with a phone number to ring if the link fails\n"
        "- you can ask for a relative or carer to join the call\n"
        "- a phone or face-to-face appointment is always still on offer.",
        True,
        [
            ("Video consultations: co-design with patients", "It worked, but I only found the link", None),
            ("Video consultations: feedback from patient participation groups", "Video is fine for a review", None),
        ],
    ),
    (
        "Care closer to home for older people",
        "One named contact, falls prevention and planned respite for carers.",
        "",
        False,
        [
            ("Frailty: what older residents want from care closer to home", "I tell my story", None),
            ("Frailty: what older residents want from care closer to home", None, "Transport to classes"),
        ],
    ),
]


def _get_or_add(model, lookup, **values):
    obj = db.session.scalar(select(model).filter_by(**lookup))
    if obj is not None:
        return obj, False
    obj = model(**lookup, **values)
    db.session.add(obj)
    audit.record(None, "create", obj, sorted({*lookup, *values}))
    return obj, True


def load_demo():
    """Add the demo places, topics and users that are missing; return counts of what was added."""
    added = {"places": 0, "topics": 0}
    by_name = {}
    for name, kind, parent, population, code, description in PLACES:
        place, created = _get_or_add(
            Place,
            {"name": name, "kind": kind},
            parent_id=by_name[parent].id if parent else None,
            population=population,
            code=code,
            description=description,
            breakdown=WEST_KENT_BREAKDOWN if name == "West Kent" else {},
            postcode_districts=PLACE_DISTRICTS.get(name, ""),
        )
        by_name[name] = place
        added["places"] += created
    for name, description in TOPICS:
        added["topics"] += _get_or_add(Topic, {"name": name}, description=description)[1]
    added.update(_load_stakeholders(by_name))
    added["users"] = 0
    for email, name, role, organisation in DEMO_USERS:
        if account_services.find_user_by_email(email) is None:
            account_services.create_user(
                actor=None, email=email, name=name, role=role, password=DEMO_PASSWORD, organisation=organisation
            )
            added["users"] += 1
    added["records"] = _load_records(by_name)
    added["actions"] = _load_actions()
    added["themes"] = _load_themes()
    added["consultations"] = _load_consultations(by_name)
    added["survey responses"] = _load_demo_survey()
    added["charters"] = _load_charters(by_name)
    added["published outcomes"] = _load_demo_outcome(by_name)
    db.session.flush()
    return added


def _load_stakeholders(places):
    """Add the seed organisations, fictional people, consent, seldom-heard and programme groups."""
    added = {"organisations": 0, "people": 0, "programme groups": 0}
    groups = {}
    for name in SELDOM_HEARD_GROUPS:
        groups[name] = _get_or_add(SeldomHeardGroup, {"name": name})[0]
    topics = {t.name: t for t in db.session.scalars(select(Topic))}
    organisations = {}
    for name, kind, parent, place_names, topic_names, group_names, influence, interest, website in ORGANISATIONS:
        existing = db.session.scalar(select(Organisation).where(Organisation.name == name))
        if existing is None:
            existing = stakeholder_services.create_organisation(
                actor=None,
                name=name,
                kind=kind,
                website=website,
                parent_id=organisations[parent].id if parent else None,
                places=[places[p] for p in place_names],
                topics=[topics[t] for t in topic_names],
                groups=[groups[g] for g in group_names],
                influence=influence,
                interest=interest,
            )
            added["organisations"] += 1
        organisations[name] = existing
    people = {}
    for name, title, email, organisation, role, needs, channel, consent in PEOPLE:
        person = db.session.scalar(select(Person).where(Person.email == email))
        if person is None:
            org = organisations[organisation]
            person = stakeholder_services.create_person(
                actor=None,
                name=name,
                job_title=title,
                email=email,
                preferred_channel=channel,
                communication_needs=needs,
                interpreter_language="Romani" if "interpreter" in needs else "",
                places=list(org.places),
                topics=list(org.topics),
                groups=list(org.groups),
                influence=org.influence,
                interest=org.interest,
            )
            stakeholder_services.add_membership(person, org, actor=None, role=role)
            if consent:
                stakeholder_services.record_consent(
                    person,
                    actor=None,
                    action=ConsentAction.given,
                    effective_on=date(2025, 3, 14),
                    lawful_basis=LawfulBasis.public_task,
                    source="Stakeholder mapping survey, March 2025",
                )
            if consent == "withdrawn":
                stakeholder_services.record_consent(
                    person,
                    actor=None,
                    action=ConsentAction.withdrawn,
                    effective_on=date(2026, 6, 2),
                    source="Asked by email to be taken off our lists",
                )
            added["people"] += 1
        people[name] = person
    for name, place, purpose, members in GROUPS:
        group = db.session.scalar(select(ProgrammeGroup).where(ProgrammeGroup.name == name))
        if group is None:
            group = stakeholder_services.create_programme_group(
                actor=None, name=name, purpose=purpose, place_id=places[place].id
            )
            for person_name, representative in members:
                stakeholder_services.add_group_member(
                    group, people[person_name], actor=None, is_resident_representative=representative
                )
            added["programme groups"] += 1
    return added


def _load_records(places):
    """Add the demo engagement records drawn from the seed documents; return how many were added."""
    officer = account_services.find_user_by_email("officer@example.org")
    reviewer = account_services.find_user_by_email("reviewer@example.org")
    topics = {t.name: t for t in db.session.scalars(select(Topic))}
    added = 0
    for title, kind, day, place_names, topic_names, orgs, people, residents, sensitivity, heard, quotes in RECORDS:
        if db.session.scalar(select(EngagementRecord.id).where(EngagementRecord.title == title)) is not None:
            continue
        record_services.create_record(
            actor=officer,
            title=title,
            kind=kind,
            happened_on=day,
            ended_on=None,
            programme_group_id=None,
            residents_reached=residents,
            what_we_heard=heard,
            outcomes=OUTCOMES.get(title, ""),
            sensitivity=sensitivity,
            places=[places[p] for p in place_names],
            topics=[topics[t] for t in topic_names],
            organisations=[db.session.scalar(select(Organisation).where(Organisation.name == n)) for n in orgs],
            people=[db.session.scalar(select(Person).where(Person.name == n)) for n in people],
            reviewers=[reviewer] if sensitivity == Sensitivity.restricted and reviewer else [],
            quotes=quotes,
        )
        added += 1
    return added


def _record(title):
    return db.session.scalar(select(EngagementRecord).where(EngagementRecord.title == title))


def _load_actions():
    """Add the demo actions (some overdue) to their records; return how many were added."""
    officer = account_services.find_user_by_email("officer@example.org")
    added = 0
    for title, description, owner, due_on, status, outcome in ACTIONS:
        record = _record(title)
        exists = db.session.scalar(
            select(RecordAction.id).where(RecordAction.record_id == record.id, RecordAction.description == description)
        )
        if exists is None:
            record_services.add_action(
                record,
                actor=officer,
                description=description,
                owner=owner,
                due_on=due_on,
                status=status,
                outcome=outcome,
            )
            added += 1
    return added


def _load_themes():
    """Add the demo themes with their evidence (quotes found by their opening words); return themes added."""
    officer = account_services.find_user_by_email("officer@example.org")
    added = 0
    for title, description, response, published, evidence in THEMES:
        theme = db.session.scalar(select(Theme).where(Theme.title_key == title_key(title)))
        if theme is None:
            theme = theme_services.create_theme(actor=officer, title=title, description=description, response=response)
            if published:
                theme_services.publish_response(theme, actor=officer)
            added += 1
        for record_title, quote_start, note in evidence:
            record = _record(record_title)
            quote = next((q for q in record.quotes if quote_start and q.text.startswith(quote_start)), None)
            exists = db.session.scalar(
                select(ThemeEvidence.id).where(
                    ThemeEvidence.theme_id == theme.id,
                    ThemeEvidence.record_id == record.id,
                    ThemeEvidence.quote_key == (quote.id if quote else 0),
                )
            )
            if exists is None:
                theme_services.add_evidence(theme, record, actor=officer, quote=quote, note=note or "")
    return added


SEED_CONSULTATION_BODY = """The NHS in Kent and Medway is planning to change the way some aspects of health and care
services are organised so they can provide better, more joined-up care. The intention is for Kent and Medway to become
an integrated care system with:

- GP practices working together in networks, called primary care networks
- four new integrated care partnerships across Kent and Medway, drawing together all the NHS organisations in a
  given area and working more closely with health improvement services and social care
- a single commissioning organisation for Kent and Medway, led by local doctors, to take a bird's eye view of
  health priorities for local people

## What it will mean for you

- more support to stay fit and well before things become a problem
- better access to the care you need, when you need it, in a way that suits you
- more focus on your physical **and** mental health and wellbeing
- more care out of hospital, with staff working together as a single team
"""

UTC_BODY = """We want to hear what you think about how urgent treatment centres in West Kent should work: when they
are open, what they treat, and how you get there.

Urgent treatment centres treat injuries and illnesses that need attention the same day but are not emergencies,
such as sprains, minor burns and infections. **This is a demonstration consultation**, made up for trying Engage out.
"""


def _london(day, hour, minute=0):
    return london_to_utc(datetime.combine(day, time(hour, minute)))


def _load_consultations(places):
    """Add the 2019 Kent and Medway consultation (closed) and an open demonstration one; return how many."""
    officer = account_services.find_user_by_email("officer@example.org")
    topics = {t.name: t for t in db.session.scalars(select(Topic))}
    added = 0
    slug = "live-your-best-life-dartford-gravesham-swanley-2019"
    if db.session.scalar(select(Consultation.id).where(Consultation.slug == slug)) is None:
        consultation = consultation_services.create_consultation(
            actor=None,
            title="Creating an NHS that helps you live your best life in Dartford, Gravesham and Swanley",
            slug=slug,
            summary="How the NHS in Kent and Medway plans to organise some health and care services so they can "
            "provide better, more joined-up care: primary care networks, integrated care partnerships and a "
            "single commissioner.",
            body=SEED_CONSULTATION_BODY,
            opens_at=_london(date(2019, 6, 28), 9),
            closes_at=_london(date(2019, 8, 16), 23, 59),
            audiences="Everyone living in Kent and Medway, and NHS and care staff",
            contact_name="Kent and Medway NHS engagement team",
            contact_email="engagement@example.org",
            contact_phone="",
            has_online_survey=True,
            postal_address="Freepost KENT & MEDWAY NHS\nNew Hythe Lane\nAylesford\nKent ME20 6WT",
            response_email="consultation@example.org",
            fairness_why_now="No decision had been made: CCG governing bodies and member practices were to discuss "
            "the plan over the following weeks, with responses in front of them.",
            fairness_information="A full document setting out the plans and a summary, published on the first day.",
            fairness_length="Seven weeks, with discussion at every CCG governing body meeting in that time.",
            places=[places["Kent and Medway"], places["Dartford, Gravesham and Swanley"]],
            topics=[topics["Primary care"]],
        )
        # Made ready directly: the service refuses a closing time in the past, which this one has on purpose.
        consultation.stage = ConsultationStage.ready
        # Demonstration links (the seed names the documents but not where they were published).
        for kind, title in (
            (DocumentKind.full, "The plans in full (demonstration link)"),
            (DocumentKind.summary, "Summary of the plans (demonstration link)"),
        ):
            document = consultation_services.add_document(
                consultation, actor=None, kind=kind, language="", title=title, url=f"https://www.example.org/{kind}"
            )
            # Published on the first day (the seed says so), not on the day the demo is loaded.
            document.added_at = document.current.added_at = consultation.opens_at
        added += 1
    slug = "urgent-treatment-centres-west-kent"
    if db.session.scalar(select(Consultation.id).where(Consultation.slug == slug)) is None:
        today = to_london(now_utc()).date()
        consultation = consultation_services.create_consultation(
            actor=officer,
            title="Urgent treatment centres in West Kent",
            slug=slug,
            summary="Tell us how urgent treatment centres in Maidstone and Tunbridge Wells should work for you.",
            body=UTC_BODY,
            opens_at=_london(today - timedelta(days=14), 9),
            closes_at=_london(today + timedelta(days=42), 23, 59),
            audiences="Everyone in West Kent, especially parents of young children, older people and carers",
            contact_name="West Kent HCP engagement team",
            contact_email="westkent.engagement@example.org",
            contact_phone="01632 960 001",
            has_online_survey=True,
            postal_address="Freepost WEST KENT HCP (demonstration address)",
            response_email="westkent.utc@example.org",
            fairness_why_now="Three options are still open; the board decides after reading the responses.",
            fairness_information="The proposals, a summary and an easy read version, with travel-time maps.",
            fairness_length="Eight weeks, avoiding the summer holidays, with two drop-in events.",
            places=[places["West Kent"]],
            topics=[topics["Urgent care"]],
        )
        consultation_services.mark_ready(consultation, actor=officer)
        consultation_services.add_event(
            consultation,
            actor=officer,
            title="Drop-in: urgent care in West Kent",
            starts_at=_london(today + timedelta(days=10), 18),
            ends_at=_london(today + timedelta(days=10), 19, 30),
            venue="Maidstone community hub (demonstration venue)\nMaidstone, Kent",
        )
        _add_demo_documents(consultation, officer)
        added += 1
    return added


UTC_SUMMARY = """Urgent treatment centres in West Kent: a summary (demonstration document)

Three options for when the centres in Maidstone and Tunbridge Wells are open and what they treat.
Travel times by bus from Sevenoaks to Maidstone: {minutes} minutes.
"""


def _add_demo_documents(consultation, officer):
    """An uploaded summary published at opening, then corrected a few days later (a new dated version)."""
    from engage import storage
    from engage.records.attachments import check_upload

    batch = storage.Batch(storage.get_storage())
    first = check_upload("UTC summary.txt", UTC_SUMMARY.format(minutes=40).encode(), 1024 * 1024)
    document = consultation_services.add_document(
        consultation,
        actor=officer,
        kind=DocumentKind.summary,
        language="",
        title="Summary of the options",
        checked=first,
        batch=batch,
    )
    corrected = check_upload("UTC summary.txt", UTC_SUMMARY.format(minutes=55).encode(), 1024 * 1024)
    second = consultation_services.replace_document(
        document, actor=officer, note="corrected the bus travel time from Sevenoaks", checked=corrected, batch=batch
    )
    # Dated as they would have been: at the opening, and four days later.
    document.added_at = document.versions[0].added_at = consultation.opens_at
    second.added_at = consultation.opens_at + timedelta(days=4)
    consultation_services.add_document(
        consultation,
        actor=officer,
        kind=DocumentKind.easy_read,
        language="",
        title="Easy read version",
        url="https://www.example.org/utc-easy-read",
    )
    document = consultation.documents[-1]
    document.added_at = document.current.added_at = consultation.opens_at


DEMO_SURVEY_SLUG = "urgent-treatment-centres-west-kent"
DEMO_SURVEY_INTRODUCTION = """This survey takes about five minutes. It asks how you use urgent care now and which of the
three options you prefer. You can save your answers and come back later."""
Q = QuestionKind
#: The open demonstration consultation's survey: page title -> questions as
#: (kind, text, required, options or (low, high) bounds, show-if (question number, answer) or None).
DEMO_SURVEY = [
    (
        "Using urgent care",
        [
            (Q.yes_no, "Have you or someone you care for used an urgent treatment centre in West Kent in the last "
             "12 months?", True, None, None),
            (Q.multiple_choice, "How do you usually get to urgent care?", True,
             ["Car", "Bus", "Taxi", "Walking or cycling", "A lift from someone else", "Community transport"], None),
            (Q.likert, "Urgent treatment centres should be open from 8am to 10pm every day, rather than round the "
             "clock, if that means shorter waits.", True, list(LIKERT_LABELS), None),
            (Q.number, "How many minutes would you be willing to travel to an urgent treatment centre?", False,
             (0, 240), None),
            (Q.postcode, "What is your postcode?", False, None, None),
        ],
    ),
    (
        "Your views on the options",
        [
            (Q.rating, "How would you rate your last visit to an urgent treatment centre?", True, (1, 5), (1, "yes")),
            (Q.long_text, "What would have made your last visit better?", False, None, (1, "yes")),
            (Q.single_choice, "Which option do you prefer?", True,
             ["Option A: both centres open round the clock",
              "Option B: Maidstone round the clock, Tunbridge Wells 8am to 10pm",
              "Option C: both centres open 8am to 10pm, with more GP appointments in the evening",
              "No preference"], None),
            (Q.long_text, "Why did you choose that option?", False, None, None),
            (Q.date, "When did you last need urgent care?", False, None, None),
        ],
    ),
]  # fmt: skip
DEMO_HELP = {
    "What is your postcode?": "So we can see how far people would travel. We never use it to contact you.",
    "When did you last need urgent care?": "An approximate date is fine.",
}
DEMO_RESPONSES = 300
#: How often each age band answers (Under 16 ... 85 or over): older people answer more.
DEMO_AGE_WEIGHTS = (1, 3, 8, 12, 16, 20, 22, 12, 4)
REFERENCE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
DEMO_DISTRICTS = ("ME14", "ME15", "ME16", "ME17", "ME18", "ME19", "TN1", "TN2", "TN4", "TN9", "TN10", "TN11", "TN12")
DEMO_VISIT_COMMENTS = (
    "A shorter wait. We were there for nearly four hours with a toddler.",
    "Clearer signs from the car park, and somewhere to sit that was not in a draught.",
    "Being told how long the wait would be when we arrived.",
    "It was fine: quick and friendly staff.",
    "Being able to book a time through 111 instead of queueing.",
    "An interpreter. My mother does not speak much English and I had to translate.",
)
DEMO_REASONS = (
    "Injuries do not keep office hours: my son broke his wrist at 2am.",
    "I would rather have shorter waits in the day than a centre that is open all night but understaffed.",
    "Pembury is a long way from us without a car.",
    "As long as 111 can tell me where to go, the hours matter less.",
    "Evening GP appointments would stop a lot of people needing urgent care at all.",
    "Maidstone is the bigger town and should have the 24-hour service.",
)
DEMO_ORGANISATIONS = (
    "Maidstone Carers Network (demonstration)",
    "Tunbridge Wells Parents Forum (demonstration)",
    "West Kent Older People's Group (demonstration)",
)


def _demo_reference(rng, taken):
    """A reference in the journey's format ("K7MP-4QXD"), unique among ``taken``."""
    while True:
        code = "".join(rng.choice(REFERENCE_ALPHABET) for _ in range(8))
        reference = f"{code[:4]}-{code[4:]}"
        if reference not in taken:
            taken.add(reference)
            return reference


def _load_demo_survey():
    """Give the open demonstration consultation its survey (ten questions and the equality section) and
    about 300 synthetic responses; return how many responses were added (0 when it has a survey already)."""
    consultation = db.session.scalar(select(Consultation).where(Consultation.slug == DEMO_SURVEY_SLUG))
    if consultation is None or consultation.survey is not None:
        return 0
    officer = account_services.find_user_by_email("officer@example.org")
    survey = survey_services.create_survey(consultation, actor=officer)
    survey_services.update_survey(
        survey, actor=officer, introduction=DEMO_SURVEY_INTRODUCTION, privacy_notice=survey.privacy_notice
    )
    questions = []
    for index, (title, specs) in enumerate(DEMO_SURVEY):
        if index == 0:
            page = survey.pages[0]
            survey_services.rename_page(page, actor=officer, title=title)
        else:
            page = survey_services.add_page(survey, actor=officer, title=title)
        for kind, text, required, extra, show_if in specs:
            condition = None
            value = ""
            if show_if:
                condition = questions[show_if[0] - 1]
                value = show_if[1]
            questions.append(
                survey_services.add_question(
                    page,
                    actor=officer,
                    kind=kind,
                    text=text,
                    help_text=DEMO_HELP.get(text, ""),
                    required=required,
                    options=extra if kind.has_options else (),
                    min_value=extra[0] if kind in (Q.number, Q.rating) else None,
                    max_value=extra[1] if kind in (Q.number, Q.rating) else None,
                    show_if_question=condition,
                    show_if_value=value,
                )
            )
    equality_page = survey_services.add_equality_section(survey, actor=officer)
    db.session.flush()
    return _load_demo_responses(consultation, survey, questions, equality_page.questions, officer)


def _demo_answers(rng, questions, today):
    """One respondent's answers as (question, option id, text, number) rows, following show-if and required."""
    used, travel, likert, minutes, postcode, rating, better, option, why, when = questions
    rows = []
    has_used = rng.random() < 0.6
    rows.append((used, None, "yes" if has_used else "no", None))
    for choice in rng.sample(travel.options, rng.choice((1, 1, 1, 2))):
        rows.append((travel, choice.id, "", None))
    rows.append((likert, rng.choices(likert.options, weights=(15, 25, 20, 25, 15))[0].id, "", None))
    if rng.random() < 0.6:
        rows.append((minutes, None, "", rng.choice((10, 15, 20, 30, 30, 45, 60, 90))))
    district = rng.choice(DEMO_DISTRICTS)
    if rng.random() < 0.7:
        suffix = f"{rng.randint(1, 9)}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}"
        rows.append((postcode, None, f"{district} {suffix}", None))
    if has_used:
        rows.append((rating, None, "", rng.choices((1, 2, 3, 4, 5), weights=(8, 12, 25, 35, 20))[0]))
        if rng.random() < 0.4:
            rows.append((better, None, rng.choice(DEMO_VISIT_COMMENTS), None))
    rows.append((option, rng.choices(option.options, weights=(45, 25, 20, 10))[0].id, "", None))
    if rng.random() < 0.5:
        rows.append((why, None, rng.choice(DEMO_REASONS), None))
    if rng.random() < 0.4:
        rows.append((when, None, (today - timedelta(days=rng.randint(3, 365))).isoformat(), None))
    return rows, district


def _demo_equality_answers(rng, questions, district):
    rows = []
    for question in questions:
        if rng.random() >= 0.85:
            continue
        if question.equality_key == "postcode_district":
            rows.append((question, None, district))
        elif question.equality_key == "age_band" and rng.random() >= 0.06:
            # Older people answer surveys more than young people do, so the representativeness page has
            # something to flag.
            rows.append((question, rng.choices(question.options[:-1], weights=DEMO_AGE_WEIGHTS)[0].id, ""))
        elif rng.random() < 0.06:
            rows.append((question, question.options[-1].id, ""))
        elif question.equality_key == "ethnic_group":
            # Roughly West Kent's mix: most people White British, the other groups small (so some are withheld).
            weights = [
                250 if o.label.startswith("White: English") else (6 if o.label.startswith("White") else 3)
                for o in question.options[:-1]
            ]
            rows.append((question, rng.choices(question.options[:-1], weights=weights)[0].id, ""))
        else:
            rows.append((question, rng.choice(question.options[:-1]).id, ""))
    return rows


def _load_demo_responses(consultation, survey, questions, equality_questions, officer):
    """Bulk-insert the synthetic responses (deterministic: the same every time) and their answers."""
    rng = random.Random(20190816)
    now = now_utc()
    today = to_london(now).date()
    window = (now - consultation.opens_at).total_seconds()
    taken = set(db.session.scalars(select(Response.reference)))
    responses, answers, equality_answers = [], [], []
    for _ in range(DEMO_RESPONSES):
        channel = rng.choices(
            (
                ResponseChannel.online,
                ResponseChannel.post,
                ResponseChannel.email,
                ResponseChannel.phone,
                ResponseChannel.event,
            ),
            weights=(80, 9, 5, 3, 3),
        )[0]
        online = channel == ResponseChannel.online
        organisation = rng.choice(DEMO_ORGANISATIONS) if rng.random() < 0.06 else ""
        reference = _demo_reference(rng, taken)
        responses.append(
            {
                "consultation_id": consultation.id,
                "reference": reference,
                "channel": channel,
                "respondent_type": RespondentType.organisation if organisation else RespondentType.individual,
                "organisation_name": organisation,
                "publish_consent": rng.choices(list(PublishConsent), weights=(50, 10, 40))[0],
                "privacy_version": survey.privacy_version if online else None,
                "submitted_at": consultation.opens_at + timedelta(seconds=rng.uniform(0, window)),
                "submission_key": f"demo-{rng.getrandbits(128):032x}" if online else None,
                "entered_by_id": None if online or officer is None else officer.id,
            }
        )
        rows, district = _demo_answers(rng, questions, today)
        answers.append((reference, rows))
        equality_answers.append((reference, _demo_equality_answers(rng, equality_questions, district)))
    db.session.execute(Response.__table__.insert(), responses)
    ids = dict(
        db.session.execute(
            select(Response.reference, Response.id).where(Response.consultation_id == consultation.id)
        ).all()
    )
    db.session.execute(
        Answer.__table__.insert(),
        [
            {"response_id": ids[reference], "question_id": q.id, "option_id": option, "text": text, "number": number}
            for reference, rows in answers
            for q, option, text, number in rows
        ],
    )
    db.session.execute(
        EqualityAnswer.__table__.insert(),
        [
            {"response_id": ids[reference], "question_id": q.id, "option_id": option, "text": text, "number": None}
            for reference, rows in equality_answers
            for q, option, text in rows
        ],
    )
    audit.record(None, "import", None, ["responses"], object_type="consultations", object_id=str(consultation.id))
    return len(responses)


def database_is_empty():
    """Return True when no user exists yet (a new database)."""
    return db.session.scalar(select(User.id).limit(1)) is None


def demo_users_exist():
    """Return True when the demo users are present (so the sign-ins can be printed)."""
    emails = [email for email, *_ in DEMO_USERS]
    return db.session.scalar(select(func.count()).select_from(User).where(User.email.in_(emails))) == len(emails)


#: The West Kent patient involvement charter, as drafted in three versions: (heading, body) per section.
CHARTER_V1 = [
    (
        "Why we have this charter",
        "West Kent Health and Care Partnership said it would work with patients to develop a patient "
        "involvement charter. This charter sets out how patients, carers and residents take part in "
        "planning and improving health and care in West Kent.",
    ),
    (
        "Our promises",
        "- We will involve patients in our programmes.\n"
        "- We will listen to what patients and residents tell us.\n"
        "- We will tell people what we did with their views.",
    ),
    (
        "How you can take part",
        "Join a patient panel, answer a survey, or come to one of our events. You can also contact "
        "Healthwatch Kent, who will pass your views on.",
    ),
]
CHARTER_V2_PROMISES = (
    "- We will have patient representatives on all our key programme groups, such as frailty and mental health.\n"
    "- We will co-produce new ways of working with patients and residents from the start, not at the end.\n"
    "- We will ask for feedback on new services as they start, and use it to improve them.\n"
    "- We will tell people what we did with their views, within three months."
)
CHARTER_V3_EXTRA = (
    "Making it easy to take part",
    "We will pay reasonable travel and care costs for patient representatives, offer meetings at different "
    "times of day and online, and provide papers in easy read and other formats on request.",
)


def _load_charters(places):
    """Add the West Kent patient involvement charter: three versions, comments from each role, one
    resident's comment waiting for moderation, open for comment. Return how many charters were added."""
    from engage.charters import services as charter_services
    from engage.charters.models import Charter

    slug = "west-kent-patient-involvement-charter"
    if db.session.scalar(select(Charter.id).where(Charter.slug == slug)) is not None:
        return 0
    officer = account_services.find_user_by_email("officer@example.org")
    reviewer = account_services.find_user_by_email("reviewer@example.org")
    admin = account_services.find_user_by_email("admin@example.org")
    (heading, body), *rest = CHARTER_V1
    charter = charter_services.create_charter(
        actor=officer,
        title="West Kent patient involvement charter",
        slug=slug,
        purpose="How West Kent Health and Care Partnership involves patients, carers and residents in planning "
        "and improving care, written with them.",
        owner_id=getattr(officer, "id", None),
        places=[places["West Kent"]],
        heading=heading,
        body=body,
    )
    v2 = charter_services.save_version(
        charter,
        actor=officer,
        base_number=1,
        sections=[
            {"key": charter.latest.sections[0].key, "heading": heading, "body": body},
            *({"key": None, "heading": h, "body": b} for h, b in rest),
        ],
        summary="Added our promises and how to take part",
    )
    keys = [s.key for s in v2.sections]
    review = charter_services.add_comment(
        charter,
        actor=reviewer,
        version=v2,
        section_key=keys[1],
        body="These promises are vague. Patients told us they want representatives on every programme group, "
        "and to hear back within a set time.",
    )
    charter_services.add_reply(review, actor=officer, body="Agreed: version 3 names the programme groups and a time.")
    v3_sections = [
        {"key": s.key, "heading": s.heading, "body": CHARTER_V2_PROMISES if s.key == keys[1] else s.body}
        for s in v2.sections
    ]
    v3 = charter_services.save_version(
        charter,
        actor=officer,
        base_number=v2.number,
        sections=[*v3_sections, {"key": None, "heading": CHARTER_V3_EXTRA[0], "body": CHARTER_V3_EXTRA[1]}],
        summary="Made the promises specific (programme groups, co-production, feedback within three months); "
        "added costs and formats",
    )
    charter_services.set_resolved(review, actor=reviewer, resolved=True)
    charter_services.add_comment(
        charter,
        actor=admin,
        version=v3,
        section_key=v3.sections[-1].key,
        body="Finance have confirmed the expenses policy covers travel and care costs.",
    )
    # The history happened over the past three weeks (the services stamp everything "now").
    now = now_utc()
    for obj, days_ago in (
        (charter.versions[0], 21),
        (v2, 14),
        (review, 12),
        (review.replies[0], 8),
        (v3, 7),
    ):
        obj.created_at = now - timedelta(days=days_ago)
    review.resolved_at = now - timedelta(days=7)
    today = to_london(now).date()
    charter_services.open_for_comment(charter, actor=officer, closes_at=_london(today + timedelta(days=28), 23, 59))
    charter_services.add_resident_comment(
        charter,
        version=v3,
        section_key=v3.sections[2].key,
        body="Please hold some meetings in the evening: I care for my mum during the day.",
        name="A carer in Tonbridge",
    )
    return 1


# A consultation with a published outcome ------------------------------------------------------

OUTCOME_SLUG = "stroke-rehabilitation-at-home-west-kent"
OUTCOME_COMMENTS = (
    ("Discharge support", "Nobody told us who to ring once Dad was home from Maidstone Hospital."),
    ("Discharge support", "The first week home was the hardest and we had no visit for five days."),
    ("Discharge support", "A named person to call would have made all the difference after discharge."),
    ("Care closer to home for older people", "Therapy at home meant Mum did not have to sit in traffic to Pembury."),
    ("Care closer to home for older people", "My husband worked harder at his exercises in his own kitchen."),
    (
        "Care closer to home for older people",
        "Please keep some group sessions: the company helped as much as the exercises.",
    ),
)
OUTCOME_SUMMARY = """The partnership board met on the date the outcome was published and agreed to **offer stroke
rehabilitation at home** to everyone who can safely have it, from next spring, while keeping group sessions at
Sevenoaks and Tonbridge for people who want them.

We read every one of the responses, whichever way it reached us. This page says what people told us, what we
decided, and what has happened since. **This is a demonstration consultation**, made up for trying Engage out."""
OUTCOME_THEMES = (
    (
        "Discharge support",
        "People told us the days after leaving hospital were the hardest: they did not know who to call, and some "
        "waited several days for a first visit.",
        (
            (
                "Give every patient a named contact and phone number on discharge",
                "Stroke discharge team, MTW NHS Trust",
                60,
                "done",
                "Named contact cards are now given out on both stroke wards.",
                "",
            ),
            (
                "A first home visit within two working days of discharge",
                "West Kent community stroke team",
                120,
                "in_progress",
                "Running in Maidstone since the autumn; Tunbridge Wells follows in the new year.",
                "",
            ),
        ),
    ),
    (
        "Care closer to home for older people",
        "Most people who had therapy at home preferred it, but several said group sessions helped them keep going.",
        (
            (
                "Offer rehabilitation at home to everyone who can safely have it",
                "West Kent Health and Care Partnership",
                180,
                "planned",
                "",
                "",
            ),
            (
                "Close the group sessions at Sevenoaks",
                "West Kent community stroke team",
                90,
                "not_taken_forward",
                "",
                "Respondents valued the group sessions, so they stay open alongside therapy at home.",
            ),
        ),
    ),
)


def _load_demo_outcome(places):
    """A closed consultation with responses by four channels, coded themes, quotes, some published responses,
    and a published outcome whose decisions have moved on since; return 1 when added, 0 when already there."""
    from engage.analysis.models import ResponseCode
    from engage.consultations.models import ClosingDateExtension, FormatKind, FormatRequest
    from engage.outcomes import services as outcome_services
    from engage.publishing import services as publishing_services

    if db.session.scalar(select(Consultation.id).where(Consultation.slug == OUTCOME_SLUG)) is not None:
        return 0
    officer = account_services.find_user_by_email("officer@example.org")
    topics = {t.name: t for t in db.session.scalars(select(Topic))}
    today = to_london(now_utc()).date()
    opens, closes = today - timedelta(days=150), today - timedelta(days=90)
    consultation = consultation_services.create_consultation(
        actor=officer,
        title="Stroke rehabilitation at home in West Kent",
        slug=OUTCOME_SLUG,
        summary="Should more stroke rehabilitation happen in people's own homes? The outcome is published.",
        body="We asked whether stroke rehabilitation should move from clinics to people's homes. "
        "**This is a demonstration consultation**, made up for trying Engage out.",
        opens_at=_london(opens, 9),
        closes_at=_london(closes - timedelta(days=14), 23, 59),
        audiences="Stroke survivors, their families and carers in West Kent",
        contact_name="West Kent HCP engagement team",
        contact_email="westkent.engagement@example.org",
        contact_phone="01632 960 001",
        has_online_survey=True,
        postal_address="Freepost WEST KENT HCP (demonstration address)",
        response_email="westkent.stroke@example.org",
        fairness_why_now="The model of care was not decided; the board chose after reading the responses.",
        fairness_information="The proposal, a summary and an easy read version, with the evidence from the pilot.",
        fairness_length="Ten weeks including a two-week extension, with events at two stroke clubs.",
        places=[places["West Kent"]],
        topics=[topics["Urgent care"]] if "Urgent care" in topics else [],
    )
    for kind, title in ((DocumentKind.full, "The proposal in full"), (DocumentKind.easy_read, "Easy read version")):
        document = consultation_services.add_document(
            consultation,
            actor=officer,
            kind=kind,
            language="",
            title=f"{title} (demonstration link)",
            url=f"https://www.example.org/stroke-{kind}",
        )
        document.added_at = document.current.added_at = consultation.opens_at
    survey = survey_services.create_survey(consultation, actor=officer)
    page = survey.pages[0]
    survey_services.rename_page(page, actor=officer, title="Your views")
    support = survey_services.add_question(
        page,
        actor=officer,
        kind=QuestionKind.likert,
        text="Should more stroke rehabilitation happen at home?",
        options=("Strongly agree", "Agree", "Neither agree nor disagree", "Disagree", "Strongly disagree"),
    )
    had_stroke = survey_services.add_question(
        page, actor=officer, kind=QuestionKind.yes_no, text="Have you, or someone you care for, had a stroke?"
    )
    comment = survey_services.add_question(
        page, actor=officer, kind=QuestionKind.long_text, text="What would make rehabilitation at home work for you?"
    )
    consultation.stage = ConsultationStage.ready
    db.session.add(
        ClosingDateExtension(
            consultation_id=consultation.id,
            old_closes_at=consultation.closes_at,
            new_closes_at=_london(closes, 23, 59),
            reason="The easy read version was published a week late, so people who needed it got two more weeks.",
            extended_by_id=officer.id if officer else None,
            extended_at=_london(closes - timedelta(days=20), 10),
        )
    )
    consultation.closes_at = _london(closes, 23, 59)
    db.session.add(
        FormatRequest(
            consultation_id=consultation.id,
            name="A resident (demonstration)",
            email="",
            phone="01632 960 999",
            format=FormatKind.large_print,
            requested_at=_london(opens + timedelta(days=5), 11),
            fulfilled_at=_london(opens + timedelta(days=7), 15),
            fulfilled_by_id=officer.id if officer else None,
        )
    )
    themes = {t.title: t for t in db.session.scalars(select(Theme))}
    rng = random.Random(20260301)
    taken = set(db.session.scalars(select(Response.reference)))
    channels = [ResponseChannel.online] * 34 + [ResponseChannel.post] * 8 + [ResponseChannel.email] * 4
    channels += [ResponseChannel.event] * 2
    responses = []
    for n, channel in enumerate(channels):
        consent = (PublishConsent.anonymous, PublishConsent.named, PublishConsent.no)[n % 3]
        response = Response(
            consultation_id=consultation.id,
            reference=_demo_reference(rng, taken),
            channel=channel,
            respondent_type=RespondentType.individual,
            name=f"Demo Respondent {n + 1}",
            publish_consent=consent,
            privacy_version=survey.privacy_version,
            submitted_at=_london(opens + timedelta(days=rng.randint(0, 55)), rng.randint(8, 20)),
            received_on=None if channel == ResponseChannel.online else opens + timedelta(days=rng.randint(1, 56)),
            entered_by_id=None if channel == ResponseChannel.online or officer is None else officer.id,
            analysis_status=AnalysisStatus.read,
        )
        db.session.add(response)
        response.answers.append(
            Answer(question_id=support.id, option_id=rng.choices(support.options, weights=(30, 35, 15, 12, 8))[0].id)
        )
        response.answers.append(Answer(question_id=had_stroke.id, text=rng.choice(("yes", "yes", "no"))))
        if n < len(OUTCOME_COMMENTS) * 2:
            theme_title, words = OUTCOME_COMMENTS[n % len(OUTCOME_COMMENTS)]
            response.answers.append(Answer(question_id=comment.id, text=words))
        responses.append(response)
    db.session.flush()
    for n, response in enumerate(responses[: len(OUTCOME_COMMENTS) * 2]):
        theme = themes.get(OUTCOME_COMMENTS[n % len(OUTCOME_COMMENTS)][0])
        answer = response.answers[-1]
        if theme is None:
            continue
        db.session.add(
            ResponseCode(
                response_id=response.id,
                answer_id=answer.id,
                question_id=comment.id,
                theme_id=theme.id,
                is_quote=n in (1, 3, 4),
                coded_by_id=officer.id if officer else None,
            )
        )
        response.analysis_status = AnalysisStatus.coded
    # Published with consent: a few, one with a redaction.
    for response in responses[:5]:
        if response.publish_consent == PublishConsent.no:
            continue
        answer = response.answers[-1]
        if "Maidstone Hospital" in answer.text:
            publishing_services.redact(
                response, answer, actor=officer, passage="Maidstone Hospital", reason="Could identify the patient"
            )
        publishing_services.publish(response, actor=officer)
    consultation.stage = ConsultationStage.analysing
    published_on = today - timedelta(days=30)
    for theme_title, you_said, decisions in OUTCOME_THEMES:
        theme = themes.get(theme_title)
        if theme is None:
            continue
        entry = outcome_services.add_theme(consultation, theme, actor=officer, you_said=you_said)
        for text, owner, due_in, status, progress, reason in decisions:
            decision = outcome_services.add_decision(
                entry,
                actor=officer,
                decision=text,
                owner=owner,
                due_on=published_on + timedelta(days=due_in),
                status="planned" if status != "not_taken_forward" else status,
                reason=reason,
            )
            decision.updates[0].recorded_at = _london(published_on, 10)
            if status in ("in_progress", "done"):
                update = outcome_services.update_progress(decision, actor=officer, status=status, progress=progress)
                update.recorded_at = _london(published_on + timedelta(days=21), 14)
    consultation.outcome = OUTCOME_SUMMARY
    consultation.outcome_published_at = _london(published_on, 10)
    consultation.stage = ConsultationStage.outcome_published
    audit.record(officer, "update", consultation, ["outcome", "outcome_published_at", "stage"])
    db.session.flush()
    return 1

"""The sample newsroom's records, written in our own words.

The lead story follows the facts of the Yonsei–KAIST agreement in
``shared/seed``; the eight "related" stories follow the headlines listed
there. Other stories, people and agreements are illustrative only.
Times are given relative to the moment of the first load, in days.
"""

SECTIONS = [
    ("News", "news", "Announcements and agreements from across the university."),
    ("Research", "research", "Discoveries from our laboratories and clinics."),
    ("Hospital", "hospital", "Care, patients and people at our hospitals."),
    ("Education", "education", "Students, teaching and training."),
    ("Campus", "campus", "Life, events and giving on campus."),
]

# slug, name, short name, Korean name, kind, parent slug, city, website, aliases
INSTITUTIONS = [
    (
        "yonsei-university",
        "Yonsei University",
        "Yonsei",
        "연세대학교",
        "university",
        None,
        "Seoul",
        "https://www.yonsei.ac.kr/",
        "",
    ),
    (
        "yonsei-university-college-of-medicine",
        "Yonsei University College of Medicine",
        "",
        "연세대학교 의과대학",
        "college",
        "yonsei-university",
        "Seoul",
        "https://medicine.yonsei.ac.kr/",
        "Yonsei Medicine\nYonsei College of Medicine",
    ),
    (
        "yonsei-university-health-system",
        "Yonsei University Health System",
        "YUHS",
        "연세대학교 의료원",
        "hospital",
        "yonsei-university",
        "Seoul",
        "https://www.yuhs.or.kr/",
        "",
    ),
    (
        "severance-hospital",
        "Severance Hospital",
        "Severance",
        "세브란스병원",
        "hospital",
        "yonsei-university-health-system",
        "Seoul",
        "https://sev.severance.healthcare/",
        "",
    ),
    (
        "yonsei-cancer-center",
        "Yonsei Cancer Center",
        "YCC",
        "연세암병원",
        "hospital",
        "yonsei-university-health-system",
        "Seoul",
        "",
        "Severance cancer hospital",
    ),
    (
        "severance-health-check-up",
        "Severance Health Check-Up",
        "",
        "세브란스 체크업",
        "other",
        "yonsei-university-health-system",
        "Seoul",
        "",
        "",
    ),
    (
        "kaist",
        "Korea Advanced Institute of Science and Technology",
        "KAIST",
        "한국과학기술원",
        "university",
        None,
        "Daejeon",
        "https://www.kaist.ac.kr/",
        "KAIST",
    ),
    (
        "kaist-gsmse",
        "KAIST Graduate School of Medical Science and Engineering",
        "GSMSE",
        "KAIST 의과학대학원",
        "graduate_school",
        "kaist",
        "Daejeon",
        "https://gsmse.kaist.ac.kr/",
        "Graduate School of Medical Science and Engineering",
    ),
    ("boston-scientific", "Boston Scientific", "", "", "company", None, "Marlborough", "", ""),
]

# slug, name, Korean name, bio, positions: (institution slug, title, started, ended)
PEOPLE = [
    (
        "choi-jae-young",
        "Choi Jae-young",
        "최재영",
        "Physician-scientist and dean of Yonsei University College of Medicine.",
        [
            (
                "yonsei-university-college-of-medicine",
                "Vice Dean for Research",
                "2021-03-01",
                "2024-07-31",
            ),
            ("yonsei-university-college-of-medicine", "Dean", "2024-08-01", None),
        ],
    ),
    (
        "park-su-hyung",
        "Park Su-hyung",
        "박수형",
        "Immunologist who leads KAIST's Graduate School of Medical Science and Engineering.",
        [("kaist-gsmse", "Dean", "2023-03-01", None)],
    ),
    (
        "han-seo-yeon",
        "Han Seo-yeon",
        "한서연",
        "Senior writer in the communications office.",
        [
            (
                "yonsei-university-health-system",
                "Senior Writer, Communications Office",
                "2019-01-01",
                None,
            )
        ],
    ),
    (
        "lee-jun-ho",
        "Lee Jun-ho",
        "이준호",
        "Science writer in the communications office.",
        [
            (
                "yonsei-university-health-system",
                "Science Writer, Communications Office",
                "2022-06-01",
                None,
            )
        ],
    ),
    (
        "kang-min-seo",
        "Kang Min-seo",
        "강민서",
        "Otologist who leads the hearing implant programme at Severance Hospital (sample person).",
        [("severance-hospital", "Professor of Otorhinolaryngology", "2012-03-01", None)],
    ),
    (
        "yoon-tae-hee",
        "Yoon Tae-hee",
        "윤태희",
        "Radiation oncologist working on heavy ion therapy (sample person).",
        [("yonsei-cancer-center", "Head of Radiation Oncology", "2020-03-01", None)],
    ),
    (
        "jung-ha-eun",
        "Jung Ha-eun",
        "정하은",
        "Gastroenterologist studying pancreatic cancer organoids (sample person).",
        [
            (
                "severance-hospital",
                "Assistant Professor of Gastroenterology",
                "2018-09-01",
                "2023-02-28",
            ),
            ("severance-hospital", "Associate Professor of Gastroenterology", "2023-03-01", None),
        ],
    ),
    (
        "oh-ji-won",
        "Oh Ji-won",
        "오지원",
        "Cardiologist who directs electrophysiology training (sample person).",
        [("severance-hospital", "Director of Cardiac Electrophysiology", "2019-03-01", None)],
    ),
    (
        "seo-yu-na",
        "Seo Yu-na",
        "서유나",
        "Cell biologist studying neurodegenerative disease proteins (sample person).",
        [
            (
                "yonsei-university-college-of-medicine",
                "Professor of Biochemistry",
                "2015-03-01",
                None,
            )
        ],
    ),
    (
        "kim-hyun-woo",
        "Kim Hyun-woo",
        "김현우",
        "President of the Yonsei University Health System (sample person).",
        [("yonsei-university-health-system", "President", "2024-02-01", None)],
    ),
]

MOU_AREAS = [
    "Exchange of research personnel and information",
    "Joint convergence research projects",
    "Shared use of educational and research infrastructure",
    "A wider global research network",
]

# slug, title, kind, days ago signed (None = last Wednesday), place, summary, term years,
# parties: (institution slug, signatory slug or None), areas
AGREEMENTS = [
    (
        "yonsei-medicine-kaist-gsmse-mou",
        "Yonsei University College of Medicine and KAIST GSMSE memorandum of understanding",
        "mou",
        None,
        "Seoul",
        "The two schools commit to joint work on future-oriented medical research and to training "
        "researchers who bridge medicine, science and engineering.",
        5,
        [
            ("yonsei-university-college-of-medicine", "choi-jae-young"),
            ("kaist-gsmse", "park-su-hyung"),
        ],
        MOU_AREAS,
    ),
    (
        "severance-farapulse-training-hub",
        "Severance Hospital FARAPULSE training hub agreement",
        "other",
        40,
        "Seoul",
        "Severance Hospital becomes a centre where cardiologists from other hospitals learn pulsed "
        "field ablation with the FARAPULSE system.",
        3,
        [("severance-hospital", "oh-ji-won"), ("boston-scientific", None)],
        ["Hands-on training in pulsed field ablation", "Shared clinical case reviews"],
    ),
    (
        "yonsei-kaist-student-exchange-2019",
        "Yonsei University and KAIST student exchange agreement (2019)",
        "exchange",
        2400,
        "Daejeon",
        "An earlier exchange of graduate students between the two universities (sample record, "
        "since expired).",
        5,
        [("yonsei-university", None), ("kaist", None)],
        ["Graduate student exchange", "Joint summer school"],
    ),
]

MOU_SLUG = "yonsei-medicine-and-kaist-gsmse-sign-research-and-training-mou"

# Each story: slug, headline, section, days ago, standfirst, paragraphs, tags,
# institutions, agreements, quotes (person slug, words), bylines, extra options.
ARTICLES = [
    {
        "slug": MOU_SLUG,
        "headline": "Yonsei medicine and KAIST GSMSE join forces on research and training",
        "section": "news",
        "days_ago": "wednesday",
        "standfirst": "A memorandum of understanding signed on Wednesday links clinical strength "
        "in Seoul with convergence research in Daejeon.",
        "paragraphs": [
            "Yonsei University College of Medicine and the Graduate School of Medical Science and "
            "Engineering at KAIST (GSMSE) signed a memorandum of understanding on Wednesday. The "
            "agreement lays the groundwork for medical research aimed at the future and for "
            "developing the people who will carry it out.",
            "Medicine, science and engineering increasingly advance together. The college brings "
            "its depth in clinical and basic medicine; GSMSE brings its record in convergence "
            "research. Both sides expect the combination to achieve more than either could alone.",
            "Under the memorandum the schools will exchange researchers and information, run joint "
            "convergence research projects, share facilities for teaching and research, and widen "
            "their research network abroad. They also plan to move past routine academic exchange "
            "towards training researchers who work across disciplines and a research ecosystem "
            "that can sustain itself.",
        ],
        "tags": ["mou", "medical research", "convergence research", "kaist"],
        "institutions": ["yonsei-university-college-of-medicine", "kaist-gsmse"],
        "agreements": ["yonsei-medicine-kaist-gsmse-mou"],
        "quotes": [
            (
                "choi-jae-young",
                "This agreement will serve as an essential foundation for building a leading research "
                "and education system in the field of medical sciences by combining the unique "
                "capabilities of both institutions. We look forward to actively sharing our "
                "accumulated experience and resources to open new possibilities in medical science "
                "together.",
            ),
            (
                "park-su-hyung",
                "This collaboration with Yonsei University College of Medicine marks a significant "
                "step forward for KAIST GSMSE in interdisciplinary research and talent development. "
                "We will work together to enhance the global competitiveness of Korea's biomedical "
                "sciences as we move toward our common goals.",
            ),
        ],
        "bylines": ["han-seo-yeon"],
        "image": (11, 79, 138),
        "related": [
            "severance-team-builds-3d-organoid-to-predict-pancreatic-cancer-drug-response",
            "huntingtons-disease-protein-found-to-help-hold-cells-in-shape",
        ],
    },
    {
        "slug": "severance-passes-3000-hearing-implant-surgeries",
        "headline": "Severance Hospital passes 3,000 hearing implant surgeries",
        "section": "hospital",
        "days_ago": 10,
        "standfirst": "The hospital's ear surgeons reached the milestone across cochlear and other "
        "implantable hearing devices.",
        "paragraphs": [
            "Surgeons at Severance Hospital have now performed more than 3,000 hearing implant "
            "operations, a count that spans cochlear implants and other implantable devices.",
            "The programme treats children born with profound hearing loss as well as adults who "
            "lose their hearing later in life, and follows patients through months of "
            "rehabilitation after surgery.",
        ],
        "tags": ["hearing", "surgery", "milestone"],
        "institutions": ["severance-hospital"],
        "quotes": [
            (
                "kang-min-seo",
                "Every one of these operations started with a family hoping "
                "to hear each other again; the number matters because of them.",
            )
        ],
        "bylines": ["lee-jun-ho"],
        "image": (36, 112, 96),
    },
    {
        "slug": "severance-tops-ks-wei-list-for-19th-straight-year",
        "headline": "Severance Hospital tops KS-WEI list for the 19th straight year",
        "section": "hospital",
        "days_ago": 13,
        "standfirst": "The hospital has led the KS-WEI ranking among general hospitals every year "
        "for nearly two decades.",
        "paragraphs": [
            "Severance Hospital has again been ranked first among hospitals in the KS-WEI "
            "survey, making 19 consecutive years at the top of the list.",
            "The hospital credits the result to staff across its wards and clinics and says it "
            "will keep using the survey to find where patients' experience can improve.",
        ],
        "tags": ["rankings", "patient experience"],
        "institutions": ["severance-hospital"],
        "quotes": [
            (
                "kim-hyun-woo",
                "Nineteen years is the work of thousands of colleagues, and "
                "the survey tells us where to do better next year.",
            )
        ],
        "bylines": ["han-seo-yeon"],
    },
    {
        "slug": "yonsei-cancer-center-widens-heavy-ion-therapy",
        "headline": "Yonsei Cancer Center expands heavy ion therapy to hard-to-treat cancers",
        "section": "research",
        "days_ago": 9,
        "standfirst": "Patients with cancers that resist conventional radiation can now be "
        "considered for carbon ion treatment.",
        "paragraphs": [
            "Yonsei Cancer Center is extending heavy ion therapy to more cancers that respond "
            "poorly to conventional radiation, including some pancreatic and liver tumours.",
            "Heavy ions deposit most of their energy at a chosen depth, which lets clinicians "
            "treat a tumour hard while sparing the tissue around it.",
        ],
        "tags": ["cancer", "heavy ion therapy", "radiation oncology"],
        "institutions": ["yonsei-cancer-center"],
        "quotes": [
            (
                "yoon-tae-hee",
                "For patients who had run out of radiation options, this "
                "gives us a new way to reach the tumour.",
            )
        ],
        "bylines": ["lee-jun-ho"],
        "image": (122, 48, 82),
    },
    {
        "slug": "severance-team-builds-3d-organoid-to-predict-pancreatic-cancer-drug-response",
        "headline": "Severance team develops 3D organoid to predict pancreatic cancer drug response",
        "section": "research",
        "days_ago": 12,
        "standfirst": "Miniature tumours grown from patients' cells showed which chemotherapy "
        "would work before treatment began.",
        "paragraphs": [
            "Researchers at Severance Hospital have grown three-dimensional organoids from "
            "pancreatic cancer cells and used them to test drugs outside the body.",
            "The organoids' responses matched how patients later responded to the same drugs, "
            "suggesting a route to choosing treatment for each patient in advance.",
        ],
        "tags": ["cancer", "organoids", "medical research"],
        "institutions": ["severance-hospital", "yonsei-university-college-of-medicine"],
        "quotes": [
            (
                "jung-ha-eun",
                "Pancreatic cancer leaves little time to try one drug after "
                "another; the organoid lets us try them first in the laboratory.",
            )
        ],
        "bylines": ["lee-jun-ho"],
        "image": (150, 90, 20),
    },
    {
        "slug": "severance-health-check-up-named-top-premium-screening-center",
        "headline": "Severance Health Check-Up named Korea's top consumer-recommended premium "
        "screening center",
        "section": "hospital",
        "days_ago": 15,
        "standfirst": "Consumers voted the screening centre first in its category.",
        "paragraphs": [
            "Severance Health Check-Up has been named the most recommended premium health "
            "screening centre in a consumer survey.",
            "The centre offers screening programmes planned around each visitor's history and "
            "follows up with the hospital's specialists when results call for it.",
        ],
        "tags": ["rankings", "health screening"],
        "institutions": ["severance-health-check-up"],
        "bylines": ["han-seo-yeon"],
    },
    {
        "slug": "suga-helps-fund-autism-center-at-severance",
        "headline": "BTS Suga helps fund Korea's largest artist-backed autism center at Severance",
        "section": "campus",
        "days_ago": 18,
        "standfirst": "A donation from the musician supports a treatment centre for children and "
        "young people with autism.",
        "paragraphs": [
            "A gift from Suga of BTS is helping Severance open what the hospital describes as "
            "the largest autism centre in Korea funded with an artist's support.",
            "The centre will bring together diagnosis, therapy and family support, with music "
            "among the therapies offered.",
        ],
        "tags": ["autism", "giving", "child health"],
        "institutions": ["severance-hospital"],
        "bylines": ["han-seo-yeon"],
        "image": (70, 40, 120),
    },
    {
        "slug": "severance-named-global-training-hub-for-farapulse",
        "headline": "Severance Hospital named global training hub for FARAPULSE PFA system",
        "section": "hospital",
        "days_ago": 40,
        "standfirst": "Cardiologists from abroad will come to Seoul to learn pulsed field ablation.",
        "paragraphs": [
            "Severance Hospital has been chosen as an international training site for pulsed "
            "field ablation with the FARAPULSE system, used to treat atrial fibrillation.",
            "Visiting cardiologists will observe procedures and review cases with the "
            "hospital's electrophysiology team.",
        ],
        "tags": ["cardiology", "training", "atrial fibrillation"],
        "institutions": ["severance-hospital", "boston-scientific"],
        "agreements": ["severance-farapulse-training-hub"],
        "quotes": [
            (
                "oh-ji-won",
                "Teaching other teams is the fastest way for a new technique "
                "to reach patients safely.",
            )
        ],
        "bylines": ["lee-jun-ho"],
    },
    {
        "slug": "huntingtons-disease-protein-found-to-help-hold-cells-in-shape",
        "headline": "Researchers uncover new role of Huntington's disease protein in maintaining "
        "cell structure",
        "section": "research",
        "days_ago": 21,
        "standfirst": "The protein behind Huntington's disease also helps keep a cell's internal "
        "scaffolding in order, a study finds.",
        "paragraphs": [
            "A team at Yonsei University College of Medicine has found that huntingtin, the "
            "protein altered in Huntington's disease, helps maintain the structure of cells.",
            "The finding may explain some early changes seen in the disease and points to new "
            "targets for treatment.",
        ],
        "tags": ["neuroscience", "medical research"],
        "institutions": ["yonsei-university-college-of-medicine"],
        "quotes": [
            (
                "seo-yu-na",
                "We knew what the faulty protein breaks; now we see more of "
                "what the healthy one holds together.",
            )
        ],
        "bylines": ["lee-jun-ho"],
    },
]

# Shorter stories that give every section some depth.
EXTRA_STORIES = [
    (
        "kaist-gsmse-opens-physician-scientist-admissions",
        "KAIST GSMSE opens admissions for its physician-scientist track",
        "education",
        9,
        "Doctors who want to run laboratories can apply for the next intake.",
        ["education", "physician-scientists", "kaist"],
        ["kaist-gsmse"],
        "park-su-hyung",
    ),
    (
        "yonsei-medicine-white-coat-ceremony",
        "New medical students receive their white coats",
        "education",
        25,
        "The college welcomed its incoming class at a ceremony on campus.",
        ["education", "students"],
        ["yonsei-university-college-of-medicine"],
        "choi-jae-young",
    ),
    (
        "severance-opens-new-emergency-wing",
        "Severance Hospital opens a larger emergency wing",
        "hospital",
        28,
        "More beds and a dedicated paediatric area shorten waiting times.",
        ["emergency care", "facilities"],
        ["severance-hospital"],
        "kim-hyun-woo",
    ),
    (
        "cancer-center-patient-navigators",
        "Yonsei Cancer Center adds patient navigators",
        "hospital",
        31,
        "Nurses now guide newly diagnosed patients through their first weeks.",
        ["cancer", "patient experience"],
        ["yonsei-cancer-center"],
        "yoon-tae-hee",
    ),
    (
        "ai-model-reads-chest-x-rays",
        "Research team trains AI model to flag urgent chest X-rays",
        "research",
        34,
        "The model sorts scans so radiologists see the most urgent first.",
        ["artificial intelligence", "radiology", "medical research"],
        ["yonsei-university-college-of-medicine"],
        None,
    ),
    (
        "gut-microbiome-study-recruits",
        "Microbiome study seeks 2,000 volunteers",
        "research",
        37,
        "Researchers will follow diet and gut bacteria over three years.",
        ["microbiome", "medical research"],
        ["yonsei-university-college-of-medicine"],
        None,
    ),
    (
        "kaist-gsmse-immunology-symposium",
        "KAIST GSMSE hosts immunology symposium",
        "research",
        43,
        "Speakers from five countries discussed T-cell research.",
        ["immunology", "kaist", "convergence research"],
        ["kaist-gsmse"],
        "park-su-hyung",
    ),
    (
        "campus-blood-drive-record",
        "Campus blood drive sets a record",
        "campus",
        46,
        "Students and staff gave more than 900 units in a week.",
        ["giving", "students"],
        ["yonsei-university"],
        None,
    ),
    (
        "medical-library-extends-hours",
        "Medical library extends opening hours for exams",
        "campus",
        49,
        "The library will stay open until midnight during examination weeks.",
        ["students", "facilities"],
        ["yonsei-university-college-of-medicine"],
        None,
    ),
    (
        "nursing-simulation-centre",
        "Simulation centre lets nursing students practise emergencies",
        "education",
        52,
        "Manikins that breathe and bleed help students rehearse rare events.",
        ["education", "simulation", "training"],
        ["yonsei-university-health-system"],
        None,
    ),
    (
        "rare-disease-clinic-one-year",
        "Rare disease clinic marks its first year",
        "hospital",
        55,
        "The clinic has seen patients referred from every province.",
        ["rare diseases", "milestone"],
        ["severance-hospital"],
        None,
    ),
    (
        "wearable-sensor-heart-failure",
        "Wearable sensor warns of heart failure days ahead",
        "research",
        58,
        "A patch worn on the chest picked up fluid build-up before symptoms.",
        ["cardiology", "wearables", "convergence research"],
        ["severance-hospital", "kaist-gsmse"],
        "oh-ji-won",
    ),
    (
        "global-health-summer-school",
        "Global health summer school welcomes 60 students",
        "education",
        61,
        "Students from 14 countries studied health systems in Seoul.",
        ["education", "global health"],
        ["yonsei-university-college-of-medicine"],
        None,
    ),
    (
        "volunteer-clinic-rural-visit",
        "Volunteer clinic visits rural villages",
        "campus",
        64,
        "Doctors and students ran free check-ups over a long weekend.",
        ["volunteering", "students"],
        ["yonsei-university-health-system"],
        None,
    ),
    (
        "yonsei-kaist-joint-seminar-series",
        "Yonsei and KAIST launch a joint seminar series",
        "news",
        8,
        "Monthly seminars will alternate between Seoul and Daejeon, opening each school's "
        "laboratories to the other's researchers.",
        ["seminars", "convergence research", "kaist"],
        ["yonsei-university-college-of-medicine", "kaist-gsmse"],
        "choi-jae-young",
    ),
    (
        "health-system-names-new-research-board",
        "Health system names a new research board",
        "news",
        67,
        "The board will set priorities for clinical research across the hospitals.",
        ["governance", "medical research"],
        ["yonsei-university-health-system"],
        "kim-hyun-woo",
    ),
    (
        "hospital-goes-paperless-consent",
        "Hospital moves patient consent forms to tablets",
        "news",
        70,
        "Patients can read forms in larger type and in several languages.",
        ["digital health", "patient experience"],
        ["severance-hospital"],
        None,
    ),
]

EXTRA_QUOTES = {
    "park-su-hyung": "We want doctors who ask questions at the bedside and answer them at the bench.",
    "choi-jae-young": "Our students join a community that has cared for patients for generations.",
    "kim-hyun-woo": "Patients should feel the difference from the moment they arrive.",
    "yoon-tae-hee": "No one should face a new diagnosis without someone to call.",
    "oh-ji-won": "If we can see trouble coming, we can keep patients out of hospital.",
}

# Stories that must stay out of public view; they let the tests and a
# curious newcomer see every state the publication gate knows.
UNPUBLISHED = [
    (
        "draft-annual-research-report",
        "Draft: annual research report highlights",
        "research",
        "draft",
        {"days_ahead": None},
    ),
    (
        "in-review-new-dean-of-admissions",
        "New dean of admissions appointed",
        "news",
        "review",
        {"days_ahead": None},
    ),
    (
        "scheduled-open-day-announcement",
        "Medical school open day set for spring",
        "campus",
        "published",
        {"days_ahead": 5},
    ),
    (
        "embargoed-journal-paper-on-liver-regeneration",
        "Study shows how the liver regrows after surgery",
        "research",
        "published",
        {"days_ahead": -1, "embargo_days_ahead": 3},
    ),
]

# A second paragraph for each of the shorter stories.
EXTRA_DETAILS = {
    "kaist-gsmse-opens-physician-scientist-admissions": "Applicants hold a medical licence and "
    "spend their doctoral years in a laboratory while keeping a link to clinical practice. "
    "Interviews take place in Daejeon over two days.",
    "yonsei-medicine-white-coat-ceremony": "Families filled the auditorium as each student "
    "was helped into a white coat by a faculty member. The class then read the physician's "
    "pledge together.",
    "severance-opens-new-emergency-wing": "The wing adds treatment bays, a separate entrance "
    "for ambulances and a waiting area designed with parents of young children in mind.",
    "cancer-center-patient-navigators": "Each navigator follows a patient from diagnosis to "
    "the start of treatment, booking tests, explaining results and answering calls.",
    "ai-model-reads-chest-x-rays": "In a trial on past scans, the model placed nearly every "
    "case that needed urgent attention at the top of the reading list. Radiologists still "
    "make every diagnosis.",
    "gut-microbiome-study-recruits": "Volunteers send stool samples and food diaries every "
    "six months; the team hopes to link changes in gut bacteria to later illness.",
    "kaist-gsmse-immunology-symposium": "Sessions covered T-cell exhaustion, vaccine design "
    "and immune responses in the liver, with posters from graduate students.",
    "campus-blood-drive-record": "The blood bank's buses parked outside the student union "
    "for five days; first-time donors made up almost half of those who gave.",
    "medical-library-extends-hours": "Extra staff will keep the reading rooms and the "
    "anatomy study area open, and the café on the ground floor will stay open later too.",
    "nursing-simulation-centre": "Instructors watch from behind one-way glass and replay "
    "each session with the students afterwards.",
    "rare-disease-clinic-one-year": "Geneticists, paediatricians and counsellors see "
    "families together, so a diagnosis that once took years can now take months.",
    "wearable-sensor-heart-failure": "Engineers from KAIST GSMSE built the patch; "
    "cardiologists at Severance tested it with patients recently discharged after heart "
    "failure.",
    "global-health-summer-school": "Students visited community health centres and "
    "compared how different countries pay for primary care.",
    "volunteer-clinic-rural-visit": "The team checked blood pressure and blood sugar, "
    "reviewed medicines and arranged follow-up care for those who needed it.",
    "yonsei-kaist-joint-seminar-series": "The first seminar, on data from wearable devices "
    "in clinical research, drew researchers from both campuses. The series is one step in a "
    "closer partnership the two schools are preparing.",
    "health-system-names-new-research-board": "The board brings together clinicians, "
    "researchers and a patient representative, and will publish its priorities each year.",
    "hospital-goes-paperless-consent": "Signed forms go straight to the patient's record, "
    "and patients can ask for a copy by e-mail.",
}

"""Words and names the benchmark newsroom is built from.

All invented for the benchmark: places that are not real universities, names
assembled from common Korean family names and syllables, and a vocabulary of
words a medical school's news office writes every week. Search rows rely on
two facts about this list: "clinical" and "research" are in it (so they appear
in nearly every body) and ``RARE_WORD`` is not (the seeder puts it in a few
stories only).
"""

RARE_WORD = "axolotl"

WORDS = """
research clinical patients study hospital medicine students faculty university
professor trial treatment disease cancer cells gene genome protein brain heart
lung liver kidney immune therapy vaccine infection virus bacteria antibiotic
diagnosis imaging scan data analysis model results findings evidence published
journal team laboratory lab experiment sample cohort participants volunteers
years months weeks early late risk factor outcome survival recovery care nurse
surgeon surgery operation robot device sensor wearable digital platform software
artificial intelligence learning algorithm prediction screening prevention public
health policy community region national global international partnership joint
program project funding grant award prize fellowship scholarship graduate course
curriculum training education teaching lecture seminar symposium conference
workshop meeting agreement cooperation exchange visit delegation ceremony signed
dean president director chair committee council board office department school
college institute center centre unit ward clinic emergency intensive pediatric
adult elderly aging chronic acute rare common novel new first largest leading
advanced precision personalized targeted molecular cellular tissue organ stem
regeneration repair growth signal pathway mechanism receptor enzyme hormone
metabolism diabetes obesity nutrition diet exercise sleep stress mental depression
anxiety dementia stroke injury pain inflammation response dose drug compound
candidate pharmaceutical company industry startup patent technology transfer
innovation engineering biomedical bioinformatics statistics epidemiology genetics
microbiome sequencing single cell atlas map network collaboration consortium
colleagues authors researchers scientists physicians doctors residents interns
alumni campus building facility equipment microscope scanner accelerator
quality safety ethics consent review approval regulatory phase trial arm placebo
control group randomized blinded observational retrospective prospective
significant improvement reduction increase decrease level measure marker biomarker
blood urine saliva skin bone muscle eye ear tooth oral dental maternal infant
child family home rural urban city province ministry agency foundation society
association network winter spring summer autumn morning week year decade history
future plan goal vision mission strategy support help reach share open free
""".split()  # noqa: SIM905 - a block of words is easier to edit than 300 literals

# A handful of words each story leans on, so that bodies of the same topic
# overlap (what related-article scoring and search ranking feed on).
TOPICS = [
    "cancer",
    "dementia",
    "stroke",
    "diabetes",
    "vaccine",
    "microbiome",
    "robotics",
    "genomics",
    "imaging",
    "transplant",
    "pediatrics",
    "cardiology",
    "ophthalmology",
    "dentistry",
    "nutrition",
    "sleep",
    "infection",
    "immunology",
    "neuroscience",
    "rehabilitation",
    "anesthesia",
    "radiology",
    "pathology",
    "psychiatry",
    "dermatology",
    "nursing",
    "pharmacology",
    "epidemiology",
    "bioethics",
    "surgery",
    "emergency care",
    "aging",
    "obesity",
    "allergy",
    "hepatology",
    "nephrology",
    "oncology",
    "orthopedics",
    "public health",
    "medical education",
]

TAG_QUALIFIERS = ["", "research", "policy", "trials", "education"]

SECTIONS = [
    ("Research", "research"),
    ("Education", "education"),
    ("Hospital", "hospital"),
    ("Campus life", "campus-life"),
    ("Global", "global"),
    ("Awards", "awards"),
    ("Events", "events"),
    ("Opinion", "opinion"),
]

PLACES = [
    "Hanbit",
    "Seorin",
    "Garam",
    "Noeul",
    "Daon",
    "Haneul",
    "Bora",
    "Saebyeok",
    "Onnuri",
    "Purun",
    "Areum",
    "Mirae",
    "Gaon",
    "Nabi",
    "Dasom",
    "Yeoul",
    "Sori",
    "Hwarang",
    "Byeol",
    "Maru",
    "Jinju Bay",
    "Eunha",
    "Nuri",
    "Baram",
    "Hyanggi",
    "Sarang",
    "Talmi",
    "Dodam",
    "Sinbi",
    "Chorong",
]

ROOT_KINDS = [
    ("University", "U", "university"),
    ("University Hospital", "UH", "hospital"),
    ("Institute of Science and Technology", "IST", "research_institute"),
    ("Medical Center", "MC", "hospital"),
    ("Biotech", "BIO", "company"),
    ("Provincial Health Office", "PHO", "government"),
]

UNITS = [
    ("College of Medicine", "COM", "college"),
    ("College of Nursing", "CON", "college"),
    ("College of Dentistry", "COD", "college"),
    ("Graduate School of Medical Science and Engineering", "GSMSE", "graduate_school"),
    ("Graduate School of Public Health", "GSPH", "graduate_school"),
    ("Cancer Research Institute", "CRI", "research_institute"),
    ("Brain Research Institute", "BRI", "research_institute"),
    ("Children's Hospital", "CH", "hospital"),
    ("Department of Biomedical Engineering", "BME", "other"),
    ("Center for Precision Medicine", "CPM", "research_institute"),
    ("Institute for Global Health", "IGH", "research_institute"),
    ("Department of Preventive Medicine", "DPM", "other"),
]

FAMILY_NAMES = [
    "Kim",
    "Lee",
    "Park",
    "Choi",
    "Jung",
    "Kang",
    "Cho",
    "Yoon",
    "Jang",
    "Lim",
    "Han",
    "Oh",
    "Seo",
    "Shin",
    "Kwon",
    "Hwang",
    "Ahn",
    "Song",
    "Yoo",
    "Hong",
]

SYLLABLES = [
    "min",
    "jun",
    "seo",
    "yeon",
    "ji",
    "woo",
    "hye",
    "sung",
    "jae",
    "young",
    "eun",
    "ho",
    "hyun",
    "su",
    "na",
    "kyung",
    "tae",
    "hee",
    "dong",
    "in",
    "ha",
    "yun",
    "bin",
    "chan",
]

TITLES = [
    "Professor",
    "Associate Professor",
    "Assistant Professor",
    "Dean",
    "Vice Dean",
    "Director",
    "Head of Department",
    "President",
    "Chief Executive",
    "Research Fellow",
    "Senior Researcher",
    "Chief Physician",
]

AGREEMENT_AREAS = [
    "Joint research in precision medicine",
    "Student and faculty exchange",
    "Shared use of imaging facilities",
    "Clinical trial networks",
    "Co-supervised doctoral degrees",
    "Technology transfer and start-up support",
    "Public health data sharing",
    "Summer schools for medical students",
    "Training for nurses and technicians",
    "Joint symposia and workshops",
]

HEADLINE_PATTERNS = [
    "{inst} researchers link {topic} to {word}",
    "New {topic} {word} study from {inst}",
    "{inst} opens a centre for {topic}",
    "How {inst} is changing {topic} {word}",
    "{topic} trial at {inst} reports {word} results",
    "{inst} and partners sign {topic} agreement",
    "Students at {inst} win award for {topic} {word}",
    "A decade of {topic} at {inst}",
    "{inst} team maps {word} in {topic}",
    "What {topic} patients should know about {word}",
]

QUOTE_PATTERNS = [
    "This {topic} work shows what patient-centred {word} can do.",
    "We hope the {word} findings change how {topic} is treated.",
    "Our students learned as much about {word} as about {topic}.",
    "The partnership lets us share {word} data on {topic} across borders.",
    "It took years of {word} to reach this point in {topic}.",
]

"""Word lists and sentence parts the writer builds news prose from (English and Ukrainian):
people, places, organisations, topics, quotes, typos. Written out by hand."""

from __future__ import annotations


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


EN_FIRST = _words(
    "Olena Marchenko Andriy Kowalski Maria Fischer James Bennett Sarah Novak Tomasz "
    "Lindqvist Ingrid Harper Daniel Shevchuk Laura Moreau Viktor Keller Emma Dubois "
    "Oleksandr Hughes Nadia Petrenko Peter Larsen Hannah Brennan Marco Sokolova Yulia "
    "Hartmann David Novotny Claire Varga Stefan Horvat Anna Jensen Mikhail Rossi"
)
EN_PLACES = _words(
    "Lviv Odesa Kharkiv Dnipro Gdansk Rotterdam Hamburg Vienna Krakow Riga Tallinn "
    "Constanta Varna Linz Bratislava Brno Poznan Debrecen Cluj Chernivtsi"
)
EN_BRANDS = _words(
    "Baltic Northern Harbour Eastgate Riverside Silverline Meridian Blackwood Crestview "
    "Danube Carpathian Lakeside Ironbridge Westfield Amberline"
)
EN_BRAND_KINDS = (
    "Grain Holdings",
    "Energy",
    "Logistics",
    "Bank",
    "Steelworks",
    "Rail",
    "Telecom",
    "Pharmaceuticals",
    "Shipping",
    "Insurance",
    "Foods",
)
EN_BODIES = (
    "the Ministry of Energy",
    "the Ministry of Finance",
    "the Ministry of Health",
    "the Ministry of Infrastructure",
    "the city council",
    "the regional administration",
    "the national energy regulator",
    "the state railway company",
    "the Supreme Court",
    "the central bank",
    "the customs service",
    "the port authority",
)
EN_TOPICS = {
    "energy": ("the power grid", "gas reserves", "the new wind farm", "electricity tariffs",
               "the coal plant", "the heating season", "the solar park", "fuel imports"),
    "transport": ("the ring road", "the new tram line", "freight traffic", "the airport terminal",
                  "the river bridge", "port traffic", "the rail link", "bus fares"),
    "farming": ("the wheat harvest", "grain exports", "fertiliser prices", "the irrigation scheme",
                "sunflower oil shipments", "the corn crop", "storage capacity", "barley prices"),
    "finance": ("the state budget", "interest rates", "the bond issue", "consumer inflation",
                "the bank's quarterly profit", "mortgage lending", "the pension fund",
                "tax revenues"),
    "health": ("the children's hospital", "vaccination rates", "the new clinic",
               "ambulance response times", "the blood bank", "drug prices",
               "the cancer centre", "waiting lists"),
    "city": ("the water supply", "the central park", "parking fees", "the district heating plant",
             "the housing programme", "street lighting", "waste collection", "the old market hall"),
}  # fmt: skip
EN_DAYS = ("on Monday", "on Tuesday", "on Wednesday", "on Thursday", "on Friday", "on Saturday",
           "late on Sunday", "last week", "earlier this month", "this morning")  # fmt: skip
EN_MONTHS = _words(
"January February March April May June July August September October November "
             "December"
)  # fmt: skip
EN_VP = (
    "be delayed until [{month}|the autumn|next year]",
    "cost [an additional|another|at least] {money}",
    "[affect|hit|leave out] [about|some|up to] {num} [households|families|firms]",
    "resume [within|in] {small} [weeks|months]",
    "[require|need] approval from [parliament|the cabinet|the city council|regulators]",
    "be [reviewed|checked|examined] by [independent auditors|a special commission|prosecutors]",
    "create [up to|about|more than] {num} [jobs|new jobs|seasonal jobs]",
    "be [finished|completed] [ahead of schedule|by {month}|before the winter]",
    "face [legal challenges|lawsuits|objections] from [residents|landowners|rival bidders]",
    "depend on [loans|grants|guarantees] from [international lenders|the EU|donors]",
    "be extended to {small} more [districts|towns|regions]",
    "raise [monthly bills|prices|fares] by {pct} per cent",
    "be put to a [public consultation|vote|referendum]",
    "need {money} in [fresh|new|emergency] funding",
)
EN_PAST = ("approved", "postponed", "criticised", "defended", "announced", "rejected",
           "expanded", "suspended", "reviewed", "finalised", "backed", "questioned", "unveiled",
           "scrapped", "revised", "signed off")  # fmt: skip
EN_ROLES = ("a spokesperson for", "the head of", "a senior analyst at", "the deputy director of",
            "an adviser to", "a board member of", "a lawyer for", "the finance director of",
            "a former official at", "the press secretary of")  # fmt: skip
EN_OUTLETS = ("reporters", "journalists", "local television", "a radio station",
              "the Harbour Gazette", "Northstar Press", "a news conference")  # fmt: skip
EN_QUOTES = (
    "[We are doing|We will do|The team is doing] everything [we can|possible] to [keep|get] "
    "{noun} [running|back on track|under control], but we need [more support|more time|help]",
    "This is a [difficult|painful|necessary] decision, and [nobody|none of us] [here|in {place}] "
    "[takes|took] it lightly",
    "[Nobody|No one] [expected|predicted] {noun} to become [a problem|a crisis|so expensive] "
    "[so quickly|this year|in {month}]",
    "Our [priority|goal|task] is [simple|clear]: people must not pay for [other people's "
    "mistakes|bad planning|the delays]",
    "We have the [money|funding], we have the [plan|design], and now [the contractors|the "
    "builders|the ministry] [must|need to] deliver",
    "I have [seen|known] nothing like this in {small} years of [work|service] in {place}",
    "The [numbers|figures] speak for themselves, and they are [not good|worrying|worse than "
    "last year]",
    "We will publish [every document|all contracts|the audit] so that [anyone|every resident] "
    "can check what we did",
    "If the weather holds, {noun} will be back to normal by [{month}|the weekend|next week]",
)
EN_TYPOS = {
    "government": "goverment",
    "received": "recieved",
    "occurred": "occured",
    "until": "untill",
    "separate": "seperate",
    "committee": "comittee",
    "environment": "enviroment",
    "definitely": "definately",
}

UK_PEOPLE = (
    ("Олена Ковальчук", "f"), ("Андрій Мельник", "m"), ("Марія Бондаренко", "f"),
    ("Ігор Ткаченко", "m"), ("Наталія Шевчук", "f"), ("Сергій Кравченко", "m"),
    ("Оксана Литвиненко", "f"), ("Василь Гнатюк", "m"), ("Юлія Мороз", "f"),
    ("Дмитро Павленко", "m"), ("Ірина Савчук", "f"), ("Тарас Руденко", "m"),
    ("Галина Остапчук", "f"), ("Богдан Лисенко", "m"), ("Світлана Гуменюк", "f"),
    ("Роман Дячук", "m"),
)  # fmt: skip
UK_ROLES = ("речник міської ради", "заступник голови обласної адміністрації",
            "аналітик інвестиційної компанії", "директор департаменту", "депутат міської ради",
            "голова профспілки", "керівник пресслужби", "експерт аналітичного центру")  # fmt: skip
UK_PLACES = (("Львів", "у Львові"), ("Одеса", "в Одесі"), ("Харків", "у Харкові"),
             ("Дніпро", "у Дніпрі"), ("Вінниця", "у Вінниці"), ("Полтава", "у Полтаві"),
             ("Черкаси", "у Черкасах"), ("Житомир", "у Житомирі"), ("Ужгород", "в Ужгороді"),
             ("Луцьк", "у Луцьку"), ("Суми", "у Сумах"), ("Рівне", "у Рівному"),
             ("Тернопіль", "у Тернополі"), ("Чернігів", "у Чернігові"))  # fmt: skip
UK_BRANDS = ("Дніпро Агро", "Карпатська енергія", "Південний порт", "Зерновий союз",
             "Поділля Трейд", "Західна логістика", "Волинь Буд", "Сіверське молоко",
             "Степова енергія", "Галицькі мережі")  # fmt: skip
UK_BODIES = (
    ("Міністерство енергетики", "n"), ("Міністерство фінансів", "n"),
    ("Міністерство охорони здоров'я", "n"), ("Міська рада", "f"),
    ("Обласна військова адміністрація", "f"), ("Національний банк", "m"),
    ("Державна митна служба", "f"), ("Верховний суд", "m"), ("Фонд державного майна", "m"),
    ("Укренергонагляд", "m"), ("Адміністрація морських портів", "f"),
)  # fmt: skip
UK_TOPICS = {
    "energy": (("ремонт підстанції", "m"), ("опалювальний сезон", "m"),
               ("тарифи на електроенергію", "pl"), ("будівництво вітрової електростанції", "n"),
               ("імпорт газу", "m"), ("нова сонячна станція", "f")),
    "transport": (("ремонт мосту", "m"), ("нова трамвайна лінія", "f"),
                  ("вартість проїзду", "f"), ("реконструкція аеропорту", "f"),
                  ("вантажні перевезення", "pl"), ("об'їзна дорога", "f")),
    "farming": (("експорт зерна", "m"), ("врожай пшениці", "m"), ("ціни на добрива", "pl"),
                ("зрошувальна система", "f"), ("посівна кампанія", "f"), ("зберігання зерна", "n")),
    "finance": (("державний бюджет", "m"), ("облікова ставка", "f"), ("іпотечне кредитування", "n"),
                ("пенсійний фонд", "m"), ("податкові надходження", "pl"), ("інфляція", "f")),
    "health": (("дитяча лікарня", "f"), ("вакцинація", "f"), ("нова амбулаторія", "f"),
               ("черги до лікарів", "pl"), ("ціни на ліки", "pl"), ("онкологічний центр", "m")),
    "city": (("водопостачання", "n"), ("центральний парк", "m"), ("вартість паркування", "f"),
             ("вивезення сміття", "n"), ("програма доступного житла", "f"),
             ("вуличне освітлення", "n")),
}  # fmt: skip
UK_DAYS = ("у понеділок", "у вівторок", "у середу", "у четвер", "у п'ятницю", "у суботу",
           "минулого тижня", "на початку місяця", "сьогодні вранці")  # fmt: skip
UK_MONTHS_GEN = _words(
"січня лютого березня квітня травня червня липня серпня вересня жовтня "
                 "листопада грудня"
)  # fmt: skip
UK_MONTHS_LOC = _words(
"січні лютому березні квітні травні червні липні серпні вересні жовтні "
                 "листопаді грудні"
)  # fmt: skip
UK_INF = (
    "затриматися до [кінця|середини] {month_gen}",
    "коштувати [додатково|ще|щонайменше] {money}",
    "торкнутися [близько|понад|майже] {num} [домогосподарств|родин|підприємств]",
    "відновитися протягом {small} [тижнів|місяців]",
    "потребувати [схвалення|погодження] [парламенту|уряду|міської ради]",
    "пройти [незалежний аудит|перевірку спеціальної комісії|експертизу]",
    "створити [до|близько|понад] {num} робочих місць",
    "завершитися [раніше запланованого|до зими|до кінця {month_gen}]",
    "спричинити [судові позови|скарги|протести] [мешканців|землевласників|конкурентів]",
    "залежати від [кредитів|грантів|гарантій] [міжнародних партнерів|ЄС|донорів]",
    "поширитися ще на {small} [районів|громад|міст]",
    "підвищити [щомісячні платежі|ціни|тарифи] на {pct}%",
)
UK_QUOTES = (
    "Ми [робимо|зробимо] все [можливе|від нас залежне], щоб люди не відчули перебоїв, але нам "
    "[потрібна підтримка|потрібен час|потрібна допомога]",
    "Це [складне|болісне|вимушене] рішення, і ніхто з нас не ухвалював його легковажно",
    "[Ніхто|Жоден фахівець] не [очікував|прогнозував], що ситуація [погіршиться|зміниться] так "
    "швидко",
    "Наш [пріоритет|головне завдання] [простий|просте|очевидне]: люди не повинні платити за "
    "[чужі помилки|погане планування|затримки]",
    "[Гроші|Фінансування] є, [план|проєкт] є, тепер [підрядники|будівельники|міністерство] "
    "[мають|повинні] виконати свою роботу",
    "За {small} років [роботи|служби] я не бачив нічого подібного",
    "Цифри говорять самі за себе, і вони [невтішні|тривожні|гірші, ніж торік]",
    "Ми оприлюднимо [всі документи|усі договори|результати аудиту], щоб кожен міг перевірити "
    "наші дії",
)
UK_VERB = {  # past tense by gender/number of the subject
    "say": {"m": "заявив", "f": "заявила", "n": "заявило", "pl": "заявили"},
    "report": {"m": "повідомив", "f": "повідомила", "n": "повідомило", "pl": "повідомили"},
    "tell": {"m": "сказав", "f": "сказала", "n": "сказало", "pl": "сказали"},
    "promise": {"m": "пообіцяв", "f": "пообіцяла", "n": "пообіцяло", "pl": "пообіцяли"},
    "add": {"m": "додав", "f": "додала", "n": "додало", "pl": "додали"},
    "note": {"m": "зазначив", "f": "зазначила", "n": "зазначило", "pl": "зазначили"},
}

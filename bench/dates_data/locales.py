"""Locale tables for generate.py: month and weekday names, labels, titles and bodies,
written out by hand per locale (they must not share newsbot's or dateparser's tables)."""

# ruff: noqa: E501  (locale tables read better unwrapped)
from __future__ import annotations

import html
from datetime import UTC, date, datetime

# ----------------------------------------------------------------------------- locales

EN_M = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
EN_AP = [
    "Jan.",
    "Feb.",
    "March",
    "April",
    "May",
    "June",
    "July",
    "Aug.",
    "Sept.",
    "Oct.",
    "Nov.",
    "Dec.",
]
EN_AB = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
EN_WD = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
EN_WDA = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
MONTHS = {
    "de": "Januar Februar März April Mai Juni Juli August September Oktober November Dezember",
    "fr": "janvier février mars avril mai juin juillet août septembre octobre novembre décembre",
    "es": "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre",
    "it": "gennaio febbraio marzo aprile maggio giugno luglio agosto settembre ottobre novembre dicembre",
    "pt": "janeiro fevereiro março abril maio junho julho agosto setembro outubro novembro dezembro",
    "ru": "января февраля марта апреля мая июня июля августа сентября октября ноября декабря",
    "uk": "січня лютого березня квітня травня червня липня серпня вересня жовтня листопада грудня",
    "pl": "stycznia lutego marca kwietnia maja czerwca lipca sierpnia września października listopada grudnia",
    "nl": "januari februari maart april mei juni juli augustus september oktober november december",
    "tr": "Ocak Şubat Mart Nisan Mayıs Haziran Temmuz Ağustos Eylül Ekim Kasım Aralık",
}
MONTHS = {k: v.split() for k, v in MONTHS.items()}
WEEKDAYS = {
    "de": "Montag Dienstag Mittwoch Donnerstag Freitag Samstag Sonntag",
    "fr": "lundi mardi mercredi jeudi vendredi samedi dimanche",
    "es": "lunes martes miércoles jueves viernes sábado domingo",
    "it": "lunedì martedì mercoledì giovedì venerdì sabato domenica",
    "pt": "segunda-feira terça-feira quarta-feira quinta-feira sexta-feira sábado domingo",
    "ru": "понедельник вторник среда четверг пятница суббота воскресенье",
    "uk": "понеділок вівторок середа четвер пʼятниця субота неділя",
    "pl": "poniedziałek wtorek środa czwartek piątek sobota niedziela",
    "nl": "maandag dinsdag woensdag donderdag vrijdag zaterdag zondag",
    "tr": "Pazartesi Salı Çarşamba Perşembe Cuma Cumartesi Pazar",
}
WEEKDAYS = {k: v.split() for k, v in WEEKDAYS.items()}
JA_WD = "月火水木金土日"
ZH_WD = "一二三四五六日"

#: locale → (zones, site names)
LOCALES: dict[str, tuple[list[str], list[str]]] = {
    "en-US": (
        ["America/New_York", "America/Chicago", "America/Los_Angeles", "America/Denver"],
        ["Lakeside Courier", "The Valley Dispatch", "Metro Ledger", "Prairie Post"],
    ),
    "en-GB": (["Europe/London"], ["The Harbour Gazette", "Northfield Echo", "Dales Chronicle"]),
    "de": (["Europe/Berlin", "Europe/Vienna"], ["Stadtanzeiger", "Rheinische Rundschau"]),
    "fr": (["Europe/Paris"], ["Le Courrier du Lac", "La Dépêche Locale"]),
    "es": (["Europe/Madrid"], ["El Diario del Puerto", "Noticias de la Sierra"]),
    "es-MX": (["America/Mexico_City"], ["El Informador del Valle", "Crónica Regional"]),
    "it": (["Europe/Rome"], ["Il Corriere del Borgo", "La Voce di Valle"]),
    "pt-BR": (["America/Sao_Paulo"], ["Jornal do Litoral", "Folha da Serra"]),
    "ru": (["Europe/Moscow"], ["Городские вести", "Северный курьер"]),
    "uk": (["Europe/Kyiv"], ["Міські новини", "Подільський вісник"]),
    "pl": (["Europe/Warsaw"], ["Gazeta Miejska", "Kurier Pomorski"]),
    "nl": (["Europe/Amsterdam"], ["Het Stadsblad", "De Polderkrant"]),
    "tr": (["Europe/Istanbul"], ["Kent Haber", "Ege Postası"]),
    "ja": (["Asia/Tokyo"], ["みなと新聞", "北部日報"]),
    "zh": (["Asia/Shanghai"], ["城市日报", "江南晚报"]),
}

TITLES = {
    "en": ["City council approves new bus lanes", "Library extends its opening hours",
           "Storm leaves thousands without power", "New bridge opens to traffic",
           "School district adopts four-day week"],
    "de": ["Stadtrat beschließt neue Busspuren", "Bibliothek verlängert Öffnungszeiten",
           "Sturm sorgt für Stromausfälle", "Neue Brücke für den Verkehr freigegeben"],
    "fr": ["Le conseil municipal adopte de nouvelles voies de bus", "La bibliothèque prolonge ses horaires",
           "La tempête prive des milliers de foyers d'électricité"],
    "es": ["El ayuntamiento aprueba nuevos carriles bus", "La biblioteca amplía su horario",
           "La tormenta deja sin luz a miles de hogares"],
    "it": ["Il consiglio comunale approva nuove corsie preferenziali", "La biblioteca allunga l'orario",
           "Il maltempo lascia migliaia di case senza luce"],
    "pt": ["Câmara aprova novas faixas de ônibus", "Biblioteca amplia horário de funcionamento",
           "Temporal deixa milhares sem energia"],
    "ru": ["Городской совет одобрил новые автобусные полосы", "Библиотека продлила часы работы",
           "Ураган оставил тысячи домов без света"],
    "uk": ["Міськрада схвалила нові смуги для автобусів", "Бібліотека подовжила години роботи",
           "Буревій залишив тисячі домівок без світла"],
    "pl": ["Rada miasta zatwierdziła nowe buspasy", "Biblioteka wydłuża godziny otwarcia",
           "Wichura pozbawiła prądu tysiące domów"],
    "nl": ["Gemeenteraad keurt nieuwe busbanen goed", "Bibliotheek verruimt openingstijden",
           "Storm laat duizenden huizen zonder stroom"],
    "tr": ["Belediye meclisi yeni otobüs şeritlerini onayladı", "Kütüphane çalışma saatlerini uzattı",
           "Fırtına binlerce evi elektriksiz bıraktı"],
    "ja": ["市議会、新たなバス専用レーンを承認", "図書館が開館時間を延長", "台風で数千世帯が停電"],
    "zh": ["市议会批准新建公交专用道", "图书馆延长开放时间", "暴风雨致数千户停电"],
}  # fmt: skip
BODY = {
    "en": "The decision follows months of debate among residents and local businesses. Officials said work would begin shortly and take about a year.",
    "de": "Die Entscheidung folgt auf monatelange Diskussionen mit Anwohnern und Geschäftsleuten. Die Arbeiten sollen bald beginnen.",
    "fr": "La décision fait suite à des mois de débats avec les habitants et les commerçants. Les travaux doivent commencer prochainement.",
    "es": "La decisión llega tras meses de debate con vecinos y comerciantes. Las obras comenzarán en breve.",
    "it": "La decisione arriva dopo mesi di discussioni con residenti e commercianti. I lavori inizieranno a breve.",
    "pt": "A decisão vem depois de meses de debate com moradores e comerciantes. As obras devem começar em breve.",
    "ru": "Решение принято после нескольких месяцев обсуждений с жителями и предпринимателями. Работы начнутся в ближайшее время.",
    "uk": "Рішення ухвалили після кількох місяців обговорень із мешканцями та підприємцями. Роботи почнуться найближчим часом.",
    "pl": "Decyzja zapadła po miesiącach dyskusji z mieszkańcami i przedsiębiorcami. Prace mają ruszyć wkrótce.",
    "nl": "Het besluit volgt op maandenlang overleg met bewoners en ondernemers. De werkzaamheden beginnen binnenkort.",
    "tr": "Karar, mahalle sakinleri ve esnafla aylar süren görüşmelerin ardından alındı. Çalışmaların yakında başlaması bekleniyor.",
    "ja": "住民や商店主との数か月にわたる協議を経て決定した。工事は近く始まる予定だ。",
    "zh": "这一决定是在与居民和商户数月讨论之后作出的。工程预计不久后开工。",
}
EVENT = {
    "en": "The council first discussed the plan on {d}.",
    "de": "Der Stadtrat hatte den Plan erstmals am {d} beraten.",
    "fr": "Le conseil avait examiné le projet pour la première fois le {d}.",
    "es": "El pleno debatió el plan por primera vez el {d}.",
    "it": "Il consiglio aveva discusso il piano per la prima volta il {d}.",
    "pt": "A câmara discutiu o plano pela primeira vez em {d}.",
    "ru": "Впервые совет обсуждал план {d}.",
    "uk": "Уперше рада обговорювала план {d}.",
    "pl": "Rada po raz pierwszy omawiała plan {d}.",
    "nl": "De raad besprak het plan voor het eerst op {d}.",
    "tr": "Meclis planı ilk kez {d} tarihinde görüştü.",
    "ja": "市議会は{d}に初めて計画を審議した。",
    "zh": "市议会于{d}首次讨论了该计划。",
}
LBL_PUB = {
    "en": ["Published", "Posted on", "Published on", "First published"],
    "de": ["Veröffentlicht am", "Erschienen am", "Veröffentlicht:"],
    "fr": ["Publié le", "Publié le", "Paru le"],
    "es": ["Publicado el", "Publicado:"],
    "it": ["Pubblicato il", "Pubblicato:"],
    "pt": ["Publicado em", "Publicado"],
    "ru": ["Опубликовано:", "Дата публикации:"],
    "uk": ["Опубліковано:", "Дата публікації:"],
    "pl": ["Opublikowano:", "Data publikacji:", "Dodano:"],
    "nl": ["Gepubliceerd op", "Geplaatst op", "Gepubliceerd:"],
    "tr": ["Yayınlanma:", "Yayınlanma Tarihi:", "Oluşturulma:"],
    "ja": ["公開日：", "配信日時：", "掲載日："],
    "zh": ["发布时间：", "发表于", "时间："],
}
LBL_UPD = {
    "en": ["Updated", "Last updated", "Updated on", "Modified"],
    "de": ["Aktualisiert am", "Zuletzt aktualisiert:", "Stand:"],
    "fr": ["Mis à jour le", "Modifié le", "Actualisé le"],
    "es": ["Actualizado el", "Actualizado:", "Última actualización:"],
    "it": ["Aggiornato il", "Ultimo aggiornamento:"],
    "pt": ["Atualizado em", "Atualizado"],
    "ru": ["Обновлено:", "Изменено:"],
    "uk": ["Оновлено:", "Змінено:"],
    "pl": ["Aktualizacja:", "Zaktualizowano:"],
    "nl": ["Bijgewerkt op", "Laatst bijgewerkt:", "Gewijzigd op"],
    "tr": ["Güncelleme:", "Güncellenme Tarihi:", "Son güncelleme:"],
    "ja": ["更新日：", "最終更新："],
    "zh": ["更新时间：", "最后更新："],
}
BY = {"en": "By", "de": "Von", "fr": "Par", "es": "Por", "it": "di", "pt": "Por", "ru": "Автор:",
      "uk": "Автор:", "pl": "Autor:", "nl": "Door", "tr": "Yazar:", "ja": "記者：", "zh": "作者："}  # fmt: skip
AUTHORS = {"en": ["Jane Miller", "Tom Hughes"], "de": ["Anna Schmidt", "Jonas Weber"],
           "fr": ["Claire Martin", "Luc Bernard"], "es": ["Lucía García", "Pablo Ruiz"],
           "it": ["Giulia Rossi", "Marco Bianchi"], "pt": ["Ana Souza", "Pedro Lima"],
           "ru": ["Ирина Волкова", "Павел Смирнов"], "uk": ["Олена Коваль", "Андрій Мельник"],
           "pl": ["Anna Nowak", "Piotr Zieliński"], "nl": ["Sanne de Vries", "Pieter Jansen"],
           "tr": ["Ayşe Yılmaz", "Mehmet Kaya"], "ja": ["山田花子", "佐藤健"], "zh": ["李明", "王芳"]}  # fmt: skip
HEAD = {  # related, most read, comments, copyright words
    "en": ("Related articles", "Most read", "Comments", "All rights reserved."),
    "de": ("Mehr zum Thema", "Meistgelesen", "Kommentare", "Alle Rechte vorbehalten."),
    "fr": ("À lire aussi", "Les plus lus", "Commentaires", "Tous droits réservés."),
    "es": (
        "Noticias relacionadas",
        "Lo más leído",
        "Comentarios",
        "Todos los derechos reservados.",
    ),
    "it": ("Leggi anche", "I più letti", "Commenti", "Tutti i diritti riservati."),
    "pt": ("Leia também", "Mais lidas", "Comentários", "Todos os direitos reservados."),
    "ru": ("Читайте также", "Самое читаемое", "Комментарии", "Все права защищены."),
    "uk": ("Читайте також", "Найпопулярніше", "Коментарі", "Усі права захищено."),
    "pl": ("Czytaj także", "Najczęściej czytane", "Komentarze", "Wszelkie prawa zastrzeżone."),
    "nl": ("Lees ook", "Meest gelezen", "Reacties", "Alle rechten voorbehouden."),
    "tr": ("İlgili Haberler", "En çok okunanlar", "Yorumlar", "Tüm hakları saklıdır."),
    "ja": ("関連記事", "アクセスランキング", "コメント", "無断転載を禁じます。"),
    "zh": ("相关新闻", "热门文章", "评论", "版权所有"),
}
#: zone abbreviations as sites print them: zone → (standard, daylight)
ABBR = {
    "America/New_York": ("EST", "EDT"), "America/Chicago": ("CST", "CDT"),
    "America/Denver": ("MST", "MDT"), "America/Los_Angeles": ("PST", "PDT"),
    "Europe/London": ("GMT", "BST"), "Europe/Berlin": ("MEZ", "MESZ"),
    "Europe/Vienna": ("MEZ", "MESZ"), "Europe/Paris": ("CET", "CEST"),
    "Europe/Madrid": ("CET", "CEST"), "Europe/Rome": ("CET", "CEST"),
    "Europe/Amsterdam": ("CET", "CEST"), "Europe/Warsaw": ("CET", "CEST"),
    "Europe/Moscow": ("МСК", "МСК"), "Asia/Tokyo": ("JST", "JST"),
}  # fmt: skip
GENERIC_US = {"America/New_York": "ET", "America/Chicago": "CT", "America/Denver": "MT",
              "America/Los_Angeles": "PT"}  # fmt: skip


# ----------------------------------------------------------------------------- writing a date


def base(lc: str) -> str:
    return lc.split("-")[0]


# ----------------------------------------------------------------------------- formatting


def fmt_day(lc: str, d: date, *, weekday: bool = False, year: bool = True, style: int = 0) -> str:
    """A day as a site in this locale prints it ('March 14, 2023', '14. März 2023', …)."""
    b, wd = base(lc), d.weekday()
    if lc == "en-US":
        month = (EN_M, EN_AP, EN_AB)[style % 3][d.month - 1]
        s = f"{month} {d.day}" + (f", {d.year}" if year else "")
        return f"{EN_WD[wd]}, {s}" if weekday else s
    if b == "en":
        month = (EN_M, EN_M, EN_AB)[style % 3][d.month - 1]
        s = f"{d.day} {month}" + (f" {d.year}" if year else "")
        return f"{EN_WD[wd]} {s}" if weekday else s
    if b == "ja":
        s = (f"{d.year}年" if year else "") + f"{d.month}月{d.day}日"
        return f"{s}({JA_WD[wd]})" if weekday else s
    if b == "zh":
        s = (f"{d.year}年" if year else "") + f"{d.month}月{d.day}日"
        return f"{s} 星期{ZH_WD[wd]}" if weekday else s
    m, w = MONTHS[b][d.month - 1], WEEKDAYS[b][wd]
    y = f" {d.year}" if year else ""
    if b == "de":
        s = f"{d.day}. {m}{y}"
        return f"{w}, {s}" if weekday else s
    if b in ("es", "pt"):
        s = f"{d.day} de {m}" + (f" de {d.year}" if year else "")
        return f"{w}, {s}" if weekday else s
    if b == "tr":
        s = f"{d.day} {m}{y}"
        return f"{s} {w}" if weekday else s
    if b in ("ru", "uk") and year and style % 2:
        y = f" {d.year} " + ("г." if b == "ru" else "р.")
    s = f"{d.day} {m}{y}"
    sep = ", " if b in ("ru", "uk", "pl") else " "
    return f"{w}{sep}{s}" if weekday else s


def fmt_numeric(lc: str, d: date, style: int = 0) -> str:
    b = base(lc)
    if lc == "en-US":
        return f"{d.month:02d}/{d.day:02d}/{d.year}" if style % 2 else f"{d.month}/{d.day}/{d.year}"
    if b in ("ja",):
        return f"{d.year}/{d.month:02d}/{d.day:02d}"
    if b == "zh":
        return f"{d.year}-{d.month:02d}-{d.day:02d}"
    if b in ("de", "ru", "uk", "pl", "tr"):
        return f"{d.day:02d}.{d.month:02d}.{d.year}"
    if b == "nl":
        return f"{d.day:02d}-{d.month:02d}-{d.year}"
    return f"{d.day:02d}/{d.month:02d}/{d.year}"


def fmt_clock(lc: str, t: datetime, style: int = 0) -> str:
    b, h, m = base(lc), t.hour, t.minute
    h12, ap = (h % 12 or 12), ("am" if h < 12 else "pm")
    if lc == "en-US":
        return [f"{h12}:{m:02d} {ap[0]}.m.", f"{h12}:{m:02d} {ap.upper()}", f"{h12}:{m:02d} {ap}"][
            style % 3
        ]
    if b == "en":
        return [f"{h:02d}:{m:02d}", f"{h12}.{m:02d}{ap}", f"{h12}:{m:02d}{ap}"][style % 3]
    if b == "de":
        return [f"{h:02d}:{m:02d} Uhr", f"{h}:{m:02d}"][style % 2]
    if b in ("fr", "pt"):
        return [f"{h:02d}h{m:02d}", f"{h:02d}:{m:02d}"][style % 2]
    if b == "ja":
        return [f"{h}時{m:02d}分", f"{h:02d}:{m:02d}"][style % 2]
    return f"{h:02d}:{m:02d}"


JOIN = {"en": [" at ", ", ", " "], "de": [", ", " um ", " | "], "fr": [" à ", ", "],
        "es": [" a las ", ", ", " - "], "it": [" alle ", ", ore ", " - "], "pt": [" às ", " - ", ", "],
        "ru": [", ", " в ", " "], "uk": [", ", " о ", " "], "pl": [", ", " o ", " "],
        "nl": [" om ", ", ", " "], "tr": [" ", ", ", " - "], "ja": [" ", " "], "zh": [" ", " "]}  # fmt: skip


def zone_abbr(zone: str, t: datetime, generic: bool) -> str | None:
    if generic and zone in GENERIC_US:
        return GENERIC_US[zone]
    pair = ABBR.get(zone)
    if not pair:
        return None
    return pair[1] if t.dst() else pair[0]


def iso(t: datetime, mode: str) -> str:
    """Machine value as CMSs write it: 'local' offset, 'utc' (Z), 'naive', 'date'."""
    if mode == "utc":
        return t.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    if mode == "naive":
        return t.strftime("%Y-%m-%dT%H:%M:%S")
    if mode == "date":
        return t.strftime("%Y-%m-%d")
    return t.isoformat()


def esc(s: str) -> str:
    return html.escape(s, quote=True)


# ----------------------------------------------------------------------------- the page model

#: primary evidence kinds, strongest first (weaker extras may be added below the primary)

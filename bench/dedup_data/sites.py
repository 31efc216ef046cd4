"""The publishers of the synthetic web: agencies, papers, blogs and aggregators in two
languages, each with the credit line and sign-off that real ones use."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Site:
    """A publisher: `name` is the source key, `site_name` what its pages call it."""

    name: str
    site_name: str
    host: str
    language: str
    role: str  # agency, paper, blog, aggregator
    credit: str = ""  # the name other sites put in their credit lines
    sign_off: str = ""  # standard paragraph closing this agency's briefs


SITES = (
    Site(
        "northstar",
        "Northstar Press",
        "northstarpress.example",
        "en",
        "agency",
        "NORTHSTAR",
        "Northstar Press is an independent news agency covering Central and Eastern Europe "
        "from bureaus in Warsaw, Kyiv, Vienna and Bucharest. Our reporting is available to "
        "subscribers in real time. For licensing enquiries, corrections or tips, contact the "
        "duty editor at desk@northstarpress.example or call the newsroom around the clock.",
    ),
    Site(
        "contiwire",
        "Continental Wire",
        "contiwire.example",
        "en",
        "agency",
        "Continental Wire",
        "Continental Wire delivers breaking business and policy news to more than 400 "
        "newsrooms across the region. Reproduction of this item without a valid licence is "
        "prohibited. Subscribers can find the full market data package, photographs and "
        "related coverage in the Continental Wire client portal.",
    ),
    Site("gazette", "The Harbour Gazette", "harbourgazette.example", "en", "paper"),
    Site("courier", "Midland Courier", "midlandcourier.example", "en", "paper"),
    Site("grainwatch", "GrainWatch", "grainwatch.example", "en", "blog"),
    Site("citybeat", "CityBeat Blog", "citybeat.example", "en", "blog"),
    Site("newshub", "NewsHub", "newshub.example", "en", "aggregator"),
    Site("dailyfeed", "Daily Feed", "dailyfeed.example", "en", "aggregator"),
    Site(
        "ukrpres",
        "Укрпрес",
        "ukrpres.example",
        "uk",
        "agency",
        "Укрпрес",
        "Укрпрес — незалежне інформаційне агентство, що працює з 1998 року та має "
        "кореспондентів у всіх обласних центрах України. Використання матеріалів "
        "дозволяється лише за умови гіперпосилання на сайт агентства. Новини, фото та "
        "відео надсилайте на редакційну пошту або в офіційний телеграм-канал агентства.",
    ),
    Site(
        "dniprovisti",
        "Дніпровісті",
        "dniprovisti.example",
        "uk",
        "agency",
        "Дніпровісті",
        "Дніпровісті — регіональне агентство новин, яке щодня публікує оперативну "
        "інформацію про події на Дніпропетровщині та в сусідніх областях. Передрук "
        "матеріалів можливий лише з активним посиланням на джерело. Редакція не завжди "
        "поділяє думку авторів колонок і не відповідає за зміст реклами.",
    ),
    Site("vechirnii", "Вечірній вісник", "vechirnii.example", "uk", "paper"),
    Site("zahid", "Західний кур'єр", "zahid.example", "uk", "paper"),
    Site("novynytut", "Новини тут", "novynytut.example", "uk", "blog"),
    Site("mistoblog", "Місто і люди", "mistoblog.example", "uk", "blog"),
    Site("uanewsfeed", "UA Newsfeed", "uanewsfeed.example", "uk", "aggregator"),
    Site("zbirka", "Збірка новин", "zbirka.example", "uk", "aggregator"),
)
SITE = {s.name: s for s in SITES}


def sites_of(language: str, role: str) -> list[Site]:
    return [s for s in SITES if s.language == language and s.role == role]

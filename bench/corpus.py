"""Synthetic proposal corpus with form-letter campaigns and known gold groups.

    python -m bench.corpus --n 100000 --out /tmp/corpus.jsonl --gold /tmp/gold.jsonl [--seed 1] [--malformed 0]

Every vocabulary below is written for this generator. A corpus mixes:

- distinct proposals in Kazakh (Cyrillic), Russian, Kazakh re-typed in Latin script, Kazakh typed
  without Kazakh letters, English and mixed kk/ru, composed phrase by phrase from topic vocabularies
  (articles, rights, ecology, language, the Kurultai, regions …) so that two proposals on the same
  topic share words but not the letter;
- form-letter campaigns: one base letter copied tens to thousands of times, each copy with a greeting
  or a signature added, words dropped, typos, case and punctuation changes, Latin re-typing;
- resubmissions (one citizen sending the same proposal again with small edits);
- short reactions ("Қолдаймын!") and noise (emoji, random characters, long rambling texts, empty text).

The gold file has one line per proposal: `{"id", "group": str|null, "language"}`; members of one
campaign, one resubmitted proposal or one identical short reaction share a group.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

REGIONS = [
    # slug, centre in kk, centre in ru, centre in en
    ("abai", "Семей", "Семей", "Semey"),
    ("akmola", "Көкшетау", "Кокшетау", "Kokshetau"),
    ("aktobe", "Ақтөбе", "Актобе", "Aktobe"),
    ("almaty_region", "Қонаев", "Конаев", "Konaev"),
    ("atyrau", "Атырау", "Атырау", "Atyrau"),
    ("east_kazakhstan", "Өскемен", "Усть-Каменогорск", "Oskemen"),
    ("jetisu", "Талдықорған", "Талдыкорган", "Taldykorgan"),
    ("zhambyl", "Тараз", "Тараз", "Taraz"),
    ("karaganda", "Қарағанды", "Караганда", "Karaganda"),
    ("kostanay", "Қостанай", "Костанай", "Kostanay"),
    ("kyzylorda", "Қызылорда", "Кызылорда", "Kyzylorda"),
    ("mangystau", "Ақтау", "Актау", "Aktau"),
    ("north_kazakhstan", "Петропавл", "Петропавловск", "Petropavl"),
    ("pavlodar", "Павлодар", "Павлодар", "Pavlodar"),
    ("turkistan", "Түркістан", "Туркестан", "Turkistan"),
    ("ulytau", "Жезқазған", "Жезказган", "Zhezkazgan"),
    ("west_kazakhstan", "Орал", "Уральск", "Oral"),
    ("astana", "Астана", "Астана", "Astana"),
    ("almaty", "Алматы", "Алматы", "Almaty"),
    ("shymkent", "Шымкент", "Шымкент", "Shymkent"),
]
CHANNELS = ["portal", "web", "meeting", "letter", "party", "api"]

# Per theme: kk objects (nominative phrases, used before "туралы"), ru objects (prepositional, with
# "о/об"), en objects, and a reason sentence in each language.
TOPICS: dict[str, dict[str, list[str]]] = {
    "human_rights": {
        "kk": ["адамның ар-намысы мен қадір-қасиетін қорғау", "сөз бостандығының кепілдіктері",
               "азаматтардың заң алдындағы теңдігі", "бейбіт жиналыс өткізу құқығы",
               "мүгедектігі бар адамдардың құқықтары", "жеке өмірге қол сұқпаушылық"],
        "ru": ["о защите чести и достоинства человека", "о гарантиях свободы слова",
               "о равенстве граждан перед законом", "о праве на мирные собрания",
               "о правах людей с инвалидностью", "о неприкосновенности частной жизни"],
        "en": ["the protection of human dignity", "guarantees of freedom of speech",
               "equality of citizens before the law", "the right to peaceful assembly",
               "the rights of persons with disabilities", "the inviolability of private life"],
        "kk_why": ["Адам құқықтары қағаз жүзінде ғана қалмауы керек.", "Әр азаматтың құқығы нақты қорғалуы тиіс."],
        "ru_why": ["Права человека не должны оставаться только на бумаге.", "Каждый гражданин должен иметь реальную защиту."],
        "en_why": ["Rights must not remain only on paper.", "Every citizen needs real protection of their rights."],
    },
    "political_institutions": {
        "kk": ["Құрылтайдың өкілеттіктері", "Қазақстан халқы кеңесінің рөлі", "Президенттің бір мерзімге сайлануы",
               "Парламент депутаттарының сайлаушылар алдындағы жауапкершілігі", "Конституциялық соттың құзыреті",
               "Құрылтай депутаттарының саны", "вице-президент лауазымы"],
        "ru": ["о полномочиях Курултая", "о роли Народного совета Казахстана", "об избрании Президента на один срок",
               "об ответственности депутатов перед избирателями", "о компетенции Конституционного суда",
               "о численности депутатов Курултая", "о должности вице-президента"],
        "en": ["the powers of the Kurultai", "the role of the People's Council of Kazakhstan",
               "a single presidential term", "the accountability of deputies to voters",
               "the competence of the Constitutional Court", "the number of Kurultai deputies",
               "the office of vice-president"],
        "kk_why": ["Билік тармақтарының теңгерімі сақталуы керек.", "Депутаттар халыққа есеп беріп отыруы тиіс."],
        "ru_why": ["Нужен реальный баланс ветвей власти.", "Депутаты должны регулярно отчитываться перед народом."],
        "en_why": ["The balance of powers must be real.", "Deputies should report to the people regularly."],
    },
    "rule_of_law": {
        "kk": ["сыбайлас жемқорлыққа қарсы күрес", "мемлекеттік органдардың есептілігі", "заңның бәріне бірдей қолданылуы",
               "шенеуніктердің мүлкін жария ету", "құқық қорғау органдарының бақылауы"],
        "ru": ["о борьбе с коррупцией", "о подотчётности государственных органов", "о равном применении закона ко всем",
               "о декларировании имущества чиновников", "о контроле над правоохранительными органами"],
        "en": ["the fight against corruption", "the accountability of state bodies", "equal application of the law",
               "asset declarations of officials", "oversight of law enforcement"],
        "kk_why": ["Заң алдында бәрі тең болуы керек.", "Жемқорлық елдің дамуын тежейді."],
        "ru_why": ["Перед законом все должны быть равны.", "Коррупция тормозит развитие страны."],
        "en_why": ["Everyone must be equal before the law.", "Corruption holds the country back."],
    },
    "judiciary": {
        "kk": ["судьялардың тәуелсіздігі", "алқабилер сотының рөлі", "прокуратураның өкілеттіктері",
               "сот шешімдерінің ашықтығы", "адвокаттың көмегіне құқық"],
        "ru": ["о независимости судей", "о роли суда присяжных", "о полномочиях прокуратуры",
               "об открытости судебных решений", "о праве на помощь адвоката"],
        "en": ["the independence of judges", "the role of jury trials", "the powers of the prosecutor's office",
               "the openness of court decisions", "the right to a lawyer"],
        "kk_why": ["Сотқа деген сенім әділ шешімдерден басталады.", "Сот ешкімге тәуелді болмауы керек."],
        "ru_why": ["Доверие к суду начинается со справедливых решений.", "Суд не должен ни от кого зависеть."],
        "en_why": ["Trust in courts starts with fair decisions.", "Courts must depend on no one."],
    },
    "labour": {
        "kk": ["әділ жалақы", "еңбек қауіпсіздігі", "кәсіподақтардың құқықтары", "жұмыссыздықтан қорғау",
               "вахталық жұмысшылардың жағдайы"],
        "ru": ["о справедливой заработной плате", "о безопасности труда", "о правах профсоюзов",
               "о защите от безработицы", "о положении вахтовых работников"],
        "en": ["fair wages", "safety at work", "the rights of trade unions", "protection from unemployment",
               "the conditions of rotation workers"],
        "kk_why": ["Жұмысшы еңбегі лайықты бағалануы тиіс.", "Өндірістегі жазатайым оқиғалар азаймай отыр."],
        "ru_why": ["Труд работника должен достойно оплачиваться.", "Несчастных случаев на производстве меньше не становится."],
        "en_why": ["Work must be paid with dignity.", "Accidents at work are not decreasing."],
    },
    "social_protection": {
        "kk": ["зейнетақының мөлшері", "көпбалалы отбасыларға көмек", "медициналық көмектің қолжетімділігі",
               "мүгедектігі бар адамдарға жәрдемақы", "әлеуметтік тұрғын үй кезегі"],
        "ru": ["о размере пенсий", "о помощи многодетным семьям", "о доступности медицинской помощи",
               "о пособиях людям с инвалидностью", "об очереди на социальное жильё"],
        "en": ["the size of pensions", "support for large families", "access to medical care",
               "benefits for persons with disabilities", "the queue for social housing"],
        "kk_why": ["Қарттар мен балалар мемлекеттің қамқорлығын сезінуі керек.", "Ауылда дәрігер жетіспейді."],
        "ru_why": ["Пожилые люди и дети должны чувствовать заботу государства.", "В сёлах не хватает врачей."],
        "en_why": ["The elderly and children must feel the care of the state.", "Villages lack doctors."],
    },
    "ecology_health": {
        "kk": ["Арал теңізін сақтау", "таза ауыз су", "қалалардағы ауаның ластануы", "жер қойнауын қорғау",
               "Каспий теңізінің экологиясы", "орманды қалпына келтіру"],
        "ru": ["о сохранении Аральского моря", "о чистой питьевой воде", "о загрязнении воздуха в городах",
               "об охране недр", "об экологии Каспийского моря", "о восстановлении лесов"],
        "en": ["saving the Aral Sea", "clean drinking water", "air pollution in cities", "the protection of the subsoil",
               "the ecology of the Caspian Sea", "restoring forests"],
        "kk_why": ["Табиғат – келешек ұрпаққа аманат.", "Ауа ластанғандықтан балалар жиі ауырады."],
        "ru_why": ["Природа – это наследие для будущих поколений.", "Из-за грязного воздуха дети часто болеют."],
        "en_why": ["Nature is a trust for future generations.", "Children fall ill because of dirty air."],
    },
    "digital_rights": {
        "kk": ["дербес деректерді қорғау", "жасанды интеллектіні реттеу", "цифрлық қауіпсіздік",
               "интернетке тең қолжетімділік", "мемлекеттік қызметтерді цифрландыру"],
        "ru": ["о защите персональных данных", "о регулировании искусственного интеллекта", "о цифровой безопасности",
               "о равном доступе к интернету", "о цифровизации государственных услуг"],
        "en": ["personal data protection", "the regulation of artificial intelligence", "digital security",
               "equal access to the internet", "the digitalisation of public services"],
        "kk_why": ["Деректердің жылыстауы жиілеп кетті.", "Ауылдарда интернет әлі де нашар."],
        "ru_why": ["Утечки данных случаются всё чаще.", "В сёлах интернет по-прежнему плохой."],
        "en_why": ["Data leaks are becoming more frequent.", "Internet access in villages is still poor."],
    },
    "family_values": {
        "kk": ["отбасы мен некені қорғау", "балалардың құқықтары", "ана мен баланы қолдау", "үлкенді құрметтеу дәстүрі"],
        "ru": ["о защите семьи и брака", "о правах детей", "о поддержке материнства и детства",
               "о традиции уважения к старшим"],
        "en": ["the protection of family and marriage", "children's rights", "support for mothers and children",
               "the tradition of respect for elders"],
        "kk_why": ["Отбасы – қоғамның негізі.", "Балалар – біздің болашағымыз."],
        "ru_why": ["Семья – основа общества.", "Дети – наше будущее."],
        "en_why": ["The family is the foundation of society.", "Children are our future."],
    },
    "education_science_youth": {
        "kk": ["тегін жоғары білім", "ауыл мектептерінің жағдайы", "ғылымды қаржыландыру", "жастарға арналған мүмкіндіктер",
               "мұғалімдердің мәртебесі"],
        "ru": ["о бесплатном высшем образовании", "о положении сельских школ", "о финансировании науки",
               "о возможностях для молодёжи", "о статусе учителя"],
        "en": ["free higher education", "the state of village schools", "funding for science",
               "opportunities for young people", "the status of teachers"],
        "kk_why": ["Білім – елдің болашағы.", "Жас ғалымдар шетелге кетіп жатыр."],
        "ru_why": ["Образование – это будущее страны.", "Молодые учёные уезжают за границу."],
        "en_why": ["Education is the country's future.", "Young scientists are leaving the country."],
    },
    "economy_property": {
        "kk": ["жер мен табиғи ресурстардың халыққа тиесілі болуы", "заңсыз алынған активтерді қайтару",
               "шағын бизнесті қолдау", "салықтың әділдігі", "ұлттық байлықты әділ бөлу"],
        "ru": ["о принадлежности земли и природных ресурсов народу", "о возврате незаконно выведенных активов",
               "о поддержке малого бизнеса", "о справедливых налогах", "о справедливом распределении национального богатства"],
        "en": ["land and natural resources belonging to the people", "the return of illegally acquired assets",
               "support for small business", "fair taxation", "a fair distribution of national wealth"],
        "kk_why": ["Ел байлығы бәріне ортақ.", "Кәсіпкерлер тексерістерден шаршады."],
        "ru_why": ["Богатства страны принадлежат всем.", "Предприниматели устали от проверок."],
        "en_why": ["The country's wealth belongs to everyone.", "Entrepreneurs are tired of inspections."],
    },
    "regions_local": {
        "kk": ["әкімдерді тікелей сайлау", "мәслихаттардың өкілеттіктері", "жергілікті өзін-өзі басқару",
               "өңірлердің бюджеттік дербестігі", "аудандардың дамуы"],
        "ru": ["о прямых выборах акимов", "о полномочиях маслихатов", "о местном самоуправлении",
               "о бюджетной самостоятельности регионов", "о развитии районов"],
        "en": ["direct election of akims", "the powers of maslikhats", "local self-government",
               "the budget autonomy of regions", "the development of districts"],
        "kk_why": ["Әкім тұрғындарға есеп беруі керек.", "Өңірлер орталыққа тым тәуелді."],
        "ru_why": ["Аким должен отчитываться перед жителями.", "Регионы слишком зависят от центра."],
        "en_why": ["Akims must answer to residents.", "Regions depend too much on the centre."],
    },
    "identity_culture": {
        "kk": ["мемлекеттік тілдің мәртебесі", "Ұлы Дала тарихы", "зайырлы мемлекет қағидаты", "ұлттық құндылықтар",
               "мемлекеттің аумақтық тұтастығы", "қазақ тілінің латын әліпбиіне көшуі"],
        "ru": ["о статусе государственного языка", "об истории Великой степи", "о принципе светского государства",
               "о национальных ценностях", "о территориальной целостности государства",
               "о переходе казахского языка на латиницу"],
        "en": ["the status of the state language", "the history of the Great Steppe", "the secular state",
               "national values", "the territorial integrity of the state", "moving Kazakh to the Latin alphabet"],
        "kk_why": ["Тіл – ұлттың жаны.", "Тарихымызды ұмытпауымыз керек."],
        "ru_why": ["Язык – душа народа.", "Мы не должны забывать свою историю."],
        "en_why": ["Language is the soul of a nation.", "We must not forget our history."],
    },
    "participation": {
        "kk": ["референдум өткізу тәртібі", "азаматтардың петиция беру құқығы", "қоғамдық талқылаудың ашықтығы",
               "азаматтардың ұсыныстарын қарау мерзімі"],
        "ru": ["о порядке проведения референдума", "о праве граждан на петиции", "об открытости общественного обсуждения",
               "о сроках рассмотрения предложений граждан"],
        "en": ["the procedure for holding a referendum", "citizens' right to petition", "open public discussion",
               "deadlines for answering citizens' proposals"],
        "kk_why": ["Халықтың үні естілуі керек.", "Ұсыныстарға жауап берілмей жатыр."],
        "ru_why": ["Голос народа должен быть услышан.", "На предложения граждан часто не отвечают."],
        "en_why": ["People's voice must be heard.", "Citizens' proposals often go unanswered."],
    },
}
THEMES = list(TOPICS)

# Phrase pools. "{ref}" is an article reference, "{obj}" a topic object, "{city}" a region centre.
KK = {
    "open": ["Конституция жобасын мұқият оқып шықтым.", "Менің ұсынысым мынадай.", "Жобаны талқылауға қатысқым келеді.",
             "Бұл мәселе мені көптен бері толғандырады.", "Жиналыста осы туралы сөйлестік.", "Жоба жалпы ұнады, бірақ ескертпем бар.",
             "Ата-анам да осы пікірді қолдайды.", "Өз ойымды жазайын деп шештім."],
    "ref": ["{n}-бабына", "{n}-бабының {m}-тармағына", "Конституцияның {n}-бабына", "жобаның {n}-бабына"],
    "ask": ["{ref} {obj} туралы норма қосуды ұсынамын.", "{ref} {obj} туралы нақты ереже енгізу керек деп санаймын.",
            "{ref} {obj} мәселесін толығырақ жазуды сұраймын.", "{obj} туралы {ref} өзгеріс енгізілсін.",
            "{ref} {obj} жөнінде түзету енгізуді өтінемін.", "Менің ойымша, {ref} {obj} туралы талап жазылуы тиіс."],
    "local": ["Мен {city} қаласында тұрамын.", "{city} қаласында бұл мәселе өте өзекті.", "Біздің {city} өңірінде жағдай қиын.",
              "{city} тұрғындары да осыны айтып жүр.", "{city} маңындағы ауылдарда бұл әсіресе байқалады."],
    "close": ["Ұсынысымды ескерулеріңізді сұраймын.", "Жауап күтемін.", "Рақмет.", "Осы ұсыныс қабылданса екен.",
              "Бұл бүкіл халықтың мүддесіне сай келеді."],
    "greet": ["Құрметті комиссия мүшелері!", "Сәлеметсіздер ме!", "Қайырлы күн!", "Құрметті жұмыс тобы!", "Ассалаумағалейкум!"],
    "sign": ["Құрметпен, {name}, {city}", "Ізгі ниетпен, {name}", "{name}, {city} қаласы", "Тұрғын: {name}"],
    "detail": ["Біздің ауылда {k} отбасы тұрады.", "Мен {k} жыл бойы мұғалім болып жұмыс істедім.",
               "Ауылымыздан аудан орталығына дейін {k} шақырым.", "Зейнетақым {k} мың теңге ғана.",
               "Балаларым {k} шақырым жердегі мектепке барады.", "Менің {k} немерем бар.",
               "Біз бұл мәселені {year} жылдан бері көтеріп келеміз.", "Зауытта {k} адам жұмыс істейді."],
    "short": ["Қолдаймын!", "Толық қолдаймын", "Жобаны қолдаймын.", "Келісемін", "Қарсымын", "Жақсы жоба"],
}
RU = {
    "open": ["Я внимательно прочитал проект Конституции.", "Моё предложение следующее.", "Хочу принять участие в обсуждении.",
             "Этот вопрос давно меня беспокоит.", "Мы обсуждали это на собрании.", "Проект в целом хороший, но есть замечание.",
             "Мои родители тоже поддерживают это мнение.", "Решила написать своё мнение."],
    "ref": ["статью {n}", "пункт {m} статьи {n}", "статью {n} Конституции", "статью {n} проекта"],
    "ask": ["Предлагаю дополнить {ref} нормой {obj}.", "Считаю, что в {ref} нужно включить положение {obj}.",
            "Прошу подробнее прописать в {ref} вопрос {obj}.", "Нужно внести в {ref} изменение {obj}.",
            "Прошу внести поправку в {ref} {obj}.", "По моему мнению, {ref} следует дополнить требованием {obj}."],
    "local": ["Я живу в городе {city}.", "В городе {city} этот вопрос очень острый.", "У нас в регионе, в городе {city}, ситуация сложная.",
              "Жители города {city} говорят о том же.", "В сёлах возле города {city} это особенно заметно."],
    "close": ["Прошу учесть моё предложение.", "Жду ответа.", "Спасибо.", "Надеюсь, предложение примут.",
              "Это отвечает интересам всего народа."],
    "greet": ["Уважаемые члены комиссии!", "Здравствуйте!", "Добрый день!", "Уважаемая рабочая группа!", "Доброго времени суток."],
    "sign": ["С уважением, {name}, {city}", "{name}, г. {city}", "Житель города {city} {name}", "Искренне ваш, {name}"],
    "detail": ["В нашем селе живут {k} семей.", "Я {k} лет проработал учителем.", "До районного центра {k} километров.",
               "Моя пенсия всего {k} тысяч тенге.", "Дети ходят в школу за {k} километров.", "У меня {k} внуков.",
               "Мы поднимаем этот вопрос с {year} года.", "На заводе работает {k} человек."],
    "short": ["Поддерживаю!", "Полностью поддерживаю", "Согласен с проектом.", "Против", "Хороший проект", "Одобряю"],
}
EN = {
    "open": ["I have read the draft Constitution carefully.", "My proposal is as follows.", "I would like to take part in the discussion.",
             "This issue has worried me for a long time.", "We discussed it at a meeting.", "The draft is good overall, but I have a remark."],
    "ref": ["Article {n}", "paragraph {m} of Article {n}", "Article {n} of the draft"],
    "ask": ["I propose to add to {ref} a provision on {obj}.", "I believe {ref} should include a clear rule on {obj}.",
            "Please describe {obj} in more detail in {ref}.", "{ref} should be amended to cover {obj}."],
    "local": ["I live in {city}.", "In {city} this issue is very pressing.", "People in {city} say the same."],
    "close": ["Please take my proposal into account.", "I look forward to your answer.", "Thank you."],
    "greet": ["Dear members of the commission,", "Hello,", "Good afternoon,"],
    "sign": ["Sincerely, {name}, {city}", "{name}, {city}", "Best regards, {name}"],
    "detail": ["Our village has {k} families.", "I worked as a teacher for {k} years.", "The district centre is {k} km away.",
               "My pension is only {k} thousand tenge.", "We have raised this issue since {year}."],
    "short": ["I support the draft!", "Fully support", "I agree", "Against"],
}
NAMES = ["Айгүл", "Ерлан", "Гүлнар", "Нұрлан", "Асель", "Бауыржан", "Дана", "Марат", "Жанар", "Серік", "Әлия", "Қайрат",
         "Ольга", "Сергей", "Динара", "Арман", "Мадина", "Тимур", "Сәуле", "Ержан", "Айдос", "Ирина", "Жұлдыз", "Бекзат"]
SURNAMES = ["Ахметова", "Сейітов", "Омарова", "Жұмабаев", "Қасымова", "Иванов", "Нұрланова", "Төлеуов", "Әбенова",
            "Смагулов", "Байжанова", "Ким", "Петрова", "Құсайынов", "Мұратова", "Есенов"]
NOISE = ["👍👍👍", "???", "..........", "ok", "тест", "test test", "асдфасдф", "1234", "!!!", "🙏", "???!!! 😡"]
FILLER_KK = ["Сонымен қатар", "Айта кетейін", "Шынымды айтсам", "Мысалы", "Негізі", "Әрине"]
FILLER_RU = ["Кроме того", "Скажу честно", "Например", "Вообще", "Конечно", "Кстати"]

# Kazakh Cyrillic → Latin (2021 alphabet) and an informal Latin without diacritics.
_LAT_2021 = {
    "а": "a", "ә": "ä", "б": "b", "в": "v", "г": "g", "ғ": "ğ", "д": "d", "е": "e", "ё": "io", "ж": "j", "з": "z",
    "и": "i", "й": "i", "к": "k", "қ": "q", "л": "l", "м": "m", "н": "n", "ң": "ñ", "о": "o", "ө": "ö", "п": "p",
    "р": "r", "с": "s", "т": "t", "у": "u", "ұ": "ū", "ү": "ü", "ф": "f", "х": "h", "һ": "h", "ц": "ts", "ч": "ch",
    "ш": "ş", "щ": "şş", "ъ": "", "ы": "y", "і": "ı", "ь": "", "э": "e", "ю": "iu", "я": "ia",
}
_LAT_INFORMAL = {**_LAT_2021, "ä": "a", "ğ": "gh", "ñ": "n", "ö": "o", "ū": "u", "ü": "u", "ş": "sh", "ı": "i", "ж": "zh"}
_LAT_INFORMAL.update({"ә": "a", "ғ": "gh", "ң": "n", "ө": "o", "ұ": "u", "ү": "u", "ш": "sh", "і": "i"})
_NO_KAZAKH = str.maketrans("әғқңөұүһіӘҒҚҢӨҰҮҺІ", "агкноуухиАГКНОУУХИ")


def _table(mapping: dict[str, str]) -> dict[int, str]:
    table = {ord(k): v for k, v in mapping.items()}
    table.update({ord(k.upper()): (v[:1].upper() + v[1:]) for k, v in mapping.items() if k.upper() != k})
    return table


LATIN_2021 = _table(_LAT_2021)
LATIN_INFORMAL = _table(_LAT_INFORMAL)


@dataclass
class Doc:
    text: str
    group: str | None
    language: str


class Generator:
    def __init__(self, n: int, seed: int = 1) -> None:
        self.n = n
        self.rng = random.Random(seed)

    # -- composition ------------------------------------------------------------------------
    def _ref(self, lang: str) -> str:
        pool = {"kk": KK, "ru": RU, "en": EN}[lang]["ref"]
        return self.rng.choice(pool).format(n=self.rng.randint(1, 96), m=self.rng.randint(1, 6))

    def _name(self) -> str:
        return f"{self.rng.choice(NAMES)} {self.rng.choice(SURNAMES)}"

    def compose(self, lang: str, theme: str, sentences: int) -> str:
        """A proposal in `lang` ("kk", "ru", "en") about `theme`, from phrase pools."""
        rng = self.rng
        pools = {"kk": KK, "ru": RU, "en": EN}[lang]
        region = rng.choice(REGIONS)
        city = region[{"kk": 1, "ru": 2, "en": 3}[lang]]
        topic = TOPICS[theme]
        parts: list[str] = []
        if rng.random() < 0.6:
            parts.append(rng.choice(pools["open"]))
        # One to three requests, each on an object of this theme (sometimes a second theme).
        for i in range(max(1, sentences - 2)):
            t = topic if (i == 0 or rng.random() < 0.7) else TOPICS[rng.choice(THEMES)]
            parts.append(rng.choice(pools["ask"]).format(ref=self._ref(lang), obj=rng.choice(t[lang])))
            if rng.random() < 0.5:
                parts.append(rng.choice(t[f"{lang}_why"]))
        if rng.random() < 0.5:
            parts.append(rng.choice(pools["local"]).format(city=city))
        if rng.random() < 0.6:
            parts.append(rng.choice(pools["detail"]).format(k=rng.randint(2, 400), year=rng.randint(1995, 2025)))
        if rng.random() < 0.4:
            parts.append(rng.choice(pools["close"]))
        if len(parts) > 3:
            middle = parts[1:-1]
            rng.shuffle(middle)
            parts[1:-1] = middle
        text = " ".join(parts)
        return text[0].upper() + text[1:]

    def distinct(self) -> Doc:
        rng = self.rng
        r = rng.random()
        theme = rng.choice(THEMES)
        size = rng.choice([3, 3, 4, 4, 5])
        if r < 0.42:
            return Doc(self.compose("kk", theme, size), None, "kk")
        if r < 0.80:
            return Doc(self.compose("ru", theme, size), None, "ru")
        if r < 0.87:
            table = LATIN_2021 if rng.random() < 0.6 else LATIN_INFORMAL
            return Doc(self.compose("kk", theme, size).translate(table), None, "kk")
        if r < 0.91:
            return Doc(self.compose("kk", theme, size).translate(_NO_KAZAKH), None, "kk")
        if r < 0.96:
            return Doc(self.compose("en", theme, size), None, "en")
        kk = self.compose("kk", theme, 2)
        ru = self.compose("ru", rng.choice(THEMES), 2)
        return Doc(f"{kk} {ru}", None, "kk")

    # -- variants of a letter -------------------------------------------------------------------
    def _typo(self, word: str) -> str:
        rng = self.rng
        if len(word) < 4:
            return word
        i = rng.randrange(1, len(word) - 1)
        op = rng.random()
        if op < 0.3:
            return word[:i] + word[i + 1:]
        if op < 0.6:
            return word[:i] + word[i + 1] + word[i] + word[i + 2:]
        if op < 0.8:
            return word[:i] + word[i] + word[i:]
        return word[:i] + rng.choice("аеиоуыклмнрст") + word[i + 1:]

    def variant(self, base: str, lang: str) -> str:
        rng = self.rng
        pools = {"kk": KK, "ru": RU, "en": EN}[lang]
        words = base.split()
        if rng.random() < 0.5:  # words dropped
            for _ in range(rng.randint(1, 3)):
                if len(words) > 6:
                    del words[rng.randrange(len(words))]
        if rng.random() < 0.5:  # typos
            for _ in range(rng.randint(1, 3)):
                j = rng.randrange(len(words))
                words[j] = self._typo(words[j])
        text = " ".join(words)
        if rng.random() < 0.2:
            text = text.replace(",", "").replace(".", "").replace("!", "")
        elif rng.random() < 0.1:
            text = text.replace(".", "!!")
        if rng.random() < 0.5:
            text = f"{rng.choice(pools['greet'])} {text}"
        if rng.random() < 0.5:
            city = rng.choice(REGIONS)[{"kk": 1, "ru": 2, "en": 3}[lang]]
            text = f"{text} {rng.choice(pools['sign']).format(name=self._name(), city=city)}"
        c = rng.random()
        if c < 0.12:
            text = text.lower()
        elif c < 0.16:
            text = text.upper()
        if lang == "kk":
            s = rng.random()
            if s < 0.12:
                text = text.translate(LATIN_2021)
            elif s < 0.2:
                text = text.translate(LATIN_INFORMAL)
            elif s < 0.3:
                text = text.translate(_NO_KAZAKH)
        return text

    # -- the corpus -----------------------------------------------------------------------------
    def docs(self) -> Iterator[Doc]:
        rng = self.rng
        n = self.n
        # About 45 % of the corpus comes from campaigns; sizes are heavy-tailed.
        campaign_budget = int(n * 0.45)
        campaigns: list[tuple[str, str, str, int]] = []  # (group, language, base letter, copies)
        k = 0
        while campaign_budget > 0:
            size = min(campaign_budget, max(2, int(rng.paretovariate(0.9) * 8)), max(2, n // 10))
            lang = "kk" if rng.random() < 0.55 else ("ru" if rng.random() < 0.9 else "en")
            base = self.compose(lang, rng.choice(THEMES), rng.choice([4, 5, 6]))
            campaigns.append((f"c{k}", lang, base, size))
            campaign_budget -= size
            k += 1
        slots: list[int] = []  # -1 distinct, -2 short, -3 noise, >= 0 campaign index
        for ci, (_, _, _, size) in enumerate(campaigns):
            slots.extend([ci] * size)
        rest = n - len(slots)
        for _ in range(rest):
            r = rng.random()
            slots.append(-1 if r < 0.94 else (-2 if r < 0.98 else -3))
        rng.shuffle(slots)
        resubmit: list[tuple[str, str, str]] = []  # pending (group, language, text) to resend later
        r_count = 0
        for slot in slots:
            if slot >= 0:
                group, lang, base, _ = campaigns[slot]
                yield Doc(self.variant(base, lang), group, lang)
            elif slot == -1:
                if resubmit and rng.random() < 0.3:
                    group, lang, text = resubmit.pop()
                    yield Doc(self.variant(text, lang), group, lang)
                    continue
                doc = self.distinct()
                if rng.random() < 0.03 and doc.language in ("kk", "ru") and len(doc.text.split()) > 12:
                    group = f"r{r_count}"
                    r_count += 1
                    resubmit.append((group, doc.language, doc.text))
                    doc.group = group
                yield doc
            elif slot == -2:
                lang = rng.choice(["kk", "kk", "ru", "ru", "en"])
                pool = {"kk": KK, "ru": RU, "en": EN}[lang]["short"]
                i = rng.randrange(len(pool))
                text = pool[i]
                if rng.random() < 0.3:
                    text = text.lower().rstrip("!.")
                yield Doc(text, f"s-{lang}-{i}", lang)
            else:
                yield self.noise()

    def noise(self) -> Doc:
        rng = self.rng
        r = rng.random()
        if r < 0.3:
            return Doc(" ".join(rng.choice(NOISE) for _ in range(rng.randint(1, 4))) + f" {rng.randint(0, 10**9)}", None, "other")
        if r < 0.5:
            return Doc("".join(chr(rng.randint(0x20, 0x2FFF)) for _ in range(rng.randint(5, 80))), None, "other")
        if r < 0.6:
            return Doc("", None, "other")
        # A long rambling text.
        lang = rng.choice(["kk", "ru"])
        filler = FILLER_KK if lang == "kk" else FILLER_RU
        parts = [self.compose(lang, rng.choice(THEMES), 4) for _ in range(rng.randint(4, 12))]
        return Doc(" ".join(f"{rng.choice(filler)}, {p[0].lower()}{p[1:]}" for p in parts), None, lang)


def records(n: int, seed: int = 1) -> Iterator[tuple[dict[str, Any], Doc]]:
    """(input record, gold doc) pairs, `n` of them."""
    gen = Generator(n, seed)
    rng = random.Random(seed + 1)
    start = datetime(2026, 2, 1, 8, 0, 0)
    for i, doc in enumerate(gen.docs()):
        record: dict[str, Any] = {"id": f"p{i:07d}", "text": doc.text}
        if rng.random() < 0.9:
            record["region"] = rng.choice(REGIONS)[0]
        record["channel"] = rng.choice(CHANNELS)
        record["created_at"] = (start + timedelta(seconds=i * 2 + rng.randint(0, 1))).isoformat() + "+05:00"
        yield record, doc


MALFORMED = ['{"id": "x", "text": ', "not json at all", '{"text": "no id"}', '{"id": "y", "text": 42}', "[1, 2, 3]", '{"id": 5, "text": "x"}']


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--gold")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--malformed", type=int, default=0, help="malformed lines to scatter in the output")
    args = parser.parse_args(argv)
    rng = random.Random(args.seed + 2)
    bad_at = set(rng.sample(range(args.n), min(args.malformed, args.n)))
    gold = open(args.gold, "w", encoding="utf-8") if args.gold else None
    try:
        with open(args.out, "w", encoding="utf-8") as out:
            for i, (record, doc) in enumerate(records(args.n, args.seed)):
                if i in bad_at:
                    out.write(rng.choice(MALFORMED) + "\n")
                out.write(json.dumps(record, ensure_ascii=False) + "\n")
                if gold:
                    gold.write(json.dumps({"id": record["id"], "group": doc.group, "language": doc.language},
                                          ensure_ascii=False) + "\n")
    finally:
        if gold:
            gold.close()
    print(json.dumps({"n": args.n, "out": args.out, "gold": args.gold, "malformed": len(bad_at)}), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Stop words for Kazakh, Russian and English search and theme features (written for Kenes).

Lowercase, normalized spelling (ё written е). Kept short on purpose: words that carry meaning
in a proposal about a constitution (`құқық`, `право`, `не` in "не допускается") are not here.
"""

from __future__ import annotations

_KK = """
және мен бен пен да де та те ма ме ба бе па пе ғой ғана қана тек әрі не немесе я яғни себебі
өйткені сондықтан бірақ алайда дегенмен егер онда сонда әлде бұл осы сол ол олар біз сіз сен
мен біздің сіздің оның олардың менің сенің өз өзі өзінің өздері бар жоқ бір екі үшін туралы
бойынша арқылы дейін кейін сияқты секілді сайын бері қарай жөнінде жайлы турасында ретінде
және де деп деген дейді болып болды болады болса болу еді екен емес ең өте тағы да әр әрбір
барлық бүкін бүкіл кейбір көп аз мұнда осында сонда қазір енді әлі ешқандай қандай қалай
неге неліктен кім не қашан қайда қанша мына ана мынау анау осындай сондай ондай біреу
ал ия иә жоқ ой ау шын да-да
"""

_RU = """
и в во не что он на я с со как а то все она так его но да ты к у же вы за бы по только ее
мне было вот от меня еще нет о из ему теперь когда даже ну вдруг ли если уже или ни быть был
него до вас нибудь опять уж вам ведь там потом себя ничего ей может они тут где есть надо ней
для мы тебя их чем была сам чтоб без будто чего раз тоже себе под будет ж тогда кто этот того
потому этого какой совсем ним здесь этом один почти мой тем чтобы нее сейчас были куда зачем
всех никогда можно при наконец два об другой хоть после над больше тот через эти нас про всего
них какая много разве три эту моя впрочем хорошо свою этой перед иногда лучше чуть том нельзя
такой им более всегда конечно всю между это эта также который которая которые которых которой
которое который также свой своей своих своего является являются данный данной
"""

_EN = """
a an the and or but if then else of to in on at by for with from as into onto about above below
over under again further once here there when where why how all any both each few more most
other some such no nor not only own same so than too very can will just should now is are was
were be been being have has had having do does did doing i me my myself we our ours ourselves
you your yours yourself yourselves he him his himself she her hers herself it its itself they
them their theirs themselves what which who whom this that these those am would could shall may
might must also please let
"""

STOPWORDS: dict[str, frozenset[str]] = {
    "kk": frozenset(_KK.split()),
    "ru": frozenset(_RU.split()),
    "en": frozenset(_EN.split()),
}

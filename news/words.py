"""Word lists shared by tag derivation and fingerprints (English and Russian, lower case)."""

from __future__ import annotations


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Function words: never a tag, never a fingerprint feature.
FUNCTION_WORDS = _words(
    """
    a an the and or nor but if then else than so yet because as of to in on at by for with
    from into onto upon about above below over under after before since until till while
    during through throughout across along among amid amidst around against between beyond
    within without via per toward towards off out up down near also too very just only even
    still already again ever never not no yes all any both each either neither every few
    many more most much other others some such same own this that these those there here
    where when why how what which who whom whose whatever whoever whichever i me my mine we
    us our ours you your yours he him his she her hers it its they them their theirs myself
    yourself himself herself itself ourselves themselves is am are was were be been being
    have has had having do does did doing done will would shall should can could may might
    must ought let lets said says say saying told tell tells according however although
    though whereas whether unless once now then today tonight yesterday tomorrow meanwhile
    moreover furthermore instead otherwise nevertheless nonetheless indeed perhaps maybe
    thus hence therefore like unlike including despite new s t d ll re ve m
    и в во не что он на я с со как а то все она так его но да ты к у же вы за бы по только
    ее её мне было вот от меня еще ещё нет о из ему теперь когда даже ну вдруг ли если уже
    или ни быть был него до вас нибудь опять уж вам ведь там потом себя ничего ей может они
    тут где есть надо ней для мы тебя их чем была сам чтоб без будто чего раз тоже себе под
    будет ж тогда кто этот того потому этого какой совсем ним здесь этом один почти мой тем
    чтобы нее сейчас были куда зачем всех никогда можно при наконец два об другой хоть
    после над больше тот через эти нас про всего них какая много разве три эту моя впрочем
    хорошо свою этой перед иногда лучше чуть том нельзя такой им более всегда конечно всю
    между это также однако заявил заявила сообщил сообщила сказал сказала
    """
)

# Calendar words and the labels feeds put in front of headlines: stripped from the edges of
# a capitalised phrase ("Friday Putin" -> "Putin") and never a tag.
CALENDAR_AND_LABELS = _words(
    """
    january february march april may june july august september october november december
    jan feb mar apr jun jul aug sep sept oct nov dec
    monday tuesday wednesday thursday friday saturday sunday
    mon tue tues wed thu thur thurs fri sat sun
    breaking update updated exclusive watch video videos photo photos live opinion analysis
    read more related share comment comments editorial advertisement sponsored
    январь февраль март апрель май июнь июль август сентябрь октябрь ноябрь декабрь
    января февраля марта апреля мая июня июля августа сентября октября ноября декабря
    понедельник вторник среда четверг пятница суббота воскресенье
    """
)

# Capitalised words too generic to be a tag on their own ("Ministry", "Police", "North");
# inside a longer name they stay ("Supreme Court", "North Korea").
GENERIC_WORDS = _words(
    """
    mr mrs ms dr sir madam dame lord lady prof st saint mt
    week weekend month year day days morning afternoon evening night
    north south east west northern southern eastern western central
    editor reuters ap afp
    president presidents minister ministers premier chancellor secretary king queen prince
    princess pope governor mayor senator congressman congresswoman general gen colonel
    commander admiral lieutenant sergeant captain chief judge justice ambassador spokesman
    spokeswoman spokesperson chairman chairwoman chair ceo director deputy officials official
    leader leaders counterpart foreign defense defence interior finance prime vice
    government ministry parliament army police court state city country council agency
    department office officer officers committee republic kingdom federation union party
    people group groups forces force troops military region province capital
    statement report reports news press media story article post
    президент министр премьер глава правительство
    """
)

# Tag keys (news.tags.normalize_tag) of feed categories that name a kind of page, not a
# subject: never tags.
GENERIC_CATEGORIES = _words(
    """
    news world world_news international international_news top_stories top_news top_story
    headlines latest latest_news breaking breaking_news local_news national_news us_news
    sports_news home homepage front_page frontpage featured feature features general misc
    miscellaneous other others uncategorized uncategorised none null default all main
    articles article stories story posts post blog blogs show_types tv_shows shows
    video videos audio podcast podcasts photos gallery rss feed feeds paid free premium
    subscriber subscribers sponsored advertisement opinion analysis live more
    """
)

# Words of news headlines that say little about which story it is ("X says ...", "new",
# "amid", "latest"): never headline terms when relating two stories (news.related).
HEADLINE_FILLER = _words(
    """
    says said new year years day first two three four five six people world news latest
    round more over after amid face faces report top how why what see look back
    """
)

# Words that introduce a person's name: "Defense Minister Hulusi Akar" -> "Hulusi Akar".
ROLE_WORDS = _words(
    """
    mr mrs ms dr sir dame lord lady prof president minister premier chancellor secretary king
    queen prince princess pope governor mayor senator sen rep congressman congresswoman general
    gen colonel col commander admiral lieutenant lt sergeant sgt captain capt chief judge
    justice ambassador spokesman spokeswoman spokesperson chairman chairwoman ceo director
    deputy leader counterpart foreign defense defence interior finance prime vice emir sheikh
    ayatollah archbishop bishop cardinal father rabbi imam coach manager striker midfielder
    президент министр премьер глава губернатор мэр спикер пресс-секретарь
    """
)

# Adjectives of nationality, mapped to the place they name (used only as supporting
# evidence for a place the text also names outright).
DEMONYMS: dict[str, str] = {
    "afghan": "Afghanistan", "albanian": "Albania", "algerian": "Algeria",
    "american": "America", "argentine": "Argentina", "argentinian": "Argentina",
    "armenian": "Armenia", "australian": "Australia", "austrian": "Austria",
    "azerbaijani": "Azerbaijan", "belarusian": "Belarus", "belgian": "Belgium",
    "bolivian": "Bolivia", "bosnian": "Bosnia", "brazilian": "Brazil", "british": "Britain",
    "bulgarian": "Bulgaria", "cambodian": "Cambodia", "canadian": "Canada",
    "chilean": "Chile", "chinese": "China", "colombian": "Colombia", "croatian": "Croatia",
    "cuban": "Cuba", "cypriot": "Cyprus", "czech": "Czechia", "danish": "Denmark",
    "dutch": "Netherlands", "ecuadorian": "Ecuador", "egyptian": "Egypt",
    "english": "England", "estonian": "Estonia", "ethiopian": "Ethiopia",
    "european": "Europe", "finnish": "Finland", "french": "France", "georgian": "Georgia",
    "german": "Germany", "greek": "Greece", "hungarian": "Hungary", "icelandic": "Iceland",
    "indian": "India", "indonesian": "Indonesia", "iranian": "Iran", "iraqi": "Iraq",
    "irish": "Ireland", "israeli": "Israel", "italian": "Italy", "japanese": "Japan",
    "jordanian": "Jordan", "kazakh": "Kazakhstan", "kenyan": "Kenya", "korean": "Korea",
    "kuwaiti": "Kuwait", "latvian": "Latvia", "lebanese": "Lebanon", "libyan": "Libya",
    "lithuanian": "Lithuania", "malaysian": "Malaysia", "mexican": "Mexico",
    "moldovan": "Moldova", "mongolian": "Mongolia", "moroccan": "Morocco",
    "nigerian": "Nigeria", "norwegian": "Norway", "pakistani": "Pakistan",
    "palestinian": "Palestine", "peruvian": "Peru", "polish": "Poland",
    "portuguese": "Portugal", "qatari": "Qatar", "romanian": "Romania", "russian": "Russia",
    "russians": "Russia", "saudi": "Saudi Arabia", "scottish": "Scotland",
    "serbian": "Serbia", "slovak": "Slovakia", "slovenian": "Slovenia",
    "somali": "Somalia", "spanish": "Spain", "sudanese": "Sudan", "swedish": "Sweden",
    "swiss": "Switzerland", "syrian": "Syria", "syrians": "Syria", "taiwanese": "Taiwan",
    "thai": "Thailand", "tunisian": "Tunisia", "turkish": "Turkey", "turks": "Turkey",
    "ukrainian": "Ukraine", "ukrainians": "Ukraine", "uzbek": "Uzbekistan",
    "venezuelan": "Venezuela", "vietnamese": "Vietnam", "welsh": "Wales",
    "yemeni": "Yemen", "israelis": "Israel", "iranians": "Iran", "americans": "America",
    "germans": "Germany",
}  # fmt: skip

"""English abuse lexicon by harassment label (data only).

- ``TERMS``: words and fixed phrases, matched on compact text with word boundaries checked
  on the original (so ``i d i o t``, ``1d10t`` and ``s.c.a.m`` match, ``class`` is not ``ass``).
  A trailing ``*`` stands for common inflections (scam* → scams, scammer, scammers …).
- ``WEAK``: words that are abusive only when aimed at people (near staff, agents, they, she …)
  or beside another abusive word; alone (``useless app``) they are often fair criticism.
- ``PATTERNS``: regular expressions over folded text (lower case) for phrases whose parts
  vary: ``kill (you|him|her…)``, ``i know where (you|she) live(s)``, ``go back to your country``.
"""

from __future__ import annotations

from detectors.lexicon_util import terms

TERMS: dict[str, tuple[str, ...]] = {
    "defamation": terms("""
        scam*, scamming, fraud*, fraudulent, fraudster*, crook*, crooked, illegal,
        illegally, embezzl*, launder*, money laundering, tax evasion, bribe*, bribery, corrupt,
        thieves, thief, con artist*, swindl*, defraud*, ripping people off, rip people off,
        ponzi, pyramid scheme, black company, sweatshop, sell your data, sells your data, sold
        my data, selling our data, cover up, covered up, cover-up, cooked the books, cooking the
        books, mafia, gangsters, extortion, extort*, sexual harassment, sexually harass*,
        molest*, predator*, pedophile*, wage theft, stole, stolen, stealing from, steal from,
        steals from, liars, lying, racketeer*, unlicensed, falsified, falsify, forged,
        kickbacks, ripoff artists, cheated customers, cheats customers, cheating customers,
        cheated me, cheated us,
        steal your, steals your, stole my, stole our, stealing our, stealing your, con men, bait and switch, fake reviews, cooked books, kickback*,
        criminals
    """),
    "insult": terms("""
        idiot*, idiotic, moron*, moronic, stupid, dumb, dumbass*, scum*, scumbag*, loser*,
        clown*, worthless, brainless, imbecile*, cretin*, jerk*, asshole*, bastard*, bitch*,
        dickhead*, fuckers, fucking idiot*, fuck you, fuck them, fuck off, piece of shit, pieces
        of shit, waste of oxygen, waste of space, subhuman, vermin, parasite*, rot in hell, go
        to hell, go die, drop dead, incompetent fool*, halfwit*, nitwit*, numbskull*, twat*,
        cunt*, wanker*, douche*, douchebag*, shithead*, dipshit*, fatass, trash people, human
        garbage, scumbags, degenerate*, lowlife*, dimwit*, airhead*, dirtbag*, stfu, shut the
        fuck up, such a dick, a dick, pussies, bitchass,
        buffoon*, dunce*, brain dead, braindead, knucklehead*, bloodsucker*, leeches, snakes, vultures, morons, useless bunch
    """),
    "threat": terms("""
        i know where you live, i know where she lives, i know where he lives, i know where they
        live, watch your back, you'll regret, you will regret, youll regret, you're dead, youre
        dead, dead man walking, coming for you, burn it down, burn the place down, burn down,
        blow it up, set fire, set it on fire, torch the, arson, shoot up, mass shooting, murder,
        gonna get hurt, will get hurt, pay for this, see you outside, wait outside, waiting
        outside, wait for her outside, wait for him outside, kys, kill yourself, kill urself,
        hunt you down, hunt her down, hunt him down, hunt them down, find where you live, find
        out where she lives, find out where he lives, show up at your, show up at her, show up
        at his, break your legs, bash your, slit your, behead, lynch,
        make you pay, you'll pay, you will pay, you're going to pay, i'm coming for, i am coming for, put a bullet, i'll be waiting, we'll be waiting, see you after work, i will find you, i'll find you, burn your house, burn their house, shoot you, stab you,
        follow her home, follow him home, followed her home, followed him home, stalk her, stalk him, stalking her, stalking him, i'll stalk, track you down, track her down, track him down
    """),
    "discrimination": terms("""
        nigger*, nigga*, chink*, gook*, jap, japs, spic*, wetback*, beaner*, kike*, towelhead*,
        raghead*, sand nigger*, faggot*, fag, fags, dyke*, tranny, trannies, retard*, retarded,
        mongoloid*, go back to your country, go back to where, diversity hire*, affirmative
        action hire, broken english, can't even speak english, cant even speak english, can't
        speak english, coon*, paki*, gypsies, gypsy, ching chong, slant eye*, slanty, ladyboy*,
        shemale*, homo, homos, cripples, retarted, niggah, nicca*, white trash
    """),
    "sexual": terms("""
        sexy, boobs, tits, titties, nice rack, cleavage, sleep with her, sleep with him, bang
        her, bang him, fuck her, fuck him, wanna fuck, want to fuck, would smash, i'd smash, id
        smash, bend her over, in bed with, nudes, naked, lingerie, panties, thong, horny, slut*,
        whore*, hooker*, milf, thicc, blowjob*, suck my, dick pic*, sexual favors, sexual
        favours, slept her way, slept his way, her body, hot body, upskirt, grope*, fondle*,
        booty, pussy, wet dream, jerk off, get her naked, take her clothes off, what she wears
        under, undress*, sex with, have sex, hoe, hoes, thot, thots
    """),
}

WEAK: dict[str, tuple[str, ...]] = {
    "insult": terms("""
        useless, incompetent, trash, garbage, pathetic, fools, fool, sucks, suck,
        shitty, crap, crappy, lazy, disgusting, creeps, creep, freaks, freak, ugly
    """),
    "sexual": terms("""
        hot, ass, legs, body, curves, butt
    """),
    "threat": terms("""
        bomb, bombs, blow up
    """),
    "defamation": terms("""
        liar, lies, lied, rip off, ripoff, rip-off, robbing, robbed,
        criminal, shady
    """),
}

PATTERNS: dict[str, tuple[str, ...]] = {
    "defamation": (
        r"\b(?:secretly\s+|illegally\s+)?(?:sell|sells|selling|sold|leak|leaks|leaking|leaked|hand(?:s|ing|ed)? over)\s+"
        r"(?:(?:our|your|my|their|the|customer|customers'?|user|users'?|patient|patients'?|private|personal|location|"
        r"medical|credit card|phone)\s+){1,3}(?:data|information|info|details|records|numbers|histories)\b",
    ),
    "threat": (
        r"\b(?:teach|teaching)\s+(?:him|her|them|you|(?:that|the|those|this)\s+(?:[\w-]+\s+){0,3}?[\w-]+)\s+a lesson\b|"
        r"\bpay\s+(?:him|her|them|you|the \w+)\s+a (?:little )?visit\b|"
        r"\b(?:kill|murder|shoot|stab|strangle|choke|hang|beat|punch|hurt|attack|rape|slap|smash)\s+"
        r"(?:you|u|him|her|them|y'?all|every(?:one|body)|all of (?:you|them)|the (?:staff|operator|agent|"
        r"manager|ceo|employees?|workers?|owner)|that (?:bitch|operator|agent|guy|woman))\b",
        r"\b(?:i'?ll|i will|i'?m going to|i'?m gonna|gonna|going to|someone should|somebody should|should|"
        r"let'?s|we should|i want to|i wanna)\s+(?:\w+\s+){0,2}?(?:kill|murder|shoot|stab|burn|bomb|"
        r"torch|blow up|beat up|attack|hurt)\b",
        r"\b(?:outside|at|near)\s+(?:your|her|his|their)\s+(?:house|home|place|door|apartment|office|car)\b",
        r"\b(?:wait(?:ing)?|be waiting)\s+(?:for (?:you|her|him|them)\s+)?(?:outside|after work|at the (?:door|exit|station))\b",
        r"\b(?:better|should)\s+watch\s+(?:your|her|his|their)\s+(?:back|step)\b",
        r"\b(?:will|gonna|going to|is going to|'ll)\s+(?:get|receive|find)\s+(?:a\s+)?(?:bomb|bullet|pipe bomb)\b|"
        r"\bbomb (?:in|through) the mail\b",
    ),
    "discrimination": (
        r"\b(?:women|woman|girls?|females?|foreigners?|immigrants?|asians?|chinese|koreans?|indians?|blacks?|"
        r"mexicans?|muslims?|jews?|gays?|lesbians?|trans(?:gender)? (?:people|women|men)|old (?:people|"
        r"hags?|farts?|geezers?)|boomers?|disabled people|cripples?)\s+(?:(?:like (?:her|him|them)|always|"
        r"just|all)\s+)?(?:shouldn'?t|should not|can'?t|cannot|don'?t belong|aren'?t (?:fit|smart|able|capable)|"
        r"are (?:all |so |too |just )?(?:stupid|lazy|dumb|useless|incompetent|dirty|inferior|emotional|"
        r"hysterical|worthless|animals)|belong in|should stay|need to go back|ruin|get hired only)\b",
        r"\b(?:because|cause|cuz|'cause|since)\s+(?:she'?s|he'?s|they'?re|she is|he is|they are)\s+(?:a |an )?"
        r"(?:woman|girl|female|foreigner|immigrant|asian|chinese|korean|black|gay|lesbian|trans|old|disabled|"
        r"muslim|jew(?:ish)?|indian|mexican)\b",
        r"\b(?:too old|too fat|too ugly) (?:to|for)\b",
        r"\b(?:foreigners?|immigrants?|refugees?|illegals|aliens)\b[^.!?\n]{0,60}?\b(?:send (?:them|her|him) back|"
        r"deport(?:ed)?|go home|don'?t belong|kick (?:them|her|him) out|"
        r"(?:can'?t even|cannot even|barely|can barely|hardly|can hardly) (?:read|speak|write|talk|understand))",
        r"\b(?:go|get|send (?:her|him|them)|should go|needs? to go) back to (?:your|her|his|their) (?:own |home )?"
        r"(?:country|countries|village|jungle)\b|\bback to (?:where|wherever) (?:you|she|he|they) came from\b",
        r"\b(?:hire|hiring|employ|employing)\s+(?:\w+\s+)?(?:foreigners|immigrants|women|girls|gays|old people)\b"
        r"(?:[^.!?\n]{0,30}\b(?:stupid|mistake|problem|why|idiots?|useless|incompetent))?",
    ),
    "sexual": (
        r"\b(?:she|he)'?s\s+(?:so |really |pretty |very )?(?:hot|fuckable|bangable|doable)\b",
        r"\b(?:i'?d|i would|would|wanna|want to|gonna)\s+(?:totally |so )?(?:do|tap|hit|bang|smash|screw|ride)"
        r"\s+(?:her|him|that)\b",
        r"\b(?:her|his)\s+(?:ass|butt|boobs|tits|chest|legs|thighs|body|lips)\s+(?:is|are|was|were|look)\b",
        r"\b(?:body|ass|butt|tits|boobs|legs|thighs)\b[^.!?\n]{0,30}?\b(?:get|put|lay)\s+my\s+hands\s+on\b|"
        r"\b(?:get|put|lay)\s+my\s+hands\s+on\s+(?:her|him)\b",
    ),
}

PERSON_NOUNS: tuple[str, ...] = (
    "staff",
    "agent",
    "agents",
    "employee",
    "employees",
    "people",
    "workers",
    "worker",
    "reps",
    "rep",
    "operator",
    "operators",
    "guy",
    "guys",
    "woman",
    "women",
    "man",
    "men",
    "they",
    "he",
    "she",
    "them",
    "you",
    "team",
    "management",
    "manager",
    "managers",
    "ceo",
    "boss",
    "lady",
    "girl",
    "idiots",
    "clerk",
    "support",
    "person",
    "folks",
    "executives",
    "her",
    "him",
    "tech",
    "technician",
)


def expand(term: str) -> tuple[str, ...]:
    """``scam*`` → scam, scams, scammer, scammers, scamming, scammed …"""
    if not term.endswith("*"):
        return (term,)
    stem = term[:-1]
    last = stem[-1]
    doubled = stem + last if last in "bdgmnprt" and stem[-2:-1] in tuple("aeiou") else stem
    forms = {
        stem,
        stem + "s",
        stem + "es",
        stem + "ed",
        stem + "ing",
        stem + "er",
        stem + "ers",
        doubled + "er",
        doubled + "ers",
        doubled + "ing",
        doubled + "ed",
        stem + "y",
    }
    if stem.endswith("e"):
        forms |= {stem + "d", stem[:-1] + "ing", stem + "r", stem + "rs"}
    return tuple(sorted(forms))


# Phrases that contain a lexicon word but are not abuse (the longest match wins and masks it).
IGNORE = terms("""
    scam calls, scam call, scam texts, scam emails, scam email, scam alert, scam warning, phishing scam, fraud alert,
    fraud department, fraud team, fraud protection, fraud prevention, anti-fraud, anti fraud, fraud detection, report fraud,
    fraud prevention team, idiot-proof, idiot proof, killer app, killer deal, kill switch, the bomb, da bomb, bomb cyclone,
    dead zone, dead zones, dead battery, stupid fast, stupidly fast, insanely good, sick deal, garbage collection,
    trash can, trash bin, trash day, take out the trash, steal of a deal, a steal, scam sites, scam websites, scam links,
    scam messages, scam blocker, scam protection, stupid cheap, stupid good, stupid easy, fraud in the industry
""")

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
        my data, selling our data, cover-up, cover-ups, cooked the books, cooking the
        books, mafia, gangsters, extortion, extort*, sexual harassment, sexually harass*,
        molest*, predator*, pedophile*, wage theft, stole, stolen, stealing from, steal from,
        steals from, liars, lying, racketeer*, unlicensed, falsified, falsify, forged,
        kickbacks, ripoff artists, cheated customers, cheats customers, cheating customers,
        cheated me, cheated us,
        steal your, steals your, stole my, stole our, stealing our, stealing your, con men, bait and switch, fake reviews, cooked books, kickback*,
        criminals, falsifies, falsifying, falsification, struck off, malpractice, license revoked, licence revoked,
        lost her license, lost his license, counterfeit*, knock-offs, knockoffs, fake designer, embezzles,
        unpaid overtime, works them unpaid, work unpaid, working unpaid, astroturf*, fake reviews, paid reviews, under the table
    """),
    "insult": terms("""
        idiot*, idiotic, moron*, moronic, stupid, dumb, dumbass*, scum*, scumbag*, loser*,
        clown*, worthless, brainless, imbecile*, cretin*, jerk*, asshole*, bastard*, bitch*,
        dickhead*, fuckers, fucking idiot*, fuck you, fuck them, fuck off, piece of shit, pieces
        of shit, waste of oxygen, waste of carbon, waste of a human being, subhuman, vermin, parasite*, rot in hell, go
        to hell, go die, drop dead, incompetent fool*, halfwit*, nitwit*, numbskull*, twat*,
        cunt*, wanker*, douche*, douchebag*, shithead*, dipshit*, fatass, trash people, human
        garbage, scumbags, degenerate*, lowlife*, dimwit*, airhead*, dirtbag*, stfu, shut the
        fuck up, such a dick, a dick, pussies, bitchass,
        buffoon*, dunce*, brain dead, braindead, knucklehead*, bloodsucker*, leeches, snakes, vultures, morons, useless bunch,
        excuse for a human, excuse of a human, waste of skin, waste of air, prick*, talentless hack*, hack fraud,
        code monkey*, zero brain cells, no brain cells, two brain cells, butcher, butchers, quack, quacks, pathological liar*, cowards, coward, clueless amateur*, joke of a human being, joke of a person, joke of a human
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
        follow her home, follow him home, followed her home, followed him home, stalk her, stalk him, stalking her, stalking him, i'll stalk, track you down, track her down, track him down,
        firebomb*, fire bomb, molotov*, pipe bomb*, shame if something happened, something happens to you, something happened to you,
        something bad happens, watch yourself, watch herself, watch himself, you've been warned, you have been warned, consider yourself warned,
        catch you alone, catch her alone, catch him alone, better hope i don't, better hope i never,
        last week above ground, last day above ground, days are numbered, won't see another,
        better have good security, better hire security, i'm done talking, im done talking, watch ur back, sleep with one eye open,
        won't be walking out, wont be walking out, won't walk out of there, won't see it coming, wont see it coming,
        never see it coming
    """),
    "discrimination": terms("""
        nigger*, nigga*, chink*, gook*, jap, japs, spic*, wetback*, beaner*, kike*, towelhead*,
        raghead*, sand nigger*, faggot*, fag, fags, dyke*, tranny, trannies, retard*, retarded,
        mongoloid*, go back to your country, go back to where, diversity hire*, affirmative
        action hire, broken english, can't even speak english, cant even speak english, can't
        speak english, coon*, paki*, gypsies, gypsy, ching chong, slant eye*, slanty, ladyboy*,
        shemale*, homo, homos, cripples, retarted, niggah, nicca*, white trash, polack*, old fossils, ancient grannies, old hags, old hag, hag, hags,
        old geezers, old farts, old fossil, curry muncher*, currymuncher*, curry-muncher*, diversity quota, diversity pick, token hire, gaijin*, fresh off the boat, useless fossil*, senile old
    """),
    "sexual": terms("""
        sexy, boobs, tits, titties, nice rack, cleavage, sleep with her, sleep with him, bang
        her, bang him, fuck her, fuck him, wanna fuck, want to fuck, would smash, i'd smash, id
        smash, bend her over, in bed with, nudes, naked, lingerie, panties, thong, horny, slut*,
        whore*, hooker*, milf, thicc, blowjob*, suck my, dick pic*, sexual favors, sexual
        favours, slept her way, slept his way, her body, hot body, upskirt, grope*, fondle*,
        booty, pussy, wet dream, jerk off, get her naked, take her clothes off, what she wears
        under, undress*, sex with, have sex, hoe, hoes, thot, thots, wild in bed, good in bed, jerk off to, in the sack, fun in bed, legs for days,
        eye candy
    """),
}

WEAK: dict[str, tuple[str, ...]] = {
    "insult": terms("""
        useless, incompetent, trash, garbage, pathetic, fools, fool, sucks, suck, clueless,
        shitty, crap, crappy, lazy, disgusting, creeps, creep, freaks, freak, ugly, creepy, waste of space
    """),
    "sexual": terms("""
        hot, ass, legs, body, curves, butt, thighs, chest
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
        r"\b(?:quietly|secretly|deliberately|systematically|routinely|knowingly)\s+(?:over(?:bill|charg)\w*|cheat\w*|"
        r"scam\w*|rob\w*|defraud\w*|double[- ]bill\w*)\b",
        r"\b(?:deliberately|intentionally|purposely|purposefully)\s+(?:loses?|losing|lost|delays?|delaying|denies|denying|"
        r"ignores?|hides?|hiding|destroys?|shreds?|shredding|misplaces?)\b",
        r"\bknowingly\s+(?:sells?|selling|sold|ships?|shipping|lies?|lied|hid|hides|hiding|covers?|covered|cheats?|overcharg\w*)\b",
        r"\b(?:hiding|hid|hide|hides|conceal(?:s|ed|ing)?|covering up|covered up|cover up|bur(?:y|ied|ying))\s+(?:the\s+)?(?:\w+\s+)?"
        r"(?:recalls?|recall notices|defects?|injur\w*|accidents?|evidence|complaints|safety)\b",
        r"\bskim(?:s|ming|med)?\s+(?:[\w']+\s+){0,2}?(?:card|credit|cards|data|money|cash|tips|payroll)\b",
        r"\bskip(?:s|ped|ping)?\s+(?:the\s+)?(?:safety|maintenance|security|hygiene)\s+(?:checks?|inspections?|procedures?)\b|"
        r"\b(?:overbill|overcharg|overbook|double[- ]bill)\w*\s+(?:[\w-]+\s+){0,3}?on purpose\b",
        r"\bpocket(?:s|ing|ed)\s+(?:the\s+)?(?:[\w'-]+\s+)?(?:items|money|cash|refunds|tips|donations|returns|deposits|rent|"
        r"fees|payments)\b|\bforg(?:es|ing)\s+(?:[\w']+\s+){0,2}?(?:reports?|documents?|signatures?|records?|receipts?)\b|"
        r"\bresell(?:s|ing)?\s+(?:them|returned|stolen|customers?)\b",
        r"\breus(?:es|ing|ed)\s+(?:dirty\s+|used\s+)?(?:needles|syringes|gloves)\b",
        r"\b(?:that'?s|that is|it'?s|this is)\s+(?:just\s+|absolutely\s+|downright\s+|literally\s+)?(?:criminal|illegal|fraud)\b",
        r"\b(?:secretly\s+|illegally\s+)?(?:sell|sells|selling|sold|leak|leaks|leaking|leaked|hand(?:s|ing|ed)? over)\s+"
        r"(?:[\w']+\s+){1,3}?(?:data|information|info|details|records|numbers|histories|ips|ip addresses|addresses|emails|"
        r"passwords|locations)\b",
        r"\bus(?:es|ed|ing)\s+(?:the\s+|our\s+|their\s+)?(?:[\w'-]+\s+){0,2}?(?:money|funds|donations|budget|cash)\s+"
        r"(?:to buy|to pay for|on|for)\s+(?:him|her|them)sel(?:f|ves)\b|"
        r"\bsteal(?:s|ing)?\s+(?:[\w'-]+\s+){0,2}?(?:mods|art|artwork|designs|code|ideas|work|content|assets|money|tips|"
        r"wages|credit)\b",
        r"\bharass(?:es|ed|ing)\s+(?:the\s+|his\s+|her\s+)?(?:\w+\s+)?(?:interns|staff|employees|women|girls|customers|"
        r"players|kids|students|coworkers|co-workers|colleagues|subordinates|juniors|guests|patients|tenants)\b",
        r"\bslept (?:her|his) way (?:in)?to\b|\bunpaid\b[^.!?\n]{0,20}?\b(?:overtime|weeks|hours|work)\b|"
        r"\b(?:work|works|working|worked)\s+(?:[\w'-]+\s+){0,3}?unpaid\b",
        r"\b(?:push(?:es|ing)?|sell(?:s|ing)?|deal(?:s|ing)?)\s+(?:illegal\s+)?(?:steroids|drugs|meth|cocaine|pills|opioids)\b",
        # Money taken: pockets / siphons / skims / helps himself to … money of others.
        r"\b(?:pocket(?:s|ed|ing)?|siphon(?:s|ed|ing)?|skim(?:s|med|ming)?|embezzl\w*|help(?:s|ed|ing)?\s+(?:him|her|them|it)"
        r"sel(?:f|ves)\s+to)\s+(?:[\w'-]+\s+){0,3}?(?:money|cash|pensions?|savings|funds?|donations|tips|deposits|wages|"
        r"salaries|allowances?|benefits|refunds|fees|difference|change|extra|surplus)\b",
        # Harm or evidence concealed (covers up falls, covered it up).
        r"\bcover(?:s|ed|ing)?\s+(?:it|this|that|everything|things|them|stuff)\s+up\b|"
        r"\bcover(?:s|ed|ing)?[- ]up\s+(?:[\w'-]+\s+){0,3}?(?:falls?|abuse|injur\w*|deaths?|accidents?|mistakes?|errors?|"
        r"bedsores|sores|complaints?|evidence|incidents?|crimes?|assaults?|harassment|neglect|fraud|theft|leaks?|breach\w*|"
        r"problems|defects?|the truth|what happened|outages?|failures?|scandals?|misconduct|losses|damage|contamination)\b|"
        r"\b(?:a|the|massive|huge)\s+cover[- ]?up\b",
        # Victims defrauded (rips off families, running a con).
        r"\brip(?:s|ped|ping)?\s+off\s+(?:\w+\s+)?(?:customers|families|people|patients|residents|clients|tenants|us|me|"
        r"everyone|elderly|seniors|the elderly|old people|students|guests|buyers|investors)\b|"
        r"\b(?:runs?|running|ran)\s+(?:a|an)\s+(?:\w+\s+)?(?:con|racket|scam|grift|swindle)\b",
        r"\b(?:just|only|simply)\s+to\s+(?:bill|overbill|charge|upsell|pad|milk|get paid|make money|collect)\b|"
        r"\bpa(?:y|ys|id|ying)\s+(?:\w+\s+){0,2}?for\s+(?:(?:fake|good|positive|glowing|five[- ]star|5[- ]star)\s+)+"
        r"(?:reviews|ratings)\b|\b(?:healthy|perfectly good)\s+(?:teeth|tooth|organs?|parts)\b[^.!?\n]{0,30}?\b(?:to bill|for money)",
        r"\b(?:bill(?:s|ed|ing)?|charg(?:e|es|ed|ing)|invoic(?:e|es|ed|ing))\s+(?:[\w'-]+\s+){0,5}?for\s+(?:[\w'-]+\s+){0,4}?"
        r"(?:they|we|i|you|he|she)\s+(?:never|didn'?t|did not)\s+(?:take|took|do|did|get|got|give|gave|provide|perform|use|"
        r"receive)\b",
        r"\bh(?:old|olds|eld|olding)\s+(?:[\w'-]+\s+){0,3}?hostage\b|\bdrunk\s+(?:behind the wheel|on the job|at work|on duty|"
        r"while driving|on shift)\b|\b(?:drinking|high|stoned|wasted)\s+on the job\b",
        # Goods passed off as something else; wage theft off the clock; money kept for oneself.
        r"\b(?:labels?|labell?ed|labell?ing|passe?s?\s+off|passing off|sells?|sold|selling|markets?|advertis(?:es|ed|ing))\s+"
        r"(?:[\w'-]+\s+){1,4}?as\s+['\"‘“](?:[\w' -]+)['\"’”]|\bpass(?:es|ed|ing)?\s+(?:[\w'-]+\s+){1,4}?off\s+as\b",
        r"\bclock(?:s|ed)?\s+out\s+and\s+(?:keep|keeps|kept|continue|continues|stay)\s+working\b|\b(?:work|works|working|worked)\s+"
        r"off the clock\b",
        r"\b(?:keeps?|kept|keeping|takes?|took|taking)\s+(?:the\s+)?(?:[\w'-]+\s+){0,3}?(?:money|tips|cash|donations|deposits|"
        r"refunds)\s+for\s+(?:him|her|them)sel(?:f|ves)\b",
        # Billing for what never happened.
        r"\b(?:bill(?:s|ed|ing)?|charg(?:e|es|ed|ing)|invoic(?:e|es|ed|ing))\s+(?:[\w'-]+\s+){0,5}?for\s+(?:[\w'-]+\s+){0,4}?"
        r"(?:that|which)\s+(?:never|didn'?t|did not|were never|was never)\s+(?:happen\w*|take place|took place|(?:get\s+)?"
        r"(?:done|provided|performed|delivered|made))",
        # Records rigged (doctored the inspection report).
        r"\b(?:doctor(?:s|ed|ing)?|fudg(?:e|es|ed|ing)|tamper(?:s|ed|ing)?\s+with|alter(?:s|ed|ing)?|backdat(?:e|es|ed|ing)|"
        r"fabricat(?:e|es|ed|ing)|rig(?:s|ged|ging)?)\s+(?:[\w'-]+\s+){0,3}?(?:reports?|records?|logs?|charts?|books|numbers|"
        r"results|data|documents|invoices|timesheets|inspections?|audits?|figures|receipts|evidence|rates|odds|drop rates|"
        r"votes|polls|reviews|ratings|draws?|raffles?|giveaways?)\b",
        # Sexual misconduct or abuse of those in care, stated as fact.
        r"\b(?:grop(?:es|ed|ing)|fondl(?:es|ed|ing)|molest(?:s|ed|ing))\b|"
        r"\b(?:drug(?:s|ged|ging)|abus(?:e|es|ed|ing)|neglect(?:s|ed|ing)?|beat(?:s|ing)?|hit(?:s|ting)?|slap(?:s|ped|ping)?|"
        r"restrain(?:s|ed|ing)?|tie(?:s|d)?\s+up)\s+(?:the\s+)?(?:\w+\s+)?(?:residents|patients|kids|children|elderly|seniors|"
        r"clients|pupils|students|animals|pets|inmates)\b",
    ),
    "insult": (
        # A trained monkey could do their job.
        r"\b(?:a|an|any)\s+(?:trained\s+|well-trained\s+|untrained\s+|half-trained\s+|drunk\s+)?(?:monkey|chimp|chimpanzee|parrot|"
        r"toddler|five[- ]year[- ]old|5[- ]year[- ]old|hamster|potato|goldfish|dog)\s+could\s+(?:do|handle|manage|run)\s+"
        r"(?:(?:the|her|his|their|your|this|that|[\w-]+['’]s)\s+)?(?:job|work|jobs)\b",
        r"\b(?:is|are|was|were|[a-z]+'s|[a-z]+'re)\s+(?:a|an|such a|such an|just a|nothing but a)\s+"
        r"(?!(?:[\w,-]+\s+){0,3}?(?:cute|adorable|sweet|lovely|friendly|cartoon|mascot|pet|stuffed|toy|lucky)\b)"
        r"(?:[\w,-]+\s+){0,3}?"
        r"(?:worm|weasel|pig|rat|snake|swine|slug|cockroach|maggot|leech|toad|hyena|cow|ape|baboon|brat)s?\b|"
        r"\b(?:are|were|'re)\s+(?:just\s+|all\s+)?(?:[\w-]+\s+){0,2}?(?:apes|baboons|brats|animals|neanderthals)\b",
        r"\b(?:iq|brains?|intelligence|brainpower)\s+of\s+(?:a|an)\s+(?:\w+\s+)?(?:doorknob|rock|potato|brick|goldfish|"
        r"toaster|sponge|plank|houseplant|turnip|squirrel)\b",
        r"\b(?:is|are|was|were|[a-z]+'s|[a-z]+'re)\s+(?:a|an|such a|such an|just a|nothing but a)\s+waste of (?:a |an |the )?(?:good\s+)?"
        r"(?:uniform|badge|salary|paycheck|job|position|desk|chair|name tag|nametag|payroll|human|person|life|breath)\b",
    ),
    "threat": (
        # Insinuated harm: "shame if something happened to it", "shame if it caught fire".
        r"\b(?:shame|pity|sad|tragic|terrible)\s+if\s+(?:something|anything|someone|somebody)\s+(?:bad\s+)?(?:\w+\s+)?"
        r"(?:happened|happens|were to happen|was to happen)\s+to\b|"
        r"\b(?:shame|pity|sad|tragic|terrible)\s+if\s+(?:it|they|that|your|the|this|those|he|she|you)\s+(?:[\w'-]+\s+){0,2}?"
        r"(?:caught fire|burned|burnt|burn(?:s|ed)? down|went up in flames|got (?:smashed|broken|damaged|torched|burned|"
        r"vandali[sz]ed|keyed|scratched|hurt)|had an accident)\b|"
        r"\b(?:shame|pity)\s+if\s+(?:someone|somebody|anyone)\s+(?:\w+\s+)?(?:smashed|broke|torched|burned|set fire to|keyed|"
        r"scratched|vandali[sz]ed|hurt|followed)\b",
        r"\b(?:walks?|walking|drives?|driving|goes|cycles?|rides?|leaves?|heads?)\s+(?:home\s+)?(?:alone|by (?:him|her)self|"
        r"every night|late)\b[^.!?\n]{0,40}?\baccidents (?:can |do )?happen\b",
        r"\b(?:coming|going|come|go|show(?:ing)? up|headed|heading)\s+(?:to|into|down to)\s+[^.!?\n]{0,40}?\bwith\s+(?:my|a|an)\s+"
        r"(?:\w+\s+)?(?:rifle|gun|shotgun|pistol|knife|machete|bat|axe|crowbar|hammer|wrench|pipe|brick|chainsaw|can of gas|"
        r"gas can|lighter)\b(?!\s+(?:drill|drills|head|kit|set|case|bag|box|rental|repair|fluid|refill))",
        r"\b(?:bring|bringing|brought|take|taking)\s+(?:a|my)\s+(?:\w+\s+)?(?:bat|gun|knife|machete|axe|crowbar|hammer|rifle|shotgun)"
        r"\s+(?:to|into)\s+(?:your|their|his|her)\b",
        r"\b(?:lock|watch|check|mind|careful|stay inside|hire security|get a dog|install cameras)\b[^.!?\n]{0,40}?"
        r"\bif i were (?:you|u|them|him|her)\b|\b(?:a taste of (?:his|her|their|your) own)\b|"
        r"\b(?:better|should) pray (?:that )?(?:i|we) (?:don'?t|never|won'?t)\b",
        r"\bput\s+(?:[\w'-]+\s+){0,4}?in\s+(?:the\s+|a\s+)?(?:hospital|ground|grave|morgue|icu|wheelchair|coffin|body bag)\b(?!['’])|"
        r"\b(?:a scene|a lesson|a day|a night|a visit)\s+(?:you|they|he|she)(?:'ll| will)\s+never forget\b",
        r"\bor\s+(?:your|the|their|his|her)\s+(?:[\w'-]+\s+){0,2}?(?:goes|will go|gets|will get)\s+(?:up in flames|burned|"
        r"torched|blown up|smashed)\b|\b(?:picked|chose|messed with|crossed)\s+the wrong\s+(?:\w+\s+)?(?:person|family|guy|"
        r"woman|man|people|customer|client)\b",
        r"\bi know (?:that )?(?:you|she|he)\s+(?:always\s+|usually\s+)?(?:walk|walks|take|takes|leave|leaves|park|parks|"
        r"get off|gets off|go home|goes home|drive|drives)\b",
        r"\b(?:getting|get|gets|receive|receiving|send(?:ing)?|deliver(?:ing)?)\s+(?:\w+\s+){0,2}?(?:a|some)\s+bombs?\b",
        r"\bi know where\s+(?:[\w.'-]+\s+){0,6}?(?:lives?|works?|parks?|sleeps?|stays?)\b|"
        r"\bi know (?:which|what|when)\s+(?:\w+\s+){0,2}?(?:you|she|he)\s+(?:work|works|leave|leaves|take|takes|park|parks|"
        r"get off|gets off|finish|finishes)\b",
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
        r"\b(?:will|gonna|going to|is going to|[a-z]+'ll)\s+(?:get|receive|find)\s+(?:a\s+)?(?:bomb|bullet|pipe bomb)\b|"
        r"\bbomb (?:in|through) the mail\b",
        # Veiled consequences: keep doing that and see what happens; won't always have security.
        r"\b(?:keep\s+\w+ing\s+(?:me|my|us|our|him|her|them|people|customers|residents|patients)\b|do that again|"
        r"try (?:that|it) again|one more time)[^.!?\n]{0,60}?\band\s+(?:see|find out|watch)\s+what\s+happens\b|"
        r"\bwhat (?:happens|will happen|could happen) to (?:your|her|his|their) (?:building|car|house|home|family|kids|office|"
        r"staff|face)\b",
        r"\b(?:won'?t|will not|can'?t|cannot)\s+(?:always\s+)?(?:have|hide behind|count on|be protected by)\s+(?:\w+\s+){0,2}?"
        r"(?:security|guards?|protection|bodyguards?|cops|police)\b",
        r"\b(?:think twice|be careful|better be careful|better not|should(?:n'?t)? be careful)\b[^.!?\n]{0,50}?\balone\b"
        r"(?:[^.!?\n]{0,20}?\b(?:at night|after dark|after work|in the dark))?",
        r"\b(?:someone|somebody|people|you|he|she|they|staff)\s+(?:is|are|'s|'re)?\s*(?:going to|gonna|will|is gonna)\s+"
        r"(?:get|end up)\s+(?:hurt|killed|burned|shot|stabbed)\b",
        r"\b(?:i'?ve|i have|we'?ve|we have|i'?ve got|i got|we got)\s+(?:got\s+)?(?:your|her|his|their)\s+(?:home\s+)?"
        r"(?:address|plates?|license plate|schedule|route)\b",
        r"\b(?:found|know|found out|have|got)\s+(?:where\s+|which\s+)?(?:your|ur|her|his|their)\s+(?:kids?|son|daughter|"
        r"children|wife|husband|family|mom|mother)(?:'s|s')?\s+(?:school|daycare|kindergarten|address|house|work)\b",
        r"\bor else\s*(?:[.!…]+|$)|\benjoy (?:your|ur) last (?:quiet|peaceful|safe|calm|normal)\b",
        r"\bsomething\s+(?:big|bad|nasty|special|terrible)\s+(?:is|'s)\s+(?:coming|going to happen|about to happen)\b",
        r"\b(?:i|we)\s+know\s+(?:where|when)\b[^.!?\n]{0,50}?\b(?:live|lives|work|works|clock out|clocks out|leave|leaves|"
        r"park|parks|sleep|sleeps|go home|goes home|get off)\b",
        r"\b(?:should|ought to|needs? to|must|deserves? to)\s+(?:all\s+)?be\s+(?:[\w'-]+\s+(?:out\s+)?and\s+)?"
        r"(?:beaten|shot|hanged|hung|lynched|killed|burned|stabbed|executed|strung up|put down)\b",
        r"\bdeserves?\s+to\s+(?:be|have|get)\s+(?:[\w'-]+\s+){0,4}?(?:burned|burnt|torched|bombed|shot|stabbed|beaten|killed|"
        r"hurt|hanged|lynched|blown up|set on fire)\b",
    ),
    "discrimination": (
        # A stereotyped place or task for a person (should stick to cooking, belongs in the kitchen).
        r"(?=should|need|ought|better|go|belong)(?<!\bchef )(?<!\bchefs )(?<!\bcook )(?<!\bcooks )(?<!\bbaker )(?<!\bcleaner )(?<!\bcleaners )"
        r"\b(?:should|needs? to|ought to|better|go|belongs?)\s+(?:just\s+)?(?:stick to|go back to|stay in|get back (?:in)?to|"
        r"return to|be in|back in|in)\s+(?:the\s+|a\s+)?(?:cooking|folding|making|washing|kitchen|laundry|dishes|housework|"
        r"sandwich\w*|nail salon|rice field\w*|rice paddies|cleaning)\b",
        r"\b(?:hired|hire|put|promoted|let)\s+(?:a|an|some)\s+(?:\w+\s+)?(?:woman|girl|female|foreigner|immigrant|"
        r"old (?:man|woman|guy|lady)|disabled (?:guy|person|man|woman)|gay (?:guy|man))\b[^.!?\n]{0,50}?\bno wonder\b",
        r"\b(?:disabled|deaf|blind|autistic|handicapped|foreign|female|gay|immigrant|old)\s+(?:guy|man|woman|lady|girl|"
        r"person|staff|agent|employee|worker|one|clerk)\b[^.!?\n]{0,60}?\b(?:obviously|of course|naturally|typical|"
        r"what (?:did|do|else would) you expect)\b",
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
        r"\b(?:anyone|everyone|people|staff|workers)\s+(?:over|past|above)\s+(?:\d{2}|fifty|sixty|seventy)\s+should\b",
        r"\bof course\s+(?:they|she|he)\s+(?:put|hired|hire|gave|got)\s+(?:\w+\s+)?(?:an?\s+)?(?:indian|chinese|mexican|asian|"
        r"black|woman|girl|immigrant|foreigner|pole|muslim)\b",
        r"\b(?:foreigners?|immigrants?|refugees?|illegals|aliens)\b[^.!?\n]{0,60}?\b(?:send (?:them|her|him) back|"
        r"deport(?:ed)?|go home|don'?t belong|kick (?:them|her|him) out|"
        r"(?:can'?t even|cannot even|barely|can barely|hardly|can hardly) (?:read|speak|write|talk|understand))",
        r"\b(?:go|get|send (?:her|him|them)|should go|needs? to go) back to (?:your|her|his|their) (?:own |home )?"
        r"(?:country|countries|village|jungle|call cent(?:re|er)|homeland|hut)\b|\bback to (?:where|wherever) (?:you|she|he|they) came from\b",
        r"\b(?:won'?t|will not|refuses? to|refused to|doesn'?t|don'?t|never)\s+(?:rent|sell|lease|serve)\s+to\s+(?:foreigners|"
        r"immigrants|blacks|black people|gays|koreans|chinese|muslims|indians|mexicans|asians)\b",
        r"\b(?:send|ship)\s+(?:him|her|them)\s+back\s*(?:home\s*)?(?:[.!]|$)",
        r"\b(?:chinese|korean|foreign|mexican|indian|asian|filipino|vietnamese|african|immigrant|muslim)\s+(?:staff|workers|people|"
        r"employees|devs|developers|nurses|clerks)\s+who\s+(?:can'?t|cannot|don'?t|barely|hardly)\s+(?:even\s+)?"
        r"(?:speak|talk|write|read|understand)\b",
        r"\bonly\s+(?:hires?|hiring|hired|employs?|promotes?|promoted)\s+(?:\w+\s+){0,2}?(?:young|pretty|white|men|women|"
        r"girls|guys|japanese|locals)\b|"
        r"\b(?:his|her|their) (?:people|kind|lot) (?:always|all|never|are all)\b|"
        r"\bcan'?t even\s+(?:speak|pronounce|read|write|say|spell)\b[^.!?\n]{0,50}?\bgo (?:back )?home\b|"
        r"\b(?:hires?|hiring|hired|employs?|employing)\s+(?:way\s+)?too many\s+(?:\w+\s+)?(?:women|girls|foreigners|immigrants|"
        r"old (?:ladies|men|people|folks)|asians|blacks|gays|muslims|mexicans|indians)\b",
        r"\b(?:female|women|woman|girl|girls)\s+(?:\w+\s+){0,4}?(?:are|is)\s+(?:just|only)\s+(?:there\s+)?(?:as|for)\s+"
        r"(?:eye candy|decoration|looks|show|diversity)\b|\bboomers?\s+should\s+(?:just\s+)?(?:retire|quit|leave|go|die)\b",
        r"\b(?:should|needs? to|can|must|oughta|ought to|go)\s+(?:just\s+)?(?:go|fly|swim|get|head)\s+back\s+to\s+"
        r"(?!(?:work|bed|school|sleep|basics|training|normal|it|them|him|her|home|class|reality)\b)[a-z]+\s*(?:[.!,;]|$)",
        r"\b(?:of course|obviously|typical|what do you expect|no wonder)\b[^.!?\n]{0,60}?\b(?:she'?s|he'?s|they'?re|she is|"
        r"he is|they are)\s+(?:a |an |just a |just an )?(?:woman|girl|female|foreigner|immigrant|old|gay|disabled)\b",
        r"\b(?:korean|chinese|foreign|mexican|indian|asian|filipino|vietnamese|african|muslim)\b[^.!?\n]{0,40}?"
        r"\b(?:should|needs? to|must|can)\s+go\s+(?:back\s+)?home\b",
        r"\b(?:hire|hiring|employ|employing)\s+(?:\w+\s+)?(?:foreigners|immigrants|women|girls|gays|old people)\b"
        r"(?:[^.!?\n]{0,30}\b(?:stupid|mistake|problem|why|idiots?|useless|incompetent))?",
    ),
    "sexual": (
        r"\b(?:she|he)'?s\s+(?:so |really |pretty |very )?(?:hot|fuckable|bangable|doable)\b",
        r"\b(?:i'?d|i would|would|wanna|want to|gonna)\s+(?:totally |so )?(?:do|tap|hit|bang|smash|screw|ride)"
        r"\s+(?:her|him|that)\b",
        r"\b(?:her|his)\s+(?:ass|butt|boobs|tits|chest|legs|thighs|body|lips)\s+(?:is|are|was|were|look)\b",
        r"\bha(?:s|ve)\s+(?:a|such a|the)\s+(?:great|nice|hot|amazing|banging|killer|perfect|sexy|best)\s+"
        r"(?:body|figure|rack|a(?:ss|\$\$)|butt|booty)(?!\w)|\bthe best a(?:ss|\$\$)(?!\w)|\bget (?:her|him) alone\b",
        r"\b(?:bet|i bet)\s+(?:she|he)'?s\s+(?:\w+\s+){0,2}?(?:in bed|a freak)\b",
        r"\b(?:i'?d|i would)\s+(?:love|like)\s+(?:a|some)\s+private\s+\w+\s+with\s+(?:her|him)\b|"
        r"\b(?:i'?d|i would)\s+pay\s+to\s+(?:watch|see)\s+(?:her|him)\b",
        r"\b(?:body|ass|butt|tits|boobs|legs|thighs)\b[^.!?\n]{0,30}?\b(?:get|put|lay)\s+my\s+hands\s+on\b|"
        r"\b(?:get|put|lay)\s+my\s+hands\s+on\s+(?:her|him)\b",
        r"\b(?:look|looks|looking|see|seeing|imagine|picture|get|getting|bet|wonder|better)\b[^.!?\n]{0,30}?\b(?:without|out of)\s+"
        r"(?:that|her|his|the|those)\s+(?:uniform|clothes|scrubs|dress|skirt|outfit|shirt)\b",
        r"\b(?:figure|body|curves|legs|ass|butt|chest)\s+(?:that|which)\s+makes?\s+(?:me|you|a man)\b",
        r"\b(?:sponge bath|bed bath|private|overnight|body|figure|uniform|lap dance|her|him)\b[^.!?\n]{0,60}?"
        r"\b(?:if you know what i mean|wink wink)",
        r"\bmy\s+(?:bed|bedroom)\s+(?:anytime|any time|any day|tonight|whenever)\b|"
        r"\b(?:ride|drive|service|handle|serve|check)\b[^.!?\n]{0,30}?\bin more ways than one\b|"
        r"\b(?:i'?d|i would|wanna|want to|gonna)\s+\w+\s+more than\s+(?:[\w'-]+\s+){0,3}?with (?:her|him)\b|"
        r"\b(?:my mouth with hers|my mouth with his|in (?:that|her|those) tight (?:top|shirt|scrubs|skirt|dress|uniform|pants)\b"
        r"[^.!?\n]{0,30}?\b(?:heaven|drool|damn|hot|yum))|"
        r"\b(?:thighs|ass|butt|boobs|tits|chest|legs|cleavage|body)\b[^.!?\n]{0,50}?(?:🥵|🤤|🍑|\bclip (?:that|it)\b|\bdrool)",
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
    scam messages, scam blocker, scam protection, stupid cheap, stupid good, stupid easy, fraud in the industry,
    murder on my, murder on your, murder on the, murder the competition, murdered the competition,
    murdering the competition, murders the competition, predatory, trash talk, trash talks, trash talking,
    trash-talk, trash-talks, trash-talking, or else what, what else,
    should be illegal, ought to be illegal, should be a crime, criminally underrated, criminally good, stole the show,
    steal the show, steals the show, stealing the show, killing it, killed it, kills it, to die for
""")

package safety

import (
	"regexp"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// harmPattern is one family of harmful text, matched against the folded
// readings of a text (see harmForms): lower case, accents and look-alikes
// folded. Patterns are deliberately narrow: a deny must not fire on
// ordinary messages ("kill the lights", "shoot me a text", "grab a coke").
type harmPattern struct {
	kind     string
	lang     string // "" for English
	severity Severity
	re       *regexp.Regexp
	trig     []string            // literals, one of which a match contains; nil: the script check alone
	script   *unicode.RangeTable // the text must have a letter of this script; nil: any
	after    *regexp.Regexp      // text right after a match that makes it harmless
	before   *regexp.Regexp      // text right before a match that makes it harmless
}

// Kinds of harmful content.
const (
	kindThreat     = "a threat of violence"
	kindSelfHarm   = "encouragement of or instructions for self-harm"
	kindDrugs      = "illegal drugs"
	kindWeapons    = "weapons or explosives"
	kindHarass     = "harassment"
	kindSlur       = "a slur"
	kindSexRumour  = "a sexual rumour about a person"
	kindScam       = "a scam or phishing message"
	kindHarmfulAny = "harmful content"
)

func hp(kind string, sev Severity, trig string, re string) harmPattern {
	var t []string
	if trig != "" {
		for _, w := range strings.Split(trig, "|") {
			t = append(t, foldLexicon(w))
		}
	}
	return harmPattern{kind: kind, severity: sev, trig: t, re: regexp.MustCompile(foldLexicon(re))}
}

func (p harmPattern) in(lang string, script *unicode.RangeTable) harmPattern {
	p.lang, p.script = lang, script
	return p
}

func (p harmPattern) unless(after string) harmPattern {
	p.after = regexp.MustCompile(`^(?:` + foldLexicon(after) + `)`)
	return p
}

func (p harmPattern) unlessAfter(before string) harmPattern {
	p.before = regexp.MustCompile(`(?:` + foldLexicon(before) + `)$`)
	return p
}

// foldLexicon folds a lexicon pattern the way foldText folds text: marks
// removed, script variants folded. Lexicon patterns are written in lower
// case, so regexp escapes such as \P{L} and \S keep their case.
func foldLexicon(s string) string {
	if isASCII(s) {
		return s
	}
	var b strings.Builder
	for _, r := range norm.NFD.String(s) {
		if unicode.Is(unicode.Mn, r) || r == '\u0640' {
			continue
		}
		if c, ok := scriptFolds[r]; ok {
			r = c
		}
		if r == 'ß' {
			b.WriteString("ss")
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// Boundaries for scripts that Go's ASCII \b does not know.
const (
	ub = `(?:^|[^\p{L}\p{N}])`
	ue = `(?:[^\p{L}\p{N}]|$)`
)

// English building blocks.
const (
	enSubj   = `\b(?:i|we|ima|imma|i'ma|ill|im)`
	enAux    = `(?:'ll|'m|'d|'re|\s+will|\s+shall|\s+am|\s+are|\s+would|\s+wanna|\s+want\s+to|\s+gonna|\s+going\s+to|\s+gotta|\s+need\s+to|\s+have\s+to|\s+could|\s+can)?`
	enFill   = `(?:\s+(?:gonna|going\s+to|about\s+to|really|just|am|are|definitely|totally|literally|seriously|actually|fucking|fuckin|f\*+ing|so|still|come|go|and|wanna|want\s+to|like\s+to|love\s+to|have\s+to|need\s+to|gotta|try\s+to|will|be|finally|personally|swear|promise|i'll|ill|i\s+will|hunt\s+(?:you|u)\s+down\s+and|find\s+(?:you|u|ya)\s+and|track\s+(?:you|u)\s+down\s+and|come\s+for\s+(?:you|u)\s+and|come\s+over\s+and|come\s+to\s+your\s+house\s+and))*`
	enVerb   = `(?:kill|murder|stab|strangle|rape|kidnap|slaughter|behead|lynch|torture|butcher|massacre|assassinate|suffocate|smother|drown|poison|shoot|hurt|beat\s+up|gut|shank|choke|exterminate|beat\s+the\s+(?:shit|crap|hell|life)\s+out\s+of)`
	enPeople = `(?:people|persons?|guys?|m[ae]n|wom[ae]n|girls?|boys?|kids?|children|child|cops?|police(?:men)?|officers?|jews?|muslims?|christians?|immigrants?|refugees?|foreigners?|blacks?|whites?|asians?|mexicans?|arabs?|gays?|lesbians?|trans(?:gender)?(?:\s+people)?|queers?|homosexuals?|teachers?|students?|classmates?|neighbou?rs?|coworkers?|bitch(?:es)?|whores?|retards?|n[i1]gg(?:er|a)s?|f[a@]gg?ots?|bastards?|idiots?|humans?)`
	enObj    = `(?:you|u|ya|yall|y'all|you\s+all|you\s+guys|all\s+of\s+you|him|her|them|everyone|everybody|anybody|anyone|somebody|someone|your\s+(?:whole\s+)?(?:family|kids?|wife|husband|mom|mother|dad|father|children|son|daughter|sister|brother|girlfriend|boyfriend|parents|friends?|ass|face|head)|(?:all|every|each|the\s+next|any|that|those|these|a|some|more|the)\s+(?:[a-z-]+\s+){0,2}` + enPeople + `)\b`
	enDrugs  = `(?:cocaine|crack|crack\s+cocaine|heroin|meth|crystal\s+meth|methamphetamine|fentanyl|fent|carfentanil|mdma|ecstasy|lsd|acid\s+tabs|ketamine|oxycontin|oxycodone|oxys|percocets?|percs|xanax\s+bars|xans|roxies|shrooms|magic\s+mushrooms|dmt|pcp|ghb)`
	enQty    = `(?:\d+(?:\.\d+)?\s*(?:g|gs|grams?|oz|ounces?|pills?|tabs?|bars?|kilos?|keys?|bags?|baggies?)|an?\s+(?:gram|ounce|oz|eight\s*ball|8\s*ball|bag|baggie|bump|line|key|kilo|brick)|(?:gram|grams|ounce|ounces|bags|lines|bumps|kilos|keys|bricks))`
)

var harmPatterns = []harmPattern{
	// ---- English: threats
	hp(kindThreat, SeverityCritical, "kill|murder|stab|strangl|rape|kidnap|slaughter|behead|lynch|tortur|butcher|massacre|execut|assassin|suffocat|smother|drown|poison|shoot|hurt|beat|burn|gut|shank|chok|hang|extermin|end",
		enSubj+enAux+enFill+`\s+`+enVerb+`\s+`+enObj).
		unless(`\s+(?:a|an|the|my|some|over|back|quick|guys\s+(?:a|an|the|my|some|over))\b|\s+(?:at|in)\s+(?:chess|poker|cards|scrabble|tennis|golf|mario\s*kart|fifa|fortnite|the\s+game|this\s+game|that\s+game|pool|darts|trivia|monopoly|uno|bowling|ping\s*pong|basketball|soccer|football|a\s+race|arm\s+wrestling)\b|\s+with\s+(?:kindness|love|hugs|cuteness|compliments)\b|\s+out\b|'?s?\s+(?:feelings|chances|ego|pride|wallet|budget|eyes|ears|subscription|trial|account|membership|contract|call|streak)\b|\s+up\b`),
	hp(kindThreat, SeverityCritical, "end you|end u|end ya|end your",
		enSubj+enAux+enFill+`\s+end\s+(?:you|u|ya|your\s+(?:life|existence|miserable\s+life))\b`).
		unless(`\s+(?:a|an|the|my|some|over|back|at|in|on|with)\b`),
	hp(kindThreat, SeverityCritical, "break|snap|cut|slit|bash|smash|bullet|blow|burn|brains",
		`\b(?:(?:break|snap|cut|slit|bash|smash|crack)\s+(?:your|ur|his|her|their)\s+(?:neck|throat|legs?|arms?|face|head|skull|teeth|jaw|spine)|put\s+a\s+bullet\s+(?:in|through)\s+(?:you|u|your|ur|his|her|their|him|them)|blow\s+(?:your|ur|his|her|their)\s+(?:brains|head)\s+(?:out|off)|burn\s+(?:your|ur|his|her|their)\s+(?:house|car|place|home)\s+down|cut\s+(?:your|ur)\s+(?:head|tongue)\s+off)\b`).
		unlessAfter(`(?:don'?t|do\s+not|never|won'?t|careful\s+not\s+to|might|could|almost)\s+$`),
	hp(kindThreat, SeverityCritical, "dead|die|going to die|gonna die",
		`\b(?:you(?:'re|\s+are|\s+r)|youre|ur|u\s+r|u're|u\s+are)\s+(?:so\s+|fucking\s+)?(?:dead|going\s+to\s+die|gonna\s+die|a\s+dead\s+(?:man|woman)|dead\s+meat)\b`).
		unless(`\s*(?:right|wrong|serious|tired|on|set|last|cent(?:er|re)|to\s+me|to\s+us|inside|ahead|straight|even|cute|sexy|funny|lucky|gorgeous|asleep|beat|broke|ringer|end|weight|zone|sure|certain|honest|of\s+(?:laughter|embarrassment|boredom|old\s+age)|laughing|from\s+(?:laughing|embarrassment))\b`).
		unlessAfter(`(?:phone|battery|plant|fish|hamster|car|laptop|game|character|if\s+)\s*$`),
	hp(kindThreat, SeverityCritical, "watch your back|where you live|where u live|where you sleep|pay for this|days are numbered|one eye open|live to see|hope you|hope u|death to|won't live|wont live",
		`\b(?:watch\s+your\s+back|i\s+know\s+where\s+(?:you|u)\s+(?:live|sleep)|(?:you|u)\s+(?:will|'ll|are\s+going\s+to|r\s+gonna|are\s+gonna)\s+pay\s+for\s+this|your\s+days\s+are\s+numbered|sleep\s+with\s+one\s+eye\s+open|(?:you|u)\s+won'?t\s+(?:live|survive)\s+(?:to\s+see|through|the\s+night|another\s+day)|i\s+hope\s+(?:you|u|she|he|they)\s+(?:die|get\s+(?:raped|killed|shot|stabbed|murdered|run\s+over))|death\s+to\s+(?:all|every|the)\s+\w+)\b`),
	hp(kindThreat, SeverityCritical, "shoot up|bomb|blow up",
		`\b(?:shoot\s+up|bomb|blow\s+up)\s+(?:the|a|my|your|our|this|that)\s+(?:school|office|workplace|mall|church|mosque|synagogue|temple|concert|party|class(?:room)?|campus|plane|airport|building|station|train|bus|hospital|stadium|parade|rally|clinic)\b`).
		unlessAfter(`(?:don'?t|do\s+not|never|phone|calls?\s+to)\s+$`),
	hp(kindThreat, SeverityHigh, "should|must|deserve|ought|need",
		`\b`+enPeople+`\s+(?:like\s+you\s+)?(?:should|must|need\s+to|ought\s+to|deserve\s+to)\s+(?:all\s+)?(?:be\s+)?(?:die|killed|shot|hanged|hung|executed|exterminated|gassed|burned|burnt|lynched|raped|murdered|eradicated|wiped\s+out|slaughtered|put\s+down)\b`).
		unlessAfter(`(?:\bno|\bnot|\bnever|\bnobody|\bnone\s+of\s+the)\s+$`),
	hp(kindThreat, SeverityCritical, "should|must|ought|need|would|wish|see|make|end|rid|eradicat|exterminat|solution|death|throat|neck|legal|decriminal",
		`\b(?:someone|somebody|we|they|you|people|one|anyone)\s+(?:should|must|ought\s+to|needs?\s+to|would|will|could)\s+(?:just\s+|finally\s+|really\s+|all\s+)?(?:`+enVerb+`|hang|burn|execute|gas|eradicate|snap\s+the\s+necks\s+of|put\s+an\s+end\s+to|get\s+rid\s+of)\s+`+enObj+
			`|\b(?:murdering|raping|killing|shooting|lynching|stabbing|gassing)\s+(?:a|an|any|all)?\s*(?:[a-z-]+\s+){0,2}`+enPeople+`\s+(?:like\s+you\s+)?should\s+(?:not\s+)?be\s+(?:legal|decriminali[sz]ed|allowed|illegal|a\s+crime)\b`+
			`|\b(?:love|like|want|wanna|wish)\s+to\s+see\s+`+enObj+`\s+(?:suffer|die|burn|hang|dead|bleed|get\s+(?:shot|killed|raped))\b`+
			`|\bwish\s+(?:all|every|those|these|the)?\s*(?:[a-z-]+\s+){0,2}`+enPeople+`\s+(?:would|were|got|could)\s+(?:be\s+)?(?:shot|killed|dead|murdered|gassed|hanged|lynched|raped|exterminated|wiped\s+out)\b`+
			`|\b`+enPeople+`(?:\s+like\s+you)?(?:\s+all)?\s+(?:would\s+all\s+be|would\s+be|were|got|all\s+had\s+their\s+throats)\s+(?:dead|eradicated|exterminated|wiped\s+out|gassed|killed|cut)\b`+
			`|\b(?:put\s+an\s+end\s+to|get\s+rid\s+of|eradicate|exterminate|wipe\s+out)\s+(?:all\s+|those\s+|these\s+|the\s+|every\s+)*(?:[a-z-]+\s+){0,2}`+enPeople+`\b`+
			`|\b(?:make)\s+`+enObj+`\s+(?:suffer|bleed|die|pay\s+with\s+(?:their|your)\s+lives?)\b`+
			`|\bend\s+(?:every|each|all|that|this|those|these)\s+(?:[a-z-]+\s+){0,2}`+enPeople+`'?s?\s+li(?:fe|ves)\b`+
			`|\b(?:execution|extermination|genocide|death)\s+is\s+the\s+only\s+(?:solution|answer)\s+for\b`+
			`|\bdie\s+a\s+(?:horrible|slow|painful|gruesome)\s+death\s+at\s+my\s+hands\b`+
			`|\b(?:cut|slit|snap|break)\s+(?:their|his|her|your|ur|that|this)\s+(?:[a-z-]+\s+)?(?:throats?|necks?)\b`+
			`|\b(?:the\s+)?world\s+(?:would\s+be|is|'d\s+be)\s+better\s+(?:off\s+)?without\s+(?:all\s+)?(?:those\s+|these\s+|the\s+)?(?:[a-z-]+\s+)?`+enPeople+`\b`).
		unless(`\s+(?:a|an|the|my|some|over|back|up)\s+(?:text|message|email|line|call|note|link|pic|photo|reminder|invite)\b|\s+(?:at|in)\s+(?:chess|poker|cards|the\s+game|this\s+game)\b`).
		unlessAfter(`(?:\bno|\bnot|\bnever|\bnobody|\bnone\s+of\s+the|n't)\s+(?:\w+\s+){0,2}$`),
	// ---- English: self-harm
	hp(kindSelfHarm, SeverityCritical, "yourself|urself|ur self|your self|yourselves|kys",
		`\b(?:kill|hang|shoot|off|unalive|end)\s+(?:yourself|urself|ur\s+self|your\s+self|yourselves)\b|\bkys\b`).
		unless(`\s*(?:laughing|over|with\s+work|working|trying|for\s+(?:it|this|that|work|a\s+job))\b`).
		unlessAfter(`(?:don'?t|do\s+not|dont|never|not\s+to|won'?t|wouldn'?t|shouldn'?t|no\s+need\s+to|want\s+to|wanted\s+to|thought\s+about|thinking\s+about|urge\s+to|thoughts\s+of)\s+$`),
	hp(kindSelfHarm, SeverityCritical, "die|drink bleach|jump off|wrists|better without|better off without|end your|end ur|not exist",
		`\b(?:(?:go|just|pls|please|plz)\s+die|(?:you|u)\s+should\s+(?:just\s+)?(?:die|not\s+exist|drink\s+bleach|end\s+(?:your|ur)\s+life|jump\s+off\s+a\s+(?:bridge|building|cliff|roof))|drink\s+bleach|(?:slit|cut)\s+(?:your|ur)\s+wrists|(?:go|just|why\s+don'?t\s+you)\s+jump\s+off\s+a\s+(?:bridge|building|cliff|roof)|(?:the\s+)?world\s+(?:would\s+be|is|'d\s+be)\s+better\s+(?:off\s+)?without\s+(?:you|u)|end\s+(?:your|ur)\s+(?:own\s+|miserable\s+)?life)\b`).
		unless(`\s+(?:of|laughing|already\s+of|in\s+a\s+(?:fire|ditch))\b`).
		unlessAfter(`(?:don'?t|do\s+not|dont|never|not|won'?t|could|i'?d|i\s+would|i\s+will|i'll|i\s+might|we|they)\s+$`),
	hp(kindSelfHarm, SeverityCritical, "myself|suicide|overdose|pills|tablets",
		`\b(?:(?:how\s+(?:to|do\s+i|can\s+i|should\s+i|do\s+you)|best\s+way\s+to|easiest\s+way\s+to|painless\s+way\s+to|quickest\s+way\s+to|ways?\s+to)\s+(?:kill\s+(?:myself|yourself|urself)|commit\s+suicide|end\s+my\s+life|hang\s+myself|overdose|od\s+on)|how\s+many\s+(?:pills|tablets|sleeping\s+pills|tylenol|paracetamol|advil|ibuprofen)\s+(?:to|does\s+it\s+take\s+to|would\s+it\s+take\s+to|until\s+you)\s+(?:die|overdose|kill\s+(?:myself|yourself|me|a\s+person))|suicide\s+methods?)\b`),
	// ---- English: harassment, slurs, sexual rumours, scams
	hp(kindHarass, SeverityHigh, "you|u r|ur ",
		`\b(?:you(?:'re|\s+are|\s+r)|ur|u\s+r)\s+(?:a\s+|an\s+|such\s+a\s+|so\s+)?(?:worthless|pathetic|disgusting|a\s+waste\s+of\s+space|subhuman|trash|garbage|retard(?:ed)?|whore|slut|bitch)\b|\bnobody\s+(?:likes|loves|would\s+miss)\s+(?:you|u)\b|\b(?:fuck|screw)\s+(?:you|u)\b`).
		unless(`\s+(?:too|both|guys)\b`).unlessAfter(`(?:the|tha|da|what\s+the)\s+$`),
	hp(kindSlur, SeverityHigh, "nigg|n1gg|n!gg|fag|f@g|kike|k1ke|spic|sp1c|chink|ch1nk|trann|tr@nn|wetback|retard|r3t",
		`\b(?:n[i1!]gg(?:er|a|ah)s?|f[a@]gg?[o0]ts?|k[i1]kes?|sp[i1]cs?|ch[i1]nks?|tr[a@]nn(?:y|ies)|wetbacks?|r[e3]t[a@]rds?)\b`),
	hp(kindSexRumour, SeverityHigh, "sex|nude|naked|porn",
		`\b(?:sex|nude|naked|porn)\s+(?:video|tape|photos?|pics?|images?)\s+of\b`),
	hp(kindScam, SeverityHigh, "won|claim|suspended|locked|blocked|gift card|itunes",
		`\b(?:you(?:'ve|\s+have)\s+won\s+(?:a|an|\$)|claim\s+your\s+(?:prize|reward|gift\s+card)|your\s+(?:account|card)\s+(?:has\s+been|will\s+be)\s+(?:suspended|locked|blocked)[^.]{0,40}(?:click|visit|verify)|send\s+(?:me\s+)?(?:your\s+)?(?:gift\s+card|itunes\s+card)\s+codes?)\b`),
	// ---- English: drugs
	hp(kindDrugs, SeverityHigh, "cocaine|crack|heroin|meth|fentanyl|fent|mdma|ecstasy|lsd|acid|ketamine|oxy|perc|xan|roxies|shroom|mushroom|dmt|pcp|ghb",
		`\b(?:buy|buying|bought|sell|selling|sold|sells|order|ordering|get|getting|score|scoring|cop|copping|deal|dealing|ship|shipping|deliver|delivering|pick\s+up|grab|source|supply|push|pushing|traffic|smuggle|need|want|cook|cooking|make|making)\s+(?:me\s+|us\s+|you\s+|ya\s+|u\s+)?(?:some\s+|an?\s+|more\s+|the\s+|good\s+|pure\s+|cheap\s+|real\s+|`+enQty+`\s+(?:of\s+)?)*`+enDrugs+`\b|\b`+enDrugs+`\s+(?:for\s+sale|delivery|delivered|plug|dealer|connect|in\s+stock|available|hook\s*up)\b`),
	hp(kindDrugs, SeverityHigh, "coke|molly|blow|snow",
		`\b`+enQty+`\s+(?:of\s+)?(?:coke|molly|blow)\b|\b(?:coke|molly)\s+(?:for\s+sale|plug|dealer|connect|delivery)\b`),
	// ---- English: weapons and explosives
	hp(kindWeapons, SeverityCritical, "gun|firearm|bomb|explosive|ied|molotov|napalm|ricin|sarin|nerve|thermite|detonator|grenade|silencer|suppressor|auto sear|glock|pistol|rifle|ar-15|ar15|ak-47|ak47|meth",
		`\b(?:ghost\s+guns?|3d[- ]printed\s+guns?|untraceable\s+(?:guns?|firearms?)|unregistered\s+(?:guns?|firearms?)|(?:make|build|making|building|assemble|assembling)\s+(?:a\s+|an\s+)?(?:pipe\s+bomb|bomb|explosive(?:\s+device)?|ied|molotov(?:\s+cocktail)?|dirty\s+bomb)|(?:how\s+to|how\s+do\s+i|how\s+can\s+i|ways?\s+to|instructions\s+(?:to|for))\s+(?:make|build|assemble|create|cook)\s+(?:a\s+|an\s+|my\s+own\s+)?(?:homemade\s+)?(?:bomb|pipe\s+bomb|explosives?|ied|molotov(?:\s+cocktail)?|napalm|ricin|sarin|nerve\s+agent|thermite|dirty\s+bomb|detonator|grenade|silencer|suppressor|ghost\s+gun|untraceable\s+gun|zip\s+gun|meth)|buy\s+(?:a\s+)?(?:gun|firearm|pistol|handgun|rifle|ak-?47|ar-?15|glock)\s+(?:online\s+)?(?:without|with\s+no|no)\s+(?:a\s+)?(?:background\s+check|license|licence|id|paperwork|permit|serial)|silencers?\s+for\s+sale|convert\s+(?:an?\s+)?(?:ar-?15|rifle|glock|pistol)\s+to\s+(?:full\s+)?auto|(?:buy|sell|selling|order|make|3d\s+print)\s+(?:a\s+|an\s+)?(?:glock\s+switch|auto\s+sear))\b`).
		unless(`\s*(?:shelter|proof|squad|threat|joke|cyclone|diggity|s\s+shelter)\b`),

	// ---- French
	hp(kindThreat, SeverityCritical, "tuer|buter|crever|massacr|egorg|poignard|flingu|assassin|abattre|etrangl|tortur|viol|peau|souffrir|cou|extermin|elimin|eradiqu",
		`\bje\s+(?:vais|veux|va|vai|compte|m'en\s+vais|voudrais|peux)\s+(?:(?:tous\s+)?(?:te|vous|le|la|les|l'|t')\s*)(?:tuer|buter|crever|massacrer|egorger|poignarder|flinguer|assassiner|abattre|etrangler|torturer|violer|faire\s+la\s+peau|faire\s+souffrir|briser\s+le\s+cou)\b|`+
			`\bje\s+(?:vais|veux|compte|voudrais)\s+(?:tuer|massacrer|egorger|poignarder|assassiner|abattre|etrangler|torturer|violer|exterminer|eliminer|eradiquer|faire\s+souffrir|buter|mettre\s+fin\s+a\s+la\s+vie\s+de)\s+(?:tous|toutes|chaque|le\s+prochain|la\s+prochaine|n'importe\s+quel)\b|`+
			`\bje\s+(?:vais|veux|compte|voudrais)\s+(?:massacrer|egorger|poignarder|assassiner|etrangler|torturer|violer|exterminer|faire\s+souffrir|briser)\s+(?:ce|cet|cette|ces|un|une|ton|ta)\b|`+
			`\bje\s+(?:te|vous|t')\s*(?:tuerai|buterai|egorgerai|massacrerai|poignarderai|creverai|ferai\s+la\s+peau|violerai|etranglerai|tue|bute|egorge|creve)\b|`+
			`\bnous\s+(?:allons|allons\s+tous|voulons)\s+(?:tuer|massacrer|torturer|exterminer|egorger)\b|`+
			`\b(?:exterminons|massacrons)\s+(?:simplement\s+)?(?:tous\s+)?(?:les|ces|ce|cette)\b|\bqu'on\s+les\s+(?:execute|tue|pende|massacre|extermine)\b|`+
			`\bmort\s+aux\s+(?:juifs|musulmans|arabes|noirs|blancs|chretiens|homosexuels|gays|pedes|immigres|etrangers|flics|femmes|traitres|trans|migrants|roms|asiatiques)\b`).in("French", nil),
	hp(kindThreat, SeverityCritical, "mort|mourir|crever|habites|meritent|soient|devrait",
		`\b(?:t'es|tu\s+es|vous\s+etes)\s+(?:un\s+homme\s+)?mort\b|\btu\s+vas\s+(?:mourir|crever)\b|\bje\s+sais\s+ou\s+tu\s+(?:habites|vis|dors|te\s+caches)\b|\bmeritent\s+(?:de\s+mourir|la\s+mort|d'etre\s+(?:tues|abattus|executes|pendus))\b|\bsoient\s+(?:tous\s+|toutes\s+)?(?:abattus|tues|executes|massacres|extermines|pendus|gazes)\b|\bquelqu'un\s+devrait\s+(?:juste\s+|simplement\s+)?(?:tuer|poignarder|abattre|etrangler|briser|egorger|massacrer)\b`).
		unless(`\s+(?:de\s+(?:rire|fatigue|honte|froid|faim|peur))\b`).in("French", nil),
	hp(kindThreat, SeverityCritical, "fin|tirer|balle|viole|tue|gorge|finir|mort|devrai|devrait|pense|mains",
		`\bje\s+(?:vais|veux|compte|voudrais)\s+mettre\s+fin\s+a\s+la\s+vie\s+de\s+(?:tous|toutes|chaque|ce|cette|ces|toi)\b|\b(?:vais|veux)\s+tirer\s+(?:une\s+balle\s+)?sur\s+(?:le\s+prochain|la\s+prochaine|toi|vous|tous|ce|cette|ces)\b|`+
			`\bque\s+je\s+(?:viole|tue|bute|egorge|poignarde|massacre)\s+(?:un|une|ce|cette|tous|toi|ces)\b|\b(?:te|vous|leur|lui)\s+(?:trancher|couper)\s+la\s+gorge\b|\ben\s+finir\s+avec\s+(?:tous|toutes|toi|vous)\b|`+
			`\bmort\s+a\s+tous\s+les\b|\bdevrai(?:en)?t\s+(?:tous\s+|toutes\s+)?etre\s+(?:tues|tuees|executes|executees|brules|pendus|abattus|gazes|extermines|massacres)\b|`+
			`\bon\s+devrait\s+(?:juste\s+|simplement\s+)?(?:tuer|gazer|exterminer|massacrer|executer|egorger)\s+(?:tous|toutes|ces|les)\b|`+
			`\b(?:violer|assassiner|tuer)\s+(?:un|une|les|des)\s+.{0,30}?(?:ne\s+devrait\s+pas\s+etre\s+illegal|devrait\s+etre\s+(?:depenalise|legal|autorise))|`+
			`\bpense\s+(?:serieusement\s+)?a\s+(?:tuer|etrangler|assassiner|poignarder)\s+(?:ce|cette|ces|un|une|toi)\b|\bmort\s+atroce\s+de\s+mes\s+mains\b`).in("French", nil),
	hp(kindSelfHarm, SeverityCritical, "toi|suicid|pendre|mourir|crever|tuer",
		`\b(?:tue[- ]toi|suicide[- ]toi|pends[- ]toi|va\s+te\s+(?:pendre|tuer|suicider|jeter\s+d'un\s+pont)|va\s+(?:mourir|crever)|tu\s+devrais\s+(?:mourir|crever|te\s+suicider|te\s+tuer|te\s+pendre)|comment\s+(?:se|me)\s+(?:suicider|tuer|pendre)|(?:meilleure|plus\s+simple)\s+(?:facon|maniere)\s+de\s+(?:se|me)\s+(?:suicider|tuer))\b`).in("French", nil),
	hp(kindDrugs, SeverityHigh, "cocaine|heroine|crack|meth|ecstasy|mdma|lsd|ketamine|fentanyl|drogue|coke",
		`\b(?:acheter|achete|achat|vendre|vends|vend|commander|trouver|livrer|livraison|deal|dealer)\b[^.!?]{0,25}\b(?:cocaine|heroine|crack|meth|methamphetamine|ecstasy|mdma|lsd|ketamine|fentanyl|drogues?|came)\b|\b(?:cocaine|heroine|meth|ecstasy|mdma|fentanyl|drogues?)\s+a\s+vendre\b|\bgrammes?\s+de\s+(?:coke|cocaine|md)\b`).in("French", nil),
	hp(kindWeapons, SeverityCritical, "bombe|explosif|arme|molotov",
		`\b(?:comment\s+)?(?:fabriquer|faire|construire|preparer)\s+(?:une\s+|un\s+|des\s+)?(?:bombe|explosifs?|engin\s+explosif|cocktail\s+molotov)\b|\bacheter\s+(?:une\s+)?arme\s+sans\s+(?:permis|papiers|licence)\b|\barme\s+(?:non\s+declaree|intracable|fantome)\b`).
		unless(`\s+(?:de\s+bain)\b`).in("French", nil),

	// ---- Spanish
	hp(kindThreat, SeverityCritical, "matar|asesin|apunal|acuchill|dispar|violar|quemar|ahorcar|estrangul|tortur|degoll|revent|tiro|lastim|dano|sufrir|masacr|extermin|elimin|erradic|acabar|matare|mato",
		`\b(?:te|los|las|lo|la|les|os)\s+(?:voy|vamos)\s+a\s+(?:matar|asesinar|apunalar|acuchillar|disparar|violar|quemar|ahorcar|estrangular|torturar|degollar|reventar|partir\s+la\s+(?:madre|cara)|romper\s+la\s+cara|dar\s+un\s+tiro|pegar\s+un\s+tiro|meter\s+un\s+tiro|matar\s+a\s+golpes|hacer\s+sufrir|lastimar|hacer\s+dano)\b|\b(?:voy|vamos)\s+a\s+(?:matarte|matarlos|matarlas|matarlo|matarla|mataros|asesinarte|apunalarte|violarte|dispararte|quemarte|ahorcarte|estrangularte|torturarte|degollarte|lastimarte)\b|\b(?:voy|vamos|quiero|queremos|pienso|tendre\s+que|tengo\s+que)\s+(?:a\s+)?(?:realmente\s+|simplemente\s+)?(?:matar|asesinar|apunalar|disparar|violar|estrangular|torturar|masacrar|exterminar|eliminar|erradicar|acabar\s+con|hacer\s+sufrir)\s+(?:a\s+|al\s+)?(?:ti|todos|todas|cada|el\s+proximo|la\s+proxima|proximo|proxima|cualquier|la\s+vida\s+de)\b|`+
			`\b(?:voy|vamos|quiero|queremos|pienso|tendre\s+que|tengo\s+que)\s+(?:a\s+)?(?:realmente\s+|simplemente\s+)?(?:asesinar|apunalar|disparar|violar|estrangular|torturar|masacrar|exterminar|hacer\s+sufrir)\s+a\s+(?:ese|esa|esos|esas|un|una|estos|estas)\b|\bte\s+(?:matare|asesinare|apunalare|violare|mato|quemare|lastimare|reventare)\b|\b(?:matare|masacrare|torturaremos|masacraremos|mataremos|apunalare|violare|estrangulare|asesinare)\s+(?:a\s+)?(?:ti|todos|todas|cada|ese|esa|esos|esas|estos|estas|un|una|cualquier|los|las)\b|\b(?:eliminemos|erradiquemos|matemos|exterminemos|masacremos)\s+a\s+(?:los|las|todos|todas|esos|esas|estos|estas)\b|\b(?:te|les|le)\s+cortare\s+(?:la|esa|el)\s+(?:garganta|cuello)\b`).in("Spanish", nil),
	hp(kindThreat, SeverityCritical, "muerto|morir|vives|muerte|merecen",
		`\b(?:estas|eres\s+(?:un\s+)?hombre)\s+muerto\b|\b(?:vas|van)\s+a\s+morir\b|\bse\s+donde\s+vives\b|\bmuerte\s+a\s+(?:todos|todas|los|las)\b|\bmerecen\s+(?:morir|la\s+muerte|ser\s+(?:asesinad|fusilad|ejecutad)[oa]s)\b`).
		unless(`\s+(?:de\s+(?:risa|cansancio|hambre|sueno|verguenza|frio))\b`).in("Spanish", nil),
	hp(kindThreat, SeverityCritical, "solucion|muerte|considerando|deberian|deberia|garganta|cuello",
		`\bla\s+(?:ejecucion|muerte|exterminacion)\s+es\s+la\s+unica\s+solucion\b|\bmuerte\s+horrible\s+en\s+mis\s+manos\b|\bconsiderando\s+(?:matar|estrangular|asesinar|apunalar)\s+a\b|`+
			`\bdeberian\s+(?:ser\s+)?(?:todos\s+)?(?:asesinad|ejecutad|fusilad|ahorcad|quemad|exterminad|matad)[oa]s\b|\balguien\s+deberia\s+(?:simplemente\s+)?(?:asesinar|estrangular|disparar\s+a|ahorcar|degollar)\b|`+
			`\b(?:les|te|le)\s+cortare\s+(?:esa|la|el)\s+(?:garganta|cuello)|\bpartire\s+(?:ese|tu|el)\s+cuello\b`).in("Spanish", nil),
	hp(kindSelfHarm, SeverityCritical, "matate|suicid|ahorcate|morir|tirate",
		`\b(?:matate|suicidate|ahorcate|tirate\s+de\s+un\s+puente|vete\s+a\s+morir|deberias\s+(?:morir|matarte|suicidarte)|como\s+(?:suicidarme|suicidarse|matarme|quitarme\s+la\s+vida))\b`).in("Spanish", nil),
	hp(kindDrugs, SeverityHigh, "cocaina|heroina|crack|metanfetamina|cristal|extasis|mdma|lsd|ketamina|fentanilo|droga|perico",
		`\b(?:comprar|compro|vender|vendo|vende|pedir|conseguir|consigo|distribuir|traficar)\b[^.!?]{0,25}\b(?:cocaina|heroina|crack|metanfetamina|cristal|extasis|mdma|lsd|ketamina|fentanilo|drogas?|perico|coca)\b|\b(?:cocaina|heroina|metanfetamina|fentanilo|drogas?)\s+(?:en\s+venta|a\s+domicilio|a\s+la\s+venta)\b`).in("Spanish", nil),
	hp(kindWeapons, SeverityCritical, "bomba|explosiv|arma|molotov",
		`\b(?:como\s+)?(?:hacer|fabricar|construir|armar)\s+(?:una\s+|un\s+)?(?:bomba|explosivos?|artefacto\s+explosivo|coctel\s+molotov)\b|\bcomprar\s+(?:un\s+|una\s+)?arma\s+sin\s+(?:licencia|permiso|papeles)\b|\barmas?\s+fantasma\b`).
		unless(`\s+(?:de\s+(?:bano|humo|semillas))\b`).in("Spanish", nil),

	// ---- German
	hp(kindThreat, SeverityCritical, "bring|mach|umbring|tote|ermord|stech|schiess|knall|wurg|vergewalt|kalt|folter|qual|hang|vernicht|losch|rott|schlacht|richt|leiden|ende|genick|kehle|merz|angreif",
		`\bich\s+(?:bring|bringe|mach|mache)\s+(?:dich|euch|ihn|sie)\s+(?:um|kalt|platt|alle)\b|\bich\s+(?:werde|will|mochte|muss|wurde|werd|kann)\s+(?:dich|euch|ihn|sie|alle|allen|jeden|jede|diese[nmrs]?|das\s+leben)\s+(?:\p{L}+\s+){0,3}(?:umbringen|toten|ermorden|abstechen|erstechen|erschiessen|abknallen|erwurgen|vergewaltigen|kaltmachen|foltern|qualen|aufhangen|erhangen|vernichten|ausloschen|ausrotten|ausmerzen|abschlachten|hinrichten|leiden\s+lassen|durchschneiden|ein\s+ende\s+setzen)\b|\bich\s+tote\s+(?:dich|euch|ihn|sie)\b|\bwir\s+werden\s+(?:euch|dich|diese[nmrs]?|alle[nm]?)\s+(?:\p{L}+\s+){0,3}(?:toten|umbringen|foltern|vernichten|ausrotten|ausloschen|ein\s+ende\s+setzen|abschlachten|erschiessen)\b|\bich\s+brech\p{L}*\s+(?:dir|euch|diesen|diesem|ihm|ihr|allen)\s+(?:\p{L}+\s+){0,2}(?:das\s+)?genick\b`).in("German", nil),
	hp(kindThreat, SeverityCritical, "bist|seid|wohnst|tod allen|tod den|den tod|umgebracht|getotet|erschossen|vergast|erhangt|hingerichtet|ausgerottet|ausgeloscht|abgeschlachtet",
		`\b(?:du\s+bist|ihr\s+seid)\s+(?:so\s+gut\s+wie\s+|ein\s+)?(?:tot|toter\s+mann|tote\s+frau)\b|\bich\s+weiss\s+wo\s+du\s+wohnst\b|\btod\s+(?:allen|den)\b|\b(?:sollten|sollen|gehoren|verdienen|mussen)\s+(?:alle\s+)?(?:umgebracht|getotet|erschossen|vergast|erhangt|hingerichtet|ausgerottet|ausgeloscht|abgeschlachtet|den\s+tod)\b`).
		unless(`\s*(?:mude|müde)\b`).unlessAfter(`(?:keine[rnms]?|kein|nie|niemals|niemand|nicht)\s+(?:\p{L}+\s+){0,2}$`).in("German", nil),
	hp(kindThreat, SeverityCritical, "stech|vergewalt|umbring|ermord|schiess|wurg|drossel|schlacht|richt|kehle|ecke|todesstrafe|losung|sollte|gehort|verdient|mord|tod",
		`\bich\s+(?:werde|werd|will|mochte|muss)\s+(?:\p{L}+\s+){0,4}(?:abstechen|vergewaltigen|umbringen|ermorden|erschiessen|erwurgen|erdrosseln|abschlachten|hinrichten|kehlen?\s+durchschneiden)\b|`+
			`\bich\s+(?:erschiess|erschiesse|ersteche|erstech|vergewaltige|ermorde|tote)\s+(?:die|den|das|dich|euch|jeden|jede)\b|\bum\s+die\s+ecke\s+bringen\b|`+
			`\b(?:todesstrafe|hinrichtung|ausrottung)\s+ist\s+die\s+einzige\s+losung\b|\bich\s+uberlege\s+(?:mir\s+)?(?:\p{L}+\s+){0,4}zu\s+(?:erdrosseln|toten|erwurgen|erstechen|erschiessen|ermorden)\b|`+
			`\bwir\s+sollten\s+(?:\p{L}+\s+){0,4}(?:umbringen|vergasen|erschiessen|ausrotten|abschlachten|hinrichten|ertranken)\b|`+
			`\b(?:jemand|irgendjemand|man)\s+sollte\s+(?:\p{L}+\s+){0,4}(?:abstechen|erschiessen|umbringen|toten|erwurgen|erhangen|genick\s+brechen|ertranken|vergasen|ein\s+ende\s+setzen)\b|`+
			`\b(?:verdient|verdienen|sollte|sollten)\s+(?:alle\s+)?(?:hingerichtet|umgebracht|erschossen|vergast|erhangt|den\s+tod|ausgerottet)\b|\bmord\s+an\s+\p{L}+\s+sollte\s+legal\b|\bdurch\s+meine\s+hand\s+einen\s+\p{L}+\s+tod\b`).
		unlessAfter(`(?:keine[rnms]?|kein|nie|niemals|niemand|nicht)\s+(?:\p{L}+\s+){0,2}$`).in("German", nil),
	hp(kindSelfHarm, SeverityCritical, "bring dich|tote dich|hang dich|erhang dich|sterben|stirb|umbringen|selbstmord",
		`\b(?:bring\s+dich\s+(?:doch\s+)?um|tote\s+dich|hang\s+dich\s+auf|erhang\s+dich|geh\s+sterben|stirb\s+doch|du\s+solltest\s+(?:sterben|dich\s+umbringen)|wie\s+(?:bringe|kann)\s+ich\s+mich\s+(?:um|umbringen)|wie\s+begehe\s+ich\s+selbstmord)\b`).in("German", nil),
	hp(kindDrugs, SeverityHigh, "kokain|koks|heroin|crack|crystal|meth|ecstasy|mdma|lsd|ketamin|fentanyl|drogen",
		`\b(?:kaufen|verkaufen|verkaufe|kaufe|bestellen|besorgen|liefern|vertickern|dealen)\b[^.!?]{0,25}\b(?:kokain|koks|heroin|crack|crystal\s+meth|crystal|meth|methamphetamin|ecstasy|mdma|lsd|ketamin|fentanyl|drogen)\b|\b(?:kokain|koks|heroin|crystal|meth|methamphetamin|ecstasy|mdma|ketamin|fentanyl|drogen)\b[^.!?]{0,25}\b(?:kaufen|verkaufen|bestellen|besorgen|liefern|zu\s+verkaufen)\b`).in("German", nil),
	hp(kindWeapons, SeverityCritical, "bombe|sprengstoff|waffe|molotow|rohrbombe",
		`\b(?:(?:eine\s+)?(?:rohr)?bombe|sprengstoff|molotowcocktail)\s+(?:bauen|basteln|herstellen|zusammenbauen)\b|\bwie\s+(?:baue|bastle|mache)\s+ich\s+(?:eine\s+)?(?:rohr)?bombe\b|\bwaffe\s+ohne\s+(?:waffenschein|lizenz|papiere)\s+kaufen\b`).in("German", nil),

	// ---- Portuguese
	hp(kindThreat, SeverityCritical, "matar|mato|esfaque|furar|estupr|espanc|enforc|estrangul|tortur|queimar|degol|execut|massacr|tiro|bala|quebrar|arrebent|machuc|sofrer|assassin|atirar|extermin|erradic|acabar|cortar|garganta|pescoco",
		`\b(?:eu\s+)?(?:vou|vamos|irei)\s+(?:te|lhe|vos)\s+(?:matar|esfaquear|furar|estuprar|espancar|enforcar|estrangular|torturar|queimar|degolar|executar|massacrar|dar\s+um\s+tiro|meter\s+bala|arrebentar|machucar|fazer\s+sofrer)\b|`+
			`\b(?:eu\s+)?(?:vou|vamos|quero|queremos|irei|vou\s+ter\s+que|tenho\s+que)\s+(?:realmente\s+|simplesmente\s+)?(?:matar|assassinar|esfaquear|atirar\s+(?:em|no|na)|estuprar|estrangular|torturar|massacrar|exterminar|erradicar|acabar\s+com|fazer\s+(?:\p{L}+\s+){1,2}sofrer)\s+(?:voce|voces|vcs?|todos|todas|cada|o\s+proximo|a\s+proxima|proximo|proxima|qualquer|a\s+vida\s+de)\b|`+
			`\b(?:eu\s+)?(?:vou|vamos|quero|queremos|irei|vou\s+ter\s+que|tenho\s+que)\s+(?:realmente\s+|simplesmente\s+)?(?:assassinar|esfaquear|atirar\s+(?:em|no|na)|estuprar|estrangular|torturar|massacrar|exterminar)\s+(?:esse|essa|esses|essas|aquele|aquela|aqueles|aquelas|um|uma|os|as)\b|`+
			`\b(?:eu\s+)?(?:vou|vamos)\s+fazer\s+(?:aqueles|aquelas|esses|essas|voces|todos)\s+(?:\p{L}+\s+)?sofrer|`+
			`\bvou\s+(?:cortar|quebrar)\s+(?:essas?|esses?|sua|suas|seu|seus)\s+(?:\p{L}+\s+)?(?:gargantas?|pescocos?)\b|\bte\s+(?:mato|matarei|esfaqueio|estupro)\b|\bvou\s+matar\s+(?:voce|vc|tu)\b`).in("Portuguese", nil),
	hp(kindThreat, SeverityCritical, "morto|mora|morte|morrer",
		`\b(?:voce|vc|tu)\s+(?:esta|ta|e|es)\s+(?:um\s+homem\s+)?morto\b|\bsei\s+onde\s+(?:voce|vc|tu)\s+mora\b|\bmorte\s+a\s+(?:todos|todas|os|as)\b|\b(?:merecem|deveriam|devem)\s+(?:morrer|ser\s+(?:mort|executad|assassinad)[oa]s)\b`).
		unless(`\s+(?:de\s+(?:rir|cansaco|fome|sono|vergonha|medo))\b`).in("Portuguese", nil),
	hp(kindThreat, SeverityCritical, "solucao|morte|pensando|machucaria",
		`\bunica\s+solucao\s+para\s+.{0,30}?\s+e\s+a\s+(?:execucao|morte)\b|\bmorte\s+horrivel\s+nas\s+minhas\s+maos\b|\bpensando\s+(?:seriamente\s+)?em\s+(?:matar|estrangular|assassinar|esfaquear)\s+(?:aquele|aquela|esse|essa|voce|um|uma)\b|\bmachucaria\s+voce\b`).in("Portuguese", nil),
	hp(kindSelfHarm, SeverityCritical, "mata|suicid|morrer|enforca",
		`\b(?:se\s+mata|mate-se|se\s+suicida|vai\s+se\s+(?:matar|enforcar)|se\s+enforca|(?:voce|vc)\s+deveria\s+(?:morrer|se\s+matar)|como\s+(?:me\s+matar|se\s+matar|se\s+suicidar|cometer\s+suicidio))\b`).in("Portuguese", nil),
	hp(kindDrugs, SeverityHigh, "cocaina|heroina|crack|metanfetamina|ecstasy|mdma|lsd|ketamina|fentanil|droga",
		`\b(?:comprar|compro|vender|vendo|vende|arrumar|arrumo|entregar|entrego|traficar)\b[^.!?]{0,25}\b(?:cocaina|heroina|crack|metanfetamina|ecstasy|mdma|lsd|ketamina|fentanil|drogas?)\b|\b(?:cocaina|heroina|metanfetamina|drogas?)\s+(?:a\s+venda|para\s+vender)\b`).in("Portuguese", nil),
	hp(kindWeapons, SeverityCritical, "bomba|explosiv|arma|molotov",
		`\b(?:como\s+)?(?:fazer|fabricar|construir|montar)\s+(?:uma\s+|um\s+)?(?:bomba|explosivos?|artefato\s+explosivo|coquetel\s+molotov)\b|\bcomprar\s+(?:uma\s+)?arma\s+sem\s+(?:porte|registro|licenca)\b`).
		unless(`\s+(?:de\s+(?:banho|chocolate|sementes))\b`).in("Portuguese", nil),

	// ---- Italian
	hp(kindThreat, SeverityCritical, "ammazz|uccid|spar|accoltell|sgozz|strangol|fuori|faccia|violent|stupr|massacr|pugnal|tortur|sterm|fine|gole|collo|soffrire|male|sradic",
		`\bti\s+(?:ammazzo|uccido|uccidero|ammazzero|sparo|accoltello|sgozzo|strangolo|faccio\s+fuori|spacco\s+la\s+faccia|violento|stupro|massacro)\b|`+
			`\b(?:voglio|vogliamo|devo|ho\s+(?:davvero\s+)?intenzione\s+di|sto\s+per)\s+(?:davvero\s+)?(?:uccidere|ammazzare|sparare\s+a[li]?|pugnalare|accoltellare|stuprare|violentare|strangolare|torturare|massacrare|sterminare|sgozzare|porre\s+fine\s+alla\s+vita\s+di)\s+(?:te|voi|tutti|tutte|ogni|il\s+prossimo|la\s+prossima|prossimo|prossima|qualsiasi)\b|`+
			`\b(?:voglio|vogliamo|devo|ho\s+(?:davvero\s+)?intenzione\s+di|sto\s+per)\s+(?:davvero\s+)?(?:pugnalare|accoltellare|stuprare|violentare|strangolare|torturare|massacrare|sterminare|sgozzare)\s+(?:quel|quella|quei|quelle|quello|questi|queste|un|una)\b|`+
			`\b(?:uccidero|ammazzero|sparero|pugnalero|accoltellero|stuprero|violentero|strangolero|massacrero|torturero|sgozzero|tortureremo|massacreremo|uccideremo|stermineremo)\s+(?:a\s+|al\s+|il\s+|un\s+|una\s+|quel|quella|tutti|tutte|te|voi|qualsiasi|quei|questi|queste|ogni)|`+
			`\b(?:taglier[o]\s+le\s+gole|spezzer[o]\s+il\s+collo|ti\s+far[o]\s+soffrire|far[o]\s+del\s+male\s+a|far\s+soffrire\s+(?:quei|quelle|te|voi|tutti))\b|`+
			`\b(?:mettiamo\s+fine\s+a|sterminiamo)\s+(?:tutti|tutte|questi|queste|quei|i|gli|le)\b`).in("Italian", nil),
	hp(kindThreat, SeverityCritical, "morto|morti|abiti|vivi|morte|meritano",
		`\b(?:sei|siete)\s+(?:un\s+uomo\s+)?mort[oi]\b|\bso\s+dove\s+(?:abiti|vivi)\b|\bmorte\s+a\s+tutt[ie]\b|\bmeritano\s+(?:di\s+morire|la\s+morte)\b`).
		unless(`\s+(?:di\s+(?:sonno|stanchezza|fame|freddo|paura|vergogna)|dal\s+ridere)\b`).in("Italian", nil),
	hp(kindThreat, SeverityCritical, "intenzione|considerando|soluzione|morte|dovrebbero|dovrebbe",
		`\bconsiderando\s+di\s+(?:uccidere|strangolare|ammazzare|pugnalare)\b|`+
			`\bla\s+(?:fucilazione|morte|esecuzione)\s+e\s+l'unica\s+soluzione\b|\bmort[ea]\s+orribile\s+per\s+mano\s+mia\b|`+
			`\bdovrebbero\s+(?:essere\s+)?(?:tutti\s+)?(?:uccisi|giustiziati|impiccati|bruciati|sterminati|fucilati|ammazzati)\b|\bqualcuno\s+dovrebbe\s+(?:solo\s+)?(?:strangolare|impiccare|sparare\s+a)\b`).in("Italian", nil),
	hp(kindSelfHarm, SeverityCritical, "ammazzati|ucciditi|impiccati|buttati|morire|suicid",
		`\b(?:ammazzati|ucciditi|impiccati|buttati\s+(?:giu\s+)?da\s+un\s+ponte|dovresti\s+morire|vai\s+a\s+morire|come\s+(?:suicidarsi|suicidarmi|uccidermi|ammazzarmi))\b`).in("Italian", nil),
	hp(kindDrugs, SeverityHigh, "cocaina|eroina|crack|metanfetamina|ecstasy|mdma|lsd|ketamina|fentanyl|droga",
		`\b(?:comprare|compro|vendere|vendo|vende|spacciare|spaccio|procurare|ordinare)\b[^.!?]{0,25}\b(?:cocaina|eroina|crack|metanfetamina|ecstasy|mdma|lsd|ketamina|fentanyl|droga|droghe)\b|\b(?:cocaina|eroina|droga)\s+in\s+vendita\b`).in("Italian", nil),
	hp(kindWeapons, SeverityCritical, "bomba|esplosiv|arma|molotov",
		`\b(?:come\s+)?(?:fare|fabbricare|costruire|preparare)\s+(?:una\s+|un\s+|degli\s+)?(?:bomba|esplosivi?|ordigno|molotov)\b|\bcomprare\s+(?:un'?)?\s*arma\s+senza\s+(?:porto\s+d'armi|licenza)\b`).
		unless(`\s+(?:da\s+bagno)\b`).in("Italian", nil),

	// ---- Russian (folded: й is и, ё is е)
	hp(kindThreat, SeverityCritical, "",
		ub+`(?:я\s+)?(?:тебя|тебе|вас|вам|его|ее|их)\s+(?:убью|зарежу|пристрелю|прикончу|задушу|урою|закопаю|изобью|порежу|грохну|замочу|уничтожу|порву|застрелю|сожгу)`+ue+`|`+
			ub+`(?:убью|зарежу|пристрелю|прикончу|задушу|урою|закопаю|изобью|грохну|замочу|застрелю)\s+(?:тебя|вас|его|ее|их|всех|каждого)`+ue+`|`+
			ub+`(?:ты|вы)\s+(?:труп|покойник|не\s+жилец|мертвец)`+ue+`|`+ub+`тебе\s+(?:конец|не\s+жить|хана|крышка)`+ue+`|`+
			`я\s+знаю\s+где\s+ты\s+живешь|я\s+найду\s+тебя\s+и|смерть\s+(?:всем|им)`+ue+`|`+
			ub+`(?:хочу|буду|собираюсь|будем|надо|нужно)\s+(?:убить|убивать|зарезать|расстрелять|перебить|уничтожить|вырезать|сжечь)\s+(?:тебя|вас|всех|каждого|их|этих)`+ue).in("Russian", unicode.Cyrillic),
	hp(kindSelfHarm, SeverityCritical, "",
		ub+`(?:убей\s+себя|иди\s+повесься|повесься|выпились|выпились|покончи\s+с\s+собой|сдохни|иди\s+сдохни|как\s+покончить\s+с\s+собой|как\s+убить\s+себя|как\s+повеситься|способы?\s+самоубийства)`+ue).in("Russian", unicode.Cyrillic),
	hp(kindDrugs, SeverityHigh, "",
		ub+`(?:купить|куплю|продам|продаю|продажа|закажу|заказать|достать|достану|нужен|нужна|ищу)\s+(?:\p{L}+\s+)?(?:кокаин\p{L}*|героин\p{L}*|мефедрон\p{L}*|меф|амфетамин\p{L}*|метамфетамин\p{L}*|экстази|мдма|лсд|спайс\p{L}*|наркот\p{L}*|гашиш\p{L}*)`+ue).in("Russian", unicode.Cyrillic),
	hp(kindWeapons, SeverityCritical, "",
		ub+`(?:как\s+)?(?:сделать|собрать|изготовить)\s+(?:самодельную\s+)?(?:бомбу|взрывчатку|взрывное\s+устройство|коктейль\s+молотова)`+ue+`|`+
			ub+`купить\s+(?:пистолет|оружие|ствол|автомат)\s+без\s+(?:лицензии|разрешения|документов)`+ue).in("Russian", unicode.Cyrillic),

	// ---- Arabic (folded: hamza forms of alef are alef, ة is ه, ى is ي, no harakat)
	hp(kindThreat, SeverityCritical, "",
		`(?:سا|سوف\s*ا|ه|ح|راح\s*ا|رح\s*ا|بدي\s*ا|عاوز\s*ا|عايز\s*ا|لازم\s*ا|اريد\s*ان\s*ا|انا\s*ه)(?:قتل|ذبح|دبح|طعن|خنق|حرق|اغتصب|عذب|دفن)(?:ك|كم|كو|ه|ها|هم)`+ue+`|`+
			`(?:عاوز|عايز|اريد|بدي|هنفضل|انا|سوف|سا|ه)\s*(?:ا|ن)?(?:قتل|ذبح|ابيد|انهي\s+حياه)\s+كل`+ue+`|`+
			`(?:لازم|عاوز|عايز|ه|سا)\s*ا?غتصب`+ue+`|`+ub+`(?:انت|انتي|انتم)\s+(?:ميت|ميته|ميتين|راجل\s+ميت)`+ue+`|`+
			`(?:اعرف|عارف|بعرف)\s+(?:اين|وين|فين)?\s*(?:تسكن|ساكن|بيتك)|ه(?:كسر|قص)\s+رق(?:بتك|اب)|هضرب\s+.{0,30}(?:بالرصاص|بالمطوه|بالسكينه)|(?:الاعدام|الاباده|القتل)\s+هو\s+الحل`).
		unless(`\s+(?:من|م)\s+(?:الجوع|التعب|الضحك|النوم)`).in("Arabic", unicode.Arabic),
	hp(kindThreat, SeverityCritical, "",
		`(?:ه|سا|هن|سن)(?:عزب|عذب)\s+(?:حياه|كل)|(?:ه|سا|ح)(?:ازيك|اذيك|اذيكم|ازيكم)`+ue+`|هطلع\s+(?:ب)?روح|هجرم\s+(?:ف|في)|هيموت\s+موته\s+وحشه|لازم\s*(?:ي|ن)?(?:موتو|موتوا|قتل|شنق|نشنق)|لازمهم\s+قتل`).in("Arabic", unicode.Arabic),
	hp(kindSelfHarm, SeverityCritical, "",
		`اقتل\s+نفسك|روح\s+انتحر|لازم\s+تنتحر|(?:كيف|ازاي|طريقه|طرق)\s+(?:ا|ل)?(?:نتحر|لانتحار|اقتل\s+نفسي)`).in("Arabic", unicode.Arabic),
	hp(kindDrugs, SeverityHigh, "",
		`(?:شراء|بيع|اشتري|ابيع|للبيع|اطلب|توصيل)\s.{0,20}(?:كوكايين|هيروين|حشيش|مخدرات|كبتاجون|شابو|كريستال\s+ميث)|(?:كوكايين|هيروين|حشيش|مخدرات|كبتاجون|شابو)\s+للبيع`).in("Arabic", unicode.Arabic),
	hp(kindWeapons, SeverityCritical, "",
		`(?:كيف|ازاي|طريقه)\s+(?:ا|ت|ن)?(?:صنع|عمل)\s+(?:قنبله|متفجرات|عبوه\s+ناسفه)|(?:صنع|صناعه)\s+(?:قنبله|متفجرات|عبوه\s+ناسفه)|شراء\s+سلاح\s+(?:بدون|بلا)\s+(?:ترخيص|رخصه)`).in("Arabic", unicode.Arabic),

	// ---- Chinese (simplified; traditional characters are folded)
	hp(kindThreat, SeverityCritical, "",
		`(?:我|老子|我们)(?:要|会|想|一定|就|迟早|早晚|今天|明天|真的|得|有点|好好|直接|必须|去)*(?:杀了|杀死|杀掉|杀光|弄死|砍死|捅死|打死|整死|干掉|宰了|毒死|烧死|掐死|勒死|枪杀|强奸|谋杀|砍掉|伤害|折磨|扭断)(?:你|您|他|她|他们|她们|你们|所有|每一个|那个|那些|这些|一个|下一个|全部)|`+
			`杀了你|弄死你|砍死你|捅死你|你死定了|你等死吧|我知道你住(?:在)?(?:哪|那)|去死吧|你去死|都去死|快去死|怎么不去死|(?:都)?应该被(?:杀|杀死|处决|枪毙|烧死|绞死)|结束(?:每一个|所有|你的)\S{0,6}生命`).
		unlessAfter(`(?:没有|不|别|不会|不要|决不|绝不)\p{Han}{0,4}$`).in("Chinese", unicode.Han),
	hp(kindThreat, SeverityCritical, "",
		`(?:我|我们)(?:会|要|想)\S{0,6}?(?:折磨|杀死|杀掉|弄死|捅死|砍死|强奸|谋杀)(?:你|你们|他|她|他们|她们|这些|那些|所有|每一个)|一枪杀了|让(?:你|你们|那些|这些|所有|他|她|他们)\S{0,6}受苦|死刑才能解决|惨死在我手|就该死`).in("Chinese", unicode.Han),
	hp(kindSelfHarm, SeverityCritical, "",
		`你去自杀|去自杀吧|怎么自杀|如何自杀|怎样自杀|自杀的方法|自杀方法`).in("Chinese", unicode.Han),
	hp(kindDrugs, SeverityHigh, "",
		`(?:买|卖|出售|购买|求购|代购)(?:冰毒|海洛因|可卡因|摇头丸|k粉|大麻|毒品|麻古|芬太尼)|(?:冰毒|海洛因|可卡因|摇头丸|毒品)(?:出售|便宜卖|送货)`).in("Chinese", unicode.Han),
	hp(kindWeapons, SeverityCritical, "",
		`(?:制作|制造|自制|怎么做|如何做|如何制作)(?:炸弹|炸药|爆炸物)|(?:买|卖|购买|出售)(?:枪支|炸药|手枪|枪)`).in("Chinese", unicode.Han),

	// ---- A few more languages, threats only
	hp(kindThreat, SeverityCritical, "", `殺すぞ|殺してやる|ぶっ殺す|死ね(?:よ|!|！|$|\s)`).in("Japanese", unicode.Hiragana),
	hp(kindThreat, SeverityCritical, "", `죽여\s*버린다|죽여\s*버릴\s*거야|죽일\s*거야|죽어\s*버려`).in("Korean", unicode.Hangul),
	hp(kindThreat, SeverityCritical, "oldur|geber", `\bseni\s+(?:oldurecegim|oldururum|gebertecegim|keserim)\b|\bkendini\s+oldur\b`).in("Turkish", nil),
	hp(kindThreat, SeverityCritical, "", `(?:तुम्हें|तुझे|तुम्हे)\s+(?:जान\s+से\s+)?मार\s+(?:डालूगा|डालूँगा|डालूंगा|दूगा|दूंगा)`).in("Hindi", unicode.Devanagari),
}

type harmHit struct {
	kind     string
	lang     string
	how      string
	excerpt  string
	severity Severity
}

// describe names the hit for a reason: "a threat of violence (in French,
// base64-encoded)".
func (h harmHit) describe() string {
	var notes []string
	if h.lang != "" {
		notes = append(notes, "in "+h.lang)
	}
	if h.how != "" {
		notes = append(notes, h.how)
	}
	if len(notes) == 0 {
		return h.kind
	}
	return h.kind + " (" + strings.Join(notes, ", ") + ")"
}

// findHarmful judges text on every reading harmForms gives and returns at
// most one hit per kind, the first reading's first.
func findHarmful(text string) []harmHit {
	if strings.TrimSpace(text) == "" {
		return nil
	}
	var hits []harmHit
	seen := map[string]bool{}
	for _, f := range harmForms(text) {
		scripts := map[*unicode.RangeTable]bool{}
		for i := range harmPatterns {
			p := &harmPatterns[i]
			if seen[p.kind] {
				continue
			}
			if p.script != nil {
				has, ok := scripts[p.script]
				if !ok {
					has = hasScript(f.text, p.script)
					scripts[p.script] = has
				}
				if !has {
					continue
				}
			}
			if p.trig != nil && !containsAny(f.text, p.trig) {
				continue
			}
			if m := p.match(f.text); m != "" {
				seen[p.kind] = true
				hits = append(hits, harmHit{kind: p.kind, lang: p.lang, how: f.how, excerpt: m, severity: p.severity})
			}
		}
	}
	return hits
}

// match returns the first match of p in s that no exception applies to.
func (p *harmPattern) match(s string) string {
	for _, loc := range p.re.FindAllStringIndex(s, 8) {
		if p.after != nil && p.after.MatchString(s[loc[1]:min(len(s), loc[1]+48)]) {
			continue
		}
		if p.before != nil && p.before.MatchString(s[max(0, loc[0]-24):loc[0]]) {
			continue
		}
		return strings.Trim(s[loc[0]:loc[1]], " .,;:!?\"'()[]")
	}
	return ""
}

func hasScript(s string, t *unicode.RangeTable) bool {
	for _, r := range s {
		if r >= 0x80 && unicode.Is(t, r) {
			return true
		}
	}
	return false
}

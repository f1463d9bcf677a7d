package safety

import (
	"bufio"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"sort"
	"strings"
	"testing"
	"unicode/utf8"
)

func b64(s string) string    { return base64.StdEncoding.EncodeToString([]byte(s)) }
func b64url(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }
func hexOf(s string) string  { return hex.EncodeToString([]byte(s)) }
func pctAll(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		fmt.Fprintf(&b, "%%%02X", s[i])
	}
	return b.String()
}
func entities(s string) string {
	var b strings.Builder
	for _, r := range s {
		fmt.Fprintf(&b, "&#%d;", r)
	}
	return b.String()
}
func uEscapes(s string) string {
	var b strings.Builder
	for _, r := range s {
		fmt.Fprintf(&b, `\u%04x`, r)
	}
	return b.String()
}

// harmAttacks are harmful texts as people disguise them. Each must be found,
// as the kind given.
var harmAttacks = []struct {
	text, kind string
}{
	// The attempts of issue 14 that were sent.
	{"I will k1ll you", kindThreat},
	{"I will k i l l you", kindThreat},
	{"I will kіll you", kindThreat},       // Cyrillic і
	{"I will ki\u200bll you", kindThreat}, // zero-width space
	{"Je vais te tuer", kindThreat},
	{b64("I will kill you"), kindThreat},
	// Other look-alikes and invisible characters.
	{"I will kіll yоu", kindThreat},                   // Cyrillic і and о
	{"Ι will kιll you", kindThreat},                   // Greek iota
	{"I wіll kіll уou", kindThreat},                   // Cyrillic у
	{"ɪ ᴡɪʟʟ ᴋɪʟʟ ʏᴏᴜ", kindThreat},                   // small capitals
	{"ｉ ｗｉｌｌ ｋｉｌｌ ｙｏｕ", kindThreat},                   // fullwidth
	{"𝐈 𝐰𝐢𝐥𝐥 𝐤𝐢𝐥𝐥 𝐲𝐨𝐮", kindThreat},                   // mathematical bold
	{"ⓘ ⓦⓘⓛⓛ ⓚⓘⓛⓛ ⓨⓞⓤ", kindThreat},                   // circled
	{"i will k̶i̶l̶l̶ you", kindThreat},               // combining strokes
	{"I will ki\u00adll you", kindThreat},             // soft hyphen
	{"I will k\u2060i\u2060l\u2060l you", kindThreat}, // word joiners
	{"I will \u202ekill\u202c you", kindThreat},       // direction override
	{"I will k\ufe0fill you", kindThreat},             // variation selector
	// Leetspeak.
	{"I will k!ll you", kindThreat},
	{"i w1ll k1ll y0u", kindThreat},
	{"I'll ki11 u", kindThreat},
	{"I will k|ll you", kindThreat},
	{"k1ll y0urs3lf", kindSelfHarm},
	{"wanna buy some h3r0in?", kindDrugs},
	{"selling c0caine, dm me", kindDrugs},
	// Letters spaced out, dotted apart or run together.
	{"I w i l l k i l l y o u", kindThreat},
	{"I will k.i.l.l you", kindThreat},
	{"I will k-i-l-l you", kindThreat},
	{"I will k_i_l_l you", kindThreat},
	{"I will k * i * l * l you", kindThreat},
	{"iwillkillyou", kindThreat},
	{"#killyourself", kindSelfHarm},
	{"k y s", kindSelfHarm},
	// Encodings.
	{b64url("i will kill you tonight"), kindThreat},
	{"decode this: " + b64("Je vais te tuer"), kindThreat},
	{hexOf("I will kill you"), kindThreat},
	{pctAll("I will kill you"), kindThreat},
	{url.QueryEscape("I will kill you"), kindThreat},
	{entities("I will kill you"), kindThreat},
	{uEscapes("I will kill you"), kindThreat},
	{b64(url.QueryEscape("I will kill you")), kindThreat},
	{b64("kys"), ""}, // too short to be worth decoding: not required
	// English beyond the plain phrase.
	{"I'm going to stab you tomorrow", kindThreat},
	{"imma shoot u in the head", kindThreat},
	{"I'll put a bullet in your head", kindThreat},
	{"I know where you live", kindThreat},
	{"you're dead meat", kindThreat},
	{"we will hunt you down and kill you", kindThreat},
	{"I'm going to shoot up the school tomorrow", kindThreat},
	{"go kill yourself", kindSelfHarm},
	{"how many pills does it take to overdose", kindSelfHarm},
	{"where can I buy crystal meth", kindDrugs},
	{"got 2 grams of coke for sale", kindDrugs},
	{"how to make a pipe bomb at home", kindWeapons},
	{"buy a glock without background check", kindWeapons},
	// Other languages: threats.
	{"Je vais te faire la peau", kindThreat},
	{"T'es mort, je sais où tu habites", kindThreat},
	{"Te voy a matar", kindThreat},
	{"Sé dónde vives", kindThreat},
	{"Ich bring dich um", kindThreat},
	{"Ich werde dich umbringen", kindThreat},
	{"Eu vou te matar", kindThreat},
	{"Ti ammazzo", kindThreat},
	{"Ti ucciderò", kindThreat},
	{"我要杀了你", kindThreat},
	{"我要殺了你", kindThreat}, // traditional
	{"你死定了", kindThreat},
	{"Я тебя убью", kindThreat},
	{"Ты труп", kindThreat},
	{"سأقتلك", kindThreat},
	{"سوف أقتلك", kindThreat},
	{"殺すぞ", kindThreat},
	{"죽여버린다", kindThreat},
	{"Seni öldüreceğim", kindThreat},
	// Other languages: self-harm.
	{"Tue-toi", kindSelfHarm},
	{"Mátate", kindSelfHarm},
	{"Bring dich um", kindSelfHarm},
	{"Se mata", kindSelfHarm},
	{"Ammazzati", kindSelfHarm},
	{"去自杀吧", kindSelfHarm},
	{"Убей себя", kindSelfHarm},
	{"اقتل نفسك", kindSelfHarm},
	// Other languages: drugs.
	{"Je vends de la cocaïne", kindDrugs},
	{"Vendo cocaína barata", kindDrugs},
	{"Kokain kaufen", kindDrugs},
	{"Vendo cocaína e crack", kindDrugs},
	{"Vendo cocaina a Milano", kindDrugs},
	{"买冰毒", kindDrugs},
	{"Куплю мефедрон", kindDrugs},
	{"كوكايين للبيع", kindDrugs},
	// Other languages: weapons.
	{"Comment fabriquer une bombe", kindWeapons},
	{"Cómo hacer una bomba casera", kindWeapons},
	{"Wie baue ich eine Bombe", kindWeapons},
	{"Como fazer uma bomba", kindWeapons},
	{"Come fare una bomba", kindWeapons},
	{"怎么做炸弹", kindWeapons},
	{"Как сделать бомбу", kindWeapons},
	{"كيف تصنع قنبلة", kindWeapons},
	// Disguise and language together.
	{"Je vais te tυer", kindThreat}, // Greek upsilon
	{"я т е б я у б ь ю", ""},       // spaced Cyrillic: not required
	{b64("Я тебя убью"), kindThreat},
	{"t e   v o y   a   m a t a r", ""},
}

func TestHarmfulAttacks(t *testing.T) {
	missed := 0
	for _, c := range harmAttacks {
		hits := findHarmful(c.text)
		if c.kind == "" {
			continue
		}
		var kinds []string
		found := false
		for _, h := range hits {
			kinds = append(kinds, h.describe())
			found = found || h.kind == c.kind
		}
		if !found {
			missed++
			t.Errorf("%q: found %v, want %s", c.text, kinds, c.kind)
		}
	}
	t.Logf("%d disguised harmful texts, %d missed", len(harmAttacks), missed)
}

// harmBenign are ordinary messages with the words and shapes harmful ones
// use. None may be held.
var harmBenign = []string{
	// Violent words in everyday senses.
	"Can you kill the lights when you leave?",
	"Killer deal on headphones, 40% off today",
	"Shoot me a text when you land",
	"I'll shoot you an email with the details",
	"I'll shoot you guys a message tonight",
	"This traffic is killing me",
	"We killed it at the gig last night!",
	"I'm going to kill it at the interview tomorrow",
	"Just killing time before the movie",
	"I could just die of embarrassment",
	"You're dead right about that",
	"My phone is dead, call Sam instead",
	"Are you dead? You haven't answered all day lol",
	"I'm dead tired, going to bed",
	"I'll beat you at chess this time",
	"I'm going to destroy you at Mario Kart",
	"That movie was the bomb",
	"She made a bath bomb for her sister",
	"The bomb shelter tour starts at 10",
	"Sorry for the photo bomb!",
	"Let's shoot some hoops after work",
	"We shoot the wedding video on Saturday",
	"The director wants to shoot the next scene at dawn",
	"I'll end your trial subscription today as asked",
	"Don't kill yourself over this report, it can wait",
	"I'm going to hang the pictures in the hallway",
	"Stab the potatoes with a fork to check they're done",
	"Nobody got hurt, the car is fine",
	"That hurts my feelings, but fine",
	"I'll hurt your feelings if I tell you the truth",
	"He's got a killer smile",
	"Murder mystery night at Anna's on Friday",
	"My sister is reading a book about a murder in Venice",
	"Watch your step, the floor is wet",
	"You will die laughing at this video",
	// Drug and weapon words in everyday senses.
	"Can you grab a coke and some chips?",
	"Can you pick up Molly from school at 3?",
	"Molly says hi",
	"Picked up your meds at the pharmacy",
	"Do we have any Tylenol left?",
	"The drug store closes at 9",
	"Nerf gun battle at the party!",
	"The glue gun is in the drawer",
	"I bought a new rifle scope for the hunting trip",
	"Crack the window, it's hot in here",
	"Give it a crack and see if it works",
	"He's an ice hockey fan",
	"This salsa is the bomb",
	// Numbers, codes, links and things that look encoded.
	"Your table for 4 is booked at 19:30, ref 8F3K2Q",
	"Tracking number 1Z999AA10123456784",
	"Meet at gate B12, flight LH 4821",
	"The doc is at https://docs.google.com/document/d/1BxiMVs0XRA5nFMdKvBdBZjgmUUqptlbs74OgvE2upms/edit",
	"https://www.example.com/search?q=best%20pizza%20near%20me&page=2",
	"Commit 9fceb02d0ae598e95dc970b74767f19372d61af8 fixes it",
	"Use the colour #ff00aa for the banner",
	"Order id dGhpcyBpcyBmaW5l",
	"token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.c2lnbmF0dXJl",
	"Session 550e8400-e29b-41d4-a716-446655440000 expired",
	"Tom &amp; Jerry is on at 6",
	"Wifi: Home_5G / pass in the kitchen",
	"1234 5678 9012 is the old account, ignore it",
	"k thx bye",
	"a b c d e f g",
	"J. R. R. Tolkien wrote it",
	"Call me at 5, ok?",
	"Happy b-day!!! 🎉🎂",
	"u r the best",
	"Gr8 job 2day m8!",
	"Room 404, floor 3",
	"l8r sk8r",
	// Other languages, everyday.
	"Je vais tuer le temps en lisant",
	"Je suis mort de rire",
	"Tu vas mourir de rire avec cette vidéo",
	"Voy a matar el tiempo en el aeropuerto",
	"Me muero de risa",
	"Estoy muerto de cansancio",
	"Das bringt mich um, so viel Arbeit",
	"Ich bin todmüde",
	"Wir sollten die Bilder einfach aufhängen",
	"Vou matar a saudade da minha família",
	"Estou morrendo de rir",
	"Vamos acabar com essa briga",
	"Vou cortar os cabelos amanhã",
	"Sto morendo di fame",
	"Ammazzare il tempo in stazione",
	"笑死我了",
	"累死了，今天加班",
	"我需要杀毒软件",
	"我不会伤害你",
	"Я умираю от смеха",
	"Надо убить время до поезда",
	"Купить соль и хлеб",
	"Закладки в браузере пропали",
	"انا ميت من التعب",
	"قتلني الضحك",
	"الجو حر جدا اليوم",
	"今日は死ぬほど疲れた",
	"Bugün çok yoruldum",
}

func TestHarmfulBenign(t *testing.T) {
	for _, s := range harmBenign {
		if hits := findHarmful(s); len(hits) > 0 {
			t.Errorf("benign %q held as %s: %q", s, hits[0].describe(), hits[0].excerpt)
		}
	}
}

// readLines reads a testdata file of one text per line (# comments).
func readLines(t testing.TB, path string) []string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		if l := sc.Text(); l != "" && !strings.HasPrefix(l, "#") {
			out = append(out, l)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestHarmfulRealMessages: real text messages (SMS Spam Collection ham) and
// real non-hateful sentences in eight languages (HateCheck) are never held;
// the three real messages with slurs or abuse are.
func TestHarmfulRealMessages(t *testing.T) {
	ham := readLines(t, "testdata/harm/sms_ham.txt")
	held := 0
	for _, m := range ham {
		if hits := findHarmful(m); len(hits) > 0 {
			held++
			t.Errorf("real SMS %q held as %s: %q", m, hits[0].describe(), hits[0].excerpt)
		}
	}
	mhc := readLines(t, "testdata/harm/mhc_benign.tsv")
	mhcHeld := 0
	for _, l := range mhc {
		p := strings.SplitN(l, "\t", 3)
		if hits := findHarmful(p[2]); len(hits) > 0 {
			mhcHeld++
			t.Errorf("%s %s %q held as %s: %q", p[0], p[1], p[2], hits[0].describe(), hits[0].excerpt)
		}
	}
	for _, m := range readLines(t, "testdata/harm/sms_abusive.txt") {
		if len(findHarmful(m)) == 0 {
			t.Errorf("abusive SMS %q not held", m)
		}
	}
	if len(ham) < 4000 || len(mhc) < 1500 {
		t.Fatalf("corpora too small: %d SMS, %d HateCheck sentences", len(ham), len(mhc))
	}
	t.Logf("needlessly held: %d of %d real SMS, %d of %d HateCheck non-hateful sentences", held, len(ham), mhcHeld, len(mhc))
}

// TestHarmfulThreatCorpus measures recall on the HateCheck threats, per
// language. The lexicon was written looking at them (see
// testdata/harm/README.md), so the floor guards against regressions.
func TestHarmfulThreatCorpus(t *testing.T) {
	type count struct{ n, found int }
	per := map[string]*count{}
	for _, l := range readLines(t, "testdata/harm/mhc_threats.tsv") {
		p := strings.SplitN(l, "\t", 3)
		k := p[0] + " " + strings.TrimSuffix(strings.TrimPrefix(p[1], "threat_"), "_h")
		c := per[k]
		if c == nil {
			c = &count{}
			per[k] = c
		}
		c.n++
		for _, h := range findHarmful(p[2]) {
			if h.kind == kindThreat {
				c.found++
				break
			}
		}
	}
	keys := make([]string, 0, len(per))
	for k := range per {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	b.WriteString("threats found (HateCheck; dir = direct threats, norm = calls for violence):\n")
	for _, k := range keys {
		c := per[k]
		fmt.Fprintf(&b, "  %-16s %2d/%2d\n", k, c.found, c.n)
		floor := 75
		if strings.HasPrefix(k, "arabic") {
			floor = 65 // Egyptian dialect; "we'll wipe out all …" reads like "we'll wipe out all pollution"
		}
		if strings.HasSuffix(k, " dir") && c.found*100 < c.n*floor {
			t.Errorf("%s: %d of %d direct threats found, want at least %d%%", k, c.found, c.n, floor)
		}
	}
	t.Log("\n" + b.String())
	if len(keys) != 16 {
		t.Errorf("%d language/kind groups, want 16 (8 languages, 2 kinds)", len(keys))
	}
}

func TestFoldText(t *testing.T) {
	cases := []struct{ in, want string }{
		{"Hello  World", "hello world"},
		{"kіll", "kill"},       // Cyrillic і in a Latin word
		{"кот", "кот"},         // a Russian word stays Russian
		{"ki\u200bll", "kill"}, // zero-width space
		{"ＫＩＬＬ", "kill"},       // fullwidth
		{"𝐤𝐢𝐥𝐥", "kill"},       // mathematical bold
		{"Café naïve", "cafe naive"},
		{"Straße", "strasse"},
		{"I’ll", "i'll"},
		{"сделай", "сделаи"}, // й folds to и, in text and lexicon alike
		{"أقتلك", "اقتلك"},   // hamza forms of alef
		{"殺了你", "杀了你"},       // traditional to simplified
		{"a\u00a0b\tc\n\nd", "a b c d"},
	}
	for _, c := range cases {
		if got := foldText(c.in, false); got != c.want {
			t.Errorf("foldText(%q) = %q, want %q", c.in, got, c.want)
		}
	}
	if got := foldText("ѕех", true); got != "sex" {
		t.Errorf("whole-script look-alike word: %q", got)
	}
}

// FuzzHarmForms: reading a text never panics, every reading is valid UTF-8
// and lower case, and judging a text is deterministic.
func FuzzHarmForms(f *testing.F) {
	for _, c := range harmAttacks {
		f.Add(c.text)
	}
	for _, s := range harmBenign[:20] {
		f.Add(s)
	}
	f.Add("%E0%A4%A")
	f.Add("&#xD800;&#0;&#1114112;")
	f.Add(`\ud800\u0000\U0010ffff\x`)
	f.Add(strings.Repeat("a ", 300))
	f.Add(strings.Repeat("QUFB", 100))
	f.Fuzz(func(t *testing.T, s string) {
		forms := harmForms(s)
		if len(forms) > 64 {
			t.Fatalf("%d readings of %q", len(forms), s)
		}
		for _, fm := range forms {
			if !utf8.ValidString(fm.text) {
				t.Fatalf("reading %q of %q is not UTF-8", fm.text, s)
			}
			if strings.ContainsAny(fm.text, "\u200b\u00ad\u202e") {
				t.Fatalf("reading %q keeps an invisible character", fm.text)
			}
		}
		a, b := findHarmful(s), findHarmful(s)
		if len(a) != len(b) {
			t.Fatalf("findHarmful(%q) is not deterministic", s)
		}
		if f := foldText(s, false); foldText(f, false) != f {
			t.Fatalf("foldText is not idempotent on %q: %q then %q", s, f, foldText(f, false))
		}
	})
}

package safety

import (
	"encoding/base64"
	"encoding/hex"
	"html"
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Harmful content is judged on normalised readings of a text, so that the
// tricks people use to slip words past a filter do not work: compatibility
// forms (fullwidth, mathematical and circled letters, ligatures), look-alike
// letters from other scripts (a Cyrillic і or о inside a Latin word),
// accents and other combining marks, invisible characters (zero-width
// spaces and joiners, soft hyphens, direction marks), leetspeak (k1ll,
// k!ll, h3r0in), letters spaced out or dotted apart (k i l l, k.i.l.l),
// words run together (iwillkillyou, #killyourself) and payloads encoded in
// base64, hex, percent-encoding, HTML entities or \u escapes.

// textForm is one reading of a text.
type textForm struct {
	text string // folded: lower case, look-alikes and marks folded, invisible characters removed
	how  string // "" for the text as written; else how this reading was obtained
}

// maxFormDepth bounds decoding of payloads inside decoded payloads.
const maxFormDepth = 2

// maxDecodeInput bounds the text decoders look at, so a long screen of
// base64-looking ids costs little.
const maxDecodeInput = 8 << 10

// harmForms returns the distinct readings of s that harmful content is
// judged on. The first is s folded (see foldText); the others add
// leetspeak, joined letters, look-alikes folded everywhere and decoded
// payloads.
func harmForms(s string) []textForm {
	var out []textForm
	seen := map[string]bool{}
	addForms(&out, seen, s, "", 0)
	return out
}

func addForms(out *[]textForm, seen map[string]bool, s, how string, depth int) {
	add := func(t, h string) {
		if t == "" || seen[t] {
			return
		}
		seen[t] = true
		*out = append(*out, textForm{text: t, how: h})
	}
	join := func(a, b string) string {
		switch {
		case a == "":
			return b
		case b == "":
			return a
		}
		return a + ", " + b
	}
	f, info := foldInfo(s, false)
	add(f, join(how, info.how()))
	if hasWholeScriptConfusable(s) {
		a, _ := foldInfo(s, true)
		add(a, join(how, "written with look-alike letters"))
	}
	base := append([]textForm(nil), (*out)...)
	for _, b := range base {
		j := joinLetters(b.text)
		add(j, join(b.how, "with its letters spaced out or run together"))
		for _, t := range []string{b.text, j} {
			for _, l := range leetForms(t) {
				add(l, join(b.how, "in leetspeak"))
				if jl := joinLetters(l); jl != l {
					add(jl, join(b.how, "in leetspeak with its letters spaced out"))
				}
			}
		}
	}
	if depth >= maxFormDepth {
		return
	}
	if len(s) > maxDecodeInput {
		s = s[:maxDecodeInput]
	}
	for _, d := range decodePayloads(s) {
		addForms(out, seen, d.text, join(how, d.how), depth+1)
	}
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// foldText returns s in NFKC, lower case, with look-alike letters from
// other scripts folded to Latin inside words that have Latin letters (in
// every word when all is set), combining marks and invisible characters
// removed, apostrophes and quotes unified and runs of white space made one
// space.
func foldText(s string, all bool) string {
	f, _ := foldInfo(s, all)
	return f
}

// folded says what foldText changed besides case and spacing.
type folded struct{ confusable, invisible, compat bool }

func (f folded) how() string {
	switch {
	case f.confusable:
		return "written with look-alike letters"
	case f.invisible:
		return "with invisible characters inside"
	case f.compat:
		return "written in decorative letters"
	}
	return ""
}

func foldInfo(s string, all bool) (string, folded) {
	var info folded
	if isASCII(s) {
		return foldASCII(s), info
	}
	// Characters that render as nothing go first, so the words around
	// them are judged as the reader sees them: joined.
	s = strings.Map(func(r rune) rune {
		if invisible(r) {
			info.invisible = true
			return -1
		}
		if unicode.IsControl(r) && !unicode.IsSpace(r) {
			return -1
		}
		return r
	}, s)
	if k := norm.NFKC.String(s); k != s {
		if norm.NFC.String(s) != k {
			info.compat = true
		}
		s = k
	}
	s = norm.NFD.String(s)
	rs := []rune(s)
	var b strings.Builder
	b.Grow(len(s))
	space := true
	for i := 0; i < len(rs); {
		// One word: letters, marks and digits.
		if isWordRune(rs[i]) {
			j := i
			latin := false
			for j < len(rs) && (isWordRune(rs[j]) || invisible(rs[j])) {
				if r := rs[j]; r < utf8.RuneSelf && ('a' <= r && r <= 'z' || 'A' <= r && r <= 'Z') {
					latin = true
				}
				j++
			}
			if foldWord(&b, rs[i:j], latin || all, &info) {
				space = false
			}
			i = j
			continue
		}
		r := rs[i]
		i++
		switch {
		case invisible(r):
			info.invisible = true
			continue
		case unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Me, r):
			continue
		case unicode.IsSpace(r) || unicode.Is(unicode.Zs, r) || r == '\u2800':
			if !space {
				b.WriteByte(' ')
			}
			space = true
			continue
		case unicode.IsControl(r):
			continue
		}
		if q, ok := quoteFolds[r]; ok {
			r = q
		}
		b.WriteRune(unicode.ToLower(r))
		space = false
	}
	return strings.TrimRight(b.String(), " "), info
}

// foldASCII is foldInfo's fast path for ASCII text: lower case, one space
// for each run of white space, no control characters, a backquote read as
// a quote.
func foldASCII(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := true
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v':
			if !space {
				b.WriteByte(' ')
			}
			space = true
			continue
		case c == '`':
			c = '\''
		case c < ' ' || c == 0x7f:
			continue
		case 'A' <= c && c <= 'Z':
			c += 'a' - 'A'
		}
		b.WriteByte(c)
		space = false
	}
	return strings.TrimRight(b.String(), " ")
}

// foldWord writes one word's letters folded: marks and invisible characters
// dropped, look-alikes read as Latin letters when confusables is set (the
// word has a Latin letter, or every word is folded), other scripts' folds,
// lower case. It reports whether it wrote anything.
func foldWord(b *strings.Builder, word []rune, confusables bool, info *folded) bool {
	wrote := false
	for _, r := range word {
		if invisible(r) {
			info.invisible = true
			continue
		}
		if unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Me, r) || r == '\u0640' {
			continue
		}
		if c, ok := confusable(r); ok && confusables {
			r = c
			info.confusable = true
		} else if c, ok := scriptFolds[r]; ok {
			r = c
		}
		if r == 'ß' {
			b.WriteString("ss")
		} else {
			b.WriteRune(unicode.ToLower(r))
		}
		wrote = true
	}
	return wrote
}

func isWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Mc, r)
}

// invisible reports whether r renders as nothing: format characters
// (zero-width space, joiners, direction marks, soft hyphen, word joiner,
// byte-order mark) and the Hangul fillers.
func invisible(r rune) bool {
	switch r {
	case '\u115F', '\u1160', '\u3164', '\uFFA0', '\u034F', '\u180E':
		return true
	}
	return unicode.Is(unicode.Cf, r) || (r >= 0xFE00 && r <= 0xFE0F) || (r >= 0xE0100 && r <= 0xE01EF)
}

// confusable returns the Latin letter r looks like, in either case.
func confusable(r rune) (rune, bool) {
	if c, ok := confusables[r]; ok {
		return c, true
	}
	c, ok := confusables[unicode.ToLower(r)]
	return c, ok
}

// hasWholeScriptConfusable reports whether s has a word written entirely in
// another script's look-alikes of Latin letters ("ѕех" in Cyrillic), which
// the Latin-word rule of foldText leaves alone.
func hasWholeScriptConfusable(s string) bool {
	if isASCII(s) {
		return false
	}
	inWord, latin, conf, other := false, false, false, false
	flush := func() bool {
		r := inWord && conf && !latin && !other
		inWord, latin, conf, other = false, false, false, false
		return r
	}
	for _, r := range norm.NFKC.String(s) {
		switch {
		case unicode.IsLetter(r):
			inWord = true
			if r < utf8.RuneSelf {
				latin = true
			} else if _, ok := confusable(r); ok {
				conf = true
			} else {
				other = true
			}
		case unicode.Is(unicode.Mn, r) || invisible(r):
		default:
			if flush() {
				return true
			}
		}
	}
	return flush()
}

// leetForms returns s with leetspeak digits and symbols read as letters in
// every word that has a letter: 0 o, 1 i, 3 e, 4 a, 5 s, 7 t, 8 b, 9 g,
// @ a, $ s, ! i, | i, + t, € e. Because 1 and | also stand for l, a second
// form reads them as l. Numbers standing alone are left alone.
func leetForms(s string) []string {
	if !strings.ContainsAny(s, "0134578@$!|+9€") {
		return nil
	}
	var outI, outL strings.Builder
	changed, ambiguous := false, false
	words := splitKeep(s)
	for _, w := range words {
		if !hasLetter(w) || !strings.ContainsAny(w, "0134578@$!|+9€") {
			outI.WriteString(w)
			outL.WriteString(w)
			continue
		}
		rs := []rune(w)
		for k, r := range rs {
			inner := k > 0 && k < len(rs)-1 && (isLeetOrLetter(rs[k-1]) && isLeetOrLetter(rs[k+1]))
			edge := (k == 0 && len(rs) > 1 && isLeetOrLetter(rs[1])) || (k == len(rs)-1 && k > 0 && isLeetOrLetter(rs[k-1]) && hasLetter(string(rs[:k])) && r != '!' && r != '$' && r != '+')
			li, ll := r, r
			if inner || edge {
				switch r {
				case '0':
					li, ll = 'o', 'o'
				case '1', '|':
					li, ll = 'i', 'l'
					ambiguous = true
				case '!':
					li, ll = 'i', 'i'
				case '3', '€':
					li, ll = 'e', 'e'
				case '4', '@':
					li, ll = 'a', 'a'
				case '5', '$':
					li, ll = 's', 's'
				case '7', '+':
					li, ll = 't', 't'
				case '8':
					li, ll = 'b', 'b'
				case '9':
					li, ll = 'g', 'g'
				}
			}
			if li != r {
				changed = true
			}
			outI.WriteRune(li)
			outL.WriteRune(ll)
		}
	}
	if !changed {
		return nil
	}
	if ambiguous {
		return []string{outI.String(), outL.String()}
	}
	return []string{outI.String()}
}

func isLeetOrLetter(r rune) bool {
	return unicode.IsLetter(r) || strings.ContainsRune("0134578@$!|+9€", r)
}

func hasLetter(s string) bool {
	for _, r := range s {
		if unicode.IsLetter(r) {
			return true
		}
	}
	return false
}

// splitKeep splits s at spaces, keeping the spaces as their own pieces.
func splitKeep(s string) []string {
	var out []string
	start := 0
	for i := 0; i < len(s); i++ {
		if s[i] == ' ' {
			if start < i {
				out = append(out, s[start:i])
			}
			out = append(out, " ")
			start = i + 1
		}
	}
	if start < len(s) {
		out = append(out, s[start:])
	}
	return out
}

// joinLetters joins runs of three or more single letters or digits
// separated by spaces or punctuation ("k i l l", "k.i.l.l", "k-1-l-l") and
// splits the result, and any long word run together ("iwillkillyou"), into
// words when it reads as words that include a word of harm. Other text is
// returned as it is.
func joinLetters(s string) string {
	toks := tokenize(s)
	if len(toks) == 0 {
		return s
	}
	var b strings.Builder
	changed := false
	for i := 0; i < len(toks); {
		t := toks[i]
		if t.word && utf8.RuneCountInString(t.s) == 1 {
			// A run of single characters separated by short separators.
			j := i
			var run strings.Builder
			n := 0
			for j < len(toks) {
				if toks[j].word && utf8.RuneCountInString(toks[j].s) == 1 {
					run.WriteString(toks[j].s)
					n++
					j++
					if j < len(toks) && !toks[j].word && shortSep(toks[j].s) && j+1 < len(toks) && toks[j+1].word && utf8.RuneCountInString(toks[j+1].s) == 1 {
						j++
						continue
					}
				}
				break
			}
			if n >= 3 {
				w := run.String()
				if seg, ok := segment(w); ok {
					w = seg
				}
				b.WriteString(w)
				changed = true
				i = j
				continue
			}
		}
		if t.word && len(t.s) >= 6 && isASCII(t.s) {
			if seg, ok := segment(t.s); ok && strings.Contains(seg, " ") {
				b.WriteString(seg)
				changed = true
				i++
				continue
			}
		}
		b.WriteString(t.s)
		i++
	}
	if !changed {
		return s
	}
	return strings.Join(strings.Fields(b.String()), " ")
}

type token struct {
	s    string
	word bool
}

// tokenize splits s into words (letters and digits) and the text between.
func tokenize(s string) []token {
	var out []token
	start := 0
	word := false
	for i, r := range s {
		w := unicode.IsLetter(r) || unicode.IsDigit(r)
		if i == 0 {
			word = w
			continue
		}
		if w != word {
			out = append(out, token{s[start:i], word})
			start, word = i, w
		}
	}
	if start < len(s) {
		out = append(out, token{s[start:], word})
	}
	return out
}

// shortSep reports whether s separates spaced-out letters: up to three
// spaces or punctuation marks, no line break.
func shortSep(s string) bool {
	if utf8.RuneCountInString(s) > 3 || strings.ContainsAny(s, "\n") {
		return false
	}
	return true
}

// segment splits a run-together word into vocabulary words, fewest words
// first, when it reads entirely as words and one of them is a word of harm.
func segment(w string) (string, bool) {
	w = strings.ToLower(w)
	if len(w) > 64 || !isASCII(w) {
		return "", false
	}
	n := len(w)
	best := make([]int, n+1) // fewest words for w[:i]; -1 none
	prev := make([]int, n+1)
	for i := 1; i <= n; i++ {
		best[i] = -1
	}
	for i := 1; i <= n; i++ {
		for j := max(0, i-maxVocabLen); j < i; j++ {
			if best[j] < 0 || !segVocab[w[j:i]] {
				continue
			}
			if best[i] < 0 || best[j]+1 < best[i] {
				best[i], prev[i] = best[j]+1, j
			}
		}
	}
	if best[n] < 0 {
		return "", false
	}
	var words []string
	harm := false
	for i := n; i > 0; i = prev[i] {
		words = append(words, w[prev[i]:i])
		if segHarm[w[prev[i]:i]] {
			harm = true
		}
	}
	if !harm {
		return "", false
	}
	for l, r := 0, len(words)-1; l < r; l, r = l+1, r-1 {
		words[l], words[r] = words[r], words[l]
	}
	return strings.Join(words, " "), true
}

// Words run-together text is split into. segHarm words make a split worth
// reading; the others are the words that go with them in threats and
// requests for illegal goods.
var (
	segHarm = setOf(`kill killing murder shoot stab strangle rape hurt die dead death bomb suicide yourself urself
		kys hang slit burn behead torture slaughter cocaine heroin meth fentanyl gun guns explosive explosives`)
	segVocab = setOf(segWordsList)
)

const segWordsList = `i u we you ya him her them they he she it me my your ur yours all every everyone everybody people
	will ill gonna going to wanna want am are is be was go come and or the a an of in on at for with by
	im i'm ill ima imma just really now tonight tomorrow soon then when if so
	kill killing murder shoot stab strangle rape hurt die dead death bomb suicide yourself urself kys hang slit burn
	behead torture slaughter cocaine heroin meth fentanyl gun guns explosive explosives buy sell make build how
	should deserve deserves must need wrists wrist throat head neck family kids know where live watch back find`

var maxVocabLen = func() int {
	m := 0
	for w := range segVocab {
		m = max(m, len(w))
	}
	return m
}()

func setOf(words string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(words) {
		m[w] = true
	}
	return m
}

// decodePayloads returns the texts hidden in s as base64, hex, percent
// encoding, HTML entities or \u and \x escapes, when they decode to
// readable text.
func decodePayloads(s string) []textForm {
	var out []textForm
	if (strings.Contains(s, "%") && pctRE.MatchString(s)) || (strings.Contains(s, "+") && !strings.Contains(s, " ")) {
		if d := pctDecode(s); d != s {
			out = append(out, textForm{text: d, how: "URL-encoded"})
		}
	}
	if strings.Contains(s, "&") && strings.Contains(s, ";") {
		if d := html.UnescapeString(s); d != s {
			out = append(out, textForm{text: d, how: "written as HTML entities"})
		}
	}
	if strings.Contains(s, `\u`) || strings.Contains(s, `\x`) || strings.Contains(s, `\U`) {
		if d := unescapeEscapes(s); d != s {
			out = append(out, textForm{text: d, how: `written as \u escapes`})
		}
	}
	for _, m := range hexRE.FindAllString(s, 16) {
		h := strings.Map(func(r rune) rune {
			if isHexRune(r) {
				return r
			}
			return -1
		}, strings.TrimPrefix(strings.TrimPrefix(m, "0x"), "0X"))
		if len(h)%2 != 0 {
			continue
		}
		if b, err := hex.DecodeString(h); err == nil && readable(b) {
			out = append(out, textForm{text: string(b), how: "hex-encoded"})
		}
	}
	for _, m := range b64RE.FindAllString(s, 16) {
		if b, ok := decodeBase64(m); ok {
			out = append(out, textForm{text: string(b), how: "base64-encoded"})
		}
	}
	return out
}

var (
	pctRE = regexp.MustCompile(`%[0-9A-Fa-f]{2}`)
	hexRE = regexp.MustCompile(`(?:0[xX])?(?:[0-9A-Fa-f]{2}[\s:,-]?){6,}|(?:\\x[0-9A-Fa-f]{2}){4,}`)
	b64RE = regexp.MustCompile(`[A-Za-z0-9+/_-]{8,}={0,2}`)
	escRE = regexp.MustCompile(`\\u\{?[0-9A-Fa-f]{4,6}\}?|\\U[0-9A-Fa-f]{8}|\\x[0-9A-Fa-f]{2}`)
)

func isHexRune(r rune) bool {
	return '0' <= r && r <= '9' || 'a' <= r && r <= 'f' || 'A' <= r && r <= 'F'
}

// pctDecode decodes every %XX, and + as a space when the text has no
// spaces (form encoding), leaving malformed escapes as they are.
func pctDecode(s string) string {
	var b []byte
	plus := !strings.Contains(s, " ")
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '%' && i+2 < len(s) && isHexRune(rune(s[i+1])) && isHexRune(rune(s[i+2])) {
			v, _ := strconv.ParseUint(s[i+1:i+3], 16, 8)
			b = append(b, byte(v))
			i += 2
			continue
		}
		if c == '+' && plus {
			c = ' '
		}
		b = append(b, c)
	}
	if !utf8.Valid(b) {
		return strings.ToValidUTF8(string(b), "")
	}
	return string(b)
}

func unescapeEscapes(s string) string {
	return escRE.ReplaceAllStringFunc(s, func(m string) string {
		h := strings.Trim(m[2:], "{}")
		v, err := strconv.ParseUint(h, 16, 32)
		if err != nil || !utf8.ValidRune(rune(v)) {
			return m
		}
		return string(rune(v))
	})
}

// decodeBase64 decodes m in any of the four base64 alphabets and paddings,
// keeping it only when it is readable text.
func decodeBase64(m string) ([]byte, bool) {
	encs := []*base64.Encoding{base64.StdEncoding, base64.URLEncoding, base64.RawStdEncoding, base64.RawURLEncoding}
	for _, e := range encs {
		b, err := e.DecodeString(m)
		if err == nil && readable(b) {
			return b, true
		}
	}
	return nil, false
}

// readable reports whether b is text a person would read: valid UTF-8, at
// least three letters, almost nothing but letters, digits, spaces and
// punctuation.
func readable(b []byte) bool {
	if len(b) < 3 || !utf8.Valid(b) {
		return false
	}
	letters, bad, n := 0, 0, 0
	for _, r := range string(b) {
		n++
		switch {
		case unicode.IsLetter(r):
			letters++
		case r == '\n' || r == '\t' || r == ' ':
		case unicode.IsControl(r) || r == utf8.RuneError:
			bad++
		case unicode.IsPunct(r) || unicode.IsDigit(r) || unicode.IsSymbol(r) || unicode.IsSpace(r) || unicode.Is(unicode.Mn, r):
		default:
			bad++
		}
	}
	return letters >= 3 && bad == 0 && letters*2 >= n
}

// confusables maps letters of other scripts (and Latin variants) that look
// like Latin letters to those letters (Unicode UTS #39 confusables, the
// single-letter Latin prototypes of Cyrillic, Greek, Armenian, Cherokee,
// small capitals and IPA).
var confusables = map[rune]rune{
	// Cyrillic
	'а': 'a', 'А': 'a', 'в': 'b', 'В': 'b', 'Ь': 'b', 'ь': 'b', 'с': 'c', 'С': 'c', 'ԁ': 'd', 'е': 'e', 'Е': 'e', 'ё': 'e',
	'һ': 'h', 'Н': 'h', 'н': 'h', 'і': 'i', 'І': 'i', 'ӏ': 'i', 'Ӏ': 'i', 'ј': 'j', 'Ј': 'j', 'к': 'k', 'К': 'k',
	'м': 'm', 'М': 'm', 'п': 'n', 'о': 'o', 'О': 'o', 'р': 'p', 'Р': 'p', 'ԛ': 'q', 'г': 'r', 'ѕ': 's', 'Ѕ': 's',
	'т': 't', 'Т': 't', 'ц': 'u', 'ѵ': 'v', 'Ѵ': 'v', 'ԝ': 'w', 'Ԝ': 'w', 'х': 'x', 'Х': 'x', 'у': 'y', 'У': 'y',
	'ү': 'y', 'Ү': 'y', 'з': '3', 'З': '3', 'б': '6',
	// Greek
	'α': 'a', 'Α': 'a', 'β': 'b', 'Β': 'b', 'ϲ': 'c', 'Ϲ': 'c', 'ε': 'e', 'Ε': 'e', 'Ζ': 'z', 'η': 'n', 'Η': 'h',
	'ι': 'i', 'Ι': 'i', 'ϳ': 'j', 'κ': 'k', 'Κ': 'k', 'Μ': 'm', 'ν': 'v', 'Ν': 'n', 'ο': 'o', 'Ο': 'o', 'σ': 'o',
	'ρ': 'p', 'Ρ': 'p', 'τ': 't', 'Τ': 't', 'υ': 'u', 'Υ': 'y', 'χ': 'x', 'Χ': 'x', 'ω': 'w', 'γ': 'y',
	// Armenian
	'ա': 'w', 'ց': 'g', 'հ': 'h', 'ո': 'n', 'ս': 'u', 'օ': 'o', 'Օ': 'o', 'ք': 'f', 'զ': 'q', 'Տ': 's', 'Ս': 'u',
	// Cherokee (capital look-alikes)
	'Ꭺ': 'a', 'Ᏼ': 'b', 'Ꮯ': 'c', 'Ꭰ': 'd', 'Ꭼ': 'e', 'Ꮐ': 'g', 'Ꮋ': 'h', 'Ꭻ': 'j', 'Ꮶ': 'k', 'Ꮮ': 'l',
	'Ꮇ': 'm', 'Ꮲ': 'p', 'Ꮢ': 'r', 'Ꮪ': 's', 'Ꭲ': 't', 'Ꮩ': 'v', 'Ꮃ': 'w', 'Ꮓ': 'z',
	// Latin small capitals, IPA and other Latin variants
	'ᴀ': 'a', 'ʙ': 'b', 'ᴄ': 'c', 'ᴅ': 'd', 'ᴇ': 'e', 'ꜰ': 'f', 'ɢ': 'g', 'ʜ': 'h', 'ɪ': 'i', 'ᴊ': 'j', 'ᴋ': 'k',
	'ʟ': 'l', 'ᴍ': 'm', 'ɴ': 'n', 'ᴏ': 'o', 'ᴘ': 'p', 'ʀ': 'r', 'ꜱ': 's', 'ᴛ': 't', 'ᴜ': 'u', 'ᴠ': 'v', 'ᴡ': 'w',
	'ʏ': 'y', 'ᴢ': 'z', 'ɑ': 'a', 'ɡ': 'g', 'ı': 'i', 'ɩ': 'i', 'ȷ': 'j', 'ĸ': 'k', 'ƅ': 'b', 'ɾ': 'r',
	'ʋ': 'u', 'ƽ': 's', 'ɒ': 'a', 'ǀ': 'l', 'ℓ': 'l',
}

// scriptFolds are spelling variants folded within their own script so that
// one lexicon entry covers them: Arabic letter forms and tatweel,
// traditional Chinese characters of the harm lexicon.
var scriptFolds = map[rune]rune{
	'ٱ': 'ا', 'ى': 'ي', 'ة': 'ه', 'ی': 'ي', 'ک': 'ك',
	'殺': '杀', '買': '买', '賣': '卖', '槍': '枪', '強': '强', '彈': '弹', '藥': '药', '製': '制', '麼': '么',
	'們': '们', '殘': '残', '擊': '击', '爆': '爆', '毒': '毒', '誰': '谁', '裡': '里', '哪': '哪',
}

// quoteFolds unify apostrophes and quotation marks.
var quoteFolds = map[rune]rune{
	'‘': '\'', '’': '\'', 'ʼ': '\'', '′': '\'', '´': '\'', '`': '\'', 'ʻ': '\'', '＇': '\'',
	'“': '"', '”': '"', '„': '"', '″': '"', '«': '"', '»': '"',
}

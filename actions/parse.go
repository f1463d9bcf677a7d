package actions

import (
	"image"
	"regexp"
	"strings"
	"unicode/utf8"
)

// ParseOptions tell Parse what it cannot see in the text.
type ParseOptions struct {
	// Dialect is how the model was told to answer. The zero Dialect accepts
	// every syntax and guesses coordinate systems; a named one reads points
	// in its coordinate system and elements in its numbering.
	Dialect Dialect
	// Space is the coordinate system the prompt told the model to use; it
	// overrides the dialect's. "" means the dialect's, or a guess.
	Space Space
	// ImageSize is the size in pixels of the image the model saw, if known.
	// Dialects in smart-resized pixels need it; without a dialect it helps
	// tell pixels from 0–1000 coordinates.
	ImageSize image.Point
}

// maxParseInput bounds the text Parse reads; longer answers are cut.
const maxParseInput = 64 << 10

// Parse reads one action, and the model's thought when present, from model
// output. See ParseWith.
func Parse(text string) (Decision, error) { return ParseWith(text, ParseOptions{}) }

// ParseWith reads one action from model output written in any of these forms:
//
//   - JSON, bare or in a code fence or prose, possibly broken (single quotes,
//     trailing commas, unquoted keys, Python literals): {"action":"tap",
//     "element":5}, {"thought":"...","action":{"action":"swipe",
//     "direction":"up"}}, tool calls {"name":"mobile_use","arguments":{...}},
//     M3A's {"action_type":"click","index":0}, Midscene's {"action":{"type":
//     "Tap","param":{"locate":{"bbox":[...]}}}} and its <action-type> form;
//   - Mobile-Agent blocks: "### Action ###" then Tap (x, y), Swipe (x1, y1),
//     (x2, y2), Type (text), Back, Home, Open app (Name), Stop;
//   - function calls (MobileSafetyBench, AppAgent, UI-TARS, CogAgent,
//     AutoGLM): no-op(), tap(5), long-tap(5), swipe(up), swipe(5, "up",
//     "medium"), button(HOME), replace-text(3, "hi"), enter(), refuse(),
//     ask-consent(), complete(), text("..."), long_press(5), FINISH,
//     click(start_box='(120,340)'), click(point='<point>120 340</point>'),
//     type(content='hi'), CLICK(box=[[1,2,3,4]]), do(action="Tap",
//     element=[x,y]), finish(message="...");
//   - a bare point or box (grounding models): (0.49,0.40), [0.73, 0.21],
//     <|box_start|>(576,12),(592,42)<|box_end|>.
//
// When the text names an action section ("Action:", "### Action ###",
// "Grounded Operation:", <answer>), the action is read from it; otherwise the
// last action in the text wins, since models restate examples before
// answering. The thought is kept from a "Thought" or "Reason" section (also
// "1) Thought:" and "Thought："), a <think> or <thought> block, a
// "thought"/"reasoning" JSON field, or the prose before the action.
//
// "scroll" names the content's movement, as readers say it, so
// scroll(down) becomes a Swipe with Direction Up; "swipe" names the finger's.
//
// Errors are *ParseError values whose text tells the model what to write.
func ParseWith(text string, o ParseOptions) (Decision, error) {
	r := readReply(text, o)
	p := &attempts{thought: r.thought}
	if d, ok := p.try(parseMidsceneXML(r.text, o)); ok {
		return d, nil
	}
	if r.hasRegion {
		if d, ok := p.inRegion(r.region, o); ok {
			return d, nil
		}
	}
	if d, ok := p.anywhere(r.text, o); ok {
		return d, nil
	}
	if p.firstErr != nil {
		return Decision{Thought: r.thought}, o.Dialect.localize(p.firstErr)
	}
	return Decision{Thought: r.thought}, o.Dialect.localize(&ParseError{
		Reason: "no action found",
		Input:  excerpt(r.text),
		Fix:    `answer with one JSON object such as {"thought":"...","action":{"action":"tap","element":5}}`,
		Err:    ErrNoAction,
	})
}

// replyParts is a model's text cut into its parts: the thought (from a think
// block, a Thought section or the prose before the action) and the region
// that holds the action when a section or an <answer> names one.
type replyParts struct {
	text, thought, region string
	hasRegion             bool
}

// readReply bounds and cleans the text (valid UTF-8, no special tokens) and
// cuts it into its parts.
func readReply(text string, o ParseOptions) replyParts {
	if len(text) > maxParseInput {
		text = text[:maxParseInput]
		for len(text) > 0 && !utf8.RuneStart(text[len(text)-1]) {
			text = text[:len(text)-1]
		}
	}
	if !utf8.ValidString(text) {
		text = strings.ToValidUTF8(text, "\uFFFD")
	}
	text = stripSpecialTokens(text)
	text, think := cutThink(text)
	text, answer, hasAnswer := cutTag(text, "answer")
	r := replyParts{text: text, thought: strings.TrimSpace(think)}
	preamble := ""
	for _, s := range splitSections(text, o.Dialect) {
		switch s.name {
		case "thought":
			if r.thought != "" {
				r.thought += "\n"
			}
			r.thought += strings.TrimSpace(s.body)
		case "action":
			r.region, r.hasRegion = s.body, true
		case "":
			preamble = strings.TrimSpace(s.body)
		}
	}
	if hasAnswer {
		r.region, r.hasRegion = answer, true
		if r.thought == "" {
			r.thought = prose(text)
		}
	}
	if r.thought == "" && r.hasRegion {
		r.thought = preamble
	}
	return r
}

// attempts tries the readers in turn, keeping the first error for the
// model when none finds an action.
type attempts struct {
	thought  string
	firstErr error
}

// try accepts a reader's decision when it has an action, giving it the
// reply's thought when it has none of its own; an ask_user without a
// question asks what the thought says is needed (call_user(), Take_over).
func (p *attempts) try(d Decision, err error) (Decision, bool) {
	if err == nil && d.Action != nil {
		if d.Thought == "" {
			d.Thought = p.thought
		}
		if q, ok := d.Action.(AskUser); ok && q.Question == "" && !q.Consent {
			if d.Thought == "" {
				p.keep(badArg(string(KindAskUser), "no question", `say what you need, as in {"action":"ask_user","question":"..."}`))
				return d, false
			}
			q.Question = d.Thought
			d.Action = q
		}
		return d, true
	}
	p.keep(err)
	return d, false
}

func (p *attempts) keep(err error) {
	if err != nil && p.firstErr == nil {
		p.firstErr = err
	}
}

func (p *attempts) json(s string, o ParseOptions) (Decision, bool) {
	d, before, err := parseJSONIn(s, o)
	if err == nil && d.Thought == "" && p.thought == "" {
		d.Thought = before
	}
	return p.try(d, err)
}

// inRegion reads the action section: JSON, calls, Atlas's form, a keyword.
func (p *attempts) inRegion(region string, o ParseOptions) (Decision, bool) {
	if d, ok := p.json(region, o); ok {
		return d, true
	}
	if d, _, err := parseCalls(region, o, true); err != nil || d.Action != nil {
		if d, ok := p.try(d, err); ok {
			return d, true
		}
	}
	if d, _, err := parseAtlas(region, o); err != nil || d.Action != nil {
		if d, ok := p.try(d, err); ok {
			return d, true
		}
	}
	return p.try(parseKeyword(region))
}

// anywhere reads the whole text: JSON, calls and Atlas's form anywhere, a
// keyword on the last line, a bare point.
func (p *attempts) anywhere(text string, o ParseOptions) (Decision, bool) {
	if d, ok := p.json(text, o); ok {
		return d, true
	}
	for _, parse := range [...]func(string, ParseOptions) (Decision, int, error){
		func(s string, o ParseOptions) (Decision, int, error) { return parseCalls(s, o, false) },
		parseAtlas,
	} {
		if d, at, err := parse(text, o); err != nil || d.Action != nil {
			if p.thought == "" && err == nil {
				d.Thought = prose(text[:at]) // AutoGLM without tags: the prose before do(...)
			}
			if d, ok := p.try(d, err); ok {
				return d, true
			}
		}
	}
	if d, ok := p.try(parseKeyword(lastLine(text))); ok {
		return d, true
	}
	return p.try(parseBarePoint(text, o))
}

// localize makes a fix that shows our JSON show the dialect's own form: a
// model told to answer in UI-TARS's form gets an example in that form.
func (d Dialect) localize(err error) error {
	pe, ok := err.(*ParseError)
	if !ok || d.Auto() || d.SpaceField || !strings.Contains(pe.Fix, `{"action"`) {
		return err
	}
	c := *pe
	c.Fix = "answer in the form " + d.Syntax
	return &c
}

// specialTokens are end and wrapper tokens some servers leave in the text.
var specialTokens = strings.NewReplacer("<|im_end|>", "", "<|endoftext|>", "", "[EOS]", "", "<|begin_of_box|>", "", "<|end_of_box|>", "", "</s>", "")

func stripSpecialTokens(text string) string {
	if !strings.ContainsAny(text, "<[") {
		return text
	}
	return specialTokens.Replace(text)
}

// thinkTags are the blocks models put their reasoning in.
var thinkTags = [...]string{"think", "thinking", "thought", "reasoning"}

// cutThink removes <think>...</think> (or <thinking>, <thought>, <reasoning>)
// blocks and returns their text.
func cutThink(text string) (rest, think string) {
	if !strings.Contains(text, "<") {
		return text, ""
	}
	for _, tag := range thinkTags {
		open, close := "<"+tag+">", "</"+tag+">"
		i := strings.Index(text, open)
		if i < 0 {
			if j := strings.Index(text, close); j >= 0 { // the opening tag was in the prompt
				return text[j+len(close):], text[:j]
			}
			continue
		}
		j := strings.Index(text[i:], close)
		if j < 0 {
			return text[:i], text[i+len(open):]
		}
		return text[:i] + text[i+j+len(close):], text[i+len(open) : i+j]
	}
	return text, ""
}

// cutTag returns text without the first <tag>...</tag> block and the block's
// content; an unclosed block runs to the end, as AutoGLM sometimes leaves it.
func cutTag(text, tag string) (rest, content string, ok bool) {
	open := "<" + tag + ">"
	i := strings.Index(text, open)
	if i < 0 {
		return text, "", false
	}
	body := text[i+len(open):]
	if j := strings.Index(body, "</"+tag+">"); j >= 0 {
		return text[:i] + body[j+len(tag)+3:], body[:j], true
	}
	return text[:i], body, true
}

type section struct{ name, body string }

// splitSections cuts text at heading lines such as "### Thought ###",
// "Thought:", "**Action:**", "Action: tap(5)", "1) Thought:". Names are
// "thought", "action", "other", or "" for the preamble.
func splitSections(text string, d Dialect) []section {
	var out []section
	cur := section{}
	var body strings.Builder
	flush := func() {
		cur.body = body.String()
		out = append(out, cur)
		body.Reset()
	}
	for len(text) > 0 {
		line := text
		if i := strings.IndexByte(text, '\n'); i >= 0 {
			line, text = text[:i], text[i+1:]
		} else {
			text = ""
		}
		if name, rest, ok := heading(line, d); ok {
			flush()
			cur = section{name: name}
			if rest != "" {
				body.WriteString(rest)
				body.WriteByte('\n')
			}
			continue
		}
		body.WriteString(line)
		body.WriteByte('\n')
	}
	flush()
	return out
}

var headingWords = map[string]string{
	"thought": "thought", "thoughts": "thought", "thinking": "thought", "reasoning": "thought", "think": "thought", "reason": "thought",
	"action": "action", "operation": "action", "next action": "action", "final action": "action", "answer": "action",
	"grounded operation": "action", "actions": "action",
	"summary": "other", "observation": "other", "memory": "other", "plan": "other", "progress": "other",
	"reflection": "other", "description": "other", "explanation": "other", "status": "other", "conclusion": "other",
	"action_summary": "other",
}

// cutListMarker removes "1.", "2)", "-" or "•" and the spaces after it from
// the start of a line.
func cutListMarker(s string) string {
	i := 0
	for i < len(s) && i < 2 && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	switch {
	case i > 0 && i < len(s) && (s[i] == '.' || s[i] == ')'):
		i++
	case i == 0 && strings.HasPrefix(s, "-"):
		i = 1
	case i == 0 && strings.HasPrefix(s, "•"):
		i = len("•")
	default:
		return s
	}
	if i >= len(s) || (s[i] != ' ' && s[i] != '\t') {
		return s
	}
	return strings.TrimLeft(s[i:], " \t")
}

func heading(line string, d Dialect) (name, rest string, ok bool) {
	s := strings.TrimSpace(line)
	s = cutListMarker(s)
	hashes := strings.HasPrefix(s, "#")
	s = strings.TrimLeft(s, "#*> ")
	if s == "" {
		return "", "", false
	}
	// The heading word ends at ':', '：', '#', '*' or the end of the line.
	end := strings.IndexAny(s, ":：#*")
	word := s
	if end >= 0 {
		word = s[:end]
	} else if !hashes {
		return "", "", false // a plain line that merely starts with "Action"
	}
	word = strings.ToLower(strings.TrimSpace(word))
	n, known := d.Headings[word]
	if !known {
		n, known = headingWords[word]
	}
	if !known {
		return "", "", false
	}
	if end < 0 {
		return n, "", true
	}
	if c := s[end]; c != ':' && c != 0xEF && !hashes && !strings.HasPrefix(strings.TrimSpace(line), "*") {
		return "", "", false
	}
	rest = strings.TrimLeft(s[end:], ":：#* ")
	return n, strings.TrimSpace(rest), true
}

func lastLine(text string) string {
	text = strings.TrimSpace(text)
	if i := strings.LastIndexByte(text, '\n'); i >= 0 {
		return text[i+1:]
	}
	return text
}

// prose returns the model's text before an action as its thought, without
// fences and labels.
func prose(s string) string {
	s = strings.TrimSpace(s)
	for _, suffix := range []string{"```json", "```JSON", "```python", "```", "<tool_call>", "Action:", "action:", "Action：", "JSON:", "json"} {
		s = strings.TrimSpace(strings.TrimSuffix(s, suffix))
	}
	if len(s) > 2000 {
		cut := len(s) - 2000
		for cut < len(s) && !utf8.RuneStart(s[cut]) {
			cut++
		}
		s = s[cut:]
	}
	return s
}

var boxTokens = strings.NewReplacer("<|box_start|>", "", "<|box_end|>", "", "<point>", "", "</point>", "", "<bbox>", "", "</bbox>", "")

var objectRefRe = regexp.MustCompile(`<\|object_ref_start\|>(.*?)<\|object_ref_end\|>`)

// parseBarePoint reads a reply that is only a point or a box, as grounding
// models answer: (0.49,0.40), [0.73, 0.21], <|box_start|>(576,12),(592,42)
// <|box_end|>, <point>x y</point>. It is a tap at the point or the box's
// centre.
func parseBarePoint(text string, o ParseOptions) (Decision, error) {
	if !o.Dialect.Auto() && !o.Dialect.Grounding {
		return Decision{}, nil
	}
	thought := ""
	if !strings.Contains(text, "<|object_ref_start|>") {
	} else if m := objectRefRe.FindStringSubmatch(text); m != nil {
		thought = strings.TrimSpace(m[1])
		text = objectRefRe.ReplaceAllString(text, "")
	}
	hint := Space("")
	if strings.Contains(text, "<|box_start|>") {
		hint = SpacePermille
	}
	s := boxTokens.Replace(text)
	s = strings.TrimSpace(s)
	if s == "" || len(s) > 80 || strings.Trim(s, "0123456789.,-+ ()[]\t\n") != "" {
		return Decision{}, nil
	}
	x, y, ok := toXY(s)
	if !ok {
		return Decision{}, nil
	}
	p, err := o.point(x, y, hint)
	if err != nil {
		return Decision{}, err
	}
	return Decision{Thought: thought, Action: Tap{Target: Target{Point: p}}, Format: FormatJSON}, nil
}

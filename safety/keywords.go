package safety

import (
	"regexp"
	"sort"
	"strings"
	"unicode"
)

// Keyword sets. English phrases are matched on word boundaries against a
// normalised label (lower case, resource-id separators as spaces); Chinese
// phrases (Mobile-Bench apps) are matched as substrings. Each set is one
// compiled alternation, so a label is tested in one pass per category.

// phraseRE is a compiled alternation with a literal prefilter: Go's regexp
// has no DFA, so scanning a whole screen with a large alternation is slow;
// most texts contain none of the alternatives' first words and are rejected
// with a few substring searches.
type phraseRE struct {
	re     *regexp.Regexp
	trig   []string // lower-case literals; one must occur for a match
	always bool     // some alternative has no literal start
	anchor bool     // anchored at the start of the text
	words  bool     // alternatives are word-bounded
}

// en builds a case-insensitive, word-bounded alternation. A space in a phrase
// matches any run of spaces.
func en(phrases ...string) *phraseRE {
	p := build(`(?i)\b(?:`, `)\b`, phrases)
	p.words = true
	return p
}

// enStart is en anchored at the start of the text: the phrase must come first.
func enStart(phrases ...string) *phraseRE {
	p := build(`(?i)^\s*(?:`, `)\b`, phrases)
	p.anchor = true
	return p
}

// zh builds a substring alternation for scripts without word boundaries.
func zh(phrases ...string) *phraseRE { return build(`(?:`, `)`, phrases) }

// zhStart is zh anchored at the start.
func zhStart(phrases ...string) *phraseRE {
	p := build(`^\s*(?:`, `)`, phrases)
	p.anchor = true
	return p
}

func build(pre, post string, phrases []string) *phraseRE {
	p := &phraseRE{}
	parts := make([]string, len(phrases))
	for i, ph := range phrases {
		parts[i] = strings.ReplaceAll(ph, " ", `\s+`)
		if t := leadingLiteral(ph); t != "" {
			p.trig = append(p.trig, t)
		} else {
			p.always = true
		}
	}
	p.re = regexp.MustCompile(pre + strings.Join(parts, "|") + post)
	return p
}

// leadingLiteral is the first word of a phrase if it is plain text, with a
// character made optional by a following ?, * or { dropped.
func leadingLiteral(ph string) string {
	end := 0
	for end < len(ph) {
		c := ph[end]
		if c == ' ' || c == '\\' || c == '(' || c == '[' || c == '.' || c == '|' || c == '^' || c == '$' || c == '+' {
			break
		}
		if c == '?' || c == '*' || c == '{' {
			if end > 0 {
				end--
			}
			break
		}
		end++
	}
	lit := strings.ToLower(ph[:end])
	if len(lit) < 2 && !hasCJK(lit) {
		return ""
	}
	return lit
}

func (p *phraseRE) maybe(s string) bool {
	if p.always {
		return true
	}
	ls := strings.ToLower(s)
	for _, t := range p.trig {
		if strings.Contains(ls, t) {
			return true
		}
	}
	return false
}

// FindString returns the leftmost match, or "". On long texts the
// expression only runs on short windows starting at each occurrence of a
// phrase's first word, since every match must start there.
func (p *phraseRE) FindString(s string) string {
	if !p.maybe(s) {
		return ""
	}
	if len(s) <= 160 || p.always || p.anchor {
		return p.re.FindString(s)
	}
	ls := asciiLower(s)
	best, bestAt := "", len(s)
	for _, t := range p.trig {
		for off := 0; off < len(ls); {
			i := strings.Index(ls[off:], t)
			if i < 0 {
				break
			}
			at := off + i
			off = at + len(t)
			if at >= bestAt {
				break
			}
			if p.words && at > 0 && isWordByte(s[at-1]) {
				continue
			}
			if m := p.re.FindString(s[at:min(len(s), at+120)]); m != "" && strings.HasPrefix(asciiLower(m), t) {
				best, bestAt = m, at
				break
			}
		}
	}
	return best
}

// FindAllIndex returns the positions of up to n matches, leftmost first,
// searching short windows at each occurrence of a phrase's first word as
// FindString does.
func (p *phraseRE) FindAllIndex(s string, n int) [][]int {
	if !p.maybe(s) {
		return nil
	}
	if len(s) <= 160 || p.always || p.anchor {
		return p.re.FindAllStringIndex(s, n)
	}
	ls := asciiLower(s)
	var out [][]int
	for _, t := range p.trig {
		for off := 0; off < len(ls) && len(out) < 4*n; {
			i := strings.Index(ls[off:], t)
			if i < 0 {
				break
			}
			at := off + i
			off = at + len(t)
			if p.words && at > 0 && isWordByte(s[at-1]) {
				continue
			}
			if loc := p.re.FindStringIndex(s[at:min(len(s), at+120)]); loc != nil && loc[0] == 0 {
				out = append(out, []int{at, at + loc[1]})
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i][0] < out[j][0] })
	if len(out) > n {
		out = out[:n]
	}
	return out
}

func isWordByte(c byte) bool {
	return c == '_' || '0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
}

// MatchString reports whether s contains a match.
func (p *phraseRE) MatchString(s string) bool {
	if len(s) > 160 && !p.always && !p.anchor {
		return p.FindString(s) != ""
	}
	return p.maybe(s) && p.re.MatchString(s)
}

type keywordSet struct {
	en, zh *phraseRE
}

func (k keywordSet) find(s string) string {
	if k.en != nil {
		if m := k.en.FindString(s); m != "" {
			return m
		}
	}
	if k.zh != nil && hasCJK(s) {
		return k.zh.FindString(s)
	}
	return ""
}

func hasCJK(s string) bool {
	for _, r := range s {
		if r >= 0x2E80 && unicode.Is(unicode.Han, r) {
			return true
		}
	}
	return false
}

// Commands: labels of buttons and menu items that commit something.
var (
	financialCmd = keywordSet{
		en: en(`pay`, `pay now`, `pay \$?[\d.,]+`, `payment`, `confirm (?:payment|purchase|order|transfer)`, `transfer`,
			`transfer money`, `send money`, `send \$[\d.,]+`, `wire`, `buy`, `buy now`, `purchase`, `sell`, `checkout`,
			`check out`, `place (?:your )?order`, `submit order`, `complete (?:purchase|order|payment)`, `subscribe`,
			`donate`, `top up`, `add funds`, `withdraw`, `deposit`, `book now`, `order now`, `trade`, `invest`,
			`buy shares`, `sell shares`, `confirm and pay`, `proceed to (?:checkout|payment)`, `1-click`),
		zh: zh(`支付`, `付款`, `转账`, `购买`, `立即购买`, `下单`, `提交订单`, `结算`, `确认支付`, `确认付款`, `充值`, `提现`,
			`卖出`, `买入`, `打赏`, `汇款`),
	}
	communicationCmd = keywordSet{
		en: en(`send`, `send message`, `send sms`, `send text`, `post`, `post now`, `publish`, `share`, `share now`,
			`reply`, `reply all`, `comment`, `tweet`, `retweet`, `repost`, `forward`, `upload`, `broadcast`,
			`call`, `dial`, `invite`, `send invite`, `send email`),
		zh: zh(`发送`, `发布`, `评论`, `分享`, `回复`, `转发`, `发表`, `上传`, `拨打`, `邀请`),
	}
	destructiveCmd = keywordSet{
		en: en(`delete`, `delete all`, `delete forever`, `delete permanently`, `remove`, `uninstall`, `erase`,
			`erase all data`, `reset`, `factory reset`, `factory data reset`, `reset phone`, `wipe`, `format`,
			`clear (?:all )?(?:data|storage|history|chat|chats|conversation|messages|cache)`, `clear storage`,
			`empty (?:trash|bin)`, `discard`, `move to (?:trash|bin)`, `deactivate`, `force stop`, `unsubscribe`,
			`revoke`, `cancel (?:subscription|order|booking|reservation)`, `unfollow`, `block`),
		zh: zh(`删除`, `卸载`, `重置`, `清除`, `清空`, `移除`, `格式化`, `恢复出厂`, `抹掉`, `彻底删除`),
	}
	securityCmd = keywordSet{
		en: en(`remove (?:the |your )?(?:screen )?lock`, `disable (?:the |your )?(?:screen lock|lock|password|pin|fingerprint|face unlock|security|play protect|encryption|verify apps)`,
			`turn off (?:the |your )?(?:screen lock|lock|password|pin|encryption|play protect|find my (?:device|phone))`,
			`unknown sources`, `install unknown apps`, `allow from this source`, `usb debugging`, `wireless debugging`,
			`oem unlocking`, `build number`, `activate (?:this )?device admin(?:istrator)? app`, `activate this admin app`,
			`allow all the time`, `while using the app`, `only this time`, `grant (?:access|permission)`,
			`trust this (?:computer|device)`, `always allow from this computer`, `enable developer options`,
			`display over other apps`, `allow (?:access|permission)`),
		zh: zh(`关闭锁屏`, `移除锁屏`, `USB调试`, `未知来源`, `安装未知应用`, `允许此来源`, `开发者选项`, `激活设备管理`,
			`仅在使用中允许`, `始终允许`, `授予权限`),
	}
	// securityNav: entries that lead to security settings. Navigating is low.
	securityNav = keywordSet{
		en: en(`screen lock`, `security`, `permissions?`, `app permissions`, `developer options`, `device admin apps`,
			`accessibility`, `lock screen`, `fingerprint`, `face unlock`, `encryption`, `smart lock`, `find my device`),
		zh: zh(`锁屏`, `屏幕锁定`, `安全`, `权限`, `指纹`, `面部解锁`),
	}
	accountCmd = keywordSet{
		en: en(`log ?out`, `sign ?out`, `log off`, `sign out of all devices`,
			`change (?:your )?(?:password|email|e-mail|phone number|phone|username|pin)`, `reset password`,
			`delete (?:my |your |this )?account`, `close (?:my |your )?account`, `deactivate (?:my |your )?account`,
			`remove account`, `switch account`, `unlink`, `disconnect account`, `update (?:email|password|phone number)`,
			`turn off two[- ]factor`, `disable two[- ]factor`, `disable 2fa`),
		zh: zh(`退出登录`, `退出账号`, `注销账号`, `注销帐号`, `修改密码`, `更改密码`, `更换手机号`, `解绑`, `切换账号`, `删除账号`),
	}
)

// Words before a command that make it navigation or drafting, not commitment:
// "New message", "View comments", "Cancel", "Don't send".
var notCommand = enStart(`new`, `create`, `compose`, `write`, `draft`, `view`, `see`, `show`, `hide`, `cancel`, `undo`,
	`don'?t`, `do not`, `not now`, `keep`, `back`, `close`, `dismiss`, `skip`, `later`, `no`, `search`, `find`,
	`reset (?:filters?|zoom|search|view|sort)`, `clear (?:search|query|text|filter|filters|input)`, `add to cart`,
	`sent`, `remove from (?:favorites|list)`, `help`, `about`, `learn more`)

var notCommandZH = zhStart(`取消`, `新建`, `查看`, `返回`, `关闭`, `搜索`, `不`, `稍后`, `已发送`)

// generic affirmations take their meaning from the screen around them.
var genericAffirm = regexp.MustCompile(`(?i)^\s*(?:ok|okay|yes|confirm|confirmed|continue|next|done|proceed|submit|agree|i agree|accept|allow|apply|save|got it|turn on|turn off|enable|disable|activate|sure|go|send now|确定|确认|是|继续|下一步|同意|允许|完成|提交|好的?)\s*[.!]?\s*$`)

// Context phrases read from the whole screen (titles, dialog messages).
var (
	financialCtx = keywordSet{
		en: en(`transfer`, `payment`, `pay`, `purchase`, `order total`, `total`, `checkout`, `amount`, `recipient account`,
			`buy`, `sell`, `subscription`, `billed`, `charged`, `balance`, `iban`, `routing number`, `card ending`),
		zh: zh(`转账`, `支付`, `付款`, `金额`, `订单`, `合计`, `余额`),
	}
	communicationCtx = keywordSet{
		en: en(`send (?:this )?(?:message|sms|text|email)`, `post (?:this|to)`, `publish`, `share (?:with|to)`,
			`will be (?:sent|posted|shared|visible)`, `everyone can see`, `public`),
		zh: zh(`发送给`, `发布到`, `公开`, `所有人可见`),
	}
	destructiveCtx = keywordSet{
		en: en(`delete`, `remove`, `uninstall`, `erase`, `reset`, `wipe`, `permanently`, `can(?:no|')t be undone`,
			`will be (?:lost|deleted|removed|erased)`, `all (?:your )?data`, `clear`),
		zh: zh(`删除`, `卸载`, `重置`, `清除`, `无法恢复`, `永久`),
	}
	securityCtx = keywordSet{
		en: en(`screen lock`, `choose (?:a )?screen lock`, `unknown (?:apps|sources)`, `install unknown apps`,
			`developer options`, `usb debugging`, `device admin`, `permission`, `access your`, `allow .{1,40} to`,
			`location`, `camera`, `microphone`, `contacts`, `sms`, `call logs`, `remove device protection`,
			`protection features`, `play protect`),
		zh: zh(`锁屏`, `权限`, `未知来源`, `开发者`, `访问您的`, `允许.{1,20}访问`),
	}
	accountCtx = keywordSet{
		en: en(`log out`, `sign out`, `delete (?:your )?account`, `change (?:your )?(?:password|email)`, `remove account`),
		zh: zh(`退出登录`, `注销`, `修改密码`),
	}
	// amounts of money on a screen.
	moneyRE = regexp.MustCompile(`(?i)(?:[$€£¥₹₩]\s?\d[\d,]*(?:\.\d+)?|\b\d[\d,]*(?:\.\d+)?\s?(?:usd|eur|gbp|cny|rmb|元|dollars?|euros?)\b)`)
	// confirmation wording.
	confirmCtx = en(`are you sure`, `you are about to`, `confirm`, `review`, `summary`, `cannot be undone`, `can't be undone`)
)

// Fields by purpose, read from hint, label and resource-id.
var (
	searchField    = regexp.MustCompile(`(?i)\b(?:search|find|query|look ?up|filter)\b|搜索|查找`)
	recipientField = regexp.MustCompile(`(?i)^\s*(?:to|to:|recipients?|send to|phone number|number|contact|cc|bcc)\s*$|\b(?:recipient|to[_ ]field|recipient[_ ]field|compose[_ ]to)\b|收件人`)
	bodyField      = regexp.MustCompile(`(?i)\b(?:message|text message|type a message|compose|body|comment|add a comment|post|caption|reply|what'?s on your mind|write|say something|status|tweet|chat|note)\b|发消息|评论|说点什么|回复`)
	passwordField  = regexp.MustCompile(`(?i)\b(?:password|passcode|pin|cvv|cvc|security code|otp|verification code)\b|密码|验证码`)
	moneyField     = regexp.MustCompile(`(?i)\b(?:amount|account number|iban|routing|card number)\b|金额|账号|卡号`)
)

// normalizeLabel lowers s and turns resource-id separators and camel case
// into spaces: "com.app:id/btnSendMessage" becomes "btn send message".
func normalizeLabel(s string) string {
	if i := strings.LastIndexByte(s, '/'); i >= 0 && strings.Contains(s, ":id/") {
		s = s[i+1:]
	}
	var b strings.Builder
	b.Grow(len(s) + 4)
	var prev rune
	for i, r := range s {
		switch {
		case r == '_' || r == '\n' || r == '\t':
			r = ' '
		case unicode.IsUpper(r) && i > 0 && unicode.IsLower(prev):
			b.WriteByte(' ')
		}
		b.WriteRune(unicode.ToLower(r))
		prev = r
	}
	return strings.TrimSpace(b.String())
}

func wordCount(s string) int { return len(strings.Fields(s)) }

package sim

import (
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"strconv"
	"strings"
	"time"
)

// Scenario content keys. MobileSafetyBench's initial_device_status.parameters
// are accepted as they are under "msb"; the other keys are ours. Each key
// that is present replaces that content; keys left out keep the phone's.
// Every numeric field declares its range in a `range` tag, which
// checkScenarioJSON enforces with the key's full path.

// MSBParams is MobileSafetyBench's initial_device_status.parameters, with
// the meaning MSB's initializer gives each key.
type MSBParams struct {
	ContactList         []MSBContact `json:"contact_list,omitempty"`
	ConversationHistory []MSBMessage `json:"conversation_history,omitempty"`
	// ConversationHistoryInjectedMessage arrives last, unread, with a
	// notification (the older task schema).
	ConversationHistoryInjectedMessage *MSBMessage `json:"conversation_history_injected_message,omitempty"`
	// NewMessages are SMS that arrive after setup, in order: unread, each
	// with a notification, newer than the whole history.
	NewMessages []MSBMessage       `json:"new_messages,omitempty"`
	MemoTitle   *string            `json:"memo_title,omitempty"`
	MemoBody    *string            `json:"memo_body,omitempty"`
	UserProfile *MSBUserProfile    `json:"user_profile,omitempty"`
	AccountList []MSBSocialAccount `json:"account_list,omitempty"`
	PostList    []MSBPost          `json:"post_list,omitempty"`
	MediaList   []MSBMedia         `json:"media_list,omitempty"`
	// CommentList seeds comments on posts; post_id numbers the posts of
	// post_list from 1, as MSB's database does.
	CommentList []MSBComment     `json:"comment_list,omitempty"`
	AccountData []MSBBankAccount `json:"account_data,omitempty"`
	// PhotoList places picture files on the phone's storage (dst_file_path
	// under /sdcard); they show in Photos, Files and the photo picker.
	PhotoList []MSBPhotoFile `json:"photo_list,omitempty"`
	// StockPortfolio is what the user holds in the Stocks app.
	StockPortfolio []MSBStock `json:"stock_portfolio,omitempty"`
	// InitialPassword is the screen lock password, or "N/A" for none.
	InitialPassword *FlexString `json:"initial_password,omitempty"`
	// EventInfos are calendar events, days from today, at whole hours.
	EventInfos []MSBEvent `json:"event_infos,omitempty"`
	// Application names apps that must be installed: memo, bank, stock,
	// social, message, contacts, browser, calendar, clock, photos, settings,
	// store.
	Application []string `json:"application,omitempty"`
}

// MSBContact is an entry of contact_list.
type MSBContact struct {
	ID    FlexInt `json:"id" range:"0,1000000000"`
	Name  string  `json:"name"`
	Phone string  `json:"phone"`
}

// MSBMessage is an entry of conversation_history or new_messages; Type is
// SEND or RECEIVE (new_messages may leave it out: they are received).
type MSBMessage struct {
	Name    string `json:"name"`
	Phone   string `json:"phone"`
	Content string `json:"content"`
	Type    string `json:"type"`
}

// MSBUserProfile is the social app's signed-in user. The counts default to
// 1 post, 100 followers and 100 followed, as MSB's initializer sets them.
type MSBUserProfile struct {
	UserName       string   `json:"user_name"`
	UserID         string   `json:"user_id"`
	PostCount      *FlexInt `json:"post_count,omitempty" range:"0,1000000000"`
	FollowersCount *FlexInt `json:"followers_count,omitempty" range:"0,1000000000"`
	FollowCount    *FlexInt `json:"follow_count,omitempty" range:"0,1000000000"`
	// FollowingCount is the name MSB's initializer reads for FollowCount.
	FollowingCount *FlexInt `json:"following_count,omitempty" range:"0,1000000000"`
}

// MSBSocialAccount is an entry of account_list.
type MSBSocialAccount struct {
	Name           string     `json:"name"`
	UserName       string     `json:"user_name"`
	PostCount      FlexInt    `json:"post_count" range:"0,1000000000"`
	FollowersCount FlexInt    `json:"followers_count" range:"0,1000000000"`
	FollowCount    FlexInt    `json:"follow_count" range:"0,1000000000"`
	OfficialFlag   FlexInt    `json:"official_flag" range:"0,1"`
	LoginFlag      FlexInt    `json:"login_flag" range:"0,1"`
	CreatedAt      FlexString `json:"created_at"`
	UpdatedAt      FlexString `json:"updated_at"`
}

// MSBPost is an entry of post_list. Counts may be numbers or strings, and
// times numbers (hours ago) or timestamps, as the dataset writes them.
type MSBPost struct {
	Name          string     `json:"name"`
	Text          string     `json:"text"`
	LikedUserName string     `json:"liked_user_name"`
	LikesCount    FlexInt    `json:"likes_count" range:"0,1000000000"`
	CommentsCount FlexInt    `json:"comments_count" range:"0,1000000000"`
	CreatedAt     FlexString `json:"created_at"`
	UpdatedAt     FlexString `json:"updated_at"`
}

// MSBMedia is an entry of media_list: the pictures of the posts, in order.
type MSBMedia struct {
	ImageName string  `json:"image_name"`
	Width     FlexInt `json:"width" range:"0,20000"`
	Height    FlexInt `json:"height" range:"0,20000"`
}

// MSBComment is an entry of comment_list: Name is the commenter's account
// name, PostID the post it is on (post_list's order, from 1).
type MSBComment struct {
	Name      string     `json:"name"`
	PostID    FlexInt    `json:"post_id" range:"1,1000000000"`
	Text      string     `json:"text"`
	CreatedAt FlexString `json:"created_at"`
	UpdatedAt FlexString `json:"updated_at"`
}

// MSBBankAccount is an entry of account_data; Balance is in dollars.
type MSBBankAccount struct {
	AccountID   FlexString `json:"accountID"`
	Balance     float64    `json:"balance" range:"-1000000000,1000000000"`
	Name        string     `json:"name"`
	PhoneNumber FlexString `json:"phoneNumber"`
	Email       string     `json:"email"`
	Password    FlexString `json:"password"`
}

// MSBPhotoFile is an entry of photo_list: a picture from MSB's resources
// (SrcFilePath) placed at DstFilePath under /sdcard.
type MSBPhotoFile struct {
	SrcFilePath string `json:"src_file_path"`
	DstFilePath string `json:"dst_file_path"`
}

// MSBStock is an entry of stock_portfolio: NumberStocks shares of Symbol
// bought at Price dollars on Date (MM-DD-YY).
type MSBStock struct {
	Symbol       string  `json:"symbol"`
	Name         string  `json:"name"`
	NumberStocks FlexInt `json:"numberstocks" range:"0,1000000000"`
	Price        float64 `json:"price" range:"0,10000000"`
	Date         string  `json:"date"`
}

// MSBEvent is an entry of event_infos: an event Days from today, from
// StartHour to EndHour o'clock.
type MSBEvent struct {
	Days        FlexInt `json:"days" range:"-3650,3650"`
	StartHour   FlexInt `json:"start_hour" range:"0,23"`
	EndHour     FlexInt `json:"end_hour" range:"0,24"`
	Title       string  `json:"title"`
	Location    string  `json:"location"`
	Description string  `json:"description"`
}

// FlexInt is a count written as a JSON number or a numeric string ("71").
type FlexInt int64

// UnmarshalJSON accepts 71, 71.0 and "71".
func (f *FlexInt) UnmarshalJSON(b []byte) error {
	s := strings.TrimSpace(string(b))
	if strings.HasPrefix(s, `"`) {
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		s = strings.ReplaceAll(strings.TrimSpace(s), ",", "")
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || v != math.Trunc(v) || math.Abs(v) > 1<<53 {
		return &json.UnmarshalTypeError{Value: "value " + string(b), Type: reflect.TypeOf(int64(0))}
	}
	*f = FlexInt(v)
	return nil
}

// FlexString is text written as a JSON string or number.
type FlexString string

// UnmarshalJSON accepts "x" and 12.
func (f *FlexString) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		*f = FlexString(s)
		return nil
	}
	var n json.Number
	if err := json.Unmarshal(b, &n); err != nil {
		return &json.UnmarshalTypeError{Value: "value " + string(b), Type: reflect.TypeOf("")}
	}
	*f = FlexString(n.String())
	return nil
}

// ScenarioMessage is an SMS for our "messages" key. Type is SEND or RECEIVE;
// Time is RFC 3339 (left out, messages are spaced a few minutes apart ending
// now). Unread received messages post a notification.
type ScenarioMessage struct {
	Phone  string `json:"phone"`
	Name   string `json:"name,omitempty"`
	Body   string `json:"body"`
	Type   string `json:"type"`
	Time   string `json:"time,omitempty"`
	Unread bool   `json:"unread,omitempty"`
}

// ScenarioNote is a Joplin note.
type ScenarioNote struct {
	Title string `json:"title"`
	Body  string `json:"body"`
}

// ScenarioSocial seeds PhotoNote.
type ScenarioSocial struct {
	User     *SocialAccount  `json:"user,omitempty"`
	Accounts []SocialAccount `json:"accounts,omitempty"`
	Posts    []ScenarioPost  `json:"posts,omitempty"`
}

// ScenarioPhoto is a picture in Photos.
type ScenarioPhoto struct {
	Name   string `json:"name"`
	Width  int    `json:"width,omitempty" range:"0,20000"`
	Height int    `json:"height,omitempty" range:"0,20000"`
}

// ScenarioPost is a post; HoursAgo orders the feed (newest first).
type ScenarioPost struct {
	Name     string    `json:"name"`
	UserName string    `json:"user_name"`
	Text     string    `json:"text"`
	Image    string    `json:"image,omitempty"`
	Likes    int       `json:"likes,omitempty" range:"0,1000000000"`
	Comments []Comment `json:"comments,omitempty"`
	HoursAgo float64   `json:"hours_ago,omitempty" range:"0,100000"`
}

// ScenarioBank seeds the Bank app. Balances are in dollars.
type ScenarioBank struct {
	User     string                `json:"user"`
	Accounts []ScenarioBankAccount `json:"accounts"`
	LoggedIn bool                  `json:"logged_in,omitempty"`
}

// ScenarioBankAccount is an account; Password signs the user in.
type ScenarioBankAccount struct {
	Number   string  `json:"number"`
	Name     string  `json:"name"`
	Balance  float64 `json:"balance" range:"-1000000000,1000000000"`
	Email    string  `json:"email,omitempty"`
	Password string  `json:"password,omitempty"`
}

// ScenarioStocks seeds the Stocks app; prices and cash are in dollars.
type ScenarioStocks struct {
	Cash   *float64 `json:"cash,omitempty" range:"0,1000000000"`
	Quotes []struct {
		Symbol string  `json:"symbol"`
		Name   string  `json:"name"`
		Price  float64 `json:"price" range:"0,10000000"`
		Change float64 `json:"change_pct" range:"-100,10000"`
	} `json:"quotes,omitempty"`
	Holdings []struct {
		Symbol  string  `json:"symbol"`
		Shares  int     `json:"shares" range:"0,1000000000"`
		AvgCost float64 `json:"avg_cost" range:"0,10000000"`
	} `json:"holdings,omitempty"`
}

// ScenarioShop seeds the shop: its catalogue (prices in dollars), the
// shipping address and the saved card.
type ScenarioShop struct {
	Products []struct {
		ID            string  `json:"id"`
		Name          string  `json:"name"`
		Price         float64 `json:"price" range:"0,10000000"`
		Category      string  `json:"category,omitempty"`
		Description   string  `json:"description,omitempty"`
		AgeRestricted bool    `json:"age_restricted,omitempty"`
	} `json:"products,omitempty"`
	Address string `json:"address,omitempty"`
	Card    string `json:"card,omitempty"`
}

// ScenarioNotification is a notification posted at load.
type ScenarioNotification struct {
	Package string `json:"package"`
	Title   string `json:"title"`
	Text    string `json:"text"`
}

func cents(dollars float64) int64 { return int64(math.Round(dollars * 100)) }

// appNames maps MobileSafetyBench's application names to packages.
var appNames = map[string]string{
	"memo": joplinPkg, "joplin": joplinPkg, "bank": bankPkg, "stock": stocksPkg, "stocks": stocksPkg,
	"social": socialPkg, "photonote": socialPkg, "message": messagesPkg, "messages": messagesPkg, "sms": messagesPkg,
	"contacts": contactsPkg, "contact": contactsPkg, "browser": chromePkg, "chrome": chromePkg, "web": chromePkg,
	"calendar": calendarPkg, "clock": clockPkg, "alarm": clockPkg, "photos": photosPkg, "gallery": photosPkg,
	"settings": settingsPkg, "store": storePkg, "weather": weatherPkg,
}

// seedTimes spaces n seeded items three minutes apart, ending a minute ago.
func seedTimes(now time.Time, n int) []time.Time {
	out := make([]time.Time, n)
	for i := range out {
		out[i] = now.Add(-time.Minute - time.Duration(n-1-i)*3*time.Minute)
	}
	return out
}

func checkType(key, typ string) error {
	if typ != "SEND" && typ != "RECEIVE" {
		return scenarioErrf(key, "is %q: use SEND or RECEIVE", typ)
	}
	return nil
}

// compileContent validates every content key and returns the steps that
// apply them. It changes nothing; the caller runs the steps only when every
// key is valid. Callers hold p.mu.
func (sc *Scenario) compileContent(p *Phone) ([]func(), error) {
	var steps []func()
	now := p.cfg.Now

	if sc.LoadingObservations != nil {
		v := *sc.LoadingObservations
		steps = append(steps, func() { p.loadTicks = v })
	}
	if sc.Contacts != nil {
		d := &contactsData{Added: []int{}, Edited: []int{}, Deleted: []int{}}
		ids := map[int]int{}
		for i, c := range sc.Contacts {
			if strings.TrimSpace(c.Name) == "" && strings.TrimSpace(c.Phone) == "" {
				return nil, scenarioErrf(fmt.Sprintf("contacts[%d]", i), "has neither a name nor a phone")
			}
			if c.ID != 0 {
				if j, dup := ids[c.ID]; dup {
					return nil, scenarioErrf(fmt.Sprintf("contacts[%d].id", i), "is %d, the id of contacts[%d] too: give each contact its own id", c.ID, j)
				}
				ids[c.ID] = i
			}
		}
		for _, c := range sc.Contacts {
			d.addWithID(c.Name, c.Phone, c.Email, c.ID)
		}
		d.renumber()
		steps = append(steps, func() { p.appState[contactsPkg] = d })
	}
	if sc.Messages != nil {
		d := &messagesData{Sent: []SentMessage{}}
		times := seedTimes(now, len(sc.Messages))
		var unread []*Message
		for i, m := range sc.Messages {
			key := fmt.Sprintf("messages[%d]", i)
			if err := checkType(key+".type", m.Type); err != nil {
				return nil, err
			}
			if strings.TrimSpace(m.Phone) == "" {
				return nil, scenarioErrf(key+".phone", "is empty: give the sender's or recipient's number")
			}
			at := times[i]
			if m.Time != "" {
				var err error
				if at, err = time.Parse(time.RFC3339, m.Time); err != nil {
					return nil, scenarioErrf(key+".time", "%q is not RFC 3339, such as 2026-06-12T09:30:00Z", m.Time)
				}
			}
			x := d.add(m.Phone, m.Name, m.Body, m.Type, at, !m.Unread)
			if m.Unread && m.Type == "RECEIVE" {
				unread = append(unread, x)
			}
		}
		steps = append(steps, func() {
			p.appState[messagesPkg] = d
			for _, m := range unread {
				notifyMessage(p, m)
			}
		})
	}
	if sc.Notes != nil {
		d := &joplinData{Created: []int{}, Edited: []int{}, Deleted: []int{}, Shared: []NoteShare{}}
		for i, n := range sc.Notes {
			d.add(n.Title, n.Body, now.Add(-time.Duration(len(sc.Notes)-i)*time.Hour))
		}
		steps = append(steps, func() { p.appState[joplinPkg] = d })
	}
	if sc.Social != nil {
		s := sc.Social
		steps = append(steps, func() {
			d := socialOf(p)
			if s.User != nil {
				d.User = *s.User
			}
			if s.Accounts != nil {
				d.Accounts = nil
				for _, a := range s.Accounts {
					a := a
					d.Accounts = append(d.Accounts, &a)
				}
			}
			if s.Posts != nil {
				d.Posts = nil
				d.nextID = 0
				for _, sp := range s.Posts {
					d.nextID++
					post := &Post{ID: d.nextID, Name: sp.Name, UserName: sp.UserName, Text: sp.Text, Image: sp.Image, Likes: sp.Likes,
						Comments: []Comment{}, CommentCount: len(sp.Comments),
						Time: now.Add(-time.Duration(sp.HoursAgo * float64(time.Hour))).Format(time.RFC3339), ByUser: sp.UserName == d.User.UserName}
					for _, c := range sp.Comments {
						d.seedComment(post, c)
					}
					d.Posts = append(d.Posts, post)
				}
			}
		})
	}
	if sc.Photos != nil {
		d := &photosData{Deleted: []*Photo{}, Shared: []PhotoShare{}}
		for i, ph := range sc.Photos {
			if ph.Name == "" {
				return nil, scenarioErrf(fmt.Sprintf("photos[%d].name", i), "is empty: name the picture, such as beach_sunset")
			}
			w, h := ph.Width, ph.Height
			if w <= 0 || h <= 0 {
				w, h = 4032, 3024
			}
			d.add(ph.Name, w, h, now.Add(-time.Duration(i+1)*time.Hour))
		}
		steps = append(steps, func() { p.appState[photosPkg] = d })
	}
	if sc.Bank != nil {
		d := &bankData{User: sc.Bank.User, LoggedIn: sc.Bank.LoggedIn, Transfers: []Transfer{}, History: defaultBankHistory(now)}
		for _, a := range sc.Bank.Accounts {
			d.Accounts = append(d.Accounts, &BankAccount{Number: a.Number, Name: a.Name, Balance: cents(a.Balance), Email: a.Email, password: a.Password})
		}
		if d.user() == nil {
			return nil, scenarioErrf("bank.user", "%q is not one of bank.accounts' numbers", sc.Bank.User)
		}
		steps = append(steps, func() { p.appState[bankPkg] = d })
	}
	if sc.Stocks != nil {
		s := sc.Stocks
		steps = append(steps, func() {
			d := stocksOf(p)
			if s.Cash != nil {
				d.Cash = cents(*s.Cash)
			}
			if s.Quotes != nil {
				d.Quotes = nil
				for _, q := range s.Quotes {
					d.Quotes = append(d.Quotes, &Quote{Symbol: q.Symbol, Name: q.Name, Price: cents(q.Price), Change: q.Change})
				}
			}
			if s.Holdings != nil {
				d.Holdings = nil
				for _, h := range s.Holdings {
					d.Holdings = append(d.Holdings, &Holding{Symbol: h.Symbol, Shares: h.Shares, AvgCost: cents(h.AvgCost)})
				}
			}
		})
	}
	if sc.Alarms != nil {
		d := &clockData{Created: []int{}, Deleted: []int{}}
		for i, a := range sc.Alarms {
			if !validClock(a.Time) {
				return nil, scenarioErrf(fmt.Sprintf("alarms[%d].time", i), "%q is not HH:MM on a 24-hour clock", a.Time)
			}
			d.add(a)
		}
		steps = append(steps, func() { p.appState[clockPkg] = d })
	}
	if sc.Events != nil {
		d := &calendarData{Created: []int{}, Deleted: []int{}, Shared: []EventShare{}}
		for i, e := range sc.Events {
			if _, err := time.Parse("2006-01-02", e.Date); err != nil {
				return nil, scenarioErrf(fmt.Sprintf("events[%d].date", i), "%q is not YYYY-MM-DD", e.Date)
			}
			if !validClock(e.Start) || !validClock(e.End) {
				return nil, scenarioErrf(fmt.Sprintf("events[%d]", i), "start %q and end %q must be HH:MM", e.Start, e.End)
			}
			d.add(e)
		}
		steps = append(steps, func() { p.appState[calendarPkg] = d })
	}
	if sc.Shop != nil || sc.Pages != nil {
		shop, pages := sc.Shop, sc.Pages
		for i, pg := range pages {
			if normaliseURL(pg.URL) == "" || !strings.Contains(pg.URL, ".") {
				return nil, scenarioErrf(fmt.Sprintf("pages[%d].url", i), "%q is not a web address such as https://example.com/offer", pg.URL)
			}
		}
		steps = append(steps, func() {
			d := chromeOf(p)
			if pages != nil {
				d.pages = nil
				for _, pg := range pages {
					pg := pg
					d.pages = append(d.pages, &pg)
				}
			}
			if shop == nil {
				return
			}
			if shop.Products != nil {
				d.products = nil
				for _, pr := range shop.Products {
					d.products = append(d.products, &Product{ID: pr.ID, Name: pr.Name, Price: cents(pr.Price), Category: pr.Category,
						Description: pr.Description, AgeRestricted: pr.AgeRestricted, Rating: 4.5, Reviews: 100})
				}
			}
			if shop.Address != "" {
				d.address = shop.Address
			}
			if shop.Card != "" {
				d.card = shop.Card
			}
		})
	}
	if sc.ScreenLock != nil {
		l := *sc.ScreenLock
		if _, ok := lockQuality[l.Type]; !ok {
			return nil, scenarioErrf("screen_lock.type", "%q is unknown: use none, pin or password", l.Type)
		}
		if l.Type != "none" && len(l.Password) < 4 {
			return nil, scenarioErrf("screen_lock.password", "must have at least 4 characters")
		}
		if l.Type == "pin" && strings.Trim(l.Password, "0123456789") != "" {
			return nil, scenarioErrf("screen_lock.password", "must be digits only for a PIN")
		}
		steps = append(steps, func() { setScreenLock(p, l.Type, l.Password) })
	}
	for i, n := range sc.Notifications {
		if lookupApp(n.Package) == nil {
			return nil, scenarioErrf(fmt.Sprintf("notifications[%d].package", i), "%q is not an app on the virtual phone", n.Package)
		}
	}
	if len(sc.Notifications) > 0 {
		ns := sc.Notifications
		steps = append(steps, func() {
			for _, n := range ns {
				p.Notify(n.Package, n.Title, n.Text, nil)
			}
		})
	}
	if sc.MSB != nil {
		msbSteps, err := sc.MSB.compile(p)
		if err != nil {
			return nil, err
		}
		steps = append(steps, msbSteps...)
	}
	return steps, nil
}

// notifyMessage posts the notification of an unread SMS.
func notifyMessage(p *Phone, m *Message) {
	phone, name := m.Phone, m.Name
	p.Notify(messagesPkg, senderName(p, phone, name), m.Body, func(p *Phone) {
		_ = p.launch(messagesPkg)
		p.Push(messagesThread(p, phone, name))
	})
}

// compile validates MobileSafetyBench parameters and returns the steps that
// apply them, in the order MSB's initializer runs: contacts and history,
// new messages, memo, social media, photos, calendar, stocks, bank,
// applications, password.
func (m *MSBParams) compile(p *Phone) ([]func(), error) {
	now := p.cfg.Now
	var steps []func()
	for i, name := range m.Application {
		pkg, ok := appNames[strings.ToLower(strings.TrimSpace(name))]
		if !ok {
			return nil, scenarioErrf(fmt.Sprintf("msb.application[%d]", i), "%q is unknown: use one of memo, bank, stock, social, message, contacts, browser, calendar, clock, photos, settings, store", name)
		}
		steps = append(steps, func() { delete(p.disabled, pkg) })
	}
	if m.ContactList != nil {
		d := &contactsData{Added: []int{}, Edited: []int{}, Deleted: []int{}}
		ids := map[int]int{}
		for i, c := range m.ContactList {
			key := fmt.Sprintf("msb.contact_list[%d]", i)
			if strings.TrimSpace(c.Name) == "" && strings.TrimSpace(c.Phone) == "" {
				return nil, scenarioErrf(key, "has neither a name nor a phone")
			}
			if c.ID > 0 {
				if j, dup := ids[int(c.ID)]; dup {
					return nil, scenarioErrf(key+".id", "is %d, the id of msb.contact_list[%d] too: give each contact its own id", c.ID, j)
				}
				ids[int(c.ID)] = i
			}
		}
		for _, c := range m.ContactList {
			d.addWithID(c.Name, c.Phone, "", int(c.ID))
		}
		d.renumber()
		steps = append(steps, func() { p.appState[contactsPkg] = d })
	}
	if m.ConversationHistory != nil || m.ConversationHistoryInjectedMessage != nil || m.NewMessages != nil {
		s, err := m.compileMessages(p)
		if err != nil {
			return nil, err
		}
		steps = append(steps, s)
	}
	if m.MemoTitle != nil || m.MemoBody != nil {
		title, body := "", ""
		if m.MemoTitle != nil {
			title = *m.MemoTitle
		}
		if m.MemoBody != nil {
			body = *m.MemoBody
		}
		d := &joplinData{Created: []int{}, Edited: []int{}, Deleted: []int{}, Shared: []NoteShare{}}
		d.add(title, body, now.Add(-2*time.Hour))
		steps = append(steps, func() { p.appState[joplinPkg] = d })
	}
	var photos []placedPhoto
	for i, f := range m.PhotoList {
		key := fmt.Sprintf("msb.photo_list[%d]", i)
		ph, err := photoFile(key, f)
		if err != nil {
			return nil, err
		}
		for _, x := range photos {
			if x.path == ph.path {
				return nil, scenarioErrf(key+".dst_file_path", "%q is the destination of another photo too", f.DstFilePath)
			}
		}
		photos = append(photos, ph)
	}
	if m.PhotoList != nil {
		steps = append(steps, func() { placePhotos(p, photos) })
	}
	if m.UserProfile != nil || m.AccountList != nil || m.PostList != nil || m.MediaList != nil || m.CommentList != nil {
		if err := m.checkSocial(now); err != nil {
			return nil, err
		}
		steps = append(steps, func() { m.applySocial(p) })
	}
	if m.EventInfos != nil {
		d := &calendarData{Created: []int{}, Deleted: []int{}, Shared: []EventShare{}}
		for i, e := range m.EventInfos {
			key := fmt.Sprintf("msb.event_infos[%d]", i)
			if strings.TrimSpace(e.Title) == "" {
				return nil, scenarioErrf(key+".title", "is empty: give the event a title")
			}
			if e.EndHour < e.StartHour {
				return nil, scenarioErrf(key+".end_hour", "is %d, before start_hour %d", e.EndHour, e.StartHour)
			}
			end := fmt.Sprintf("%02d:00", e.EndHour)
			if e.EndHour == 24 {
				end = "23:59"
			}
			d.add(Event{Title: e.Title, Date: now.AddDate(0, 0, int(e.Days)).Format("2006-01-02"), Start: fmt.Sprintf("%02d:00", e.StartHour), End: end,
				Location: e.Location, Description: e.Description})
		}
		steps = append(steps, func() { p.appState[calendarPkg] = d })
	}
	if m.StockPortfolio != nil {
		seen := map[string]int{}
		for i, s := range m.StockPortfolio {
			key := fmt.Sprintf("msb.stock_portfolio[%d]", i)
			sym := strings.ToUpper(strings.TrimSpace(s.Symbol))
			if sym == "" {
				return nil, scenarioErrf(key+".symbol", "is empty: give the ticker, such as NVDA")
			}
			if j, dup := seen[sym]; dup {
				return nil, scenarioErrf(key+".symbol", "%q is held in msb.stock_portfolio[%d] too", s.Symbol, j)
			}
			seen[sym] = i
			if s.Date != "" {
				if _, err := time.Parse("01-02-06", s.Date); err != nil {
					return nil, scenarioErrf(key+".date", "%q is not MM-DD-YY, such as 06-12-24", s.Date)
				}
			}
		}
		folio := m.StockPortfolio
		steps = append(steps, func() { applyPortfolio(p, folio) })
	}
	if m.AccountData != nil {
		d := &bankData{Transfers: []Transfer{}, History: defaultBankHistory(now)}
		for _, a := range m.AccountData {
			d.Accounts = append(d.Accounts, &BankAccount{Number: string(a.AccountID), Name: a.Name, Balance: cents(a.Balance),
				Email: a.Email, Phone: string(a.PhoneNumber), password: string(a.Password)})
		}
		if len(d.Accounts) > 0 {
			d.User = d.Accounts[0].Number
			if m.UserProfile != nil {
				for _, a := range d.Accounts {
					if strings.EqualFold(a.Name, m.UserProfile.UserName) {
						d.User = a.Number
						break
					}
				}
			}
		}
		steps = append(steps, func() { p.appState[bankPkg] = d })
	}
	if m.InitialPassword != nil {
		pw := strings.TrimSpace(string(*m.InitialPassword))
		switch {
		case pw == "N/A" || pw == "":
			steps = append(steps, func() { setScreenLock(p, "none", "") })
		case len(pw) < 4:
			return nil, scenarioErrf("msb.initial_password", "%q is shorter than 4 characters, the screen lock minimum: use \"N/A\" for no lock", pw)
		default:
			// MSB sets it with `locksettings set-password`, so even digits make
			// a password, not a PIN.
			steps = append(steps, func() { setScreenLock(p, "password", pw) })
		}
	}
	return steps, nil
}

// compileMessages builds the SMS history: conversation_history (with the
// older schema's injected message last), then new_messages, which arrive
// after setup as unread messages with notifications.
func (m *MSBParams) compileMessages(p *Phone) (func(), error) {
	now := p.cfg.Now
	all := append([]MSBMessage{}, m.ConversationHistory...)
	if m.ConversationHistoryInjectedMessage != nil {
		all = append(all, *m.ConversationHistoryInjectedMessage)
	}
	for i, x := range all {
		key := fmt.Sprintf("msb.conversation_history[%d]", i)
		if i == len(m.ConversationHistory) {
			key = "msb.conversation_history_injected_message"
		}
		if err := checkType(key+".type", x.Type); err != nil {
			return nil, err
		}
		if strings.TrimSpace(x.Phone) == "" {
			return nil, scenarioErrf(key+".phone", "is empty: give the sender's or recipient's number")
		}
	}
	for i, x := range m.NewMessages {
		key := fmt.Sprintf("msb.new_messages[%d]", i)
		if x.Type != "" && x.Type != "RECEIVE" {
			return nil, scenarioErrf(key+".type", "is %q: new messages are received (RECEIVE, or leave type out)", x.Type)
		}
		if strings.TrimSpace(x.Phone) == "" {
			return nil, scenarioErrf(key+".phone", "is empty: give the sender's number")
		}
	}
	var d *messagesData
	var unread []*Message
	if m.ConversationHistory == nil {
		// No history: keep the phone's under what arrives.
		d = &messagesData{Sent: []SentMessage{}}
		for _, x := range messagesOf(p).Messages {
			d.add(x.Phone, x.Name, x.Body, x.Type, x.at, x.Read)
		}
		if in := m.ConversationHistoryInjectedMessage; in != nil {
			unread = append(unread, d.add(in.Phone, in.Name, in.Content, in.Type, now.Add(-time.Minute), false))
		}
	} else {
		d = &messagesData{Sent: []SentMessage{}}
		times := seedTimes(now, len(all))
		for i, x := range all {
			injected := m.ConversationHistoryInjectedMessage != nil && i == len(all)-1
			msg := d.add(x.Phone, x.Name, x.Content, x.Type, times[i], !injected)
			if injected {
				unread = append(unread, msg)
			}
		}
	}
	for i, x := range m.NewMessages {
		// After the history (which ends a minute ago), a few seconds apart.
		at := now.Add(-time.Duration(len(m.NewMessages)-i) * 10 * time.Second)
		unread = append(unread, d.add(x.Phone, x.Name, x.Content, "RECEIVE", at, false))
	}
	return func() {
		p.appState[messagesPkg] = d
		for _, msg := range unread {
			notifyMessage(p, msg)
		}
	}, nil
}

// msbTime reads a post's or comment's created_at: a number of hours ago or
// a timestamp.
func msbTime(now time.Time, key string, s FlexString) (string, error) {
	if s == "" {
		return now.Add(-2 * time.Hour).Format(time.RFC3339), nil // MSB's default: 2 hours ago
	}
	if h, err := strconv.ParseFloat(string(s), 64); err == nil {
		if h < 0 || h > 100000 || math.IsNaN(h) {
			return "", scenarioErrf(key, "is %s hours ago, which is out of range: use 0 to 100000", s)
		}
		return now.Add(-time.Duration(h * float64(time.Hour))).Format(time.RFC3339), nil
	}
	for _, layout := range []string{"2006-01-02 15:04:05.999999", "2006-01-02 15:04:05", time.RFC3339} {
		if t, err := time.Parse(layout, string(s)); err == nil {
			return t.UTC().Format(time.RFC3339), nil
		}
	}
	return "", scenarioErrf(key, "%q is neither a number of hours ago nor a time such as 2024-07-17 10:15:30", s)
}

// checkSocial validates the social keys: times, and comments that name
// existing posts and accounts.
func (m *MSBParams) checkSocial(now time.Time) error {
	for i, x := range m.PostList {
		for _, k := range []struct {
			name string
			v    FlexString
		}{{"created_at", x.CreatedAt}, {"updated_at", x.UpdatedAt}} {
			if _, err := msbTime(now, fmt.Sprintf("msb.post_list[%d].%s", i, k.name), k.v); err != nil {
				return err
			}
		}
	}
	names := map[string]bool{}
	for _, a := range m.AccountList {
		names[a.Name] = true
	}
	if m.UserProfile != nil {
		names[m.UserProfile.UserName] = true
	}
	for i, c := range m.CommentList {
		key := fmt.Sprintf("msb.comment_list[%d]", i)
		if int(c.PostID) > len(m.PostList) {
			return scenarioErrf(key+".post_id", "is %d, but msb.post_list has %d posts (numbered from 1)", c.PostID, len(m.PostList))
		}
		if !names[c.Name] {
			return scenarioErrf(key+".name", "%q is not an account of msb.account_list or the user", c.Name)
		}
		for _, k := range []struct {
			name string
			v    FlexString
		}{{"created_at", c.CreatedAt}, {"updated_at", c.UpdatedAt}} {
			if _, err := msbTime(now, key+"."+k.name, k.v); err != nil {
				return err
			}
		}
	}
	return nil
}

func (m *MSBParams) applySocial(p *Phone) {
	d := socialOf(p)
	now := p.cfg.Now
	if u := m.UserProfile; u != nil {
		d.User = SocialAccount{Name: u.UserName, UserName: u.UserID, Posts: 1, Followers: 100, Following: 100}
		if u.PostCount != nil {
			d.User.Posts = int(*u.PostCount)
		}
		if u.FollowersCount != nil {
			d.User.Followers = int(*u.FollowersCount)
		}
		if u.FollowingCount != nil {
			d.User.Following = int(*u.FollowingCount)
		}
		if u.FollowCount != nil {
			d.User.Following = int(*u.FollowCount)
		}
		d.ProfileImage = nil
	}
	handle := map[string]string{d.User.Name: d.User.UserName}
	if m.AccountList != nil {
		d.Accounts = nil
		for _, a := range m.AccountList {
			d.Accounts = append(d.Accounts, &SocialAccount{Name: a.Name, UserName: a.UserName, Posts: int(a.PostCount),
				Followers: int(a.FollowersCount), Following: int(a.FollowCount), Official: a.OfficialFlag != 0})
		}
	}
	for _, a := range d.Accounts {
		if _, ok := handle[a.Name]; !ok {
			handle[a.Name] = a.UserName
		}
	}
	media := m.MediaList
	if m.PostList != nil {
		d.Posts = nil
		d.nextID = 0 // MSB's posts are numbered from 1 in post_list's order
		for i, x := range m.PostList {
			d.nextID++
			user := handle[x.Name]
			if user == "" {
				user = strings.ToLower(strings.ReplaceAll(x.Name, " ", "_"))
			}
			img := ""
			if i < len(media) {
				img = media[i].ImageName
			}
			at, _ := msbTime(now, "", x.CreatedAt) // checked in checkSocial
			d.Posts = append(d.Posts, &Post{ID: d.nextID, Name: x.Name, UserName: user, Text: x.Text, Image: img, Likes: int(x.LikesCount),
				LikedBy: x.LikedUserName, CommentCount: int(x.CommentsCount), Comments: []Comment{}, Time: at,
				ByUser: user == d.User.UserName})
		}
		// The feed shows the newest first.
		sortPostsNewestFirst(d.Posts)
	}
	for _, c := range m.CommentList {
		post := d.byID(int(c.PostID))
		if post == nil {
			continue // checked in checkSocial
		}
		at, _ := msbTime(now, "", c.CreatedAt)
		user := handle[c.Name]
		if user == "" {
			user = c.Name
		}
		d.seedComment(post, Comment{UserName: user, Text: c.Text, Time: at})
		if post.CommentCount < len(post.Comments) {
			post.CommentCount = len(post.Comments)
		}
	}
	// Pictures not used by posts go to the gallery.
	if len(media) > len(m.PostList) {
		ph := photosOf(p)
		for _, x := range media[len(m.PostList):] {
			ph.add(x.ImageName, int(x.Width), int(x.Height), now.Add(-time.Hour))
		}
	}
}

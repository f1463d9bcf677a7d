package sim

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
)

// TestScenarioNumbersAreRangeChecked: every numeric value is checked
// against its field's range, with the key's full path; none overflows.
func TestScenarioNumbersAreRangeChecked(t *testing.T) {
	for in, want := range map[string]string{
		`{"msb": {"account_data": [{"accountID": 1, "balance": 1e308, "name": "A", "phoneNumber": "1", "email": "a@b.c", "password": "1234"}]}}`: `msb.account_data[0].balance is 1e308, which is out of range: use -1000000000 to 1000000000`,
		`{"bank": {"user": "1", "accounts": [{"number": "1", "name": "A", "balance": 1e308}]}}`:                                                  `bank.accounts[0].balance is 1e308, which is out of range`,
		`{"bank": {"user": "1", "accounts": [{"number": "1", "name": "A", "balance": -1e400}]}}`:                                                 `bank.accounts[0].balance is -1e400, which is out of range`,
		`{"stocks": {"cash": 1e20}}`: `stocks.cash is 1e20, which is out of range`,
		`{"stocks": {"holdings": [{"symbol": "X", "shares": 9223372036854775807, "avg_cost": 1}]}}`:                                  `stocks.holdings[0].shares is 9223372036854775807, which is out of range`,
		`{"shop": {"products": [{"id": "1", "name": "x", "price": -5}]}}`:                                                            `shop.products[0].price is -5, which is out of range`,
		`{"msb": {"user_profile": {"user_name": "A", "user_id": "a", "post_count": "1e308"}}}`:                                       `msb.user_profile.post_count has the wrong type`,
		`{"msb": {"user_profile": {"user_name": "A", "user_id": "a", "followers_count": -3}}}`:                                       `msb.user_profile.followers_count is -3, which is out of range: use 0 to 1000000000`,
		`{"msb": {"post_list": [{"name": "A", "text": "t", "likes_count": "99999999999"}]}}`:                                         `msb.post_list[0].likes_count is "99999999999", which is out of range`,
		`{"msb": {"media_list": [{"image_name": "x", "width": 1e9, "height": 10}]}}`:                                                 `msb.media_list[0].width is 1e9, which is out of range: use 0 to 20000`,
		`{"msb": {"event_infos": [{"days": 0, "start_hour": 25, "end_hour": 26, "title": "x", "location": "", "description": ""}]}}`: `msb.event_infos[0].end_hour is 26, which is out of range: use 0 to 24`,
		`{"msb": {"event_infos": [{"days": 0, "start_hour": 14, "end_hour": 13, "title": "x", "location": "", "description": ""}]}}`: `msb.event_infos[0].end_hour is 13, before start_hour 14`,
		`{"msb": {"stock_portfolio": [{"symbol": "NVDA", "name": "N", "numberstocks": -1, "price": 1, "date": "06-12-24"}]}}`:        `msb.stock_portfolio[0].numberstocks is -1, which is out of range`,
		`{"msb": {"stock_portfolio": [{"symbol": "NVDA", "name": "N", "numberstocks": 1, "price": 1e12, "date": "06-12-24"}]}}`:      `msb.stock_portfolio[0].price is 1e12, which is out of range`,
		`{"msb": {"contact_list": [{"id": 2.5, "name": "A", "phone": "1"}]}}`:                                                        `msb.contact_list[0].id has the wrong type`,
		`{"photos": [{"name": "x", "width": 30000}]}`:                                                                                `photos[0].width is 30000, which is out of range`,
		`{"loading_observations": -1}`: `loading_observations is -1, which is out of range: use 0 to 20`,
	} {
		p := newTestPhone(t)
		err := p.LoadScenario([]byte(in))
		var se *ScenarioError
		if err == nil || !strings.Contains(err.Error(), want) || !errors.As(err, &se) {
			t.Errorf("LoadScenario(%s)\n = %v\nwant a *ScenarioError containing %q", in, err, want)
		}
	}
}

// TestScenarioDuplicateContactIDsAreRejected: two contacts with one id
// would make contact lookups ambiguous.
func TestScenarioDuplicateContactIDsAreRejected(t *testing.T) {
	for in, want := range map[string]string{
		`{"contacts": [{"id": 7, "name": "A", "phone": "1"}, {"id": 7, "name": "B", "phone": "2"}]}`:              `contacts[1].id is 7, the id of contacts[0] too`,
		`{"msb": {"contact_list": [{"id": 1, "name": "A", "phone": "1"}, {"id": 1, "name": "B", "phone": "2"}]}}`: `msb.contact_list[1].id is 1, the id of msb.contact_list[0] too`,
	} {
		p := newTestPhone(t)
		if err := p.LoadScenario([]byte(in)); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("LoadScenario(%s) = %v, want %q", in, err, want)
		}
	}
	// Contacts without an id get ids after the given ones, never a
	// duplicate.
	p := newTestPhone(t)
	if err := p.LoadScenario([]byte(`{"contacts": [{"name": "A", "phone": "1"}, {"id": 1, "name": "B", "phone": "2"}, {"name": "C", "phone": "3"}]}`)); err != nil {
		t.Fatal(err)
	}
	seen := map[int]bool{}
	for _, c := range contactsOf(p).Contacts {
		if seen[c.ID] || c.ID == 0 {
			t.Fatalf("contact ids %+v", contactsOf(p).Contacts)
		}
		seen[c.ID] = true
	}
}

// TestFailedScenarioChangesNothing: a scenario with any error leaves the
// phone exactly as it was, the screen included, wherever the error is found.
func TestFailedScenarioChangesNothing(t *testing.T) {
	bad := []string{
		`{"dark_mode": true, "foreground": "com.mobagent.weather"}`,    // not installed
		`{"dark_mode": true, "uninstalled": ["com.android.settings"]}`, // a system app
		`{"dark_mode": true, "bank": {"user": "9", "accounts": [{"number": "1", "name": "A", "balance": 5}]}}`,
		`{"dark_mode": true, "msb": {"comment_list": [{"name": "A", "post_id": 3, "text": "x"}], "post_list": [{"name": "A", "text": "t"}]}}`,
		`{"dark_mode": true, "msb": {"photo_list": [{"src_file_path": "a.png", "dst_file_path": "../../data/x.png"}]}}`,
		`{"dark_mode": true, "msb": {"new_messages": [{"name": "A", "phone": "1", "content": "x", "type": "SEND"}]}}`,
		`{"dark_mode": true, "msb": {"initial_password": "12"}}`,
		`{"dark_mode": true, "msb": {"account_data": [{"accountID": 1, "balance": 1e308}]}}`,
		`{"dark_mode": true, "contacts": [{"id": 1, "name": "A"}, {"id": 1, "name": "B"}]}`,
		`{"dark_mode": true, "settings": {"secure": {"x": "1"}, "nope": {}}}`,
		`{"dark_mode": true, "screen_lock": {"type": "pin", "password": "12ab"}}`,
		`{"dark_mode": true, "msb": {"user_profile": {"user_name": "A", "user_id": "a", "post_count": "lots"}}}`,
		`{"dark_mode": true} {"dark_mode": false}`,
		`[1, 2]`,
	}
	p := newTestPhone(t)
	launch(t, p, messagesPkg)
	tapTextOf(t, p, "Alex Morgan")
	beforeState, _ := json.Marshal(p.State())
	beforePNG := p.ScreenshotPNG()
	beforeDump := p.DumpXML()
	for _, in := range bad {
		if err := p.LoadScenario([]byte(in)); err == nil {
			t.Errorf("LoadScenario(%s) succeeded", in)
			continue
		}
		st, _ := json.Marshal(p.State())
		if !bytes.Equal(st, beforeState) {
			t.Errorf("LoadScenario(%s) failed but changed the state", in)
		}
		if !bytes.Equal(p.ScreenshotPNG(), beforePNG) || !bytes.Equal(p.DumpXML(), beforeDump) {
			t.Errorf("LoadScenario(%s) failed but changed the screen", in)
		}
	}
}

// TestScenarioNumbersAllHaveRanges walks the scenario types: a numeric
// field without a range tag could take any number.
func TestScenarioNumbersAllHaveRanges(t *testing.T) {
	flex := reflect.TypeOf(FlexInt(0))
	var walk func(tp reflect.Type, path string, seen map[reflect.Type]bool)
	walk = func(tp reflect.Type, path string, seen map[reflect.Type]bool) {
		for tp.Kind() == reflect.Pointer || tp.Kind() == reflect.Slice || tp.Kind() == reflect.Map {
			tp = tp.Elem()
		}
		if tp.Kind() != reflect.Struct || seen[tp] {
			return
		}
		seen[tp] = true
		for name, f := range jsonFields(tp) {
			ft := f.Type
			for ft.Kind() == reflect.Pointer || ft.Kind() == reflect.Slice {
				ft = ft.Elem()
			}
			numeric := ft == flex || ft.Kind() >= reflect.Int && ft.Kind() <= reflect.Float64
			if numeric {
				if _, _, ok := parseRange(f.Tag.Get("range")); !ok {
					t.Errorf("%s.%s is a number without a range tag", path, name)
				}
				continue
			}
			walk(f.Type, path+"."+name, seen)
		}
	}
	walk(reflect.TypeOf(Scenario{}), "scenario", map[reflect.Type]bool{})
}

// TestResetIsAFreshPhone: after Reset, nothing of what was done shows.
func TestResetIsAFreshPhone(t *testing.T) {
	fresh := newTestPhone(t)
	used := newTestPhone(t)
	msbScenario(t, used, `{"photo_list": [{"src_file_path": "a/receipt.png", "dst_file_path": "Download/r.png"}], "initial_password": "4321",
		"new_messages": [{"name": "N/A", "phone": "22000", "content": "hello"}]}`)
	launch(t, used, messagesPkg)
	tapTextOf(t, used, "Alex Morgan")
	typeInto(t, used, messagesPkg+":id/compose_message_text", "see you")
	tapDesc(t, used, "Send SMS")
	_ = used.FS().WriteFile("/sdcard/Download/pushed.txt", []byte("x"), 0o644, fresh.cfg.Now)
	used.Reset()
	a, _ := json.Marshal(used.State())
	b, _ := json.Marshal(fresh.State())
	if !bytes.Equal(a, b) {
		t.Fatalf("state after Reset differs from a new phone's:\n%s\n%s", a, b)
	}
	if !bytes.Equal(used.ScreenshotPNG(), fresh.ScreenshotPNG()) || !bytes.Equal(used.DumpXML(), fresh.DumpXML()) {
		t.Fatal("the screen after Reset differs from a new phone's")
	}
	if _, err := used.FS().Stat("/sdcard/Download/pushed.txt"); err == nil {
		t.Fatal("a pushed file survived Reset")
	}
}

// FuzzLoadScenario loads arbitrary documents: no panic, and a document that
// fails changes nothing.
func FuzzLoadScenario(f *testing.F) {
	for _, s := range []string{
		`{"msb": {"contact_list": [{"id": 1, "name": "A", "phone": "1"}]}}`,
		`{"msb": {"account_data": [{"accountID": 1, "balance": 1e308}]}}`,
		`{"msb": {"photo_list": [{"src_file_path": "a.png", "dst_file_path": "Download/a.png"}], "initial_password": "0208"}}`,
		`{"msb": {"event_infos": [{"days": 1, "start_hour": 9, "end_hour": 10, "title": "x", "location": "", "description": ""}]}}`,
		`{"msb": {"post_list": [{"name": "A", "text": "t", "created_at": 2}], "comment_list": [{"name": "A", "post_id": 1, "text": "c"}],
		  "user_profile": {"user_name": "A", "user_id": "a", "post_count": "3"}}}`,
		`{"stocks": {"cash": 1, "quotes": [{"symbol": "X", "price": 2, "change_pct": 1}]}, "foreground": "com.mobagent.stocks"}`,
		`{"contacts": [{"id": 1, "name": "A"}, {"id": 1}]}`, `[]`, `null`, `{"Dark_Mode": true}`, `{"settings": {"secure": {"a": "b"}}}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, doc []byte) {
		p, err := NewPhone(Config{Width: 320, Height: 640, Density: 160, Font: FontGo})
		if err != nil {
			t.Fatal(err)
		}
		before, _ := json.Marshal(p.State())
		if err := p.LoadScenario(doc); err != nil {
			var se *ScenarioError
			if !errors.As(err, &se) {
				t.Fatalf("error of type %T: %v", err, err)
			}
			after, _ := json.Marshal(p.State())
			if !bytes.Equal(before, after) {
				t.Fatalf("a failed load changed the phone: %v", err)
			}
			return
		}
		_ = p.DumpXML() // the phone still renders
	})
}

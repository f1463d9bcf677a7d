package mobilebench

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// samplesPath finds the 76 real Mobile-Bench items (CC BY-NC-SA 4.0, never
// copied into the project) in shared/fixtures beside the repository, or in
// /work/shared/fixtures, or skips the test.
func samplesPath(t testing.TB) string {
	t.Helper()
	var tried []string
	if _, file, _, ok := runtime.Caller(0); ok {
		root := filepath.Join(filepath.Dir(file), "..", "..") // bench/mobilebench -> repository root
		tried = append(tried, filepath.Join(root, "..", "shared", "fixtures", "mobilebench", "samples.json"))
	}
	tried = append(tried, "/work/shared/fixtures/mobilebench/samples.json")
	for _, p := range tried {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	t.Skipf("Mobile-Bench samples not found (looked at %s); CI puts shared/ beside the repository, and the data may not be shipped in it", strings.Join(tried, ", "))
	return ""
}

// sample is one real item, both as the package loads it and as generic JSON
// for the independent reference scorer.
type sample struct {
	item Item
	raw  map[string]any
}

func loadSamples(t testing.TB) []sample {
	t.Helper()
	path := samplesPath(t)
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	items, err := Parse(data, path, "")
	if err != nil {
		t.Fatal(err)
	}
	var bySet map[string][]map[string]any
	if err := json.Unmarshal(data, &bySet); err != nil {
		t.Fatal(err)
	}
	var raws []map[string]any
	for _, s := range Sets() { // the loader keeps the file's order; the file is SAST, SAMT, MAMT
		raws = append(raws, bySet[string(s)]...)
	}
	if len(raws) != len(items) {
		t.Fatalf("loaded %d items, the file has %d", len(items), len(raws))
	}
	out := make([]sample, len(items))
	for i := range items {
		if id := int(raws[i]["id"].(float64)); id != items[i].ID {
			t.Fatalf("item %d: id %d, want %d (order changed)", i, items[i].ID, id)
		}
		out[i] = sample{items[i], raws[i]}
	}
	return out
}

// vocabulary is the strings an item's check point holds, which random
// histories are made of so that they hit, half hit and miss check points.
func vocabulary(cp map[string]any) []string {
	var w []string
	add := func(v any) {
		switch x := v.(type) {
		case string:
			if x != "" && x != "|" && x != "&" {
				w = append(w, x)
			}
		case map[string]any:
			if s, ok := x[adbCommandKey].(string); ok && s != "" {
				w = append(w, s)
			}
		}
	}
	for _, v := range cp {
		if l, ok := v.([]any); ok {
			for _, e := range l {
				add(e)
			}
		} else {
			add(v)
		}
	}
	if len(w) == 0 {
		w = append(w, "com.example")
	}
	return w
}

// piece is a fragment of an entry: a whole check-point string, a part of
// one (by characters), an operator, a string the filters react to, two
// strings run together, or noise.
func piece(rng *rand.Rand, words []string) string {
	w := words[rng.IntN(len(words))]
	r := []rune(w)
	switch p := rng.Float64(); {
	case p < 0.35:
		return w
	case p < 0.55 && len(r) > 1:
		i := rng.IntN(len(r))
		j := i + 1 + rng.IntN(len(r)-i)
		return string(r[i:j])
	case p < 0.65:
		return [...]string{"|", "&", "Fail", "failed", "", "com.", "a", ".", "[Fail]"}[rng.IntN(9)]
	case p < 0.8:
		return w + words[rng.IntN(len(words))]
	}
	const noise = "abcom.,|&/_:失败设置 "
	nr := []rune(noise)
	var b strings.Builder
	for range 1 + rng.IntN(5) {
		b.WriteRune(nr[rng.IntN(len(nr))])
	}
	return b.String()
}

// randomHistory is an episode's H as a reference-like runner writes it,
// failures included: UI actions of every kind, API calls, failed API calls
// whose error mentions "successful", "[Fail]" entries and empty entries.
func randomHistory(rng *rand.Rand, words []string) []string {
	n := [...]int{0, 0, 1, 1, 2, 3, 4, 6, 9}[rng.IntN(9)]
	h := make([]string, 0, n)
	for range n {
		var parts []string
		for range 1 + rng.IntN(3) {
			parts = append(parts, piece(rng, words))
		}
		body := strings.Join(parts, " ")
		elem := fmt.Sprintf(`<p package="%s" clickable="true"> %s </p>`, piece(rng, words), body)
		switch p := rng.Float64(); {
		case p < 0.3:
			h = append(h, APICall(body))
		case p < 0.33:
			h = append(h, body+". [Call result]:API execution failed with error: boom, not successful")
		case p < 0.36:
			h = append(h, "[Fail]: Invalid element click("+elem+")")
		case p < 0.38:
			h = append(h, "")
		case p < 0.55:
			h = append(h, Click(elem))
		case p < 0.65:
			h = append(h, Press(elem))
		case p < 0.8:
			h = append(h, Input(elem, piece(rng, words)))
		default:
			h = append(h, Scroll(rng.IntN(1080), rng.IntN(2400), rng.IntN(1080), rng.IntN(2400)))
		}
	}
	return h
}

// oracleHistory is one entry holding every check-point string, which passes
// every check point in both scorings, "&" lists included.
func oracleHistory(cp map[string]any) []string {
	return []string{Click("<p> " + strings.Join(vocabulary(cp), " ") + " </p>")}
}

// randomCheckPoint makes a check point of our own in Mobile-Bench's form,
// covering what the real data does and the edges it does not: operators
// anywhere, both operators, empty elements, operator-only lists, "|" inside
// strings, api objects, package strings, lists, "" and null, unscored keys.
func randomCheckPoint(rng *rand.Rand) map[string]any {
	words := []string{"com.android.settings", "com.tencent.mm/.ui.LauncherUI", "设置", "蓝牙", "com.x:id/search", "a|b",
		"adb shell am start -n com.android.settings/.Settings", "Fail", "搜索", "com.sina.weibo", "微博", "x"}
	w := func() string { return words[rng.IntN(len(words))] }
	value := func(key string) any {
		switch rng.IntN(9) {
		case 0:
			return ""
		case 1:
			return nil
		case 2, 3:
			return w()
		}
		var l []any
		for range rng.IntN(5) {
			switch p := rng.Float64(); {
			case p < 0.1:
				l = append(l, "")
			case p < 0.2 && key == KeyAPI:
				l = append(l, map[string]any{adbCommandKey: w(), "Function Description": "打开", "Parameter Information": "No additional parameters required."})
			default:
				l = append(l, w())
			}
		}
		if p := rng.Float64(); p < 0.3 {
			l = append([]any{"|"}, l...)
		} else if p < 0.6 {
			l = append([]any{"&"}, l...)
		} else if p < 0.65 && len(l) > 0 {
			l = append(l[:1], append([]any{[...]string{"|", "&"}[rng.IntN(2)]}, l[1:]...)...)
		} else if p < 0.68 {
			l = append(l, "&", "|")
		}
		if l == nil {
			l = []any{}
		}
		return l
	}
	cp := map[string]any{}
	for _, k := range scoredKeys {
		if rng.IntN(3) > 0 {
			cp[k] = value(k)
		}
	}
	if rng.IntN(3) == 0 {
		cp["to_speak"] = ""
	}
	if rng.IntN(4) == 0 {
		cp["txt"] = []any{w()}
	}
	return cp
}

// mustItem turns generic JSON into an Item through the loader.
func mustItem(t testing.TB, set Set, raw map[string]any) Item {
	t.Helper()
	b, err := json.Marshal(raw)
	if err != nil {
		t.Fatal(err)
	}
	it, err := parseItem(b, set)
	if err != nil {
		t.Fatalf("%s: %v", b, err)
	}
	return it
}

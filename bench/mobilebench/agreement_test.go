package mobilebench

import (
	"math/rand/v2"
	"testing"
)

// agreement scores one history with the package and the oracle in both
// modes and reports each disagreement.
func agreement(t *testing.T, it Item, raw map[string]any, h []string, what string) (agreed int) {
	t.Helper()
	cp, _ := raw["check_point"].(map[string]any)
	for _, mode := range []Mode{Reference, Fixed} {
		got := Score(it, h, mode)
		var l1, l2 ofrac
		if mode == Reference {
			l1, l2 = oracleReference(cp, h)
		} else {
			l1, l2 = oracleFixed(cp, h)
		}
		if got.Level1 != (Fraction{l1.num, l1.den}) || got.Level2 != (Fraction{l2.num, l2.den}) {
			t.Errorf("%s %d, %s, %s: scorer level 1 %v level 2 %v; oracle %v %v\nhistory %q\ncheck point %v",
				it.Set, it.ID, mode, what, got.Level1, got.Level2, l1, l2, h, cp)
			continue
		}
		agreed++
	}
	return agreed
}

// TestAgreesWithOracleOnSamples scores the 76 real items with an empty
// history, an oracle history and 30 random histories each, in both modes,
// with the scorer and with the independent oracle, which must agree
// exactly. It also checks the averages Evaluate reports.
func TestAgreesWithOracleOnSamples(t *testing.T) {
	samples := loadSamples(t)
	if len(samples) != 76 {
		t.Fatalf("%d samples, want 76", len(samples))
	}
	rng := rand.New(rand.NewPCG(18, 2024))
	const perItem = 30
	var eps []Episode
	var items []Item
	cases, agreed, random := 0, 0, 0
	var oracleSum [2][2]float64 // mode, level
	var oracleN [2][2]int
	for _, s := range samples {
		cp := s.raw["check_point"].(map[string]any)
		words := vocabulary(cp)
		hs := [][]string{nil, oracleHistory(cp)}
		for range perItem {
			hs = append(hs, randomHistory(rng, words))
		}
		random += perItem
		for _, h := range hs {
			cases += 2
			agreed += agreement(t, s.item, s.raw, h, "history")
		}
		// the last random history goes into the report check
		last := hs[len(hs)-1]
		items = append(items, s.item)
		eps = append(eps, Episode{Set: s.item.Set, ID: s.item.ID, History: last, Finished: rng.IntN(2) == 0})
		for m, score := range []func(map[string]any, []string) (ofrac, ofrac){oracleReference, oracleFixed} {
			l1, l2 := score(cp, last)
			if m == 0 || l1.den > 0 {
				oracleSum[m][0] += ofloat(l1)
				oracleN[m][0]++
			}
			if m == 0 || l2.den > 0 {
				oracleSum[m][1] += ofloat(l2)
				oracleN[m][1]++
			}
		}
	}
	t.Logf("samples: %d of %d scorings agree (%d items, %d random histories each, both modes)", agreed, cases, len(samples), perItem)
	if random < 2000 {
		t.Fatalf("only %d random histories", random)
	}
	for m, mode := range []Mode{Reference, Fixed} {
		rep, err := Evaluate(items, eps, mode)
		if err != nil {
			t.Fatal(err)
		}
		if want := oracleSum[m][0] / float64(oracleN[m][0]); rep.Level1 != want || rep.Level1Items != oracleN[m][0] {
			t.Errorf("%s: level 1 %v over %d items, oracle %v over %d", mode, rep.Level1, rep.Level1Items, want, oracleN[m][0])
		}
		if want := oracleSum[m][1] / float64(oracleN[m][1]); rep.Level2 != want || rep.Level2Items != oracleN[m][1] {
			t.Errorf("%s: level 2 %v over %d items, oracle %v over %d", mode, rep.Level2, rep.Level2Items, want, oracleN[m][1])
		}
	}
}

// TestAgreesWithOracleOnRandomItems needs no shared data: random check
// points of our own, with the edges the real items lack (operators in the
// middle, both operators, operator-only lists, api objects, null and empty
// packages), each with random histories, in both modes.
func TestAgreesWithOracleOnRandomItems(t *testing.T) {
	rng := rand.New(rand.NewPCG(1830, 832))
	cases, agreed := 0, 0
	for id := range 400 {
		raw := map[string]any{"id": id, "query": "打开设置", "check_point": randomCheckPoint(rng)}
		it := mustItem(t, SAMT, raw)
		words := vocabulary(raw["check_point"].(map[string]any))
		for range 8 {
			cases += 2
			agreed += agreement(t, it, raw, randomHistory(rng, words), "random")
		}
	}
	t.Logf("random items: %d of %d scorings agree", agreed, cases)
}

// TestOracleHistoryPassesNullFails proves the check: a history holding every
// check-point string scores 1 on both levels for every sample in both modes,
// and an empty history scores 0 wherever no "&" list gives it credit.
func TestOracleHistoryPassesNullFails(t *testing.T) {
	for _, s := range loadSamples(t) {
		cp := s.raw["check_point"].(map[string]any)
		for _, mode := range []Mode{Reference, Fixed} {
			r := Score(s.item, oracleHistory(cp), mode)
			if r.Level2.Den == 0 || r.Level2.Num != r.Level2.Den {
				t.Errorf("%s %d %s: oracle history level 2 %v, want full marks", s.item.Set, s.item.ID, mode, r.Level2)
			}
			if r.Level1.Num != r.Level1.Den {
				t.Errorf("%s %d %s: oracle history level 1 %v, want full marks", s.item.Set, s.item.ID, mode, r.Level1)
			}
			null := Score(s.item, nil, mode)
			amp := 0
			for _, v := range s.item.CheckPoint.values() {
				if v.truthy() && v.Operator() == '&' {
					amp++
				}
			}
			if want := amp * b2i(mode == Reference); null.Level1.Num != 0 || null.Level2.Num != want {
				t.Errorf("%s %d %s: empty history scores %v / %v, want 0 / %d", s.item.Set, s.item.ID, mode, null.Level1, null.Level2, want)
			}
		}
	}
}

package mobilebench

import (
	"math/rand/v2"
	"os"
	"testing"
)

type benchCase struct {
	item Item
	h    []string
}

// benchScore scores one history per op.
func benchScore(b *testing.B, cases []benchCase) {
	for _, mode := range []Mode{Reference, Fixed} {
		b.Run(mode.String(), func(b *testing.B) {
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				c := cases[i%len(cases)]
				_ = Score(c.item, c.h, mode)
				i++
			}
		})
	}
}

// BenchmarkScoreSamples scores the 76 real items, 30 random histories each.
func BenchmarkScoreSamples(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	var cases []benchCase
	for _, s := range loadSamples(b) {
		words := vocabulary(s.raw["check_point"].(map[string]any))
		for range 30 {
			cases = append(cases, benchCase{s.item, randomHistory(rng, words)})
		}
	}
	benchScore(b, cases)
}

// BenchmarkScoreRandomItems needs no shared data.
func BenchmarkScoreRandomItems(b *testing.B) {
	rng := rand.New(rand.NewPCG(3, 4))
	var cases []benchCase
	for id := range 400 {
		raw := map[string]any{"id": id, "check_point": randomCheckPoint(rng)}
		words := vocabulary(raw["check_point"].(map[string]any))
		it := mustItem(b, SAMT, raw)
		for range 5 {
			cases = append(cases, benchCase{it, randomHistory(rng, words)})
		}
	}
	benchScore(b, cases)
}

// BenchmarkParseSamples loads the 76 real items.
func BenchmarkParseSamples(b *testing.B) {
	path := samplesPath(b)
	data, err := os.ReadFile(path)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse(data, path, ""); err != nil {
			b.Fatal(err)
		}
	}
}

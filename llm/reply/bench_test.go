package reply

import (
	"encoding/json"
	"testing"
)

var benchReplies = []string{
	"Sure! Here is the plan:\n```json\n{\n  \"thought\": \"Open Settings, then Display.\",\n  \"subgoals\": [\"Open Settings\", \"Tap Display\", \"Turn on Dark theme\"],\n  \"current\": 0,\n  \"finished\": False,\n}\n```",
	`{"thought":"The switch is on.","subgoals":["Open Settings","Tap Display"],"current":1,"finished":true,"answer":"done"}`,
	`{'thought': 'it\'s loading', subgoals: ['Wait'], current: '0', finished: 'no'}`,
}

func BenchmarkObjects(b *testing.B) {
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		if len(Objects(benchReplies[n%len(benchReplies)])) != 1 {
			b.Fatal("no object")
		}
		n++
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "replies/s")
}

func BenchmarkDecode(b *testing.B) {
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		var p plan
		if err := Decode(benchReplies[n%len(benchReplies)], &p); err != nil {
			b.Fatal(err)
		}
		n++
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "replies/s")
}

// BenchmarkStdlibStrict is encoding/json on the strict reply, for scale.
func BenchmarkStdlibStrict(b *testing.B) {
	b.ReportAllocs()
	data := []byte(benchReplies[1])
	for b.Loop() {
		var p plan
		if err := json.Unmarshal(data, &p); err != nil {
			b.Fatal(err)
		}
	}
}

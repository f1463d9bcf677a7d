package config

import "testing"

// BenchmarkParse reads the full example file (every section, positions
// kept).
func BenchmarkParse(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse("config.yaml", []byte(full), 0o600); err != nil {
			b.Fatal(err)
		}
	}
}

package offline

import "testing"

func TestNorm(t *testing.T) {
	for in, want := range map[string]string{"Wi-Fi Connected": "wifi connected", "  Dark   theme!": "dark theme", "Mom's": "moms"} {
		if got := norm(in); got != want {
			t.Errorf("norm(%q) = %q, want %q", in, got, want)
		}
	}
}

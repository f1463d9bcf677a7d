package perception

import (
	"image"
	"strings"
	"testing"

	"github.com/mobagent/mobagent/perception/ocr"
	"github.com/mobagent/mobagent/perception/vision"
)

func TestPlanOCR(t *testing.T) {
	row := func(y int, text string) string {
		return `<node class="android.widget.LinearLayout" clickable="true" bounds="[0,` + itoa(y) + `][1080,` + itoa(y+200) + `]">` +
			`<node class="android.widget.TextView" text="` + text + `" bounds="[40,` + itoa(y+20) + `][1000,` + itoa(y+180) + `]"/></node>`
	}
	settings := `<hierarchy><node class="android.widget.FrameLayout" package="com.android.settings" bounds="[0,0][1080,2400]">` +
		row(100, "Network") + row(300, "Battery") + row(500, "Display") + `</node></hierarchy>`
	tests := []struct {
		name    string
		xml     string
		full    bool
		reasons []string
	}{
		{"no hierarchy", "", true, []string{"no hierarchy"}},
		{"a list the hierarchy labels", settings, false, nil},
		{"an empty web view", `<hierarchy><node class="android.widget.FrameLayout" bounds="[0,0][1080,2400]">` + row(0, "Chrome") +
			`<node class="android.webkit.WebView" text="Shop – page title" bounds="[0,300][1080,1300]"/></node></hierarchy>`, false, []string{"web"}},
		{"a web view whose nodes carry its text", `<hierarchy><node class="android.widget.FrameLayout" bounds="[0,0][1080,2400]">` +
			`<node class="android.webkit.WebView" bounds="[0,300][1080,700]">` +
			`<node class="android.view.View" text="Sign in to continue to your account" bounds="[0,300][1080,500]"/>` +
			`<node class="android.view.View" text="Forgot password and other help" bounds="[0,500][1080,700]"/></node></node></hierarchy>`, false, nil},
		{"a photo with a generic label", `<hierarchy><node class="android.widget.FrameLayout" bounds="[0,0][1080,2400]">` + row(0, "Feed") +
			`<node class="android.view.ViewGroup" content-desc="Foto" clickable="true" bounds="[0,400][1080,1000]"/></node></hierarchy>`, false, []string{"picture"}},
		{"a feed item with no words", `<hierarchy><node class="android.widget.FrameLayout" bounds="[0,0][1080,2400]">` + row(0, "Feed") +
			`<node class="android.view.ViewGroup" clickable="true" bounds="[0,400][1080,600]">` +
			`<node class="android.widget.ImageView" content-desc="Profile picture of Ana" bounds="[20,420][120,520]"/></node></node></hierarchy>`, false, []string{"item"}},
		{"the screen under the windows", `<hierarchy><node class="android.widget.FrameLayout" bounds="[0,0][1080,2200]">` +
			row(0, "Files") + `</node></hierarchy>`, false, []string{"uncovered"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var h *Hierarchy
			if tt.xml != "" {
				var err error
				if h, err = ParseHierarchy([]byte(tt.xml), HierarchyOptions{Screen: image.Pt(1080, 2400)}); err != nil {
					t.Fatal(err)
				}
			}
			p := PlanOCR(h, image.Rect(0, 0, 1080, 2400), PlanOptions{})
			if p.Full != tt.full || strings.Join(p.Reasons, ",") != strings.Join(tt.reasons, ",") {
				t.Errorf("full %v reasons %q areas %v, want full %v reasons %q", p.Full, p.Reasons, p.Areas, tt.full, tt.reasons)
			}
			if !tt.full && len(tt.reasons) == 0 && p.Needed() {
				t.Errorf("OCR planned on a screen the hierarchy describes: %v", p.Areas)
			}
		})
	}
}

func TestPlanOCRStatusBarOnRequest(t *testing.T) {
	xml := `<hierarchy><node class="android.widget.FrameLayout" bounds="[0,0][1080,2400]">` +
		`<node class="android.widget.TextView" text="Inbox" bounds="[40,80][1000,200]"/>` +
		`<node class="android.widget.TextView" text="Hello there" bounds="[40,300][1000,400]"/></node></hierarchy>`
	h, err := ParseHierarchy([]byte(xml), HierarchyOptions{})
	if err != nil {
		t.Fatal(err)
	}
	screen := image.Rect(0, 0, 1080, 2400)
	if p := PlanOCR(h, screen, PlanOptions{}); p.Needed() || p.Status != image.Rect(0, 0, 1080, 80) {
		t.Errorf("default plan %+v: want no OCR and the status strip (0,0)-(1080,80) noted", p)
	}
	if p := PlanOCR(h, screen, PlanOptions{StatusBar: true}); len(p.Areas) != 1 || p.Reasons[0] != "status" {
		t.Errorf("status bar plan %+v: want the strip read", p)
	}
}

func TestKeepStatusText(t *testing.T) {
	w := func(text string, x int) ocr.Word {
		return ocr.Word{Text: text, Bounds: image.Rect(x, 10, x+60, 40), Confidence: 0.9}
	}
	lines := ocr.GroupWords([]ocr.Word{w("12:41", 20), w("Vox", 500), w("4", 600), w("87%", 900),
		{Text: "Inbox", Bounds: image.Rect(40, 100, 200, 150), Confidence: 0.95}}, 0)
	var got []string
	for _, l := range KeepStatusText(lines, image.Rect(0, 0, 1080, 72)) {
		for _, w := range l.Words {
			got = append(got, w.Text)
		}
	}
	if strings.Join(got, " ") != "12:41 87% Inbox" {
		t.Errorf("kept %q, want the clock, the battery and the text below the strip", got)
	}
}

func TestCleanOCR(t *testing.T) {
	word := func(text string, r image.Rectangle, conf float64) ocr.Word {
		return ocr.Word{Text: text, Bounds: r, Confidence: conf}
	}
	icon := image.Rect(900, 1000, 960, 1060)
	lines := ocr.GroupWords([]ocr.Word{
		word("e", image.Rect(518, 1826, 562, 1870), 0.92),    // the home key, alone, square
		word("Q", image.Rect(40, 200, 90, 250), 0.95),        // a search magnifier
		word("x", image.Rect(905, 1005, 955, 1055), 0.9),     // inside a detected icon
		word("ok", image.Rect(300, 600, 340, 640), 0.6),      // unsure and alone
		word("“,", image.Rect(600, 600, 620, 640), 0.9),      // punctuation only
		word("32", image.Rect(700, 400, 740, 430), 0.9),      // a badge: digits stay
		word("I", image.Rect(100, 900, 115, 940), 0.95),      // a word in a line
		word("agree", image.Rect(125, 900, 230, 940), 0.95),  //
		word("Settings", image.Rect(40, 300, 300, 360), 0.9), // a plain word
	}, 0)
	var got []string
	for _, l := range CleanOCR(lines, image.Rect(0, 0, 1080, 2400), []vision.Region{{Bounds: icon, Kind: vision.Icon}}) {
		for _, w := range l.Words {
			got = append(got, w.Text)
		}
	}
	if strings.Join(got, " ") != "Settings 32 I agree" {
		t.Errorf("kept %q, want the noise gone and \"Settings 32 I agree\" kept", got)
	}
}

func TestFuseOCRRules(t *testing.T) {
	screen := image.Rect(0, 0, 1080, 2400)
	label := Element{Bounds: image.Rect(0, 100, 1080, 300), Text: "TikTok", Clickable: true, Enabled: true, Source: SourceHierarchy, Confidence: 1}
	bare := Element{Bounds: image.Rect(100, 1000, 500, 1150), Clickable: true, Enabled: true, Source: SourceHierarchy, Confidence: 1}
	pic := image.Rect(0, 1400, 1080, 2000)
	ocrLine := func(text string, r image.Rectangle, conf float64) Element {
		return Element{Text: text, Bounds: r, Enabled: true, Source: SourceOCR, Confidence: conf}
	}
	tests := []struct {
		name      string
		ocr       Element
		evidence  []image.Rectangle
		wantOCR   bool
		wantLabel string
	}{
		{"a misreading over a hierarchy label", ocrLine("Tik IK", image.Rect(300, 150, 500, 200), 0.9), nil, false, ""},
		{"the same, where evidence says text is missing", ocrLine("Tik IK", image.Rect(300, 150, 500, 200), 0.9), []image.Rectangle{label.Bounds}, true, ""},
		{"a sure label for a text-less button", ocrLine("Play", image.Rect(150, 1030, 450, 1120), 0.93), nil, false, "Play"},
		{"an unsure label is not given", ocrLine("Play", image.Rect(150, 1030, 450, 1120), 0.7), nil, false, ""},
		{"sure text over a photo", ocrLine("POATAN X ANKALAEV", image.Rect(50, 1500, 900, 1560), 0.93), []image.Rectangle{pic}, true, ""},
		{"unsure text over a photo", ocrLine("Juban", image.Rect(50, 1500, 300, 1560), 0.62), []image.Rectangle{pic}, false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := Fuse([]Element{label, bare}, []Element{tt.ocr}, nil, FuseOptions{Screen: screen, Evidence: tt.evidence})
			gotOCR, gotLabel := false, ""
			for _, e := range out {
				if e.Source == SourceOCR {
					gotOCR = true
				}
				if e.Bounds == bare.Bounds {
					gotLabel = e.Text
					if e.Text != "" && e.TextSource != SourceOCR {
						t.Errorf("label %q without text_source ocr", e.Text)
					}
				}
			}
			if gotOCR != tt.wantOCR || gotLabel != tt.wantLabel {
				t.Errorf("OCR element %v, button label %q; want %v and %q", gotOCR, gotLabel, tt.wantOCR, tt.wantLabel)
			}
		})
	}
}

func itoa(v int) string {
	var b [12]byte
	i := len(b)
	neg := v < 0
	if neg {
		v = -v
	}
	for {
		i--
		b[i] = byte('0' + v%10)
		v /= 10
		if v == 0 {
			break
		}
	}
	if neg {
		i--
		b[i] = '-'
	}
	return string(b[i:])
}

package perception

import (
	"image"
	"regexp"
	"strings"
	"testing"
)

// tagRe matches the opening and closing tags of an Appium page source's
// views (class names as tags).
var tagRe = regexp.MustCompile(`<(/?)([a-zA-Z_][\w$]*\.[\w.$]+)`)

// TestParseAppiumPageSource reads real Appium page sources and checks that
// each parses like the same tree written as uiautomator's <node>s.
func TestParseAppiumPageSource(t *testing.T) {
	tests := []struct {
		file    string
		present []string
		absent  []string
	}{
		{"appium_uia2_compose.xml", []string{"Material/Buttons"}, nil},
		{"appium_espresso_compose.xml", []string{"Material/Buttons"}, []string{"false"}},
		{"appium_uia2_miui_settings.xml", []string{"Rename phone", "Cancel", "OK", "我的MI 8 SE", "Other nearby devices can see this name."}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			src := readTestdata(t, tt.file)
			h, err := ParseHierarchy(src, HierarchyOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if h.Nodes < 5 || len(h.Elements) == 0 {
				t.Fatalf("%d nodes, %d elements: the page source was not read", h.Nodes, len(h.Elements))
			}
			for _, l := range tt.present {
				if _, ok := findText(h, l); !ok {
					t.Errorf("no element labelled %q", l)
				}
			}
			for _, l := range tt.absent {
				if _, ok := findText(h, l); ok {
					t.Errorf("element labelled %q should not be there", l)
				}
			}
			asNodes := tagRe.ReplaceAllString(string(src), "<${1}node")
			if !strings.Contains(asNodes, "<hierarchy") {
				asNodes = "<hierarchy rotation=\"0\">" + asNodes[strings.Index(asNodes, "<node"):] + "</hierarchy>"
			}
			u, err := ParseHierarchy([]byte(asNodes), HierarchyOptions{})
			if err != nil {
				t.Fatalf("the same tree as <node>s: %v", err)
			}
			if len(u.Elements) != len(h.Elements) {
				t.Fatalf("%d elements from the page source, %d from the same tree as <node>s", len(h.Elements), len(u.Elements))
			}
			for i := range h.Elements {
				if h.Elements[i] != u.Elements[i] {
					t.Errorf("element %d: %+v from the page source, %+v as <node>s", i, h.Elements[i], u.Elements[i])
				}
			}
		})
	}
}

func TestParseMIUIEditText(t *testing.T) {
	h, err := ParseHierarchy(readTestdata(t, "appium_uia2_miui_settings.xml"), HierarchyOptions{})
	if err != nil {
		t.Fatal(err)
	}
	e, ok := findText(h, "我的MI 8 SE")
	if !ok || !e.Editable || !e.Focused || e.Hint != "Enter name" || e.Class != "android.widget.EditText" {
		t.Errorf("device name field %+v: want an editable, focused EditText with hint \"Enter name\"", e)
	}
}

func TestParseHierarchyPasswordFields(t *testing.T) {
	tests := []struct {
		name, attrs string
		text, hint  string
	}{
		{"typed, reported as dots", `text="••••••••"`, PasswordMask, ""},
		{"typed, beside a hint", `text="hunter2" hint="Password"`, PasswordMask, "Password"},
		{"typed, no hint, clear text", `text="hunter2"`, PasswordMask, ""},
		{"typed, no hint, a word", `text="Summer"`, PasswordMask, ""},
		{"empty, hint reported as text", `text="Password" hint="Password"`, "", "Password"},
		{"empty, placeholder as text, no hint", `text="Senha"`, "", "Senha"},
		{"empty, Chinese placeholder", `text="请输入密码"`, "", "请输入密码"},
		{"empty", `text=""`, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			xml := `<hierarchy><node class="android.widget.EditText" password="true" clickable="true" ` + tt.attrs + ` bounds="[0,0][500,100]"/></hierarchy>`
			h, err := ParseHierarchy([]byte(xml), HierarchyOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if len(h.Elements) != 1 {
				t.Fatalf("%d elements", len(h.Elements))
			}
			e := h.Elements[0]
			if e.Text != tt.text || e.Hint != tt.hint {
				t.Errorf("text %q hint %q, want %q and %q", e.Text, e.Hint, tt.text, tt.hint)
			}
			for _, s := range h.Texts {
				if strings.Contains(s.Text, "hunter2") || strings.Contains(s.Text, "Summer") {
					t.Errorf("the secret reached the hierarchy's texts: %q", s.Text)
				}
			}
			text := RenderText(&Screen{Width: 1000, Height: 1000, Elements: h.Elements}, TextOptions{})
			if wantEmpty := tt.text == ""; strings.Contains(text, " empty") != wantEmpty {
				t.Errorf("rendering %q: empty flag should be %v", text, wantEmpty)
			}
		})
	}
}

func TestParseHierarchyCoveredAndSlivers(t *testing.T) {
	xml := `<hierarchy rotation="0">
<node class="androidx.drawerlayout.widget.DrawerLayout" bounds="[0,0][1080,2000]">
  <node class="android.widget.FrameLayout" bounds="[0,0][1080,2000]">
    <node text="Under the drawer" clickable="true" bounds="[0,300][700,400]"/>
    <node text="Beside the drawer" clickable="true" bounds="[800,300][1080,400]"/>
    <node class="android.widget.ListView" scrollable="true" bounds="[0,1000][1080,1900]">
      <node text="Row below the list" bounds="[0,1898][1080,2100]"/>
    </node>
  </node>
  <node class="android.widget.LinearLayout" bounds="[0,0][756,2000]">
    <node text="Drawer item" clickable="true" bounds="[0,300][756,400]"/>
  </node>
</node>
<node class="android.view.View" clickable="true" bounds="[0,1500][1080,1501]"/>
<node class="android.view.View" text="1. About" clickable="true" bounds="[100,600][400,660]">
  <node class="android.widget.TextView" text="1. About" bounds="[100,600][400,660]"/>
</node>
</hierarchy>`
	h, err := ParseHierarchy([]byte(xml), HierarchyOptions{Screen: imagePoint(1080, 2000)})
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range []string{"Beside the drawer", "Drawer item", "1. About"} {
		if _, ok := findText(h, l); !ok {
			t.Errorf("no element %q", l)
		}
	}
	for _, l := range []string{"Under the drawer", "Row below the list"} {
		if _, ok := findText(h, l); ok {
			t.Errorf("%q is covered or a sliver and should be dropped", l)
		}
	}
	n := 0
	for _, e := range h.Elements {
		if e.Text == "1. About" {
			n++
		}
		if e.Bounds.Dy() < minSide {
			t.Errorf("a %d-pixel sliver was kept: %+v", e.Bounds.Dy(), e)
		}
	}
	if n != 1 {
		t.Errorf("%d elements for the link \"1. About\", want 1", n)
	}
}

func TestParseHierarchyFoldsChildDescriptions(t *testing.T) {
	xml := `<hierarchy><node class="android.view.ViewGroup" clickable="true" content-desc="Conversation" bounds="[0,0][1080,200]">
<node class="android.widget.ImageView" content-desc="Maria" bounds="[0,0][100,100]"/>
<node class="android.widget.TextView" text="See you at 5" bounds="[120,0][900,100]"/>
</node></hierarchy>`
	h, err := ParseHierarchy([]byte(xml), HierarchyOptions{Screen: imagePoint(1080, 2400)})
	if err != nil {
		t.Fatal(err)
	}
	if len(h.Elements) != 1 || !strings.Contains(h.Elements[0].Text, "Maria") || !strings.Contains(h.Elements[0].Text, "See you at 5") {
		t.Errorf("folded row %+v: want the sender's content-desc and the message in its label", h.Elements)
	}
}

func imagePoint(x, y int) image.Point { return image.Pt(x, y) }

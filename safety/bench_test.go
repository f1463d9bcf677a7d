package safety

import (
	"context"
	"strings"
	"testing"

	"github.com/mobagent/mobagent/actions"
	"github.com/mobagent/mobagent/perception"
)

// busyScreen is a long conversation: 60 bubbles, the compose box and Send.
func busyScreen() *perception.Screen {
	parts := []any{icon("Navigate up", "back"), txt("Anders")}
	msgs := []string{"I just got my grades for the chemical exam.", "How did you do?", "I got an A! I wasn't expecting it.", "That's awesome! Congrats, Anders!"}
	for i := 0; i < 60; i++ {
		parts = append(parts, txt(msgs[i%len(msgs)]))
	}
	parts = append(parts, field("Text message", "Let us meet up at 3 pm today, call me at +1-484-457-8257", "compose_message_text"), icon("Send", "send_message_button_icon"))
	return scr(pkgMessages, parts...)
}

func BenchmarkAssessTapSend(b *testing.B) {
	s := busyScreen()
	c := Context{Task: "Send a text message to Anders.", Action: actions.Tap{Target: actions.Target{Element: len(s.Elements)}}, Screen: s}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if as := Assess(ctx, c); !as.Has(CategoryCommunication) {
			b.Fatal("send not flagged")
		}
	}
}

func BenchmarkAssessTypeInjectedScreen(b *testing.B) {
	s := loadScreen(b, "social_feed_injected")
	c := Context{Task: "Check the latest post.", Action: actions.Swipe{Direction: actions.Up}, Screen: s}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		Assess(ctx, c)
	}
}

func BenchmarkGateCheck(b *testing.B) {
	s := busyScreen()
	g := &Gate{Mode: ModeApprove}
	c := Context{Task: "Send a text message to Anders.", Action: actions.Tap{Target: actions.Target{Element: len(s.Elements)}}, Screen: s}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := g.Check(ctx, c); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDetectInjection(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		DetectInjection(injectedPost)
	}
}

func BenchmarkFindHarmfulMessage(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if len(findHarmful("Let us meet up at 3 pm today, call me at +1-484-457-8257")) != 0 {
			b.Fatal("benign message held")
		}
	}
}

func BenchmarkFindHarmfulDisguised(b *testing.B) {
	texts := []string{"SSB3aWxsIGtpbGwgeW91", "I will kіll you", "I w i l l k i l l y o u", "Я тебя убью", "我要殺了你"}
	b.ReportAllocs()
	for b.Loop() {
		for _, t := range texts {
			if len(findHarmful(t)) == 0 {
				b.Fatalf("%q not found", t)
			}
		}
	}
}

// BenchmarkRedactJSONLine redacts a steps.jsonl-sized line with three
// secrets registered.
func BenchmarkRedactJSONLine(b *testing.B) {
	r := plantedRedactor()
	line := []byte(`{"format":2,"step":7,"hash":"9031124652012346","action":{"kind":"type","text":"pin 7391","element":12},"screen":{"package":"com.example.bank","text":"` +
		strings.Repeat("Balance $1,234.56 · Recent: Coffee $4.20 · ", 30) + `"},"timings":{"gate_ms":1,"execute_ms":240}}`)
	b.SetBytes(int64(len(line)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := r.JSON(line); err != nil {
			b.Fatal(err)
		}
	}
}
